//! The dashboard: figures of a unit against targets, drill-down and breadcrumbs,
//! charts as SVG, the area a user may look at, and its figures and persons as
//! files to download.

use axum::http::{StatusCode, header};
use domain::access::Role;
use serde_json::json;

use crate::support::*;
use crate::visitor::Visitor;

/// The text of the table row that names `name`, up to the row's end.
fn row<'h>(html: &'h str, name: &str) -> &'h str {
    let start = html
        .find(&format!(">{name}</a>"))
        .unwrap_or_else(|| panic!("no row {name} in {html}"));
    let end = html[start..].find("</tr>").unwrap() + start;
    &html[start..end]
}

#[tokio::test]
async fn a_registration_moves_the_numerator_of_its_village_on_the_dashboard() {
    let test = TestApp::new();
    let token = test.session("api", Role::Officer, "320211").await;
    test.user("officer", Role::Officer, "320211");
    let employer = test.employer(&token, "甲机械厂", BINHU_VILLAGE).await;
    let uri = "/dashboard?unit=320211001&as_of=2025-06-30&indicator=E1";
    let mut visitor = Visitor::new(&test);
    visitor.login("officer").await;
    let before = visitor.get(uri).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.html);
    assert!(row(&before.html, "产山社区居委会").contains("0 / 0"));

    let mut form = registration(&resident_id(7), "李四", BINHU_VILLAGE, "2025-01-01");
    form["facts"] = json!([
        {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2025-01-01"},
        {"fact": {"kind": "labour_contract", "employer": employer}, "from": "2025-01-01"},
    ]);
    test.register(&token, form).await;

    let after = visitor.get(uri).await;
    assert!(
        row(&after.html, "产山社区居委会").contains("1 / 1"),
        "{}",
        row(&after.html, "产山社区居委会")
    );
    // Breadcrumbs lead back up to the officer's district, not above it.
    assert!(
        after
            .html
            .contains("href=\"/dashboard?unit=320211&amp;as_of=2025-06-30&amp;indicator=E1\"")
    );
    assert!(!after.html.contains("href=\"/dashboard?unit=3202&amp;"));
    // The trend and the comparison are SVG drawn on the server.
    assert_eq!(after.html.matches("<svg").count(), 2);
    assert!(after.html.contains("2025Q2"));
}

#[tokio::test]
async fn the_city_dashboard_ranks_the_districts() {
    let test = TestApp::new();
    test.user("leader", Role::Leader, "3202");
    let mut visitor = Visitor::new(&test);
    visitor.login("leader").await;
    let page = visitor
        .get("/dashboard?as_of=2025-06-30&indicator=R3")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("各区排名"));
    assert!(page.html.contains("梁溪区") && page.html.contains("滨湖区"));
}

#[tokio::test]
async fn units_outside_the_users_area_and_bad_dates_are_refused() {
    let test = TestApp::new();
    test.user("officer", Role::Officer, "320211");
    let mut visitor = Visitor::new(&test);
    visitor.login("officer").await;
    let other = visitor.get("/dashboard?unit=320213").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let bad = visitor.get("/dashboard?as_of=2025-02-30").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_dashboard_offers_its_figures_and_its_persons_as_files() {
    let test = TestApp::new();
    let token = test.session("api", Role::Officer, "320211").await;
    test.register(
        &token,
        registration(&resident_id(7), "李四", BINHU_VILLAGE, "2025-01-01"),
    )
    .await;
    test.user("officer", Role::Officer, "320211");
    let mut visitor = Visitor::new(&test);
    visitor.login("officer").await;
    let page = visitor.get("/dashboard?unit=320211&as_of=2025-06-30").await;
    let table = "/exports/indicators?unit=320211&amp;as_of=2025-06-30&amp;format=csv";
    assert!(page.html.contains(table), "{}", page.html);
    let csv = visitor.get(&table.replace("&amp;", "&")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.html);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.html.contains("R1"), "{}", csv.html);
    let persons = "/exports/persons?unit=320211&amp;format=csv";
    assert!(page.html.contains(persons), "{}", page.html);
    let list = visitor.get(&persons.replace("&amp;", "&")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.html.contains("李四") && list.html.contains(resident_id(7).as_str()));

    test.user("leader", Role::Leader, "3202");
    let mut leader = Visitor::new(&test);
    leader.login("leader").await;
    let page = leader.get("/dashboard").await;
    assert!(page.html.contains("/exports/indicators?unit=3202"));
    assert!(
        !page.html.contains("/exports/persons"),
        "a leader reads no persons"
    );
    let refused = leader.get("/exports/persons?unit=3202&format=csv").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
}
