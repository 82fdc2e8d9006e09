//! `anju verify`: a card code checked offline with the city's public key (given as
//! hex or as a file) and its signed revocation list.

use anju::cli::verify::{Args, run};
use card::{Algorithm, CardStatement, CityKey, RevocationList};
use jiff::civil::date;

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

fn args(code: String, public_key: String, on: &str) -> Args {
    Args {
        code,
        public_key,
        revocations: None,
        on: Some(on.into()),
    }
}

#[test]
fn a_valid_card_passes_and_an_altered_or_expired_one_does_not() {
    for algorithm in [Algorithm::Ed25519, Algorithm::Sm2] {
        let key = CityKey::generate_for(algorithm);
        let code = key.sign(&statement());
        let public = key.public().to_hex();
        assert!(run(args(code.clone(), public.clone(), "2025-07-01")).unwrap());
        assert!(!run(args(code.clone(), public.clone(), "2026-06-10")).unwrap());
        let altered = code.replacen('A', "B", 2);
        assert!(!run(args(altered, public.clone(), "2025-07-01")).unwrap());
        let other = CityKey::generate_for(algorithm).public().to_hex();
        assert!(!run(args(code, other, "2025-07-01")).unwrap());
    }
}

#[test]
fn the_key_may_be_a_file_and_the_list_is_checked() {
    let key = CityKey::generate();
    let code = key.sign(&statement());
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("city.pub");
    std::fs::write(&key_file, key.public().to_hex() + "\n").unwrap();
    let mut list = RevocationList::of("3202", date(2025, 9, 1), &[]);
    list.permits.push(card::Revocation {
        number: "3202112025000001".into(),
        revoked_on: Some(date(2025, 8, 1)),
        edition: 1,
    });
    let list_file = dir.path().join("revocations.json");
    std::fs::write(
        &list_file,
        serde_json::to_string(&key.sign_list(&list)).unwrap(),
    )
    .unwrap();
    let mut checked = args(code.clone(), key_file.display().to_string(), "2025-08-15");
    checked.revocations = Some(list_file.clone());
    assert!(!run(checked).unwrap(), "revoked");
    // A list signed by another key is refused with the reason.
    let forged = CityKey::generate().sign_list(&list);
    std::fs::write(&list_file, serde_json::to_string(&forged).unwrap()).unwrap();
    let mut refused = args(code, key_file.display().to_string(), "2025-08-15");
    refused.revocations = Some(list_file);
    let error = run(refused).unwrap_err().to_string();
    assert!(
        error.contains("expected a revocation list signed by the city"),
        "{error}"
    );
}

#[test]
fn a_bad_key_or_date_is_named() {
    let code = CityKey::generate().sign(&statement());
    let error = run(args(code.clone(), "abc".into(), "2025-07-01"))
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("--public-key:"), "{error}");
    let key = CityKey::generate().public().to_hex();
    let error = run(args(code, key, "2025-13-01")).unwrap_err().to_string();
    assert!(error.contains("--on"), "{error}");
}
