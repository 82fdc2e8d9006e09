//! 读取 — a department file as a table of text cells: CSV (see [`encoding`]) or
//! XLSX (see `xlsx`), told apart by their first bytes, after the size check.

mod csv_text;
pub mod encoding;
mod xlsx;

use csv::StringRecord;
use domain::message::FieldError;
use rayon::prelude::*;

use crate::limits::Limits;
use encoding::Encoding;

/// A file's cells: the header row, and each data row with its number as a
/// spreadsheet shows it (the header is row 1). Rows with no text are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, StringRecord)>,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = b"\xD0\xCF\x11\xE0";

/// Reads `bytes` as CSV or XLSX, within `limits`.
pub fn read(
    bytes: &[u8],
    encoding: Option<Encoding>,
    limits: &Limits,
) -> Result<Table, FieldError> {
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
    let cells = if bytes.starts_with(ZIP) {
        xlsx::read(bytes, limits)?
    } else {
        let (text, _) = encoding::decode(bytes, encoding)?;
        csv_text::read(&text)?
    };
    let table = into_table(cells)?;
    let rows = table.rows.len() as u64;
    if rows > limits.rows {
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

/// The first row with text is the header; blank rows are dropped; cells trimmed.
fn into_table(cells: Vec<(u64, StringRecord)>) -> Result<Table, FieldError> {
    let mut rows = cells
        .into_par_iter()
        .filter(|(_, record)| record.iter().any(|cell| !cell.trim().is_empty()))
        .map(|(number, mut record)| {
            record.trim();
            (number, record)
        })
        .collect::<Vec<_>>()
        .into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(FieldError::new(
            "file",
            "文件是空的：没有表头行",
            "expected a header row, but the file is empty",
        ));
    };
    Ok(Table {
        headers: header.iter().map(str::to_owned).collect(),
        rows: rows.collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_their_line_numbers_and_skip_blank_lines() {
        let table = read("a,b\n\n 1 ,2\n3,4\n".as_bytes(), None, &Limits::default()).unwrap();
        assert_eq!(table.headers, ["a", "b"]);
        let numbers: Vec<u64> = table.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [3, 4]);
        assert_eq!(&table.rows[0].1[0], "1");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_unread() {
        let limits = Limits {
            file_bytes: 4,
            ..Limits::default()
        };
        let error = read(b"a,b\n1,2\n", None, &limits).unwrap_err();
        assert!(error.message.en.contains("at most 4 bytes"), "{error}");
    }
}
