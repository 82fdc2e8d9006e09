//! 模板下载 — a department's template as an XLSX workbook: a sheet 数据 with the
//! Chinese headers (ID and code columns formatted as text, so Excel keeps every
//! digit), and a sheet 说明 that explains each column in both languages, with an
//! example, the values it may take and the other headers it is known by.

use domain::policy::Policy;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{Column, Shape, Template};

/// The template's workbook, as the bytes of an XLSX file; the value names it
/// lists are those `policy`'s indicators read.
pub fn template_workbook(template: &Template, policy: &Policy) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");

    let data = workbook.add_worksheet().set_name("数据")?;
    for (i, column) in template.columns.iter().enumerate() {
        let i = i as u16;
        data.write_string_with_format(0, i, column.header(), &bold)?;
        data.set_column_width(i, 18)?;
        if column.is_text() {
            data.set_column_format(i, &text)?;
        }
    }

    let notes = workbook.add_worksheet().set_name("说明")?;
    let headers = [
        "列名 Column",
        "说明",
        "Explanation",
        "示例 Example",
        "可选值 Values",
        "也可作表头 Also headed",
    ];
    for (i, header) in headers.iter().enumerate() {
        notes.write_string_with_format(0, i as u16, *header, &bold)?;
    }
    for (width, i) in [(16, 0), (50, 1), (60, 2), (20, 3), (40, 4), (30, 5)] {
        notes.set_column_width(i, width)?;
    }
    for (i, column) in template.columns.iter().enumerate() {
        let row = i as u32 + 1;
        let explanation = column.explanation();
        notes.write_string(row, 0, column.header())?;
        notes.write_string(row, 1, &explanation.zh)?;
        notes.write_string(row, 2, &explanation.en)?;
        notes.write_string(row, 3, example(template, *column))?;
        notes.write_string(row, 4, values(template, *column, policy))?;
        notes.write_string(row, 5, column.aliases().join("、"))?;
    }
    workbook.save_to_buffer()
}

/// The example of a column in this template (the category's is its first value).
pub(crate) fn example(template: &Template, column: Column) -> &'static str {
    match (column, template.categories().first()) {
        (Column::Category, Some(first)) => first.label,
        _ => column.example(),
    }
}

fn values(template: &Template, column: Column, policy: &Policy) -> String {
    match (column, &template.shape) {
        (Column::ValueName, _) => policy
            .value_names()
            .into_iter()
            .collect::<Vec<_>>()
            .join("、"),
        (Column::Category, Shape::PersonFact(categories)) => categories
            .iter()
            .map(|c| c.label)
            .collect::<Vec<_>>()
            .join("、"),
        (Column::Housing, _) => "集中居住区、出租私房、单位宿舍、自购房".into(),
        (Column::School, _) => "公办学校、民办学校、民工子弟学校".into(),
        _ => String::new(),
    }
}
