//! XLSX — a worksheet of a workbook, as text cells: the first that has the
//! header the caller looks for (see [`super::read`]).
//!
//! An XLSX is a zip. Before calamine unpacks anything, every part is inflated once
//! into nothing, counting bytes, and the file is refused as soon as the parts
//! together pass [`Limits::unpacked_bytes`] (or there are more than
//! [`Limits::zip_entries`]): a zip bomb costs a bounded stream, never memory.
//! Counting what actually comes out, not what the directory claims, also catches a
//! directory that lies.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};
use csv::StringRecord;
use domain::message::FieldError;

use super::Rows;
use crate::limits::Limits;

/// The rows, numbered as Excel shows them, of the first worksheet whose rows
/// `wanted` holds for; of the first worksheet when none.
pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    wanted: &dyn Fn(&Rows) -> bool,
) -> Result<Vec<(u64, StringRecord)>, FieldError> {
    check_unpacked_size(bytes, limits)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    let mut first = None;
    for index in 0..workbook.sheet_names().len() {
        let Some(range) = workbook.worksheet_range_at(index) else {
            break;
        };
        let rows = rows_of(&range.map_err(not_xlsx)?);
        if wanted(&rows) {
            return Ok(rows);
        }
        first.get_or_insert(rows);
    }
    Ok(first.unwrap_or_default())
}

/// A worksheet's rows, numbered as Excel shows them.
fn rows_of(range: &Range<Data>) -> Vec<(u64, StringRecord)> {
    let first_row = range.start().map_or(0, |(row, _)| row as u64);
    let first_column = range.start().map_or(0, |(_, column)| column as usize);
    range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut record = StringRecord::from(vec![""; first_column]);
            for cell in cells {
                record.push_field(&text_of(cell));
            }
            (first_row + i as u64 + 1, record)
        })
        .collect()
}

/// A cell as text: numbers without a needless `.0`, dates as `YYYY-MM-DD`. A
/// number of 16 digits or more is written as Excel shows it, `4.20102E17`:
/// Excel keeps 15 digits, so its last digits are noise, and an ID number typed
/// into a number cell is then refused as a number, not for a wrong check digit.
fn text_of(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => {
            format!("{number:.0}")
        }
        Data::Float(number) if number.abs() >= 1e15 => format!("{number:E}"),
        Data::Float(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(date) => {
            let (year, month, day, ..) = date.to_ymd_hms_milli();
            format!("{year:04}-{month:02}-{day:02}")
        }
        Data::Error(error) => format!("#{error:?}"),
    }
}

fn check_unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), FieldError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    if archive.len() > limits.zip_entries {
        return Err(too_big(
            format!(
                "含 {} 个部件，超过上限 {}",
                archive.len(),
                limits.zip_entries
            ),
            format!(
                "at most {} parts, but it has {}",
                limits.zip_entries,
                archive.len()
            ),
        ));
    }
    let mut left = limits.unpacked_bytes;
    for index in 0..archive.len() {
        let part = archive.by_index(index).map_err(not_xlsx)?;
        let unpacked =
            std::io::copy(&mut part.take(left + 1), &mut std::io::sink()).map_err(not_xlsx)?;
        if unpacked > left {
            return Err(too_big(
                format!(
                    "解压后超过上限 {} 字节（疑似压缩炸弹）",
                    limits.unpacked_bytes
                ),
                format!(
                    "at most {} bytes once unpacked, but it unpacks to more (a zip bomb?)",
                    limits.unpacked_bytes
                ),
            ));
        }
        left -= unpacked;
    }
    Ok(())
}

fn too_big(zh: String, en: String) -> FieldError {
    FieldError::new(
        "file",
        format!("XLSX 文件{zh}，已拒绝"),
        format!("expected an XLSX of {en}; refused"),
    )
}

fn not_xlsx(error: impl std::fmt::Display) -> FieldError {
    FieldError::new(
        "file",
        format!("文件不是可读的 XLSX 工作簿：{error}"),
        format!("expected a readable XLSX workbook, but {error}"),
    )
}
