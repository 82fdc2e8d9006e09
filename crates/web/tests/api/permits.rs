//! The residence permit through the API: a person's eligibility as of a date, and
//! the new citizens counted per unit.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn eligibility_names_each_criterion_and_moves_with_the_date() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let employer = test.employer(&token, "甲机械厂", BINHU_VILLAGE).await;
    let mut form = registration(&resident_id(7), "李四", BINHU_VILLAGE, "2024-06-01");
    form["facts"] = json!([
        {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2024-06-01"},
        {"fact": {"kind": "temporary_residence_permit", "number": "T1"}, "from": "2024-06-01"},
    ]);
    let id = test.register(&token, form).await;

    let before = test
        .get(
            &format!("/api/v1/persons/{id}/eligibility?as_of=2025-05-30"),
            &token,
        )
        .await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(before.body["eligible"], json!(false));
    let failed: Vec<&str> = before.body["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == json!(false))
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["b"]);
    assert_eq!(
        before.body["criteria"][1]["zh"],
        json!("连续工作、生活、学习一年以上")
    );

    let after = test
        .get(
            &format!("/api/v1/persons/{id}/eligibility?as_of=2025-05-31"),
            &token,
        )
        .await;
    assert_eq!(after.body["eligible"], json!(true));

    let counts = test
        .get(
            "/api/v1/new-citizens?unit=320211001&as_of=2025-05-31",
            &token,
        )
        .await;
    assert_eq!(counts.status, StatusCode::OK, "{}", counts.body);
    let village = counts
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["unit"] == BINHU_VILLAGE);
    assert_eq!(village.unwrap()["eligible"], json!(1));
}

#[tokio::test]
async fn eligibility_is_scoped_like_the_file() {
    let test = TestApp::new();
    let binhu = test.session("binhu", Role::Officer, "320211").await;
    let id = test
        .register(
            &binhu,
            registration(&resident_id(8), "王五", BINHU_VILLAGE, "2025-01-01"),
        )
        .await;
    let other = test.session("xishan", Role::Officer, "320205").await;
    let answer = test
        .get(&format!("/api/v1/persons/{id}/eligibility"), &other)
        .await;
    // Outside the viewer's scope the person is not found, as for the file.
    assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.body);
    let answer = test
        .get(
            &format!("/api/v1/persons/{id}/eligibility?as_of=2025-13-01"),
            &binhu,
        )
        .await;
    assert_eq!(answer.error().0, "as_of");
}
