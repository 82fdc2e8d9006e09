//! 错误报告 — the bad rows of an import as an XLSX workbook. Its first sheet,
//! 错误, has one line per reason: row number, column, and the reason in Chinese
//! and in English. Its second, 待改行, has the refused rows as the file gave
//! them under the template's headers, each with its row number and reasons
//! beside it: put right there, the sheet is a file to import again (the reader
//! takes the first sheet with the template's header, and leaves the row number
//! and reasons out as columns of no template). A file may refuse every one of
//! a million rows: each sheet is written row by row into an anonymous
//! temporary file (`rust_xlsxwriter`'s constant memory mode; the system
//! removes it with the process, whenever that ends) rather than kept in memory.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use domain::event::{RefusedRow, RowError};

use crate::template::Template;

/// The bad rows of a run of `template`'s files, `errors` and `rows`, as the
/// bytes of an XLSX file.
pub fn errors_workbook(
    template: &Template,
    errors: &[RowError],
    rows: &[RefusedRow],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook
        .add_worksheet_with_constant_memory()?
        .set_name("错误")?;
    headers(sheet, &["行号 Row", "列 Column", "原因", "Reason"], &bold)?;
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
    if !rows.is_empty() {
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        refused_rows(sheet, template, errors, rows, &bold)?;
    }
    workbook.save_to_buffer()
}

/// The sheet 待改行: the row number, the template's columns, the reasons.
fn refused_rows(
    sheet: &mut Worksheet,
    template: &Template,
    errors: &[RowError],
    rows: &[RefusedRow],
    bold: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("待改行")?;
    let mut titles = vec!["原行号 Row"];
    titles.extend(template.columns.iter().map(|column| column.header()));
    titles.push("错误原因 Reasons");
    headers(sheet, &titles, bold)?;
    // As in the template: an ID number typed in to put a row right stays text.
    let text = Format::new().set_num_format("@");
    for (i, column) in template.columns.iter().enumerate() {
        let at = i as u16 + 1;
        sheet.set_column_width(at, 18)?;
        if column.is_text() {
            sheet.set_column_format(at, &text)?;
        }
    }
    let reasons_at = titles.len() as u16 - 1;
    sheet.set_column_width(reasons_at, 60)?;
    // Each row's reasons, gathered in one pass: a file may refuse every row.
    let mut reasons: HashMap<u64, Vec<String>> = HashMap::new();
    for error in errors {
        let reason = match error.column.as_str() {
            "" => error.zh.clone(),
            column => format!("{column}：{}", error.zh),
        };
        reasons.entry(error.row).or_default().push(reason);
    }
    for (i, refused) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number(row, 0, refused.row as f64)?;
        for (column, cell) in refused.cells.iter().enumerate() {
            sheet.write_string(row, column as u16 + 1, cell)?;
        }
        let why = reasons.get(&refused.row).map(|why| why.join("；"));
        sheet.write_string(row, reasons_at, why.unwrap_or_default())?;
    }
    Ok(())
}

/// `titles` in bold across the sheet's first row.
fn headers(sheet: &mut Worksheet, titles: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *title, bold)?;
    }
    Ok(())
}
