//! 读取 — a department file as a table of text cells: CSV (see [`encoding`]) or
//! XLSX (see `xlsx`), told apart by their first bytes, after the size check. The
//! header is the row the caller recognises, below any title rows a spreadsheet
//! has above it; in a workbook, on the first worksheet that has one (a cover or
//! notes sheet may come first).
//!
//! A CSV's data rows are not read with its header: [`Table::map_rows`] reads
//! them a piece at a time on every core, each row into what the caller makes
//! of it, so that a million rows are never held as cells.

mod csv_text;
pub mod encoding;
mod xlsx;

use std::borrow::Cow;

use csv::StringRecord;
use domain::message::FieldError;
use rayon::prelude::*;

use crate::limits::Limits;
use encoding::Encoding;

/// A file's cells: the header row, and each data row with its number as a
/// spreadsheet shows it (the header is row 1), its cells trimmed. Rows with
/// no text are left out.
#[derive(Debug)]
pub struct Table<'a> {
    pub headers: Vec<String>,
    rows: DataRows<'a>,
}

/// Where a table's data rows are.
#[derive(Debug)]
enum DataRows<'a> {
    /// In a CSV text, still to be read.
    Text(csv_text::Body<'a>),
    /// A worksheet's, read.
    Cells(Vec<(u64, StringRecord)>),
}

impl Table<'_> {
    /// Each data row, in file order, as `f` makes it of its number and
    /// cells; read on every core. Fails only on CSV the reader cannot read.
    pub fn map_rows<T: Send>(
        &self,
        f: impl Fn(u64, &StringRecord) -> T + Sync,
    ) -> Result<Vec<T>, FieldError> {
        match &self.rows {
            DataRows::Text(body) => body.map_rows(&f),
            DataRows::Cells(rows) => Ok(rows
                .par_iter()
                .map(|(number, record)| f(*number, record))
                .collect()),
        }
    }

    /// The data rows, each with its number.
    pub fn rows(&self) -> Result<Vec<(u64, StringRecord)>, FieldError> {
        self.map_rows(|number, record| (number, record.clone()))
    }

    /// How many data rows the table has, if more than `most`. A CSV text
    /// that cannot hold more (it has no more records than record ends) is
    /// not read to count them.
    fn rows_over(&self, most: u64) -> Result<Option<u64>, FieldError> {
        let rows = match &self.rows {
            DataRows::Text(body) if body.most_records() <= most => return Ok(None),
            DataRows::Text(_) => self.map_rows(|_, _| ())?.len() as u64,
            DataRows::Cells(rows) => rows.len() as u64,
        };
        Ok(Some(rows).filter(|&rows| rows > most))
    }
}

/// A sheet's rows, each with its number as a spreadsheet shows it.
type Rows = [(u64, StringRecord)];

/// Whether a row is the header the caller looks for.
type IsHeader<'a> = dyn Fn(&StringRecord) -> bool + Sync + 'a;

/// How many rows with text may stand above the header (a title, a date, the
/// sending department's name): the header is looked for among this many.
const HEADER_ROWS: usize = 10;

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0";

/// Reads `bytes` as CSV or XLSX, within `limits`, its header the first row
/// `is_header` holds for among the first [`HEADER_ROWS`] with text (and the
/// rows above it left out); when no row is, the first row with text, so that
/// the caller can say which of its columns the file lacks.
pub fn read<'a>(
    bytes: &'a [u8],
    encoding: Option<Encoding>,
    limits: &Limits,
    is_header: &IsHeader<'_>,
) -> Result<Table<'a>, FieldError> {
    if bytes.len() as u64 > limits.file_bytes {
        return Err(FieldError::new(
            "file",
            format!(
                "文件大小 {} 字节，超过上限 {} 字节",
                bytes.len(),
                limits.file_bytes
            ),
            format!(
                "expected a file of at most {} bytes, but found {}",
                limits.file_bytes,
                bytes.len()
            ),
        ));
    }
    if bytes.starts_with(OLE) {
        return Err(FieldError::new(
            "file",
            "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV",
            "expected XLSX or CSV, but found an old Excel (.xls) file: save it as .xlsx or CSV",
        ));
    }
    if is_web_page(bytes) {
        return Err(FieldError::new(
            "file",
            "文件是网页（HTML）或 XML 表格，只是名为 Excel 文件（许多系统这样“导出 Excel”）：请用 Excel 打开后另存为 .xlsx 或 CSV",
            "expected XLSX or CSV, but found a web page (HTML) or an XML spreadsheet named as an Excel file, as many systems \"export to Excel\": open it in Excel and save it as .xlsx or CSV",
        ));
    }
    let table = if bytes.starts_with(ZIP) {
        let cells = xlsx::read(bytes, limits, &|cells| {
            header_at(cells, is_header).is_some()
        })?;
        into_table(cells, is_header)?
    } else {
        let (text, _) = encoding::decode(bytes, encoding)?;
        csv_table(text, is_header)?
    };
    if let Some(rows) = table.rows_over(limits.rows)? {
        return Err(FieldError::new(
            "file",
            format!(
                "文件有 {rows} 行数据，超过上限 {} 行：请拆分为几个文件",
                limits.rows
            ),
            format!(
                "expected at most {} data rows, but found {rows}: split the file",
                limits.rows
            ),
        ));
    }
    Ok(table)
}

/// A CSV text's header (see [`read`]) and its data rows below it.
fn csv_table<'a>(text: Cow<'a, str>, is_header: &IsHeader<'_>) -> Result<Table<'a>, FieldError> {
    let separator = csv_text::separator(&text);
    let mut head = csv_text::head(&text, separator, HEADER_ROWS)?;
    let cells = &mut head.records;
    let at = header_at(cells, is_header)
        .or_else(|| cells.iter().position(|(_, record)| has_text(record)))
        .ok_or_else(empty)?;
    let header = &mut cells[at].1;
    header.trim();
    let body = csv_text::Body::new(text, head.ends[at], separator);
    Ok(Table {
        headers: header.iter().map(str::to_owned).collect(),
        rows: DataRows::Text(body),
    })
}

/// Whether `bytes` begin as a web page or an XML spreadsheet does (after a
/// byte-order mark and blanks): `<html`, `<!DOCTYPE`, `<table`, `<?xml` or a
/// comment.
fn is_web_page(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let head = &text[start..text.len().min(start + 16)];
    ["<html", "<!doctype", "<table", "<?xml", "<!--"]
        .iter()
        .any(|tag| {
            head.len() >= tag.len() && head[..tag.len()].eq_ignore_ascii_case(tag.as_bytes())
        })
}

/// Whether a row has text in any cell.
fn has_text(record: &StringRecord) -> bool {
    record.iter().any(|cell| !cell.trim().is_empty())
}

/// Trims every cell of `record`; one that needs none is left as it is
/// (trimming makes the record anew).
fn trim(record: &mut StringRecord) {
    if record.iter().any(|cell| cell.trim().len() != cell.len()) {
        record.trim();
    }
}

/// Where among `cells` the header is: the first row `is_header` holds for,
/// of the first [`HEADER_ROWS`] with text.
fn header_at(cells: &Rows, is_header: &IsHeader<'_>) -> Option<usize> {
    cells
        .iter()
        .enumerate()
        .filter(|(_, (_, record))| has_text(record))
        .take(HEADER_ROWS)
        .find(|(_, (_, record))| is_header(record))
        .map(|(at, _)| at)
}

fn empty() -> FieldError {
    FieldError::new(
        "file",
        "文件是空的：没有表头行",
        "expected a header row, but the file is empty",
    )
}

/// A worksheet's header (see [`read`]) and the rows below it with text,
/// cells trimmed.
fn into_table(
    mut cells: Vec<(u64, StringRecord)>,
    is_header: &IsHeader<'_>,
) -> Result<Table<'static>, FieldError> {
    if let Some(at) = header_at(&cells, is_header) {
        cells.drain(..at);
    }
    let mut rows = cells
        .into_par_iter()
        .filter(|(_, record)| has_text(record))
        .map(|(number, mut record)| {
            trim(&mut record);
            (number, record)
        })
        .collect::<Vec<_>>()
        .into_iter();
    let (_, header) = rows.next().ok_or_else(empty)?;
    Ok(Table {
        headers: header.iter().map(str::to_owned).collect(),
        rows: DataRows::Cells(rows.collect()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_their_line_numbers_and_skip_blank_lines() {
        // Windows line ends read as Unix ones.
        for text in ["a,b\n\n 1 ,2\n3,4\n", "a,b\r\n\r\n 1 ,2\r\n3,4"] {
            let table = read(text.as_bytes(), None, &Limits::default(), &|_| false).unwrap();
            assert_eq!(table.headers, ["a", "b"]);
            assert_eq!(
                table.rows().unwrap(),
                [
                    (3, StringRecord::from(vec!["1", "2"])),
                    (4, StringRecord::from(vec!["3", "4"]))
                ],
                "{text:?}"
            );
        }
    }

    #[test]
    fn title_rows_above_the_header_are_left_out() {
        let text = "2024年3月台账,,\n制表单位：劳动局,,\n\n序号,a,b\n1,2,3\n";
        let is_header = |record: &StringRecord| record.iter().any(|cell| cell == "a");
        let table = read(text.as_bytes(), None, &Limits::default(), &is_header).unwrap();
        assert_eq!(table.headers, ["序号", "a", "b"]);
        assert_eq!(
            table.rows().unwrap(),
            [(5, StringRecord::from(vec!["1", "2", "3"]))]
        );
    }

    #[test]
    fn a_web_page_named_as_excel_is_refused_with_the_fix() {
        for page in [
            &b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><table>"[..],
            b"\xEF\xBB\xBF\r\n  <!DOCTYPE html><html>",
            b"<TABLE border=1><tr><td>\xE8\xBA\xAB</td></tr>",
        ] {
            let error = read(page, None, &Limits::default(), &|_| false).unwrap_err();
            assert!(error.message.en.contains("a web page (HTML)"), "{error}");
        }
        insta::assert_snapshot!(
            read(b"<html>", None, &Limits::default(), &|_| false).unwrap_err().to_string(),
            @r#"file: 文件是网页（HTML）或 XML 表格，只是名为 Excel 文件（许多系统这样“导出 Excel”）：请用 Excel 打开后另存为 .xlsx 或 CSV / expected XLSX or CSV, but found a web page (HTML) or an XML spreadsheet named as an Excel file, as many systems "export to Excel": open it in Excel and save it as .xlsx or CSV"#
        );
        // A CSV whose first cell starts with "<" is a CSV.
        assert!(read(b"<5,b\n1,2\n", None, &Limits::default(), &|_| false).is_ok());
    }

    #[test]
    fn a_file_over_the_limit_is_refused_unread() {
        let limits = Limits {
            file_bytes: 4,
            ..Limits::default()
        };
        let error = read(b"a,b\n1,2\n", None, &limits, &|_| false).unwrap_err();
        assert!(error.message.en.contains("at most 4 bytes"), "{error}");
    }
}
