//! 格式 — the formats an indicator table is exported in, each with its file
//! extension and media type, rendered in one place for the command line and the API.

use std::str::FromStr;

use domain::message::FieldError;

use super::table::IndicatorTable;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    /// IHE ADX XML.
    Adx,
    /// DHIS2 dataValueSets JSON.
    Dhis2,
}

impl FromStr for Format {
    type Err = FieldError;

    fn from_str(text: &str) -> Result<Format, FieldError> {
        match text {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            "adx" => Ok(Format::Adx),
            "dhis2" => Ok(Format::Dhis2),
            other => Err(FieldError::new(
                "format",
                format!("格式应为 csv、xlsx、adx 或 dhis2，实为“{}”", clip(other)),
                format!(
                    "expected csv, xlsx, adx or dhis2, but found {:?}",
                    clip(other)
                ),
            )),
        }
    }
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Adx => "adx.xml",
            Format::Dhis2 => "dhis2.json",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Adx => "application/adx+xml",
            Format::Dhis2 => "application/json",
        }
    }

    /// The table in this format.
    pub fn render(self, table: &IndicatorTable) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        Ok(match self {
            Format::Csv => super::csv_text(table).into_bytes(),
            Format::Xlsx => super::xlsx_bytes(table)?,
            Format::Adx => super::adx_xml(table, jiff::Timestamp::now()).into_bytes(),
            Format::Dhis2 => super::data_value_set(table).to_string().into_bytes(),
        })
    }
}
