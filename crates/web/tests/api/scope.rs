//! A user reads and changes only records in their unit's subtree, and only what
//! their role allows.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_district_officer_cannot_read_another_district_s_person() {
    let test = TestApp::new();
    let liangxi = test.session("liangxi", Role::Officer, "320213").await;
    let binhu = test.session("binhu", Role::Officer, "320211").await;
    let id = resident_id(7);
    let person = test
        .register(
            &liangxi,
            registration(&id, "李四", LIANGXI_VILLAGE, "2023-03-01"),
        )
        .await;

    // The person's own district sees them.
    assert_eq!(
        test.get(&format!("/api/v1/persons/{person}"), &liangxi)
            .await
            .status,
        StatusCode::OK
    );

    // Another district's officer gets 404, by number and by ID number, as for no one.
    let by_number = test.get(&format!("/api/v1/persons/{person}"), &binhu).await;
    assert_eq!(
        by_number.status,
        StatusCode::NOT_FOUND,
        "{}",
        by_number.body
    );
    let nobody = test.get("/api/v1/persons/999999", &binhu).await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND);
    assert_eq!(by_number.code(), nobody.code());
    let by_id = test
        .get(&format!("/api/v1/persons?resident_id={id}"), &binhu)
        .await;
    assert_eq!(by_id.status, StatusCode::NOT_FOUND, "{}", by_id.body);
    assert_eq!(by_id.error().0, "resident_id");
    insta::assert_json_snapshot!("out_of_scope_by_id_number", by_id.body);
    for tail in ["facts?on=2023-04-01", "timeline", "views"] {
        let answer = test
            .get(&format!("/api/v1/persons/{person}/{tail}"), &binhu)
            .await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{tail}: {}",
            answer.body
        );
    }
    let by_name = test
        .get(&format!("/api/v1/persons?name={}", pct("李四")), &binhu)
        .await;
    assert_eq!((by_name.status, by_name.body), (StatusCode::OK, json!([])));

    // Nor can they change the person.
    let events = test.events();
    let answer = test
        .post(
            &format!("/api/v1/persons/{person}/departure"),
            &binhu,
            json!({"on": "2023-05-01"}),
        )
        .await;
    assert!(
        matches!(answer.status.as_u16(), 403 | 404),
        "{}",
        answer.body
    );
    assert_eq!(test.events(), events);
}

#[tokio::test]
async fn a_station_cannot_register_into_another_village() {
    let test = TestApp::new();
    let station = test
        .session("chanshan", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let events = test.events();
    let form = registration(&resident_id(8), "孙八", BINHU_OTHER_VILLAGE, "2023-03-01");
    let answer = test.post("/api/v1/persons", &station, form).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert_eq!(answer.code(), "forbidden");
    assert_eq!(answer.error().0, "unit");
    assert_eq!(test.events(), events);
    insta::assert_json_snapshot!("another_village", answer.body);

    // Its own village is fine.
    test.register(
        &station,
        registration(&resident_id(8), "孙八", BINHU_VILLAGE, "2023-03-01"),
    )
    .await;
}

#[tokio::test]
async fn a_leader_reads_no_person_records() {
    let test = TestApp::new();
    let officer = test.session("binhu", Role::Officer, "320211").await;
    let leader = test.session("leader", Role::Leader, "3202").await;
    let person = test
        .register(
            &officer,
            registration(&resident_id(9), "周九", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    let events = test.events();

    for uri in [
        format!("/api/v1/persons/{person}"),
        format!("/api/v1/persons/{person}/facts"),
        format!("/api/v1/persons/{person}/timeline"),
        format!("/api/v1/persons/{person}/views"),
        format!("/api/v1/persons?name={}", pct("周")),
        format!("/api/v1/persons?resident_id={}", resident_id(9)),
    ] {
        let answer = test.get(&uri, &leader).await;
        assert_eq!(
            answer.status,
            StatusCode::FORBIDDEN,
            "{uri}: {}",
            answer.body
        );
        assert_eq!(answer.error().0, "role");
    }
    let answer = test
        .post(
            "/api/v1/persons",
            &leader,
            registration(&resident_id(10), "吴十", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    insta::assert_json_snapshot!("leader_registers", answer.body);
    let answer = test
        .post(
            &format!("/api/v1/persons/{person}/departure"),
            &leader,
            json!({"on": "2023-05-01"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(test.events(), events);

    // A leader still knows who they are and reads the divisions.
    assert_eq!(test.get("/api/v1/me", &leader).await.status, StatusCode::OK);
    assert_eq!(
        test.get("/api/v1/units/3202", &leader).await.status,
        StatusCode::OK
    );
}
