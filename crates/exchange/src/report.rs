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
    let mut workbook = ErrorsWorkbook::new(template)?;
    workbook.add(errors, rows)?;
    workbook.finish()
}

/// The errors workbook written a page of bad rows at a time (a report read
/// back a page at a time need not be held whole): each sheet takes the page's
/// lines below those before.
pub struct ErrorsWorkbook<'a> {
    template: &'a Template,
    workbook: Workbook,
    bold: Format,
    /// Lines written on 错误, and on 待改行 once it has any (its header
    /// included).
    reasons: u32,
    rows: Option<u32>,
}

impl<'a> ErrorsWorkbook<'a> {
    /// A workbook of `template`'s bad rows, with none yet.
    pub fn new(template: &'a Template) -> Result<ErrorsWorkbook<'a>, XlsxError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = workbook
            .add_worksheet_with_constant_memory()?
            .set_name("错误")?;
        headers(sheet, &["行号 Row", "列 Column", "原因", "Reason"], &bold)?;
        for (i, width) in [10, 18, 50, 60].into_iter().enumerate() {
            sheet.set_column_width(i as u16, width)?;
        }
        Ok(ErrorsWorkbook {
            template,
            workbook,
            bold,
            reasons: 1,
            rows: None,
        })
    }

    /// Adds a page: `errors`, every reason of the rows `rows` (by row number),
    /// after the rows of the pages before.
    pub fn add(&mut self, errors: &[RowError], rows: &[RefusedRow]) -> Result<(), XlsxError> {
        let sheet = self.workbook.worksheet_from_index(0)?;
        for error in errors {
            sheet.write_number(self.reasons, 0, error.row as f64)?;
            // Strings are written as strings: nothing in a cell becomes a formula.
            sheet.write_string(self.reasons, 1, &error.column)?;
            sheet.write_string(self.reasons, 2, &error.zh)?;
            sheet.write_string(self.reasons, 3, &error.en)?;
            self.reasons += 1;
        }
        if rows.is_empty() {
            return Ok(());
        }
        let line = match self.rows {
            Some(line) => line,
            None => {
                let sheet = self.workbook.add_worksheet_with_constant_memory()?;
                refused_rows_sheet(sheet, self.template, &self.bold)?;
                1
            }
        };
        let sheet = self.workbook.worksheet_from_index(1)?;
        self.rows = Some(refused_rows(sheet, self.template, line, errors, rows)?);
        Ok(())
    }

    /// The workbook's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.workbook.save_to_buffer()
    }
}

/// The sheet 待改行 with its headers: the row number, the template's
/// columns, the reasons.
fn refused_rows_sheet(
    sheet: &mut Worksheet,
    template: &Template,
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
    sheet.set_column_width(reasons_column(template), 60)?;
    Ok(())
}

/// The column of 待改行 that gives a row's reasons, after the template's.
fn reasons_column(template: &Template) -> u16 {
    template.columns.len() as u16 + 1
}

/// Writes `rows` on 待改行 from line `line`, each with its reasons from
/// `errors`; the line after them.
fn refused_rows(
    sheet: &mut Worksheet,
    template: &Template,
    mut line: u32,
    errors: &[RowError],
    rows: &[RefusedRow],
) -> Result<u32, XlsxError> {
    // Each row's reasons, gathered in one pass: a page may refuse every row.
    let mut reasons: HashMap<u64, Vec<String>> = HashMap::new();
    for error in errors {
        let reason = match error.column.as_str() {
            "" => error.zh.clone(),
            column => format!("{column}：{}", error.zh),
        };
        reasons.entry(error.row).or_default().push(reason);
    }
    let reasons_at = reasons_column(template);
    for refused in rows {
        sheet.write_number(line, 0, refused.row as f64)?;
        for (column, cell) in refused.cells.iter().enumerate() {
            sheet.write_string(line, column as u16 + 1, cell)?;
        }
        let why = reasons.get(&refused.row).map(|why| why.join("；"));
        sheet.write_string(line, reasons_at, why.unwrap_or_default())?;
        line += 1;
    }
    Ok(line)
}

/// `titles` in bold across the sheet's first row.
fn headers(sheet: &mut Worksheet, titles: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (i, title) in titles.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *title, bold)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use calamine::{Reader, Xlsx};

    use super::*;

    /// Every sheet of the workbook `bytes`: its name and its cells as text.
    fn sheets(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<String>>)> {
        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        workbook
            .worksheets()
            .into_iter()
            .map(|(name, range)| {
                let rows = range
                    .rows()
                    .map(|row| row.iter().map(ToString::to_string).collect())
                    .collect();
                (name, rows)
            })
            .collect()
    }

    #[test]
    fn a_workbook_written_a_page_at_a_time_is_the_workbook_written_at_once() {
        let police = Template::named("public_security").unwrap();
        let error = |row: u64, column: &str| RowError {
            row,
            column: column.into(),
            zh: format!("第 {row} 行"),
            en: format!("row {row}"),
        };
        let errors = [
            error(2, "姓名"),
            error(2, "登记日期"),
            error(3, ""),
            error(7, "村（社区）代码"),
        ];
        let rows = [2, 3, 7].map(|row| RefusedRow {
            row,
            cells: vec![format!("cell of {row}"), "=1+1".into()],
        });
        let whole = errors_workbook(police, &errors, &rows).unwrap();
        let mut paged = ErrorsWorkbook::new(police).unwrap();
        paged.add(&errors[..2], &rows[..1]).unwrap();
        paged.add(&errors[2..], &rows[1..]).unwrap();
        let paged = paged.finish().unwrap();
        let (whole, paged) = (sheets(whole), sheets(paged));
        assert_eq!(whole, paged);
        assert_eq!(whole[0].1.len(), 5, "{whole:?}");
        let fix = &whole[1];
        assert_eq!(fix.0, "待改行");
        assert_eq!(fix.1[1][..3], ["2", "cell of 2", "=1+1"]);
        assert_eq!(fix.1[1].last().unwrap(), "姓名：第 2 行；登记日期：第 2 行");
        assert_eq!(fix.1[3][0], "7");
    }
}
