//! Cards signed and checked offline: valid, not yet valid, expired, revoked and
//! replaced by the signed list, and every kind of tampering reported as forged or
//! altered (the statement, the signature, another key, the list itself) — each
//! with an Ed25519 key and with an SM2 key.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use card::{
    Algorithm, CardStatement, CityKey, PublicKey, Revocation, RevocationList, SignedList, Verdict,
    verify,
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
        algorithm: Algorithm::Ed25519,
    }
}

/// The city's keys of the cases: one of each algorithm.
fn keys() -> [CityKey; 2] {
    [
        CityKey::from_hex(&"07".repeat(32)).unwrap(),
        CityKey::from_hex(&format!("sm2:{}", "07".repeat(32))).unwrap(),
    ]
}

/// Another key of the same algorithm as `key`.
fn other_key(key: &CityKey) -> CityKey {
    let prefix = if key.algorithm() == Algorithm::Sm2 {
        "sm2:"
    } else {
        ""
    };
    CityKey::from_hex(&format!("{prefix}{}", "08".repeat(32))).unwrap()
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

fn check(key: &CityKey, code: &str, list: Option<&RevocationList>, day: Date) -> &'static str {
    name(&verify(code, &key.public(), list, day))
}

#[test]
fn a_card_is_valid_from_its_first_through_its_last_day() {
    for key in keys() {
        let key = &key;
        let code = key.sign(&statement());
        assert!(code.starts_with("AJ1."));
        assert_eq!(check(key, &code, None, date(2025, 6, 9)), "not_yet_valid");
        assert_eq!(check(key, &code, None, date(2025, 6, 10)), "valid");
        assert_eq!(check(key, &code, None, date(2026, 6, 9)), "valid");
        assert_eq!(check(key, &code, None, date(2026, 6, 10)), "expired");
        match verify(&code, &key.public(), None, date(2025, 7, 1)) {
            Verdict::Valid { card } => assert_eq!(card.number, statement().number),
            other => panic!("expected valid, found {other:?}"),
        }
    }
}

#[test]
fn an_altered_statement_is_reported_as_forged_or_altered() {
    for key in keys() {
        let key = &key;
        let code = key.sign(&statement());
        let (body, signature) = code["AJ1.".len()..].split_once('.').unwrap();
        let mut altered = statement();
        altered.valid_to = date(2036, 6, 9);
        let altered_body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&altered).unwrap());
        let forged = format!("AJ1.{altered_body}.{signature}");
        assert_eq!(
            check(key, &forged, None, date(2025, 7, 1)),
            "forged_or_altered"
        );
        // One bit of the signature flipped.
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
        bytes[10] ^= 1;
        let flipped = format!("AJ1.{body}.{}", URL_SAFE_NO_PAD.encode(&bytes));
        assert_eq!(
            check(key, &flipped, None, date(2025, 7, 1)),
            "forged_or_altered"
        );
        // One character of the statement changed.
        let mut json = URL_SAFE_NO_PAD.decode(body).unwrap();
        let at = json.iter().position(|b| *b == b'1').unwrap();
        json[at] = b'2';
        let edited = format!("AJ1.{}.{signature}", URL_SAFE_NO_PAD.encode(&json));
        assert_eq!(
            check(key, &edited, None, date(2025, 7, 1)),
            "forged_or_altered"
        );
    }
}

#[test]
fn a_card_signed_with_another_key_is_forged() {
    for key in keys() {
        let key = &key;
        // Another key of the same algorithm, and the other algorithm's key.
        for other in [
            other_key(key),
            keys()
                .into_iter()
                .find(|k| k.algorithm() != key.algorithm())
                .unwrap(),
        ] {
            let code = other.sign(&statement());
            assert_eq!(
                check(key, &code, None, date(2025, 7, 1)),
                "forged_or_altered"
            );
        }
    }
}

#[test]
fn the_statement_names_the_algorithm_it_is_signed_with() {
    for key in keys() {
        let code = key.sign(&statement());
        let body = code["AJ1.".len()..].split_once('.').unwrap().0;
        let json: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
        assert_eq!(json["alg"], key.algorithm().name());
        assert_eq!(key.sign_list(&list(vec![])).algorithm, key.algorithm());
    }
}

#[test]
fn text_that_is_no_card_code_is_said_to_be_none() {
    for key in keys() {
        let key = &key;
        for text in ["", "hello", "AJ1.", "AJ1.abc", "AJ1.!!!.???", "AJ2.e30.e30"] {
            assert_eq!(
                check(key, text, None, date(2025, 7, 1)),
                "not_a_card",
                "{text:?}"
            );
        }
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
    for key in keys() {
        let key = &key;
        let code = key.sign(&statement());
        let revoked = list(vec![Revocation {
            number: "3202112025000001".into(),
            revoked_on: Some(date(2025, 9, 1)),
            edition: 1,
        }]);
        let published = key.sign_list(&revoked);
        let opened = published.open(&key.public()).unwrap();
        assert_eq!(check(key, &code, Some(&opened), date(2025, 8, 31)), "valid");
        assert_eq!(
            check(key, &code, Some(&opened), date(2025, 9, 1)),
            "revoked"
        );
        let replaced = list(vec![Revocation {
            number: "3202112025000001".into(),
            revoked_on: None,
            edition: 2,
        }]);
        assert_eq!(
            check(key, &code, Some(&replaced), date(2025, 9, 1)),
            "replaced"
        );
        let other = list(vec![Revocation {
            number: "3202112025000002".into(),
            revoked_on: Some(date(2025, 9, 1)),
            edition: 1,
        }]);
        assert_eq!(check(key, &code, Some(&other), date(2025, 9, 1)), "valid");
    }
}

#[test]
fn a_list_altered_or_signed_by_another_key_is_refused() {
    for key in keys() {
        let key = &key;
        let published = key.sign_list(&list(vec![]));
        let altered = SignedList {
            list: published.list.replace("2025-12-31", "2026-12-31"),
            algorithm: published.algorithm,
            signature: published.signature.clone(),
        };
        let error = altered.open(&key.public()).unwrap_err();
        assert_eq!(
            error.message().to_string(),
            "注销名单的签名与本市公钥不符 / expected a revocation list signed by the city, but the signature does not verify"
        );
        let other = CityKey::from_hex(&"08".repeat(32)).unwrap();
        assert!(published.open(&other.public()).is_err());
    }
}

#[test]
fn keys_round_trip_as_hex_and_bad_ones_are_named() {
    for algorithm in [Algorithm::Ed25519, Algorithm::Sm2] {
        let key = CityKey::generate_for(algorithm);
        assert_eq!(key.algorithm(), algorithm);
        assert_eq!(
            CityKey::from_hex(&key.to_hex()).unwrap().to_hex(),
            key.to_hex()
        );
        let public = key.public();
        assert_eq!(PublicKey::from_hex(&public.to_hex()).unwrap(), public);
        assert_eq!(public.algorithm(), algorithm);
    }
    assert!(
        CityKey::generate_for(Algorithm::Sm2)
            .to_hex()
            .starts_with("sm2:")
    );
    assert_eq!("SM2".parse::<Algorithm>().unwrap(), Algorithm::Sm2);
    let error = "rsa".parse::<Algorithm>().unwrap_err();
    insta::assert_snapshot!(error.message().to_string(), @"签名算法应为 ed25519 或 sm2，实为rsa / expected the algorithm ed25519 or sm2, but found rsa");
    let error = PublicKey::from_hex("sm2:04abc").unwrap_err();
    insta::assert_snapshot!(error.message().to_string(), @"公钥应为 64 位十六进制字符（SM2 为 sm2: 加 66 或 130 位），实为9 characters / expected a public key of 64 hex characters, or sm2: and 66 or 130 hex characters for SM2, but found 9 characters");
    let error = PublicKey::from_hex("abc").unwrap_err();
    insta::assert_snapshot!(error.message().to_string(), @"公钥应为 64 位十六进制字符（SM2 为 sm2: 加 66 或 130 位），实为3 characters / expected a public key of 64 hex characters, or sm2: and 66 or 130 hex characters for SM2, but found 3 characters");
}

#[test]
fn the_qr_code_is_an_svg() {
    for key in keys() {
        let key = &key;
        let svg = card::qr_svg(&key.sign(&statement()), 200).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }
}
