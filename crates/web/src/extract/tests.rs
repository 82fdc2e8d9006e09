//! Bodies and parameters that fail name their field.

use serde::Deserialize;

use super::*;
use crate::error::Code;
use domain::Date;
use domain::resident_id::ResidentId;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Form {
    on: Day,
    count: i64,
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Item {
    name: String,
    id: Option<ResidentId>,
}

fn fail(json: &str) -> ApiError {
    from_json::<Form>(json.as_bytes()).unwrap_err()
}

#[test]
fn names_the_missing_and_unknown_fields() {
    let error = fail(r#"{"on":"2024-01-01","count":1,"items":[{}]}"#);
    assert_eq!(
        (error.code, error.field.as_deref()),
        (Code::InvalidField, Some("items[0].name"))
    );
    let error = fail(r#"{"on":"2024-01-01","count":1,"items":[],"extra":1}"#);
    assert_eq!(error.field.as_deref(), Some("extra"));
    assert!(error.message.en.contains("unknown field extra"), "{error}");
}

#[test]
fn names_bad_dates_and_types() {
    let error = fail(r#"{"on":"2023-02-30","count":1,"items":[]}"#);
    assert_eq!(error.field.as_deref(), Some("on"));
    assert_eq!(
        error.message.en,
        "expected a date that exists in the calendar, but found 2023-02-30"
    );
    let error = fail(r#"{"on":"2023-02-03","count":"many","items":[]}"#);
    assert_eq!(error.field.as_deref(), Some("count"));
    assert_eq!(error.message.en, r#"expected i64, but found string "many""#);
}

#[test]
fn carries_domain_reasons_through_serde() {
    let error =
        fail(r#"{"on":"2023-02-03","count":1,"items":[{"name":"a","id":"110101199003070001"}]}"#);
    assert_eq!(error.field.as_deref(), Some("items[0].id"));
    assert!(error.message.zh.starts_with("校验码应为"), "{error}");
    assert!(
        error.message.en.starts_with("expected check digit"),
        "{error}"
    );
}

#[test]
fn syntax_errors_give_the_position() {
    let error = fail("{\"on\": ");
    assert_eq!(
        (error.code, error.field.as_deref()),
        (Code::MalformedJson, Some("body"))
    );
    assert!(error.message.en.contains("line 1 column 7"), "{error}");
    let error = fail(r#"{"on":"2024-01-01","count":1,"items":[]} x"#);
    assert_eq!(error.code, Code::MalformedJson);
}

#[test]
fn dates_must_be_written_in_full() {
    assert!(parse_date("2024-2-01").is_err());
    assert!(parse_date("20240201").is_err());
    assert_eq!(
        parse_date("2024-02-29").unwrap(),
        Date::constant(2024, 2, 29)
    );
}
