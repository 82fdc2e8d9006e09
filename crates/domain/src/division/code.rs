//! 统计用区划代码 — a statistical division code (GB/T 2260 extended by the NBS to 12
//! digits): province (2), city (4), district or county (6), town or street (9),
//! village or community (12).
//!
//! A code is kept as its 12-digit form (shorter codes padded with zeros), so that
//! "is inside" is a prefix test and codes sort by the tree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::message::FieldError;

/// The level of a division code, from the top of the country down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeLevel {
    /// 省 — province (2 digits)
    Province,
    /// 市 — prefecture-level city (4 digits)
    City,
    /// 区、县、县级市 — district, county or county-level city (6 digits)
    District,
    /// 镇、乡、街道 — town, township or street (9 digits)
    Town,
    /// 村、社区 — village or community (12 digits)
    Village,
}

impl CodeLevel {
    /// How many leading digits a code of this level has.
    pub const fn digits(self) -> u32 {
        match self {
            CodeLevel::Province => 2,
            CodeLevel::City => 4,
            CodeLevel::District => 6,
            CodeLevel::Town => 9,
            CodeLevel::Village => 12,
        }
    }

    /// The level with this many digits, if any.
    pub const fn from_digits(digits: usize) -> Option<Self> {
        match digits {
            2 => Some(CodeLevel::Province),
            4 => Some(CodeLevel::City),
            6 => Some(CodeLevel::District),
            9 => Some(CodeLevel::Town),
            12 => Some(CodeLevel::Village),
            _ => None,
        }
    }
}

/// A division code at any level, e.g. `3202` (无锡市) or `320211001001`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DivisionCode(u64);

const fn pow10(n: u32) -> u64 {
    10u64.pow(n)
}

impl DivisionCode {
    /// The 12-digit form, e.g. `320200000000` for Wuxi.
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    /// A code from its 12-digit form; `None` when it is not one.
    pub fn from_u64(full: u64) -> Option<Self> {
        (full < pow10(12) && full >= pow10(10)).then_some(Self(full))
    }

    /// The level, read from which trailing parts are zero.
    pub fn level(self) -> CodeLevel {
        let n = self.0;
        if n.is_multiple_of(pow10(10)) {
            CodeLevel::Province
        } else if n.is_multiple_of(pow10(8)) {
            CodeLevel::City
        } else if n.is_multiple_of(pow10(6)) {
            CodeLevel::District
        } else if n.is_multiple_of(pow10(3)) {
            CodeLevel::Town
        } else {
            CodeLevel::Village
        }
    }

    /// The enclosing code at `level` (the code itself when it is at that level or above).
    pub fn truncate(self, level: CodeLevel) -> Self {
        let keep = pow10(12 - level.digits());
        Self(self.0 / keep * keep)
    }

    /// Whether `other` lies in this code's subtree (a code contains itself).
    pub fn contains(self, other: DivisionCode) -> bool {
        self.level() <= other.level() && other.truncate(self.level()) == self
    }

    /// The smallest and largest 12-digit forms inside this code, for range queries.
    pub fn subtree_range(self) -> (u64, u64) {
        let span = pow10(12 - self.level().digits());
        (self.0, self.0 + span - 1)
    }
}

impl fmt::Display for DivisionCode {
    /// The short form: as many digits as the level has.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.level().digits();
        write!(
            f,
            "{:0width$}",
            self.0 / pow10(12 - digits),
            width = digits as usize
        )
    }
}

impl fmt::Debug for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DivisionCode({self})")
    }
}

impl FromStr for DivisionCode {
    type Err = FieldError;

    /// Parses 2, 4, 6, 9 or 12 digits.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = |zh: String, en: String| FieldError::new("division_code", zh, en);
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad(
                format!("区划代码只能由数字组成，收到“{s}”"),
                format!("expected a division code of digits only, but found {s:?}"),
            ));
        }
        let Some(level) = CodeLevel::from_digits(s.len()) else {
            return Err(bad(
                format!("区划代码应为 2、4、6、9 或 12 位，收到 {} 位", s.len()),
                format!(
                    "expected a division code of 2, 4, 6, 9 or 12 digits, but found {}",
                    s.len()
                ),
            ));
        };
        let value: u64 = s.parse().expect("digits only");
        let code = Self(value * pow10(12 - level.digits()));
        if code.0 < pow10(10) || code.level() != level {
            return Err(bad(
                format!("区划代码“{s}”的某一级为零"),
                format!("expected every part of division code {s} to be non-zero"),
            ));
        }
        Ok(code)
    }
}

impl Serialize for DivisionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DivisionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A division code in the OpenAPI document: its short form, a string of 2, 4, 6, 9 or
/// 12 digits. Hand-written because the serde form (a string) is not the Rust shape.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for DivisionCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "区划代码 — a statistical division code of 2, 4, 6, 9 or 12 digits \
                 (province, city, district, town, village), e.g. 320211 (滨湖区).",
            ))
            .pattern(Some("^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$"))
            .examples([serde_json::json!("320211")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for DivisionCode {}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DivisionCode {
        s.parse().unwrap()
    }

    #[test]
    fn levels_and_short_forms_round_trip() {
        for (s, level) in [
            ("32", CodeLevel::Province),
            ("3202", CodeLevel::City),
            ("320211", CodeLevel::District),
            ("320211001", CodeLevel::Town),
            ("320211001001", CodeLevel::Village),
        ] {
            assert_eq!(code(s).level(), level);
            assert_eq!(code(s).to_string(), s);
        }
    }

    #[test]
    fn subtree_is_a_prefix() {
        assert!(code("3202").contains(code("320211001001")));
        assert!(code("320211").contains(code("320211")));
        assert!(!code("320211").contains(code("320213001001")));
        assert!(!code("320211001001").contains(code("320211")));
        assert_eq!(code("320211").subtree_range(), (320211000000, 320211999999));
    }

    #[test]
    fn rejects_malformed_codes() {
        assert!("3202a".parse::<DivisionCode>().is_err());
        assert!("32021".parse::<DivisionCode>().is_err());
        assert!("320211000".parse::<DivisionCode>().is_err());
    }
}
