//! Bodies and parameters that fail name their field.

use serde::Deserialize;

use super::*;
use crate::error::Code;
use domain::Date;
use domain::division::DivisionCode;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Form {
    on: DateText,
    count: i64,
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Item {
    name: String,
    id: Option<IdText>,
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
fn names_bad_types() {
    let error = fail(r#"{"on":"2023-02-03","count":"many","items":[]}"#);
    assert_eq!(error.field.as_deref(), Some("count"));
    assert_eq!(error.message.en, r#"expected i64, but found string "many""#);
    let error = fail(r#"{"on":20230203,"count":1,"items":[]}"#);
    assert_eq!(error.field.as_deref(), Some("on"));
    assert_eq!(
        error.message.en,
        "expected a string, but found integer `20230203`"
    );
}

#[test]
fn texts_are_parsed_naming_their_field_with_the_domains_reason() {
    let form: Form = from_json(br#"{"on":"2023-02-30","count":1,"items":[]}"#).unwrap();
    let error = form.on.parse("on").unwrap_err();
    assert_eq!(
        (error.code, error.field.as_deref()),
        (Code::InvalidField, Some("on"))
    );
    assert_eq!(error.message, parse_date("2023-02-30").unwrap_err());
    assert_eq!(
        error.message.en,
        "expected a date that exists in the calendar, but found 2023-02-30"
    );

    let form: Form = from_json(
        br#"{"on":"2023-02-03","count":1,"items":[{"name":"a","id":"110101199003070001"}]}"#,
    )
    .unwrap();
    let id = form.items[0].id.as_ref().unwrap();
    let error = id.parse(&field("items[0]", "id")).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("items[0].id"));
    let reason = domain::resident_id::ResidentId::parse("110101199003070001")
        .unwrap_err()
        .message();
    assert_eq!(error.message, reason);
    assert!(error.message.zh.starts_with("校验码应为"), "{error}");

    let code = CodeText::from("32021");
    let error = code.parse("residence.unit").unwrap_err();
    assert_eq!(error.field.as_deref(), Some("residence.unit"));
    assert_eq!(
        error.message,
        "32021".parse::<DivisionCode>().unwrap_err().message
    );
    assert_eq!(
        CodeText::from("320211").parse("unit"),
        Ok("320211".parse().unwrap())
    );
    assert_eq!(field("", "on"), "on");
}

#[test]
fn other_reasons_are_passed_on_whole() {
    // A domain type that serde reads itself (as it reads the division code of a
    // residence inside a fact kind) fails with text that is not serde's: it is
    // passed on as it is, never taken apart.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        unit: DivisionCode,
    }
    let error = from_json::<Body>(br#"{"unit":"32x"}"#).unwrap_err();
    assert_eq!(
        (error.code, error.field.as_deref()),
        (Code::InvalidField, Some("unit"))
    );
    let reason = "32x".parse::<DivisionCode>().unwrap_err().to_string();
    assert!(error.message.zh.contains(&reason), "{error}");
    assert!(error.message.en.contains(&reason), "{error}");
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
