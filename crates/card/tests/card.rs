//! Cards signed and checked offline: valid, not yet valid, expired, revoked and
//! replaced by the signed list, and every kind of tampering reported as forged or
//! altered (the statement, the signature, another key, the list itself).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use card::{
    CardStatement, CityKey, PublicKey, Revocation, RevocationList, SignedList, Verdict, verify,
};
use jiff::civil::{Date, date};

fn statement() -> CardStatement {
    CardStatement {
        number: "3202112025000001".into(),
        name: "李四".into(),
        unit: "320211001003".into(),
        valid_from: date(2025, 6, 10),
        valid_to: date(2026, 6, 9),
        edition: 1,
        issuer: "3202".into(),
    }
}

fn key() -> CityKey {
    CityKey::from_hex(&"07".repeat(32)).unwrap()
}

fn name(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Valid { .. } => "valid",
        Verdict::NotYetValid { .. } => "not_yet_valid",
        Verdict::Expired { .. } => "expired",
        Verdict::Revoked { .. } => "revoked",
        Verdict::Replaced { .. } => "replaced",
        Verdict::ForgedOrAltered => "forged_or_altered",
        Verdict::NotACard => "not_a_card",
    }
}

fn check(code: &str, list: Option<&RevocationList>, day: Date) -> &'static str {
    name(&verify(code, &key().public(), list, day))
}

#[test]
fn a_card_is_valid_from_its_first_through_its_last_day() {
    let code = key().sign(&statement());
    assert!(code.starts_with("AJ1."));
    assert_eq!(check(&code, None, date(2025, 6, 9)), "not_yet_valid");
    assert_eq!(check(&code, None, date(2025, 6, 10)), "valid");
    assert_eq!(check(&code, None, date(2026, 6, 9)), "valid");
    assert_eq!(check(&code, None, date(2026, 6, 10)), "expired");
    match verify(&code, &key().public(), None, date(2025, 7, 1)) {
        Verdict::Valid { card } => assert_eq!(card, statement()),
        other => panic!("expected valid, found {other:?}"),
    }
}

#[test]
fn an_altered_statement_is_reported_as_forged_or_altered() {
    let code = key().sign(&statement());
    let (body, signature) = code["AJ1.".len()..].split_once('.').unwrap();
    let mut altered = statement();
    altered.valid_to = date(2036, 6, 9);
    let altered_body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&altered).unwrap());
    let forged = format!("AJ1.{altered_body}.{signature}");
    assert_eq!(check(&forged, None, date(2025, 7, 1)), "forged_or_altered");
    // One bit of the signature flipped.
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[10] ^= 1;
    let flipped = format!("AJ1.{body}.{}", URL_SAFE_NO_PAD.encode(&bytes));
    assert_eq!(check(&flipped, None, date(2025, 7, 1)), "forged_or_altered");
    // One character of the statement changed.
    let mut json = URL_SAFE_NO_PAD.decode(body).unwrap();
    let at = json.iter().position(|b| *b == b'1').unwrap();
    json[at] = b'2';
    let edited = format!("AJ1.{}.{signature}", URL_SAFE_NO_PAD.encode(&json));
    assert_eq!(check(&edited, None, date(2025, 7, 1)), "forged_or_altered");
}

#[test]
fn a_card_signed_with_another_key_is_forged() {
    let other = CityKey::from_hex(&"08".repeat(32)).unwrap();
    let code = other.sign(&statement());
    assert_eq!(check(&code, None, date(2025, 7, 1)), "forged_or_altered");
}

#[test]
fn text_that_is_no_card_code_is_said_to_be_none() {
    for text in ["", "hello", "AJ1.", "AJ1.abc", "AJ1.!!!.???", "AJ2.e30.e30"] {
        assert_eq!(
            check(text, None, date(2025, 7, 1)),
            "not_a_card",
            "{text:?}"
        );
    }
}

fn list(permits: Vec<Revocation>) -> RevocationList {
    RevocationList {
        issuer: "3202".into(),
        as_of: date(2025, 12, 31),
        permits,
    }
}

#[test]
fn the_signed_list_reports_revoked_and_replaced_cards() {
    let code = key().sign(&statement());
    let revoked = list(vec![Revocation {
        number: "3202112025000001".into(),
        revoked_on: Some(date(2025, 9, 1)),
        edition: 1,
    }]);
    let published = key().sign_list(&revoked);
    let opened = published.open(&key().public()).unwrap();
    assert_eq!(check(&code, Some(&opened), date(2025, 8, 31)), "valid");
    assert_eq!(check(&code, Some(&opened), date(2025, 9, 1)), "revoked");
    let replaced = list(vec![Revocation {
        number: "3202112025000001".into(),
        revoked_on: None,
        edition: 2,
    }]);
    assert_eq!(check(&code, Some(&replaced), date(2025, 9, 1)), "replaced");
    let other = list(vec![Revocation {
        number: "3202112025000002".into(),
        revoked_on: Some(date(2025, 9, 1)),
        edition: 1,
    }]);
    assert_eq!(check(&code, Some(&other), date(2025, 9, 1)), "valid");
}

#[test]
fn a_list_altered_or_signed_by_another_key_is_refused() {
    let published = key().sign_list(&list(vec![]));
    let altered = SignedList {
        list: published.list.replace("2025-12-31", "2026-12-31"),
        signature: published.signature.clone(),
    };
    let error = altered.open(&key().public()).unwrap_err();
    insta::assert_snapshot!(error.message().to_string(), @"注销名单的签名与本市公钥不符 / expected a revocation list signed by the city, but the signature does not verify");
    let other = CityKey::from_hex(&"08".repeat(32)).unwrap();
    assert!(published.open(&other.public()).is_err());
}

#[test]
fn keys_round_trip_as_hex_and_bad_ones_are_named() {
    let key = CityKey::generate();
    assert_eq!(
        CityKey::from_hex(&key.to_hex()).unwrap().to_hex(),
        key.to_hex()
    );
    let public = key.public();
    assert_eq!(PublicKey::from_hex(&public.to_hex()).unwrap(), public);
    let error = PublicKey::from_hex("abc").unwrap_err();
    insta::assert_snapshot!(error.message().to_string(), @"公钥应为 64 位十六进制字符，实为3 characters / expected a public key of 64 hex characters, but found 3 characters");
}

#[test]
fn the_qr_code_is_an_svg() {
    let svg = card::qr_svg(&key().sign(&statement()), 200).unwrap();
    assert!(svg.contains("<svg") && svg.contains("</svg>"));
}
