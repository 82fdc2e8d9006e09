//! 错误报告 — the bad rows of an import as an XLSX workbook: row number, column,
//! and the reason in Chinese and in English, one row each.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use domain::event::RowError;

/// The rows of `errors` as the bytes of an XLSX file.
pub fn errors_workbook(errors: &[RowError]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet().set_name("错误")?;
    let headers = ["行号 Row", "列 Column", "原因", "Reason"];
    for (i, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *header, &bold)?;
    }
    for (i, width) in [10, 18, 50, 60].into_iter().enumerate() {
        sheet.set_column_width(i as u16, width)?;
    }
    for (i, error) in errors.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, error.row as f64)?;
        // Strings are written as strings: nothing in a cell becomes a formula.
        sheet.write_string(row, 1, &error.column)?;
        sheet.write_string(row, 2, &error.zh)?;
        sheet.write_string(row, 3, &error.en)?;
    }
    workbook.save_to_buffer()
}
