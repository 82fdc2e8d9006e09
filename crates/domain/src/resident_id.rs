//! 公民身份号码 — the mainland resident ID number of GB 11643-1999: six digits of the
//! hukou division (GB/T 2260), eight of the birth date, three of sequence (odd for
//! men) and an ISO 7064 MOD 11-2 check digit (`0`–`9` or `X`).
//!
//! It is the registry's key for a person. Hong Kong, Macau and Taiwan residence-permit
//! numbers and foreigners' permanent-residence IDs are rejected as "not in scope"
//! (REQUIREMENTS §1). This module knows no clock: "born in the future" is the
//! caller's check.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::division::DivisionCode;
use crate::message::{FieldError, Message};

/// ISO 7064 MOD 11-2 weights of the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum modulo 11.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// 公民身份号码 — an 18-character mainland resident ID, validated and stored with an
/// uppercase `X`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId([u8; 18]);

/// 性别 — sex, as the ID's 17th digit says (odd: male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

/// Why an ID is outside this registry's population (REQUIREMENTS §1: the policy
/// excludes residents of Hong Kong, Macau, Taiwan and foreigners).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutOfScope {
    /// 港澳居民居住证 (香港) — prefix 81.
    #[error(
        "not in scope: Hong Kong/Macau/Taiwan resident (Hong Kong residence permit, prefix 81)"
    )]
    HongKong,
    /// 港澳居民居住证 (澳门) — prefix 82.
    #[error("not in scope: Hong Kong/Macau/Taiwan resident (Macau residence permit, prefix 82)")]
    Macau,
    /// 台湾居民居住证 — prefix 83.
    #[error("not in scope: Hong Kong/Macau/Taiwan resident (Taiwan residence permit, prefix 83)")]
    Taiwan,
    /// 外国人永久居留身份证 — 18 digits starting with 9, or the older 15-character form
    /// of three letters and twelve digits.
    #[error("not in scope: foreigner (foreign permanent resident ID card)")]
    Foreigner,
}

impl OutOfScope {
    /// The reason in Chinese and English.
    pub fn message(self) -> Message {
        let zh = match self {
            OutOfScope::HongKong => "不在范围内：港澳台居民（香港居民居住证，号码以 81 开头）",
            OutOfScope::Macau => "不在范围内：港澳台居民（澳门居民居住证，号码以 82 开头）",
            OutOfScope::Taiwan => "不在范围内：港澳台居民（台湾居民居住证，号码以 83 开头）",
            OutOfScope::Foreigner => "不在范围内：外国人（外国人永久居留身份证）",
        };
        Message::new(zh, self.to_string())
    }
}

/// Why a text is not a valid resident ID: what was expected and what was found.
/// Positions count from 1, as people count the characters of an ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Not 18 characters (after trimming surrounding whitespace).
    #[error("expected 18 characters, but found {found}")]
    Length {
        /// How many characters there were.
        found: usize,
    },
    /// One of the first 17 characters is not a digit.
    #[error("expected a digit at position {position}, but found {found:?}")]
    NotDigit {
        /// 1 to 17.
        position: usize,
        /// The character found there.
        found: char,
    },
    /// The 18th character is neither a digit nor `X`.
    #[error("expected a digit or X as the check digit (position 18), but found {found:?}")]
    NotCheckCharacter {
        /// The character found there.
        found: char,
    },
    /// A Hong Kong, Macau or Taiwan resident or a foreigner.
    #[error("{0}")]
    OutOfScope(OutOfScope),
    /// The first two digits are not a mainland province.
    #[error(
        "expected a mainland province code (11–15, 21–23, 31–37, 41–46, 50–54, 61–65) \
         in the first two digits, but found {found:02}"
    )]
    Province {
        /// The first two digits.
        found: u8,
    },
    /// The birth year is before 1900.
    #[error("expected a birth year of 1900 or later, but found {found}")]
    BirthYear {
        /// Digits 7–10.
        found: i16,
    },
    /// Digits 7–14 are not a date of the calendar (e.g. `19000229`).
    #[error("expected a birth date YYYYMMDD that exists in the calendar, but found {found}")]
    BirthDate {
        /// Digits 7–14.
        found: String,
    },
    /// The check digit does not match the first 17 digits.
    #[error("expected check digit {expected}, but found {found}")]
    CheckDigit {
        /// The check digit that the first 17 digits give.
        expected: char,
        /// The 18th character as written (uppercase).
        found: char,
    },
}

impl IdError {
    /// The reason in Chinese and English.
    pub fn message(&self) -> Message {
        let zh = match self {
            IdError::Length { found } => format!("公民身份号码应为 18 位，实为 {found} 位"),
            IdError::NotDigit { position, found } => {
                format!("第 {position} 位应为数字，实为“{found}”")
            }
            IdError::NotCheckCharacter { found } => {
                format!("第 18 位（校验码）应为数字或 X，实为“{found}”")
            }
            IdError::OutOfScope(reason) => return reason.message(),
            IdError::Province { found } => format!(
                "前两位应为大陆省级行政区代码（11–15、21–23、31–37、41–46、50–54、61–65），实为 {found:02}"
            ),
            IdError::BirthYear { found } => format!("出生年份应不早于 1900 年，实为 {found} 年"),
            IdError::BirthDate { found } => {
                format!("出生日期应为日历上存在的日期（YYYYMMDD），实为 {found}")
            }
            IdError::CheckDigit { expected, found } => {
                format!("校验码应为 {expected}，实为 {found}")
            }
        };
        Message::new(zh, self.to_string())
    }
}

impl From<IdError> for FieldError {
    fn from(error: IdError) -> Self {
        FieldError {
            field: "resident_id".into(),
            message: error.message(),
        }
    }
}

/// Whether two digits are a mainland province code (省级行政区划代码).
const fn is_mainland_province(code: u8) -> bool {
    matches!(code, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65)
}

/// The check character for the first 17 digits (ASCII `0`–`9`).
fn check_char(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// The number written by `digits` (ASCII digits).
fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

impl ResidentId {
    /// Parses and validates an ID: surrounding whitespace is trimmed and a lowercase
    /// `x` is accepted. Checks, in order: the out-of-scope forms, length 18, digits,
    /// Hong Kong/Macau/Taiwan/foreign prefixes, the province, the birth date (a real
    /// date, year 1900 or later) and the check digit. The division itself need not
    /// exist today: IDs are for life and keep abolished codes such as `320202`.
    pub fn parse(text: &str) -> Result<ResidentId, IdError> {
        let text = text.trim();
        let bytes = text.as_bytes();
        // 外国人永久居留身份证 (2004 form): three letters, then twelve digits.
        if bytes.len() == 15
            && bytes[..3].iter().all(u8::is_ascii_alphabetic)
            && bytes[3..].iter().all(u8::is_ascii_digit)
        {
            return Err(IdError::OutOfScope(OutOfScope::Foreigner));
        }
        let length = text.chars().count();
        if length != 18 {
            return Err(IdError::Length { found: length });
        }
        for (index, found) in text.chars().enumerate() {
            if index < 17 && !found.is_ascii_digit() {
                return Err(IdError::NotDigit {
                    position: index + 1,
                    found,
                });
            }
            if index == 17 && !(found.is_ascii_digit() || found == 'X' || found == 'x') {
                return Err(IdError::NotCheckCharacter { found });
            }
        }
        let mut id = [0u8; 18];
        id.copy_from_slice(bytes);
        id[17] = id[17].to_ascii_uppercase();
        let province = number(&id[..2]) as u8;
        match province {
            81 => return Err(IdError::OutOfScope(OutOfScope::HongKong)),
            82 => return Err(IdError::OutOfScope(OutOfScope::Macau)),
            83 => return Err(IdError::OutOfScope(OutOfScope::Taiwan)),
            90..=99 => return Err(IdError::OutOfScope(OutOfScope::Foreigner)),
            _ if !is_mainland_province(province) => {
                return Err(IdError::Province { found: province });
            }
            _ => {}
        }
        let year = number(&id[6..10]) as i16;
        if year < 1900 {
            return Err(IdError::BirthYear { found: year });
        }
        let (month, day) = (number(&id[10..12]) as i8, number(&id[12..14]) as i8);
        if Date::new(year, month, day).is_err() {
            return Err(IdError::BirthDate {
                found: text[6..14].to_string(),
            });
        }
        let expected = check_char(&id[..17]);
        if id[17] != expected {
            return Err(IdError::CheckDigit {
                expected: expected.into(),
                found: id[17].into(),
            });
        }
        Ok(ResidentId(id))
    }

    /// Builds a valid ID from its parts: the hukou division's six digits, the birth
    /// date, a sequence number `0..=999` whose last digit is made odd for a man and
    /// even for a woman (by one step down or up), and the computed check digit.
    /// For the demo generator and tests; allocates nothing.
    ///
    /// # Panics
    ///
    /// When `hukou6` is not six digits starting with a mainland province, the birth
    /// year is before 1900, or `sequence` is over 999.
    pub fn synthesize(hukou6: u32, birth: Date, sequence: u16, sex: Sex) -> ResidentId {
        assert!(
            (110_000..=999_999).contains(&hukou6) && is_mainland_province((hukou6 / 10_000) as u8),
            "expected a mainland six-digit division code, but found {hukou6}"
        );
        assert!(
            birth.year() >= 1900,
            "expected a birth year of 1900 or later, but found {}",
            birth.year()
        );
        assert!(
            sequence <= 999,
            "expected a sequence of 0..=999, but found {sequence}"
        );
        let sequence = match (sex, sequence % 2) {
            (Sex::Male, 0) => sequence + 1,
            (Sex::Female, 1) => sequence - 1,
            _ => sequence,
        };
        let mut id = [0u8; 18];
        let mut put = |from: usize, width: usize, mut value: u32| {
            for slot in id[from..from + width].iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 6, hukou6);
        put(6, 4, birth.year() as u32);
        put(10, 2, birth.month() as u32);
        put(12, 2, birth.day() as u32);
        put(14, 3, u32::from(sequence));
        id[17] = check_char(&id[..17]);
        ResidentId(id)
    }

    /// The ID as text, 18 characters with an uppercase `X`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("an ID is ASCII")
    }

    /// 出生日期 — the birth date (digits 7–14).
    pub fn birth_date(&self) -> Date {
        let year = number(&self.0[6..10]) as i16;
        let (month, day) = (number(&self.0[10..12]) as i8, number(&self.0[12..14]) as i8);
        Date::new(year, month, day).expect("validated on parse")
    }

    /// 性别 — odd 17th digit: male; even: female.
    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// 户籍地 — the hukou division, the first six digits. Where the district part is
    /// `00` (e.g. `320200`, `110000`) this is the city or province code (`3202`, `11`).
    /// The code need not exist today.
    pub fn hukou(&self) -> DivisionCode {
        DivisionCode::from_u64(u64::from(number(&self.0[..6])) * 1_000_000)
            .expect("a validated province is never zero")
    }

    /// 周岁 — age in completed years on `date`: a birthday on `date` counts, and a
    /// person born on 29 February becomes a year older on 1 March in common years.
    /// Negative before the birth year's birthday (the caller checks "not yet born").
    pub fn age_on(&self, date: Date) -> i32 {
        let birth = self.birth_date();
        let years = i32::from(date.year()) - i32::from(birth.year());
        if (date.month(), date.day()) < (birth.month(), birth.day()) {
            years - 1
        } else {
            years
        }
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.as_str())
    }
}

impl FromStr for ResidentId {
    type Err = FieldError;

    /// [`ResidentId::parse`], with the error as a [`FieldError`] of field `resident_id`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResidentId::parse(s).map_err(FieldError::from)
    }
}

impl Serialize for ResidentId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ResidentId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A resident ID in the OpenAPI document: 18 characters, 17 digits and a check digit
/// (`0`–`9` or `X`). Hand-written because the serde form (a string) is not the Rust
/// shape.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ResidentId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "公民身份号码 — an 18-character mainland resident ID (GB 11643-1999): 17 \
                 digits and an ISO 7064 MOD 11-2 check digit, 0-9 or X.",
            ))
            .min_length(Some(18))
            .max_length(Some(18))
            .pattern(Some("^[0-9]{17}[0-9Xx]$"))
            .examples([serde_json::json!("340102199005171237")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ResidentId {}

#[cfg(test)]
#[path = "resident_id_tests.rs"]
mod tests;
