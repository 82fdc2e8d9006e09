//! The station's desk through the pages: registering with the ID number checked as
//! it is typed, errors next to their field, the person page's timeline with who
//! recorded each event, the follow-up forms, and search by ID number or name.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::Value;

use crate::support::*;
use crate::visitor::{Page, Visitor};

/// Registers `name` with ID `sequence` through the form; the answer.
async fn register(visitor: &mut Visitor<'_>, id: &str, name: &str) -> Page {
    let form = visitor.get("/persons/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    visitor
        .post(
            "/persons/new",
            &form,
            &[
                ("resident_id", id),
                ("name", name),
                ("on", "2025-03-01"),
                ("residence.housing", "own_home"),
                ("residence.unit", BINHU_VILLAGE),
                ("residence.place", ""),
                ("employer", ""),
                ("monthly_wage", ""),
            ],
        )
        .await
}

#[tokio::test]
async fn a_station_registers_a_person_and_sees_the_timeline_with_who_recorded_it() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let answer = register(&mut visitor, resident_id(3).as_str(), "𠮷野·䶮").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    let person = visitor.get(answer.location()).await;
    assert_eq!(person.status, StatusCode::OK);
    assert!(person.html.contains("𠮷野·䶮"));
    assert!(person.html.contains("1990-05-17"));
    assert!(person.html.contains("来人登记 2025-03-01"));
    assert!(person.html.contains("station 的名字（station）"));

    let left = visitor
        .post(
            &format!("{}/departure", answer.location()),
            &person,
            &[("on", "2025-09-01")],
        )
        .await;
    assert_eq!(left.status, StatusCode::SEE_OTHER, "{}", left.html);
    let person = visitor.get(answer.location()).await;
    assert!(person.html.contains("离开 2025-09-01"));
}

#[tokio::test]
async fn a_wrong_check_digit_is_shown_next_to_the_id_field_and_nothing_is_written() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let events = test.events();
    let wrong = wrong_check_digit(&resident_id(3));
    let answer = register(&mut visitor, &wrong, "张三").await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let at = answer
        .html
        .find("id=\"error-resident_id\"")
        .expect("an error beside the field");
    assert!(
        answer.html[at..].starts_with("id=\"error-resident_id\">校验码应为"),
        "{}",
        &answer.html[at..at + 80]
    );
    // What was typed stays in the form.
    assert!(answer.html.contains(&format!("value=\"{wrong}\"")));
    assert_eq!(test.events(), events);
}

#[tokio::test]
async fn the_id_check_tells_birth_date_sex_and_origin_or_the_wrong_digit() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let good = visitor
        .get(&format!("/id-check?number={}", resident_id(3).as_str()))
        .await;
    let good: Value = serde_json::from_str(&good.html).unwrap();
    assert_eq!(good["birth_date"], "1990-05-17");
    assert_eq!(good["sex"], "男");
    assert_eq!(good["origin"], "340102 安徽省");
    let bad = visitor
        .get(&format!(
            "/id-check?number={}",
            wrong_check_digit(&resident_id(3))
        ))
        .await;
    let bad: Value = serde_json::from_str(&bad.html).unwrap();
    assert!(
        bad["error"].as_str().unwrap().starts_with("校验码应为"),
        "{bad}"
    );
    let partial: Value =
        serde_json::from_str(&visitor.get("/id-check?number=3401").await.html).unwrap();
    assert_eq!(partial["complete"], false);
}

#[tokio::test]
async fn rare_characters_and_markup_in_names_show_and_search_correctly() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    register(&mut visitor, resident_id(3).as_str(), "𠮷野·䶮").await;
    let script = register(
        &mut visitor,
        resident_id(5).as_str(),
        "<script>alert(1)</script>",
    )
    .await;
    assert_eq!(script.status, StatusCode::SEE_OTHER);

    let hits = visitor.get(&format!("/persons?q={}", pct("𠮷"))).await;
    assert!(hits.html.contains("𠮷野·䶮"), "{}", hits.html);
    let hits = visitor.get(&format!("/persons?q={}", pct("·䶮"))).await;
    assert!(hits.html.contains("𠮷野·䶮"));
    let hits = visitor
        .get(&format!("/persons?q={}", resident_id(3).as_str()))
        .await;
    assert!(hits.html.contains("𠮷野·䶮"));

    let page = visitor.get(script.location()).await;
    assert!(
        !page.html.contains("<script>alert"),
        "markup must be escaped"
    );
    assert!(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let hits = visitor
        .get(&format!("/persons?q={}", pct("<script>")))
        .await;
    assert!(!hits.html.contains("<script>alert"));
    assert!(hits.html.contains("&lt;script&gt;alert(1)"));
}

#[tokio::test]
async fn a_form_without_the_session_token_writes_nothing() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let events = test.events();
    let id = resident_id(3);
    let answer = visitor
        .send(
            axum::http::Method::POST,
            "/persons/new",
            Some(&[
                ("resident_id", id.as_str()),
                ("name", "张三"),
                ("on", "2025-03-01"),
                ("residence.housing", "own_home"),
                ("residence.unit", BINHU_VILLAGE),
            ]),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(test.events(), events);
}
