//! The pages in English: the switch changes every string, and the errors shown
//! beside a field come in the chosen language (snapshots of what a user reads).

use axum::http::StatusCode;
use domain::access::Role;

use crate::support::*;
use crate::visitor::{Page, Visitor};

/// The text of the error shown beside field `name`.
fn error_beside(page: &Page, name: &str) -> String {
    let marker = format!("id=\"error-{name}\">");
    let start = page
        .html
        .find(&marker)
        .unwrap_or_else(|| panic!("no error beside {name}"))
        + marker.len();
    let end = page.html[start..].find("</p>").unwrap() + start;
    page.html[start..end].to_owned()
}

/// Posts a registration with `id` and `on`, as a station logged in with `lang`.
async fn refused_registration(lang: &str, id: &str, on: &str) -> Page {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    visitor.get(&format!("/lang?to={lang}")).await;
    let form = visitor.get("/persons/new").await;
    let answer = visitor
        .post(
            "/persons/new",
            &form,
            &[
                ("resident_id", id),
                ("name", "张三"),
                ("on", on),
                ("residence.housing", "own_home"),
                ("residence.unit", BINHU_VILLAGE),
            ],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.html
    );
    answer
}

#[tokio::test]
async fn errors_beside_fields_are_in_the_chosen_language() {
    let wrong = wrong_check_digit(&resident_id(3));
    let english = refused_registration("en", &wrong, "2025-03-01").await;
    insta::assert_snapshot!(
        "wrong_check_digit_en",
        error_beside(&english, "resident_id")
    );
    assert!(english.html.contains("Register an arrival"));
    let chinese = refused_registration("zh", &wrong, "2025-03-01").await;
    insta::assert_snapshot!(
        "wrong_check_digit_zh",
        error_beside(&chinese, "resident_id")
    );
    let bad_date = refused_registration("en", resident_id(3).as_str(), "2025-02-30").await;
    insta::assert_snapshot!("bad_date_en", error_beside(&bad_date, "on"));
}

#[tokio::test]
async fn the_dashboard_reads_in_english() {
    let test = TestApp::new();
    test.user("leader", Role::Leader, "3202");
    let mut visitor = Visitor::new(&test);
    visitor.login("leader").await;
    visitor.get("/lang?to=en").await;
    let page = visitor
        .get("/dashboard?as_of=2025-06-30&indicator=E1")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Dashboard",
        "This year's target",
        "Districts ranked",
        "Labour contract",
        "Quarterly trend",
    ] {
        assert!(
            page.html.contains(text),
            "no {text:?} in the English dashboard"
        );
    }
    assert!(!page.html.contains("目标看板"));
}
