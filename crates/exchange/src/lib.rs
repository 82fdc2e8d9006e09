//! 数据交换 — department files in, the city's figures out.
//!
//! In: a department's CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX file is
//! [read] within [limits], each row checked against its department's
//! [template] and turned into a change for the planner, then
//! [imported](import) through the store: all or nothing by default, idempotent
//! per (file hash, row). Out: indicator tables and person lists as CSV or XLSX,
//! ADX XML and DHIS2 JSON.
//!
//! Nothing here writes to a database directly: rows become [`store::ImportRow`]s
//! that the store plans and applies like any other change.

pub mod export;
pub mod import;
pub mod limits;
pub mod read;
pub mod report;
pub mod template;
