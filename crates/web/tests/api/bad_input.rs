//! Bad input gets a 4xx whose body names the field and the reason in Chinese and
//! English, and nothing is written; no malformed request gets a 5xx.

use axum::http::{Method, StatusCode};
use domain::access::Role;
use serde_json::{Value, json};

use crate::support::*;

/// Whether `text` holds a Chinese character.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Checks a bilingual 4xx naming `field`.
fn assert_refused(answer: &Answer, status: StatusCode, field: &str, case: &str) {
    assert_eq!(answer.status, status, "{case}: {}", answer.body);
    let (found, zh, en) = answer.error();
    assert_eq!(found, field, "{case}: {}", answer.body);
    assert!(has_chinese(zh), "{case}: zh is not Chinese: {zh}");
    assert!(en.is_ascii() || en.contains("expected"), "{case}: en: {en}");
    assert!(!en.is_empty(), "{case}");
}

/// `form` with the value at `pointer` set (added when it is not there).
fn with(mut form: Value, pointer: &str, value: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let parent = form
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no {parent}"));
    parent.insert(key.to_owned(), value);
    form
}

fn without(mut form: Value, key: &str) -> Value {
    form.as_object_mut().unwrap().remove(key);
    form
}

#[tokio::test]
async fn bad_registrations_are_refused_and_write_nothing() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let id = resident_id(31);
    let good = registration(&id, "郑十一", BINHU_VILLAGE, "2023-03-01");
    let local = domain::resident_id::ResidentId::synthesize(
        320211,
        date("1990-01-01"),
        5,
        domain::resident_id::Sex::Female,
    );
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "wrong check digit",
            with(good.clone(), "/resident_id", json!(wrong_check_digit(&id))),
            unprocessable,
            "resident_id",
        ),
        (
            "short ID",
            with(good.clone(), "/resident_id", json!("3401021990")),
            unprocessable,
            "resident_id",
        ),
        (
            "Hong Kong ID",
            with(good.clone(), "/resident_id", json!("810000199001011234")),
            unprocessable,
            "resident_id",
        ),
        (
            "local hukou",
            with(good.clone(), "/resident_id", json!(local.as_str())),
            unprocessable,
            "resident_id",
        ),
        (
            "unknown village",
            with(good.clone(), "/residence/unit", json!("320211001999")),
            unprocessable,
            "residence.unit",
        ),
        (
            "a town, not a village",
            with(good.clone(), "/residence/unit", json!("320211001")),
            unprocessable,
            "residence.unit",
        ),
        (
            "malformed code",
            with(good.clone(), "/residence/unit", json!("32021")),
            unprocessable,
            "residence.unit",
        ),
        (
            "bad date",
            with(good.clone(), "/on", json!("2023-02-30")),
            unprocessable,
            "on",
        ),
        (
            "date in another form",
            with(good.clone(), "/on", json!("2023/03/01")),
            unprocessable,
            "on",
        ),
        (
            "registered before birth",
            with(good.clone(), "/on", json!("1980-01-01")),
            unprocessable,
            "on",
        ),
        (
            "missing name",
            without(good.clone(), "name"),
            unprocessable,
            "name",
        ),
        (
            "missing residence",
            without(good.clone(), "residence"),
            unprocessable,
            "residence",
        ),
        (
            "empty name",
            with(good.clone(), "/name", json!("  ")),
            unprocessable,
            "name",
        ),
        (
            "name of the wrong type",
            with(good.clone(), "/name", json!(123)),
            unprocessable,
            "name",
        ),
        (
            "date of the wrong type",
            with(good.clone(), "/on", json!(20230301)),
            unprocessable,
            "on",
        ),
        (
            "place of the wrong type",
            with(good.clone(), "/residence/place", json!("abc")),
            unprocessable,
            "residence.place",
        ),
        (
            "unknown housing",
            with(good.clone(), "/residence/housing", json!("tent")),
            unprocessable,
            "residence.housing",
        ),
        (
            "unknown field",
            with(good.clone(), "/nickname", json!("小郑")),
            unprocessable,
            "nickname",
        ),
        (
            "unknown field in residence",
            with(good.clone(), "/residence/floor", json!(3)),
            unprocessable,
            "residence.floor",
        ),
        (
            "bad date in a fact",
            with(
                good.clone(),
                "/facts",
                json!([{"fact": {"kind": "married"}, "from": "2023-13-01"}]),
            ),
            unprocessable,
            "facts[0].from",
        ),
        (
            "a fact ending before it starts",
            with(
                good.clone(),
                "/facts",
                json!([{"fact": {"kind": "married"}, "from": "2023-03-01", "to": "2023-02-01"}]),
            ),
            unprocessable,
            "facts[0].to",
        ),
        (
            "an array body",
            json!([good.clone()]),
            unprocessable,
            "body",
        ),
        ("a null body", Value::Null, unprocessable, "body"),
    ];
    let events = test.events();
    for (case, form, status, field) in cases {
        let answer = test.post("/api/v1/persons", &token, form).await;
        assert_refused(&answer, status, field, case);
        assert_eq!(test.events(), events, "{case} wrote an event");
    }
    let nobody = test
        .get(&format!("/api/v1/persons?resident_id={id}"), &token)
        .await;
    assert_eq!(
        nobody.status,
        StatusCode::NOT_FOUND,
        "a refused registration left a person"
    );

    // The same form, corrected, goes through; a second time it is refused.
    test.register(&token, good.clone()).await;
    let events = test.events();
    let again = test.post("/api/v1/persons", &token, good).await;
    assert_refused(&again, unprocessable, "resident_id", "registered twice");
    assert_eq!(test.events(), events);
}

#[tokio::test]
async fn malformed_bodies_are_refused() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let events = test.events();
    let post = |content_type: Option<&'static str>, body: Vec<u8>| {
        let token = token.clone();
        let test = &test;
        async move {
            test.raw(
                Method::POST,
                "/api/v1/persons",
                Some(&token),
                content_type,
                body,
            )
            .await
        }
    };
    let json = Some("application/json");
    let mut valid_then_garbage = serde_json::to_vec(&registration(
        &resident_id(71),
        "卫十五",
        BINHU_VILLAGE,
        "2023-03-01",
    ))
    .unwrap();
    valid_then_garbage.extend(b" x");
    let cases: Vec<(&str, Answer, StatusCode, &str)> = vec![
        (
            "truncated JSON",
            post(json, br#"{"resident_id": "#.to_vec()).await,
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "empty body",
            post(json, Vec::new()).await,
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "trailing garbage",
            post(json, valid_then_garbage).await,
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "not UTF-8",
            post(
                json,
                [&b"{\"name\": \""[..], &[0xff, 0xfe], b"\"}"].concat(),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "body",
        ),
        (
            "plain text",
            post(Some("text/plain"), b"{}".to_vec()).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content-type",
        ),
        (
            "no content type",
            post(None, b"{}".to_vec()).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content-type",
        ),
        (
            "huge body",
            post(json, vec![b' '; 2 * 1024 * 1024]).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "body",
        ),
    ];
    for (case, answer, status, field) in cases {
        assert_refused(&answer, status, field, case);
    }
    assert_eq!(test.events(), events);
    let charset = post(Some("application/json; charset=utf-8"), b"{}".to_vec()).await;
    assert_eq!(
        charset.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a charset parameter is fine: {}",
        charset.body
    );
}

#[tokio::test]
async fn bad_changes_to_a_person_write_nothing() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let person = test
        .register(
            &token,
            registration(&resident_id(41), "冯十二", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    let base = format!("/api/v1/persons/{person}");
    let cases: Vec<(&str, String, Value, StatusCode, &str)> = vec![
        (
            "move into an unknown village",
            format!("{base}/moves"),
            json!({"on": "2023-06-01", "residence": {"housing": "own_home", "unit": "320211001999"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "residence.unit",
        ),
        (
            "move before arrival",
            format!("{base}/moves"),
            json!({"on": "2023-01-01", "residence": {"housing": "own_home", "unit": BINHU_OTHER_VILLAGE}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "on",
        ),
        (
            "a wage of the wrong type",
            format!("{base}/employers"),
            json!({"on": "2023-06-01", "employer": 1, "monthly_wage_fen": "much"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "monthly_wage_fen",
        ),
        (
            "an unknown fact kind",
            format!("{base}/facts"),
            json!({"fact": {"kind": "astronaut"}, "from": "2023-06-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "fact.kind",
        ),
        (
            "ending an unknown fact",
            format!("{base}/facts/999999/end"),
            json!({"last_day": "2023-06-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "fact",
        ),
        (
            "a correction without a reason",
            format!("{base}/corrections"),
            json!({"reason": "", "correction": {"target": "void_fact", "fact": 1}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "reason",
        ),
        (
            "a correction on a bad date",
            format!("{base}/corrections"),
            json!({"reason": "x", "correction": {"target": "fact", "fact": 1, "kind": {"kind": "married"}, "from": "2023-02-30"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "correction.from",
        ),
        (
            "a correction to a malformed ID number",
            format!("{base}/corrections"),
            json!({"reason": "x", "correction": {"target": "person", "name": "冯十二", "resident_id": "3401021990"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "correction.resident_id",
        ),
        (
            "a move to a malformed code",
            format!("{base}/moves"),
            json!({"on": "2023-06-01", "residence": {"housing": "own_home", "unit": "32021x"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "residence.unit",
        ),
        (
            "a fact ending on a bad date",
            format!("{base}/facts"),
            json!({"fact": {"kind": "married"}, "from": "2023-06-01", "to": "2023-06-31"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "to",
        ),
        (
            "a correction of an unknown target",
            format!("{base}/corrections"),
            json!({"reason": "x", "correction": {"target": "moon"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "correction.target",
        ),
        (
            "departure on a bad date",
            format!("{base}/departure"),
            json!({"on": "2023-02-29"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "on",
        ),
        (
            "departure before arrival",
            format!("{base}/departure"),
            json!({"on": "2023-03-01"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "on",
        ),
        (
            "a relative who is oneself",
            format!("{base}/family"),
            json!({"relative": person, "relation": "spouse"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "relative",
        ),
        (
            "an unknown relation",
            format!("{base}/family"),
            json!({"relative": 1, "relation": "cousin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "relation",
        ),
    ];
    let events = test.events();
    for (case, uri, body, status, field) in cases {
        let answer = test.post(&uri, &token, body).await;
        assert_refused(&answer, status, field, case);
        assert_eq!(test.events(), events, "{case} wrote an event");
    }
}

#[tokio::test]
async fn bad_paths_and_queries_are_400() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let person = test
        .register(
            &token,
            registration(&resident_id(51), "陈十三", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    let cases: Vec<(String, &str)> = vec![
        ("/api/v1/persons/abc".into(), "id"),
        ("/api/v1/persons/99999999999999999999".into(), "id"),
        ("/api/v1/persons/%FF".into(), "id"),
        (
            format!("/api/v1/persons/{person}/facts?on=2023-02-30"),
            "on",
        ),
        (format!("/api/v1/persons/{person}/facts?on=yesterday"), "on"),
        (
            format!("/api/v1/persons/{person}/facts?when=2023-01-01"),
            "when",
        ),
        (
            format!("/api/v1/persons/{person}/facts?on=2023-01-01&on=2023-01-02"),
            "on",
        ),
        ("/api/v1/persons".into(), "name"),
        ("/api/v1/persons?resident_id=123".into(), "resident_id"),
        (
            format!(
                "/api/v1/persons?resident_id={}",
                wrong_check_digit(&resident_id(51))
            ),
            "resident_id",
        ),
        (
            format!("/api/v1/persons?name={}&limit=abc", pct("陈")),
            "limit",
        ),
        (
            format!("/api/v1/persons?name={}&limit=1000", pct("陈")),
            "limit",
        ),
        ("/api/v1/records?limit=-1".into(), "limit"),
        ("/api/v1/records?kind=Robert');DROP".into(), "kind"),
        ("/api/v1/units/abc".into(), "code"),
        ("/api/v1/units/32021".into(), "code"),
        ("/api/v1/units/3202?on=2015-02-29".into(), "on"),
    ];
    for (uri, field) in cases {
        let answer = test.get(&uri, &token).await;
        assert_refused(&answer, StatusCode::BAD_REQUEST, field, &uri);
        assert_eq!(answer.code(), "invalid_parameter", "{uri}");
    }
    let answer = test
        .post(
            "/api/v1/persons/1/facts/xyz/end",
            &token,
            json!({"last_day": "2023-06-01"}),
        )
        .await;
    assert_refused(&answer, StatusCode::BAD_REQUEST, "fact", "fact number");
    let answer = test
        .get(
            &format!("/api/v1/persons/{person}/facts?on=2023-02-30"),
            &token,
        )
        .await;
    insta::assert_json_snapshot!("bad_date_parameter", answer.body);
}

#[tokio::test]
async fn error_bodies_read_well() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let id = resident_id(61);
    let good = registration(&id, "褚十四", BINHU_VILLAGE, "2023-03-01");
    let register = |form: Value| test.post("/api/v1/persons", &token, form);

    let answer = register(with(
        good.clone(),
        "/resident_id",
        json!(wrong_check_digit(&id)),
    ))
    .await;
    insta::assert_json_snapshot!("wrong_check_digit", answer.body);
    let answer = register(with(good.clone(), "/on", json!("2023-02-30"))).await;
    insta::assert_json_snapshot!("bad_date", answer.body);
    let answer = register(without(good.clone(), "name")).await;
    insta::assert_json_snapshot!("missing_field", answer.body);
    let answer = register(with(good.clone(), "/residence/unit", json!("320211001999"))).await;
    insta::assert_json_snapshot!("unknown_village", answer.body);
    let answer = register(with(good.clone(), "/residence/housing", json!("tent"))).await;
    insta::assert_json_snapshot!("unknown_housing", answer.body);
    let answer = register(with(good.clone(), "/name", json!(123))).await;
    insta::assert_json_snapshot!("wrong_type", answer.body);
    let answer = test
        .raw(
            Method::POST,
            "/api/v1/persons",
            Some(&token),
            Some("application/json"),
            b"{\"name\": }".to_vec(),
        )
        .await;
    insta::assert_json_snapshot!("malformed_json", answer.body);
    let answer = test
        .raw(
            Method::POST,
            "/api/v1/persons",
            Some(&token),
            Some("application/json"),
            vec![b' '; 2 << 20],
        )
        .await;
    insta::assert_json_snapshot!("too_large", answer.body);
}

#[tokio::test]
async fn no_malformed_request_gets_a_5xx() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let person = test
        .register(
            &token,
            registration(&resident_id(81), "蒋十六", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let bodies: Vec<Vec<u8>> = [
        "",
        "{}",
        "[]",
        "null",
        "{\"on\":",
        "\u{0}",
        "{\"on\": \"0000-01-01\", \"last_day\": \"0000-01-01\", \"residence\": {\"housing\": \"own_home\", \"unit\": \"3202\"}}",
        "{\"on\": \"9999-12-31\", \"employer\": 1e400, \"monthly_wage_fen\": -1}",
        "{\"relative\": 9223372036854775807, \"relation\": \"parent\"}",
        "{\"name\": \"\u{0}\", \"unit\": \"3202\", \"from\": \"2000-01-01\", \"detail\": {\"kind\": \"staff\"}}",
        deep.as_str(),
    ]
    .iter()
    .map(|body| body.as_bytes().to_vec())
    .collect();
    let ids = [
        person.to_string(),
        "0".into(),
        "-1".into(),
        "9223372036854775807".into(),
        "%20".into(),
    ];
    let mut uris: Vec<(Method, String)> = vec![
        (Method::POST, "/api/v1/session".into()),
        (Method::POST, "/api/v1/persons".into()),
        (Method::GET, "/api/v1/persons?name=%25".into()),
        (Method::GET, "/api/v1/persons?name=_&limit=0".into()),
        (
            Method::GET,
            "/api/v1/records?offset=18446744073709551615".into(),
        ),
        (Method::POST, "/api/v1/records".into()),
        (Method::GET, "/api/v1/units/000000".into()),
        (Method::GET, "/api/v1/units/3202?on=0000-01-01".into()),
    ];
    for id in &ids {
        for tail in ["", "/facts?on=0000-01-01", "/timeline", "/views"] {
            uris.push((Method::GET, format!("/api/v1/persons/{id}{tail}")));
        }
        for tail in [
            "/moves",
            "/employers",
            "/facts",
            "/facts/1/end",
            "/departure",
            "/corrections",
            "/family",
        ] {
            uris.push((Method::POST, format!("/api/v1/persons/{id}{tail}")));
        }
        uris.push((Method::GET, format!("/api/v1/records/{id}")));
        uris.push((Method::PUT, format!("/api/v1/records/{id}")));
    }
    for (method, uri) in &uris {
        for body in &bodies {
            let answer = test
                .raw(
                    method.clone(),
                    uri,
                    Some(&token),
                    Some("application/json"),
                    body.clone(),
                )
                .await;
            let shown = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
            assert!(
                answer.status.as_u16() < 500,
                "{method} {uri} {shown:?}: {} {}",
                answer.status,
                answer.body
            );
            assert!(
                answer.body.is_object() || answer.body.is_array(),
                "{method} {uri} {shown:?}: {}",
                answer.body
            );
        }
    }
}
