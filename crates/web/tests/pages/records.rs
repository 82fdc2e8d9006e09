//! Records beside persons through the pages: add, list, view and edit, each save an
//! event; errors beside their field.

use axum::http::StatusCode;
use domain::access::Role;

use crate::support::*;
use crate::visitor::Visitor;

#[tokio::test]
async fn a_station_adds_and_edits_an_employer_each_save_an_event() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let form = visitor.get("/records/new?kind=employer").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    let events = test.events();
    let saved = visitor
        .post(
            "/records/new",
            &form,
            &[
                ("kind", "employer"),
                ("name", "甲机械厂"),
                ("unit", BINHU_VILLAGE),
                ("from", "2020-01-01"),
                ("to", ""),
                ("detail.union_since", ""),
                ("detail.letter_signed_on", "2024-05-01"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert_eq!(test.events(), events + 1);
    let list = visitor.get("/records?kind=employer").await;
    assert!(list.html.contains("甲机械厂"));

    let view = visitor.get(saved.location()).await;
    assert!(view.html.contains("value=\"2024-05-01\""));
    let edited = visitor
        .post(
            saved.location(),
            &view,
            &[
                ("kind", "employer"),
                ("name", "甲机械厂（新）"),
                ("unit", BINHU_VILLAGE),
                ("from", "2020-01-01"),
                ("to", ""),
                ("detail.union_since", "2025-01-01"),
                ("detail.letter_signed_on", "2024-05-01"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.html);
    assert_eq!(test.events(), events + 2);
    assert!(
        visitor
            .get(saved.location())
            .await
            .html
            .contains("甲机械厂（新）")
    );
}

#[tokio::test]
async fn a_zone_with_a_bad_area_is_refused_beside_the_field() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let form = visitor.get("/records/new?kind=concentrated_zone").await;
    let events = test.events();
    let refused = visitor
        .post(
            "/records/new",
            &form,
            &[
                ("kind", "concentrated_zone"),
                ("name", "<b>区</b>"),
                ("unit", BINHU_VILLAGE),
                ("from", "2020-01-01"),
                ("to", ""),
                ("detail.area_m2", "很多"),
                ("detail.capacity", "100"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("id=\"error-detail.area_m2\""),
        "{}",
        refused.html
    );
    assert!(refused.html.contains("value=\"&lt;b&gt;区&lt;/b&gt;\""));
    assert_eq!(test.events(), events);
}
