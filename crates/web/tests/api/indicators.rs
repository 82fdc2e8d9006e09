//! Indicators through the API: fresh after every committed write, for a unit and its
//! children, with bad parameters named.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::{Value, json};

use crate::support::*;

/// The numerator of `indicator` for `unit` in an indicators answer.
fn numerator(body: &Value, indicator: &str, unit: &str) -> Value {
    body.as_array()
        .unwrap()
        .iter()
        .find(|row| row["indicator"] == indicator && row["unit"] == unit)
        .unwrap_or_else(|| panic!("no {indicator} for {unit} in {body}"))["numerator"]
        .clone()
}

#[tokio::test]
async fn a_registration_moves_the_numerator_at_once() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let employer = test.employer(&token, "甲机械厂", BINHU_VILLAGE).await;
    let uri = "/api/v1/indicators?unit=320211001&as_of=2025-06-30";
    let before = test.get(uri, &token).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(numerator(&before.body, "E1", BINHU_VILLAGE), json!("0"));

    let mut form = registration(&resident_id(7), "李四", BINHU_VILLAGE, "2025-01-01");
    form["facts"] = json!([
        {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2025-01-01"},
        {"fact": {"kind": "labour_contract", "employer": employer}, "from": "2025-01-01", "to": "2025-06-30"},
    ]);
    test.register(&token, form).await;

    let after = test.get(uri, &token).await;
    assert_eq!(numerator(&after.body, "E1", BINHU_VILLAGE), json!("1"));
    assert_eq!(numerator(&after.body, "E1", "320211001"), json!("1"));
    // The contract's last day is 2025-06-30: the day after, it no longer counts.
    let later = test
        .get("/api/v1/indicators?unit=320211001&as_of=2025-07-01", &token)
        .await;
    assert_eq!(numerator(&later.body, "E1", BINHU_VILLAGE), json!("0"));
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let test = TestApp::new();
    let token = test.session("leader", Role::Leader, "3202").await;
    let answer = test
        .get("/api/v1/indicators?unit=32021&as_of=2025-06-30", &token)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error().0, "unit");
    let answer = test
        .get("/api/v1/indicators?unit=320211&as_of=2025-02-30", &token)
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error().0, "as_of");
}
