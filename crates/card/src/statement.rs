//! 卡面声明 — what the card shows, and nothing more: the permit's number, the
//! holder's name, their village or community, the validity and the card's edition,
//! and the city that issued it, and the algorithm it is signed with. This is what
//! the QR code carries and the city signs.

use domain::permit::Permit;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::key::Algorithm;

/// The signed content of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardStatement {
    /// 证号
    pub number: String,
    /// 姓名
    pub name: String,
    /// 居住地 — the village or community's code.
    pub unit: String,
    pub valid_from: Date,
    pub valid_to: Date,
    /// 版本 — a later edition replaces this card.
    pub edition: i64,
    /// 签发机关 — the city's division code.
    pub issuer: String,
    /// The algorithm the city signs this statement with (`ed25519` when absent, as
    /// cards were before SM2 was offered); set by [`crate::CityKey::sign`].
    #[serde(rename = "alg", default)]
    pub algorithm: Algorithm,
}

impl CardStatement {
    /// The card of an issued `permit` held by `name`; `None` when it has not been
    /// issued (no number or validity).
    pub fn of(permit: &Permit, name: &str, issuer: &str) -> Option<CardStatement> {
        Some(CardStatement {
            number: permit.number.clone()?,
            name: name.to_string(),
            unit: permit.unit.to_string(),
            valid_from: permit.valid_from?,
            valid_to: permit.valid_to?,
            edition: permit.edition,
            issuer: issuer.to_string(),
            algorithm: Algorithm::default(),
        })
    }
}
