//! 居住证卡 — the residence permit's card: the statement its QR code carries (what the
//! card shows: number, holder, unit, validity, edition), signed with the city's
//! Ed25519 or SM2 key; the signed list of revoked and replaced cards the city publishes;
//! and verification anyone can run offline with the city's public key.
//!
//! ```text
//! CityKey::generate / from_hex      the city's signing key (kept outside the database)
//! CityKey::sign(&statement)         the code printed as a QR code on the card
//! CityKey::sign_list(&list)         the revocation list, as published
//! verify(code, &public, list, day)  valid, not yet valid, expired, revoked, replaced,
//!                                   forged or altered, or not a card code
//! card_pdf(title, rows, code, font)  the printable card as PDF, with a font subset
//! ```
//!
//! The city signs with Ed25519, or with SM2 (and SM3) where a setting asks for the
//! national algorithm; the statement and the list name the algorithm.

mod code;
mod error;
mod font;
mod key;
mod pdf;
mod qr;
mod revocation;
mod statement;
mod verify;

pub use error::CardError;
pub use font::{CardFont, DEFAULT_FONT, FONT_VARIABLE, font_path};
pub use key::{Algorithm, CityKey, PublicKey};
pub use pdf::card_pdf;
pub use qr::qr_svg;
pub use revocation::{Revocation, RevocationList, SignedList};
pub use statement::CardStatement;
pub use verify::{Verdict, verify};
