//! 汇总值 — a value reported for a unit and a period rather than derived from
//! persons: the estimated actual migrants of a village for a year, the hotel guests
//! the police verified in a district, wage arrears cases, legal-aid applications, …
//! Indicators read them as `value(NAME)`. Reported through
//! [`crate::event::Change::ReportValue`]; a later report for the same unit, name and
//! period replaces the value (the log keeps every report).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::division::DivisionCode;

/// The longest value name, in characters.
pub const MAX_NAME_LEN: usize = 64;

/// One reported value: `value` of `name` for `unit`, for the days `from` through
/// `to` (both inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedValue {
    /// The unit it was reported for, at any level.
    pub unit: DivisionCode,
    /// A lower-case identifier such as `estimated_migrants`.
    pub name: String,
    /// The period's first day.
    pub from: Date,
    /// The period's last day.
    pub to: Date,
    /// A count or an amount (in fen for money), not negative.
    pub value: i64,
}

/// Whether `name` is a value name: a lower-case ASCII letter, then lower-case
/// letters, digits or `_`, at most [`MAX_NAME_LEN`] characters.
pub fn is_value_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_NAME_LEN
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_names_are_lower_case_identifiers() {
        assert!(is_value_name("estimated_migrants"));
        assert!(is_value_name("q2"));
        assert!(!is_value_name(""));
        assert!(!is_value_name("Estimated"));
        assert!(!is_value_name("2nd"));
        assert!(!is_value_name("hotel-guests"));
        assert!(!is_value_name(&"a".repeat(65)));
        assert!(is_value_name(&"a".repeat(64)));
    }
}
