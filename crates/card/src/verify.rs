//! 验证 — a card code checked offline: the signature with the city's public key,
//! the validity on the day, and the city's revocation list when one is at hand.
//! The verdict shows only what the card itself shows.

use domain::message::Message;
use jiff::civil::Date;
use serde::Serialize;

use crate::code::split;
use crate::key::PublicKey;
use crate::revocation::RevocationList;
use crate::statement::CardStatement;

/// What a card code turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Signed by the city, valid on the day, not on the list.
    Valid { card: CardStatement },
    /// Signed, but its validity begins after the day.
    NotYetValid { card: CardStatement },
    /// Signed, but its validity ended before the day.
    Expired { card: CardStatement },
    /// Signed, but the city revoked the permit.
    Revoked {
        card: CardStatement,
        on: Option<Date>,
    },
    /// Signed, but a later edition of the card replaced it.
    Replaced {
        card: CardStatement,
        current_edition: i64,
    },
    /// The signature does not verify: forged, altered, or signed by another key.
    ForgedOrAltered,
    /// Not a card code at all.
    NotACard,
}

/// Checks `code` with the city's `key` on `day`, against `list` if given.
pub fn verify(code: &str, key: &PublicKey, list: Option<&RevocationList>, day: Date) -> Verdict {
    let Some((body, signature)) = split(code) else {
        return Verdict::NotACard;
    };
    if !key.signed(&body, &signature) {
        return Verdict::ForgedOrAltered;
    }
    let Ok(card) = serde_json::from_slice::<CardStatement>(&body) else {
        // Signed by the city but not a statement this version reads.
        return Verdict::NotACard;
    };
    if card.algorithm != key.algorithm() {
        // Only the city's own key signs, and it names its own algorithm.
        return Verdict::ForgedOrAltered;
    }
    if let Some(entry) = list.and_then(|list| list.find(&card.number)) {
        if entry.revoked_on.is_some_and(|on| on <= day) {
            let on = entry.revoked_on;
            return Verdict::Revoked { card, on };
        }
        if entry.edition > card.edition {
            let current_edition = entry.edition;
            return Verdict::Replaced {
                card,
                current_edition,
            };
        }
    }
    if day < card.valid_from {
        Verdict::NotYetValid { card }
    } else if day > card.valid_to {
        Verdict::Expired { card }
    } else {
        Verdict::Valid { card }
    }
}

impl Verdict {
    /// The verdict in Chinese and English.
    pub fn message(&self) -> Message {
        match self {
            Verdict::Valid { card } => Message::new(
                format!("有效：证号 {}，有效期至 {}", card.number, card.valid_to),
                format!(
                    "valid: permit {}, valid through {}",
                    card.number, card.valid_to
                ),
            ),
            Verdict::NotYetValid { card } => Message::new(
                format!("尚未生效：自 {} 起有效", card.valid_from),
                format!("not yet valid: valid from {}", card.valid_from),
            ),
            Verdict::Expired { card } => Message::new(
                format!("已过期：有效期至 {}", card.valid_to),
                format!("expired: it was valid through {}", card.valid_to),
            ),
            Verdict::Revoked { card, on } => {
                let on = on.map_or(String::new(), |d| d.to_string());
                Message::new(
                    format!("已注销：证号 {} 于 {on} 注销", card.number),
                    format!("revoked: permit {} was revoked on {on}", card.number),
                )
            }
            Verdict::Replaced {
                card,
                current_edition,
            } => Message::new(
                format!(
                    "已换发：此卡为第 {} 版，现行为第 {current_edition} 版",
                    card.edition
                ),
                format!(
                    "replaced: this card is edition {}, the current one is edition {current_edition}",
                    card.edition
                ),
            ),
            Verdict::ForgedOrAltered => Message::new(
                "伪造或被篡改：签名与本市公钥不符",
                "forged or altered: the signature does not match the city's public key",
            ),
            Verdict::NotACard => Message::new("不是居住证二维码", "not a residence permit code"),
        }
    }
}
