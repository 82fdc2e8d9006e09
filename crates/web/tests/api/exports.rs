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

const PERSONS: &str = "/api/v1/exports/persons?unit=320211001";

#[tokio::test]
async fn a_person_list_is_safe_against_formulas_in_csv_and_xlsx() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let names = ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "张三"];
    for (n, name) in names.iter().enumerate() {
        test.register(
            &token,
            registration(
                &resident_id(2 * n as u16),
                name,
                BINHU_VILLAGE,
                "2025-01-01",
            ),
        )
        .await;
    }
    let csv = test.get(&format!("{PERSONS}&format=csv"), &token).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(
        csv.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let Value::String(text) = &csv.body else {
        panic!("{}", csv.body)
    };
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + names.len(), "{text}");
    assert!(
        lines[1].contains(r#","'=HYPERLINK(""http://x"")","#),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains(",'+1,"), "{}", lines[2]);
    assert!(lines[3].contains(",'-2,"), "{}", lines[3]);
    assert!(lines[4].contains(",'@SUM(A1),"), "{}", lines[4]);
    assert!(lines[5].contains(",张三,"), "{}", lines[5]);
    assert!(lines[5].contains(resident_id(8).as_str()), "{}", lines[5]);

    let xlsx = test
        .raw(
            axum::http::Method::GET,
            &format!("{PERSONS}&format=xlsx"),
            Some(&token),
            None,
            Vec::new(),
        )
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        xlsx.headers[axum::http::header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
}

#[tokio::test]
async fn a_person_list_is_refused_outside_the_callers_unit_and_to_roles_without_records() {
    let test = TestApp::new();
    let station = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let outside = test
        .get(
            &format!("/api/v1/exports/persons?unit={LIANGXI_VILLAGE}&format=csv"),
            &station,
        )
        .await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN, "{}", outside.body);
    assert_eq!(outside.error().0, "unit");
    let leader = test.session("leader", Role::Leader, "3202").await;
    let answer = test.get(&format!("{PERSONS}&format=csv"), &leader).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    let adx = test.get(&format!("{PERSONS}&format=adx"), &station).await;
    assert_eq!(adx.status, StatusCode::BAD_REQUEST, "{}", adx.body);
    assert_eq!(adx.error().0, "format");
}
