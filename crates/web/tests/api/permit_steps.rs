//! The permit's workflow through the API: apply at the station (held against the
//! rollout and the new-citizen criteria), review at the town, issue, renew, change
//! and revoke at the district; refusals named in both languages.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::{Value, json};

use crate::support::*;

/// 河埒街道, the town of [`BINHU_VILLAGE`] in 滨湖区 (a pilot district in 2025).
const BINHU_TOWN: &str = "320211001";
/// A village of 梁溪区 (320213), which the seed rollout reaches only in 2026.
const LIANGXI_VILLAGE: &str = "320213021001";

/// A new citizen of `village` from 2025-05-31 (registered 2024-06-01 with a job and
/// a temporary permit); their number.
async fn new_citizen(test: &TestApp, token: &str, village: &str, sequence: u16) -> i64 {
    let employer = test.employer(token, "甲机械厂", village).await;
    let mut form = registration(&resident_id(sequence), "李四", village, "2024-06-01");
    form["facts"] = json!([
        {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2024-06-01"},
        {"fact": {"kind": "temporary_residence_permit", "number": "T1"}, "from": "2024-06-01"},
    ]);
    test.register(token, form).await
}

fn step(on: &str, reason: &str) -> Value {
    json!({"on": on, "reason": reason})
}

#[tokio::test]
async fn a_permit_goes_from_the_station_through_the_town_to_the_district() {
    let test = TestApp::new();
    let station = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let town = test.session("town", Role::Officer, BINHU_TOWN).await;
    let district = test.session("district", Role::Officer, "320211").await;
    let person = new_citizen(&test, &station, BINHU_VILLAGE, 7).await;

    let applied = test
        .post(
            &format!("/api/v1/persons/{person}/permits"),
            &station,
            step("2025-06-01", "本人申请"),
        )
        .await;
    assert_eq!(applied.status, StatusCode::CREATED, "{}", applied.body);
    let permit = applied.body["permit"].as_i64().unwrap();
    let mut review = step("2025-06-05", "材料齐全");
    review["approve"] = json!(true);
    let reviewed = test
        .post(&format!("/api/v1/permits/{permit}/review"), &town, review)
        .await;
    assert_eq!(reviewed.status, StatusCode::CREATED, "{}", reviewed.body);
    // The validity is the policy's (a year), not the officer's to type.
    let mut typed = step("2025-06-10", "准予签发");
    typed["valid_to"] = json!("2027-06-09");
    let typed = test
        .post(&format!("/api/v1/permits/{permit}/issue"), &district, typed)
        .await;
    assert_eq!(
        typed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        typed.body
    );
    assert_eq!(typed.error().0, "valid_to");
    let issue = step("2025-06-10", "准予签发");
    let issued = test
        .post(&format!("/api/v1/permits/{permit}/issue"), &district, issue)
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    // P1 counts the permit at once: 1 of the 1 new citizen of the village.
    let p1 = test
        .get(
            "/api/v1/indicators?unit=320211001&as_of=2025-06-10",
            &district,
        )
        .await;
    let row = p1
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["indicator"] == "P1" && row["unit"] == BINHU_VILLAGE)
        .unwrap()
        .clone();
    assert_eq!(
        (row["numerator"].clone(), row["denominator"].clone()),
        (json!("1"), json!("1"))
    );
    // The permit opens the policy's entitlements to the holder.
    let entitlements = test
        .get(
            &format!("/api/v1/persons/{person}/entitlements?as_of=2025-06-10"),
            &district,
        )
        .await;
    assert_eq!(entitlements.status, StatusCode::OK, "{}", entitlements.body);
    let granted: Vec<&str> = entitlements
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["granted"] == json!(true))
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert_eq!(granted.len(), 9, "{}", entitlements.body);
    let before = test
        .get(
            &format!("/api/v1/persons/{person}/entitlements?as_of=2025-06-09"),
            &district,
        )
        .await;
    assert!(
        before
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["granted"] == json!(false))
    );
    let renew = step("2026-06-01", "年度签注");
    let renewed = test
        .post(&format!("/api/v1/permits/{permit}/renew"), &district, renew)
        .await;
    assert_eq!(renewed.status, StatusCode::CREATED, "{}", renewed.body);
    let changed = test
        .post(
            &format!("/api/v1/permits/{permit}/change"),
            &district,
            step("2026-07-01", "换领新证"),
        )
        .await;
    assert_eq!(changed.status, StatusCode::CREATED, "{}", changed.body);
    let revoked = test
        .post(
            &format!("/api/v1/permits/{permit}/revoke"),
            &district,
            step("2026-08-01", "已离开本市"),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::CREATED, "{}", revoked.body);

    let list = test
        .get(&format!("/api/v1/persons/{person}/permits"), &district)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let card = &list.body[0];
    assert_eq!(card["status"], json!("revoked"));
    assert_eq!(card["number"], json!(format!("3202112025{permit:06}")));
    assert_eq!(
        (card["valid_to"].clone(), card["edition"].clone()),
        (json!("2027-06-09"), json!(3))
    );
}

#[tokio::test]
async fn an_application_where_the_rollout_has_not_reached_is_refused() {
    let test = TestApp::new();
    let station = test
        .session("station", Role::StationStaff, LIANGXI_VILLAGE)
        .await;
    let person = new_citizen(&test, &station, LIANGXI_VILLAGE, 8).await;
    let uri = format!("/api/v1/persons/{person}/permits");
    // 2025: the pilot is in 江阴、锡山、惠山、滨湖, not 梁溪.
    let pilot = test
        .post(&uri, &station, step("2025-06-01", "本人申请"))
        .await;
    assert_eq!(
        pilot.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        pilot.body
    );
    insta::assert_json_snapshot!("rollout_not_reached", pilot.body);
    // 2026: citywide.
    let citywide = test
        .post(&uri, &station, step("2026-01-05", "本人申请"))
        .await;
    assert_eq!(citywide.status, StatusCode::CREATED, "{}", citywide.body);
}

#[tokio::test]
async fn no_application_is_taken_during_preparation_or_from_a_person_not_yet_eligible() {
    let test = TestApp::new();
    let station = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let person = new_citizen(&test, &station, BINHU_VILLAGE, 9).await;
    let uri = format!("/api/v1/persons/{person}/permits");
    let preparation = test
        .post(&uri, &station, step("2024-12-01", "本人申请"))
        .await;
    insta::assert_json_snapshot!("rollout_preparation", preparation.body);
    // On 2025-05-30 the year of residence is one day short.
    let early = test
        .post(&uri, &station, step("2025-05-30", "本人申请"))
        .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.body
    );
    insta::assert_json_snapshot!("not_a_new_citizen", early.body);
    let on_time = test
        .post(&uri, &station, step("2025-05-31", "本人申请"))
        .await;
    assert_eq!(on_time.status, StatusCode::CREATED, "{}", on_time.body);
}

#[tokio::test]
async fn a_leader_and_a_wrong_level_are_refused() {
    let test = TestApp::new();
    let station = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let leader = test.session("leader", Role::Leader, "3202").await;
    let district = test.session("district", Role::Officer, "320211").await;
    let person = new_citizen(&test, &station, BINHU_VILLAGE, 10).await;
    let uri = format!("/api/v1/persons/{person}/permits");
    let by_leader = test
        .post(&uri, &leader, step("2025-06-01", "本人申请"))
        .await;
    assert_eq!(
        by_leader.status,
        StatusCode::FORBIDDEN,
        "{}",
        by_leader.body
    );
    let by_district = test
        .post(&uri, &district, step("2025-06-01", "本人申请"))
        .await;
    assert_eq!(
        by_district.status,
        StatusCode::FORBIDDEN,
        "{}",
        by_district.body
    );
    insta::assert_json_snapshot!("apply_by_district", by_district.body);
    let bad_date = test
        .post(&uri, &station, step("2025-02-30", "本人申请"))
        .await;
    assert_eq!(bad_date.error().0, "on");
}
