//! 表格文件 — an indicator table as CSV (UTF-8 with a byte-order mark, so that Excel
//! in a Chinese locale opens it right) or as XLSX, with Chinese and English headers.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::cell::safe_cell;
use super::table::{Figure, IndicatorTable, band_text};

const HEADERS: [&str; 9] = [
    "指标 Indicator",
    "名称 Name",
    "单位代码 Unit",
    "单位 Unit name",
    "分子 Numerator",
    "分母 Denominator",
    "值 Value",
    "目标 Target",
    "档 Band",
];

fn cells(table: &IndicatorTable) -> impl Iterator<Item = [Cell; 9]> + '_ {
    table.rows.iter().map(|row| {
        [
            Cell::Text(row.indicator.clone()),
            Cell::Text(row.name.clone()),
            Cell::Text(row.unit.to_string()),
            Cell::Text(row.unit_name.clone()),
            Cell::Figure(row.numerator.clone()),
            Cell::Figure(row.denominator.clone()),
            Cell::Figure(row.value.clone()),
            Cell::Figure(row.target.clone()),
            Cell::Text(band_text(row.band).to_owned()),
        ]
    })
}

enum Cell {
    Text(String),
    Figure(Figure),
}

/// The table as CSV text, starting with a byte-order mark.
pub fn csv_text(table: &IndicatorTable) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let write = |writer: &mut csv::Writer<Vec<u8>>, record: Vec<String>| {
        writer.write_record(record).expect("writing to memory");
    };
    write(
        &mut writer,
        HEADERS.iter().map(|h| (*h).to_owned()).collect(),
    );
    for row in cells(table) {
        write(
            &mut writer,
            row.iter()
                .map(|cell| match cell {
                    Cell::Text(text) => safe_cell(text).into_owned(),
                    Cell::Figure(figure) => figure.text(),
                })
                .collect(),
        );
    }
    let bytes = writer.into_inner().expect("writing to memory");
    format!(
        "\u{feff}{}",
        String::from_utf8(bytes).expect("the cells are text")
    )
}

/// The table as the bytes of an XLSX file: numbers as numbers, text as text
/// (never a formula), suppressed counts as `<N`.
pub fn xlsx_bytes(table: &IndicatorTable) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook
        .add_worksheet()
        .set_name(format!("指标 {}", table.as_of))?;
    for (i, header) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *header, &bold)?;
        sheet.set_column_width(i as u16, if i == 1 { 30 } else { 14 })?;
    }
    for (r, row) in cells(table).enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(text) => sheet.write_string(r, c, text)?,
                Cell::Figure(figure) => match figure.number() {
                    Some(n) => sheet.write_number(r, c, n)?,
                    None => sheet.write_string(r, c, figure.text())?,
                },
            };
        }
    }
    workbook.save_to_buffer()
}
