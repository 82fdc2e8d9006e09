//! Indicator tables out: CSV for Excel, XLSX, ADX and DHIS2 for a provincial
//! DHIS2; a table for publication hides a count below the policy's min_count.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::{Value, json};

use crate::support::*;

const URI: &str = "/api/v1/exports/indicators?unit=320211001&as_of=2025-06-30";

async fn one_employee(test: &TestApp) -> String {
    let token = test.session("binhu", Role::Officer, "320211").await;
    let employer = test.employer(&token, "甲机械厂", BINHU_VILLAGE).await;
    let mut form = registration(&resident_id(7), "李四", BINHU_VILLAGE, "2025-01-01");
    form["facts"] = json!([
        {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2025-01-01"},
        {"fact": {"kind": "labour_contract", "employer": employer}, "from": "2025-01-01"},
    ]);
    test.register(&token, form).await;
    token
}

/// The CSV line of `indicator` for `unit`.
fn line<'a>(csv: &'a str, indicator: &str, unit: &str) -> &'a str {
    csv.lines()
        .find(|l| l.starts_with(&format!("{indicator},")) && l.contains(unit))
        .unwrap_or_else(|| panic!("no {indicator} {unit} in {csv}"))
}

#[tokio::test]
async fn a_csv_table_for_publication_hides_a_count_of_one() {
    let test = TestApp::new();
    let token = one_employee(&test).await;
    let plain = test.get(&format!("{URI}&format=csv"), &token).await;
    assert_eq!(plain.status, StatusCode::OK);
    let Value::String(csv) = &plain.body else {
        panic!("{}", plain.body)
    };
    assert!(csv.starts_with('\u{feff}'));
    assert!(
        line(csv, "E1", BINHU_VILLAGE).contains(",1,1,"),
        "{}",
        line(csv, "E1", BINHU_VILLAGE)
    );

    let published = test
        .get(&format!("{URI}&format=csv&publication=true"), &token)
        .await;
    let Value::String(csv) = &published.body else {
        panic!()
    };
    assert!(
        line(csv, "E1", BINHU_VILLAGE).contains(",<5,<5,<5,"),
        "{}",
        line(csv, "E1", BINHU_VILLAGE)
    );
}

#[tokio::test]
async fn dhis2_adx_and_xlsx_carry_the_same_figures() {
    let test = TestApp::new();
    let token = one_employee(&test).await;
    let dhis2 = test.get(&format!("{URI}&format=dhis2"), &token).await;
    assert_eq!(dhis2.status, StatusCode::OK);
    let values = dhis2.body["dataValues"].as_array().unwrap();
    assert!(
        values.contains(&json!({
            "dataElement": "E1_NUM", "period": "20250630", "orgUnit": BINHU_VILLAGE, "value": "1"
        })),
        "{values:?}"
    );

    let adx = test.get(&format!("{URI}&format=adx"), &token).await;
    let Value::String(xml) = &adx.body else {
        panic!()
    };
    assert!(xml.contains(&format!(
        "<group orgUnit=\"{BINHU_VILLAGE}\" period=\"2025-06-30/P1D\""
    )));
    assert!(xml.contains("<dataValue dataElement=\"E1_NUM\" value=\"1\"/>"));

    let xlsx = test.get(&format!("{URI}&format=xlsx"), &token).await;
    assert_eq!(xlsx.status, StatusCode::OK);

    let bad = test.get(&format!("{URI}&format=pdf"), &token).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error().0, "format");
}
