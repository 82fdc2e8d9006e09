//! Tests of [`super::ResidentId`]. Every ID here is synthetic: built from made-up
//! parts with a computed check digit, never a real person's.

use jiff::civil::date;

use super::*;

/// Synthetic IDs with check digits computed by hand (outside this code).
const MALE_LIANGXI_1990: &str = "320213199003151233";
const FEMALE_CHONGAN_1985: &str = "320202198501010042";
const FEMALE_LEAP_DAY_2000: &str = "510107200002290029";
const CITY_LEVEL_CODE: &str = "110000199001010013";
const BORN_1900: &str = "320281190001010010";

fn id(text: &str) -> ResidentId {
    ResidentId::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Replaces the check digit of `first17` by the right one.
fn with_check_digit(first17: &str) -> String {
    let check = check_char(first17.as_bytes()) as char;
    format!("{first17}{check}")
}

#[test]
fn accepts_valid_ids_and_reads_their_parts() {
    let man = id(MALE_LIANGXI_1990);
    assert_eq!(man.as_str(), MALE_LIANGXI_1990);
    assert_eq!(man.birth_date(), date(1990, 3, 15));
    assert_eq!(man.sex(), Sex::Male);
    assert_eq!(man.hukou().to_string(), "320213");

    let woman = id(FEMALE_CHONGAN_1985);
    assert_eq!(woman.sex(), Sex::Female);
    assert_eq!(
        woman.hukou().to_string(),
        "320202",
        "an abolished division stays valid"
    );
    assert_eq!(id(BORN_1900).birth_date(), date(1900, 1, 1));
}

#[test]
fn trims_and_normalises_lowercase_x() {
    let upper = with_check_digit("32021319900101004");
    assert!(
        upper.ends_with('X'),
        "this sequence was chosen for an X: {upper}"
    );
    let lower = format!("  {}\t\n", upper.to_lowercase());
    assert_eq!(id(&lower).as_str(), upper);
    assert_eq!(id(&lower), id(&upper));
}

#[test]
fn rejects_wrong_length() {
    assert_eq!(
        ResidentId::parse("32021319900315123"),
        Err(IdError::Length { found: 17 })
    );
    assert_eq!(ResidentId::parse(""), Err(IdError::Length { found: 0 }));
    // A first-generation 15-digit ID is not accepted: the registry needs the 18-digit form.
    assert_eq!(
        ResidentId::parse("320213900315123"),
        Err(IdError::Length { found: 15 })
    );
    // Counted in characters, not bytes.
    assert_eq!(
        ResidentId::parse("３２０２１３19900315123"),
        Err(IdError::Length { found: 17 })
    );
}

#[test]
fn rejects_non_digits() {
    assert_eq!(
        ResidentId::parse("3202131990031512A3"),
        Err(IdError::NotDigit {
            position: 17,
            found: 'A'
        })
    );
    assert_eq!(
        ResidentId::parse("x20213199003151233"),
        Err(IdError::NotDigit {
            position: 1,
            found: 'x'
        })
    );
    assert_eq!(
        ResidentId::parse("３20213199003151233"),
        Err(IdError::NotDigit {
            position: 1,
            found: '３'
        })
    );
    assert_eq!(
        ResidentId::parse("32021319900315123Y"),
        Err(IdError::NotCheckCharacter { found: 'Y' })
    );
}

#[test]
fn rejects_unknown_provinces() {
    for province in [
        "00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "71", "80",
        "84",
    ] {
        let text = with_check_digit(&format!("{province}021319900315123"));
        assert_eq!(
            ResidentId::parse(&text),
            Err(IdError::Province {
                found: province.parse().unwrap()
            }),
            "{text}"
        );
    }
    for province in [11, 15, 21, 23, 31, 37, 41, 46, 50, 54, 61, 65] {
        id(&with_check_digit(&format!("{province}021319900315123")));
    }
}

#[test]
fn rejects_hong_kong_macau_taiwan_and_foreigners_before_the_check_digit() {
    for (prefix, reason) in [
        ("81", OutOfScope::HongKong),
        ("82", OutOfScope::Macau),
        ("83", OutOfScope::Taiwan),
    ] {
        let valid = with_check_digit(&format!("{prefix}000019900101001"));
        assert_eq!(ResidentId::parse(&valid), Err(IdError::OutOfScope(reason)));
        let wrong = if valid.ends_with('1') { '2' } else { '1' };
        let bad_check = format!("{}{wrong}", &valid[..17]);
        assert_ne!(valid, bad_check);
        assert_eq!(
            ResidentId::parse(&bad_check),
            Err(IdError::OutOfScope(reason))
        );
    }
    let foreigner = with_check_digit("91000019900101001");
    assert_eq!(
        ResidentId::parse(&foreigner),
        Err(IdError::OutOfScope(OutOfScope::Foreigner))
    );
    for old_form in ["ABC110090010101", "abc110090010101", " USA320000000001 "] {
        assert_eq!(
            ResidentId::parse(old_form),
            Err(IdError::OutOfScope(OutOfScope::Foreigner))
        );
    }
    let message = IdError::OutOfScope(OutOfScope::HongKong).message();
    assert!(
        message
            .en
            .starts_with("not in scope: Hong Kong/Macau/Taiwan resident")
    );
    assert!(message.zh.starts_with("不在范围内：港澳台居民"));
}

#[test]
fn checks_the_birth_date() {
    assert_eq!(id(FEMALE_LEAP_DAY_2000).birth_date(), date(2000, 2, 29));
    let not_leap = with_check_digit("51010719000229002");
    assert_eq!(
        ResidentId::parse(&not_leap),
        Err(IdError::BirthDate {
            found: "19000229".into()
        })
    );
    for bad in ["19901301", "19900001", "19900100", "19900431"] {
        let text = with_check_digit(&format!("320213{bad}123"));
        assert_eq!(
            ResidentId::parse(&text),
            Err(IdError::BirthDate { found: bad.into() })
        );
    }
    let too_old = with_check_digit("32021318991231123");
    assert_eq!(
        ResidentId::parse(&too_old),
        Err(IdError::BirthYear { found: 1899 })
    );
}

#[test]
fn checks_the_check_digit() {
    assert_eq!(
        ResidentId::parse("320213199003151234"),
        Err(IdError::CheckDigit {
            expected: '3',
            found: '4'
        })
    );
    assert_eq!(
        ResidentId::parse("32021319900315123x"),
        Err(IdError::CheckDigit {
            expected: '3',
            found: 'X'
        })
    );
    // Every single-digit change in the first 17 digits is caught.
    for position in 0..17 {
        let mut bytes = MALE_LIANGXI_1990.as_bytes().to_vec();
        bytes[position] = if bytes[position] == b'9' {
            b'8'
        } else {
            bytes[position] + 1
        };
        let text = String::from_utf8(bytes).unwrap();
        assert!(ResidentId::parse(&text).is_err(), "{text}");
    }
}

#[test]
fn hukou_of_a_city_or_province_level_code_is_that_code() {
    assert_eq!(id(CITY_LEVEL_CODE).hukou().to_string(), "11");
    let city = id(&with_check_digit("32020019900101001"));
    assert_eq!(city.hukou().to_string(), "3202");
}

#[test]
fn age_counts_completed_years() {
    let man = id(MALE_LIANGXI_1990); // born 1990-03-15
    assert_eq!(man.age_on(date(2020, 3, 14)), 29);
    assert_eq!(
        man.age_on(date(2020, 3, 15)),
        30,
        "a birthday on the date counts"
    );
    assert_eq!(man.age_on(date(2020, 12, 31)), 30);
    assert_eq!(man.age_on(date(1990, 3, 15)), 0);

    let leap = id(FEMALE_LEAP_DAY_2000); // born 2000-02-29
    assert_eq!(leap.age_on(date(2001, 2, 28)), 0);
    assert_eq!(
        leap.age_on(date(2001, 3, 1)),
        1,
        "older on 1 March in a common year"
    );
    assert_eq!(leap.age_on(date(2004, 2, 28)), 3);
    assert_eq!(leap.age_on(date(2004, 2, 29)), 4);
}

#[test]
fn synthesize_builds_valid_ids_with_the_asked_sex() {
    let man = ResidentId::synthesize(320213, date(1990, 3, 15), 122, Sex::Male);
    assert_eq!(man.as_str(), MALE_LIANGXI_1990);
    let woman = ResidentId::synthesize(320202, date(1985, 1, 1), 5, Sex::Female);
    assert_eq!(woman.as_str(), FEMALE_CHONGAN_1985);
    for sequence in [0, 1, 998, 999] {
        for sex in [Sex::Male, Sex::Female] {
            let made = ResidentId::synthesize(110105, date(2000, 2, 29), sequence, sex);
            assert_eq!(id(made.as_str()), made);
            assert_eq!(made.sex(), sex);
            assert_eq!(made.birth_date(), date(2000, 2, 29));
        }
    }
}

#[test]
#[should_panic(expected = "mainland")]
fn synthesize_refuses_an_out_of_scope_prefix() {
    ResidentId::synthesize(810000, date(1990, 1, 1), 1, Sex::Male);
}

#[test]
fn serde_round_trips_as_a_string_and_validates() {
    let man = id(MALE_LIANGXI_1990);
    let json = serde_json::to_string(&man).unwrap();
    assert_eq!(json, format!("\"{MALE_LIANGXI_1990}\""));
    assert_eq!(serde_json::from_str::<ResidentId>(&json).unwrap(), man);
    let error = serde_json::from_str::<ResidentId>("\"320213199003151234\"").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("expected check digit 3, but found 4"),
        "{error}"
    );
    assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"female\"");
}

#[test]
fn from_str_gives_a_field_error() {
    let error = "320213199003151234".parse::<ResidentId>().unwrap_err();
    assert_eq!(error.field, "resident_id");
    assert_eq!(error.message.zh, "校验码应为 3，实为 4");
    assert_eq!(error.message.en, "expected check digit 3, but found 4");
    assert_eq!(
        MALE_LIANGXI_1990.parse::<ResidentId>().unwrap().to_string(),
        MALE_LIANGXI_1990
    );
}

/// The bilingual messages of every kind of error, pinned.
#[test]
fn field_error_messages() {
    let cases: [(&str, &str); 11] = [
        ("length", "32021319900315123"),
        ("not_digit", "3202131990031512A3"),
        ("not_check_character", "32021319900315123Y"),
        ("hong_kong", "810000199001010019"),
        ("macau", "820000199001010010"),
        ("taiwan", "830000199001010011"),
        ("foreigner", "910000199001010012"),
        ("province", "710213199003151230"),
        ("birth_year", "320213189912311230"),
        ("birth_date", "510107190002290020"),
        ("check_digit", "320213199003151234"),
    ];
    for (name, text) in cases {
        let error = FieldError::from(ResidentId::parse(text).unwrap_err());
        insta::assert_json_snapshot!(name, error);
    }
}
