//! 导出 — the city's figures out: an indicator table (from the engine's results)
//! as CSV or XLSX for people, ADX XML and DHIS2 dataValueSets JSON for a provincial
//! DHIS2, and lists of persons (CSV, XLSX) for users allowed to see them. A table
//! meant for publication suppresses small counts (the policy's `[publication]
//! min_count`); text cells are safe against formula injection.

mod adx;
mod cell;
mod dhis2;
mod format;
mod persons;
mod sheet;
mod table;

pub use adx::adx_xml;
pub use cell::safe_cell;
pub use dhis2::data_value_set;
pub use format::Format;
pub use persons::{ListFormat, persons_csv, persons_xlsx};
pub use sheet::{csv_text, xlsx_bytes};
pub use table::{Figure, IndicatorTable};

/// The data set code exported figures carry (ADX `dataSet`, DHIS2 `dataSet`).
pub const DATA_SET: &str = "ANJU_NEW_CITIZENS";
