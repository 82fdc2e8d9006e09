//! Indicators through the API: fresh after every committed write, for a unit and its
//! children within the caller's area, with bad parameters named.

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

#[tokio::test]
async fn a_unit_outside_the_callers_area_is_refused_by_every_table() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    // 梁溪区: another district of the city.
    for uri in [
        "/api/v1/indicators?unit=320213",
        "/api/v1/indicators/series?unit=320213&indicator=E1&step=year&from=2025-01-01",
        "/api/v1/exports/indicators?unit=320213&format=csv",
        "/api/v1/exports/indicators?unit=320213&format=csv&publication=true",
        "/api/v1/new-citizens?unit=320213",
        "/api/v1/indicators?unit=3202",
    ] {
        let answer = test.get(uri, &token).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{uri}: {}",
            answer.body
        );
        assert_eq!(answer.error().0, "unit", "{uri}");
    }
    let answer = test.get("/api/v1/indicators?unit=320213", &token).await;
    insta::assert_json_snapshot!("unit_outside_the_area", answer.body);
    let own = test.get("/api/v1/indicators?unit=320211001", &token).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
}

/// The row of `indicator` for `unit` in an indicators answer.
fn row<'a>(body: &'a Value, indicator: &str, unit: &str) -> &'a Value {
    body.as_array()
        .unwrap()
        .iter()
        .find(|row| row["indicator"] == indicator && row["unit"] == unit)
        .unwrap_or_else(|| panic!("no {indicator} for {unit} in {body}"))
}

fn estimate(unit: &str, value: i64) -> Value {
    json!({"unit": unit, "name": "estimated_migrants", "from": "2025-01-01",
        "to": "2025-12-31", "value": value})
}

#[tokio::test]
async fn a_reported_estimate_becomes_the_registration_rates_denominator() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    for n in 0..3 {
        let form = registration(
            &resident_id(100 * (n + 1)),
            "王五",
            BINHU_VILLAGE,
            "2025-01-01",
        );
        test.register(&token, form).await;
    }
    let uri = "/api/v1/indicators?unit=320211001&as_of=2025-12-31";
    let before = test.get(uri, &token).await;
    assert_eq!(row(&before.body, "R1", BINHU_VILLAGE)["value"], Value::Null);

    let answer = test
        .post("/api/v1/values", &token, estimate(BINHU_VILLAGE, 4))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    assert!(answer.body["seq"].as_i64().unwrap() > 0);

    let after = test.get(uri, &token).await;
    for unit in [BINHU_VILLAGE, "320211001"] {
        let r1 = row(&after.body, "R1", unit);
        assert_eq!(r1["numerator"], json!("3"), "{unit}: {r1}");
        assert_eq!(r1["denominator"], json!("4"), "{unit}: {r1}");
        assert_eq!(r1["value"], json!(75.0), "{unit}: {r1}");
    }
    // Outside the report's period there is no estimate.
    let next_year = test
        .get("/api/v1/indicators?unit=320211001&as_of=2026-01-01", &token)
        .await;
    assert_eq!(
        row(&next_year.body, "R1", BINHU_VILLAGE)["value"],
        Value::Null
    );

    // A second report of the same unit, name and period replaces the first, at once
    // and after a restart.
    let answer = test
        .post("/api/v1/values", &token, estimate(BINHU_VILLAGE, 5))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let replaced = test.get(uri, &token).await;
    assert_eq!(
        row(&replaced.body, "R1", "320211001")["denominator"],
        json!("5")
    );
    let restarted = web::App::new(std::sync::Arc::clone(&test.store)).unwrap();
    let results = restarted
        .engine()
        .read()
        .unwrap()
        .evaluate(code("320211001"), date("2025-12-31"))
        .unwrap();
    let results = serde_json::to_value(results).unwrap();
    assert_eq!(
        row(&results, "R1", BINHU_VILLAGE)["denominator"],
        json!("5")
    );
}

#[tokio::test]
async fn values_are_reported_by_offices_only_and_checked() {
    let test = TestApp::new();
    let leader = test.session("leader", Role::Leader, "3202").await;
    let answer = test
        .post("/api/v1/values", &leader, estimate(BINHU_VILLAGE, 4))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let station = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let answer = test
        .post("/api/v1/values", &station, estimate(BINHU_VILLAGE, 4))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let officer = test.session("binhu", Role::Officer, "320211").await;
    let answer = test
        .post("/api/v1/values", &officer, estimate(LIANGXI_VILLAGE, 4))
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert_eq!(answer.error().0, "unit");

    let mut bad_name = estimate(BINHU_VILLAGE, 4);
    bad_name["name"] = json!("Estimated Migrants");
    let mut bad_date = estimate(BINHU_VILLAGE, 4);
    bad_date["from"] = json!("2025-02-30");
    let mut bad_unit = estimate(BINHU_VILLAGE, 4);
    bad_unit["unit"] = json!("32021");
    let mut backwards = estimate(BINHU_VILLAGE, 4);
    backwards["to"] = json!("2024-12-31");
    let mut negative = estimate(BINHU_VILLAGE, -4);
    negative["value"] = json!(-4);
    for (body, field) in [
        (bad_name, "name"),
        (bad_date, "from"),
        (bad_unit, "unit"),
        (backwards, "to"),
        (negative, "value"),
    ] {
        let answer = test.post("/api/v1/values", &officer, body).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
        assert_eq!(answer.error().0, field, "{}", answer.body);
    }
    assert_eq!(test.events(), 0);
}

#[tokio::test]
async fn a_series_gives_each_quarter_as_of_its_last_day() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let employer = test.employer(&token, "乙电子厂", BINHU_VILLAGE).await;
    let mut form = registration(&resident_id(8), "王五", BINHU_VILLAGE, "2025-02-10");
    form["facts"] = json!([
        {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2025-02-10"},
        {"fact": {"kind": "labour_contract", "employer": employer}, "from": "2025-05-01", "to": "2025-09-30"},
    ]);
    test.register(&token, form).await;

    let answer = test
        .get(
            &format!("/api/v1/indicators/series?unit={BINHU_VILLAGE}&indicator=E1&step=quarter&from=2025-01-01&to=2025-11-15"),
            &token,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let periods: Vec<(String, String, String)> = answer
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["as_of"].as_str().unwrap().to_owned(),
                row["numerator"].to_string(),
                row["denominator"].to_string(),
            )
        })
        .collect();
    let expected = [
        ("2025-03-31", "\"0\"", "\"1\""),
        ("2025-06-30", "\"1\"", "\"1\""),
        ("2025-09-30", "\"1\"", "\"1\""),
        // The running quarter as of the series' last day: the contract has ended.
        ("2025-11-15", "\"0\"", "\"1\""),
    ]
    .map(|(d, n, m)| (d.to_owned(), n.to_owned(), m.to_owned()));
    assert_eq!(periods, expected);
}

#[tokio::test]
async fn bad_series_parameters_are_named() {
    let test = TestApp::new();
    let token = test.session("leader", Role::Leader, "3202").await;
    for (query, field) in [
        ("unit=320211&indicator=E1&step=week&from=2025-01-01", "step"),
        (
            "unit=320211&indicator=Z9&step=month&from=2025-01-01",
            "indicator",
        ),
        (
            "unit=320211&indicator=E1&step=month&from=2025-13-01",
            "from",
        ),
        (
            "unit=320211&indicator=E1&step=month&from=2025-06-01&to=2025-01-01",
            "from",
        ),
    ] {
        let answer = test
            .get(&format!("/api/v1/indicators/series?{query}"), &token)
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.error().0, field, "{query}");
    }
}
