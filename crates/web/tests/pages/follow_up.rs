//! The person page's follow-up forms — ending one fact, correcting a fact's dates
//! with a reason, linking family — with refusals beside their field in both
//! languages; and long lists (name search, records) a page at a time through
//! plain "next page" links.

use axum::http::StatusCode;
use domain::access::{Role, User};
use domain::registry::PersonId;
use domain::resident_id::{ResidentId, Sex};

use crate::support::*;
use crate::visitor::{Page, Visitor};

/// The text of the error shown beside field `name`.
fn error_beside(page: &Page, name: &str) -> String {
    let marker = format!("id=\"error-{name}\">");
    let start = page
        .html
        .find(&marker)
        .unwrap_or_else(|| panic!("no error beside {name}: {}", page.html))
        + marker.len();
    let end = page.html[start..].find("</p>").unwrap() + start;
    page.html[start..end].to_owned()
}

/// The `href` of the link with `rel`, unescaped, if the page has one.
fn link(page: &Page, rel: &str) -> Option<String> {
    let marker = format!("rel=\"{rel}\" href=\"");
    let start = page.html.find(&marker)? + marker.len();
    let end = page.html[start..].find('"')? + start;
    Some(page.html[start..end].replace("&amp;", "&"))
}

/// How many rows of a list link to a person's or a record's page.
fn rows(page: &Page, path: &str) -> usize {
    page.html.matches(&format!("<td><a href=\"{path}")).count()
}

/// A station user logged in to the pages, an API token of the same village, and
/// a person registered there.
async fn station(test: &TestApp) -> (User, String, PersonId) {
    let user = test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let token = test
        .session("clerk", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let person = test
        .register(
            &token,
            registration(&resident_id(3), "李四", BINHU_VILLAGE, "2025-03-01"),
        )
        .await;
    (user, token, person)
}

#[tokio::test]
async fn a_contract_ends_on_a_date_and_its_dates_are_corrected_with_a_reason() {
    let test = TestApp::new();
    let (user, token, person) = station(&test).await;
    let employer = test.employer(&token, "无锡示例机械厂", BINHU_VILLAGE).await;
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let uri = format!("/persons/{person}");
    let page = visitor.get(&uri).await;
    let employer = employer.to_string();
    let added = visitor
        .post(
            &format!("{uri}/contract"),
            &page,
            &[("employer", &employer), ("from", "2025-03-01"), ("to", "")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html);
    let contract = |test: &TestApp| {
        test.store
            .person(&user, person)
            .unwrap()
            .facts
            .into_iter()
            .find(|fact| fact.kind.name() == "labour_contract")
            .unwrap()
    };
    let fact = contract(&test).id.to_string();

    let page = visitor.get(&uri).await;
    assert!(page.html.contains("id=\"form-end\""));
    let ended = visitor
        .post(
            &format!("{uri}/end"),
            &page,
            &[("fact", &fact), ("last_day", "2025-12-31")],
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.html);
    assert_eq!(contract(&test).to, Some(date("2025-12-31")));
    let events = test.events();
    let again = visitor
        .post(
            &format!("{uri}/end"),
            &page,
            &[("fact", &fact), ("last_day", "2026-01-31")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_snapshot!("end_ended_fact_zh", error_beside(&again, "last_day"));
    assert_eq!(test.events(), events, "a refused form writes nothing");

    let corrected = visitor
        .post(
            &format!("{uri}/dates"),
            &page,
            &[
                ("reason", "合同起止日期录入错误"),
                ("fact", &fact),
                ("from", "2025-04-01"),
                ("to", "2026-03-31"),
            ],
        )
        .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.html
    );
    let fact_now = contract(&test);
    assert_eq!(
        (fact_now.from, fact_now.to),
        (date("2025-04-01"), Some(date("2026-03-31")))
    );
    let page = visitor.get(&uri).await;
    assert!(page.html.contains("2026-03-31"));

    visitor.get("/lang?to=en").await;
    let page = visitor.get(&uri).await;
    let no_reason = visitor
        .post(
            &format!("{uri}/dates"),
            &page,
            &[
                ("reason", ""),
                ("fact", &fact),
                ("from", "2025-04-01"),
                ("to", ""),
            ],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_snapshot!(
        "dates_without_reason_en",
        error_beside(&no_reason, "reason")
    );
    assert_eq!(contract(&test).to, Some(date("2026-03-31")));
}

#[tokio::test]
async fn a_child_is_linked_by_id_number_and_shown_by_name_on_both_pages() {
    let test = TestApp::new();
    let (_, token, parent) = station(&test).await;
    let child_id = ResidentId::synthesize(340102, date("2015-06-01"), 7, Sex::Female);
    let child = test
        .register(
            &token,
            registration(&child_id, "李小妹", BINHU_VILLAGE, "2025-03-01"),
        )
        .await;
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let uri = format!("/persons/{parent}");
    let page = visitor.get(&uri).await;
    assert!(page.html.contains("尚未登记家庭关系"));
    let linked = visitor
        .post(
            &format!("{uri}/family"),
            &page,
            &[("relation", "child"), ("relative", child_id.as_str())],
        )
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.html);
    let page = visitor.get(&uri).await;
    assert!(
        page.html.contains(&format!(
            "子女：<a href=\"/persons/{child}\">李小妹 #{child}</a>"
        )),
        "{}",
        page.html
    );
    // The link is the child's event (the child's parent is named): in the
    // family list and in the timeline.
    let page = visitor.get(&format!("/persons/{child}")).await;
    let named = format!("父母：<a href=\"/persons/{parent}\">李四 #{parent}</a>");
    assert!(
        page.html.contains(&format!("<li>{named}</li>")),
        "{}",
        page.html
    );
    assert!(
        page.html.contains(&format!("<td>家庭关系 {named}</td>")),
        "{}",
        page.html
    );

    // A child cannot be the parent of their parent; a stranger is not found.
    let events = test.events();
    let older = visitor
        .post(
            &format!("/persons/{child}/family"),
            &page,
            &[("relation", "child"), ("relative", &parent.to_string())],
        )
        .await;
    assert_eq!(older.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_beside(&older, "relative").starts_with("父母的出生日期应早于子女"));
    let stranger = visitor
        .post(
            &format!("{uri}/family"),
            &page,
            &[("relation", "spouse"), ("relative", "424242")],
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_snapshot!("family_stranger_zh", error_beside(&stranger, "relative"));
    visitor.get("/lang?to=en").await;
    let page = visitor.get(&uri).await;
    let unknown = visitor
        .post(
            &format!("{uri}/family"),
            &page,
            &[("relation", "spouse"), ("relative", "张三")],
        )
        .await;
    insta::assert_snapshot!("family_not_a_person_en", error_beside(&unknown, "relative"));
    assert_eq!(test.events(), events);
}

#[tokio::test]
async fn long_lists_go_page_by_page_through_plain_links() {
    let test = TestApp::new();
    let (_, token, _) = station(&test).await;
    for n in 0..55u16 {
        let name = format!("王{}", char::from_u32(0x4E00 + u32::from(n)).unwrap());
        test.register(
            &token,
            registration(
                &ResidentId::synthesize(340102, date("1991-01-01"), 2 * n, Sex::Female),
                &name,
                BINHU_VILLAGE,
                "2025-03-01",
            ),
        )
        .await;
        test.employer(&token, &format!("示例厂{n:02}"), BINHU_VILLAGE)
            .await;
    }
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;

    let first = visitor.get(&format!("/persons?q={}", pct("王"))).await;
    assert_eq!(rows(&first, "/persons/"), 50);
    assert_eq!(link(&first, "first"), None);
    let next = link(&first, "next").expect("a next page");
    let second = visitor.get(&next).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(rows(&second, "/persons/"), 5);
    assert_eq!(link(&second, "next"), None);
    assert!(link(&second, "first").is_some());
    assert!(
        !second.html.contains("王一<"),
        "the first page's hits stay there"
    );

    let first = visitor.get("/records?kind=employer").await;
    assert_eq!(rows(&first, "/records/"), 50);
    let second = visitor.get(&link(&first, "next").unwrap()).await;
    assert_eq!(rows(&second, "/records/"), 5);
    assert!(second.html.contains("示例厂54"));
    assert!(!second.html.contains("示例厂00"));
}

#[tokio::test]
async fn a_record_is_picked_by_its_number_or_part_of_its_name() {
    let test = TestApp::new();
    let (user, token, person) = station(&test).await;
    let works = test.employer(&token, "无锡甲机械厂", BINHU_VILLAGE).await;
    test.employer(&token, "无锡乙机械厂", BINHU_VILLAGE).await;
    let mut visitor = Visitor::new(&test);
    visitor.login("station").await;
    let uri = format!("/persons/{person}");
    let page = visitor.get(&uri).await;
    assert!(
        page.html
            .contains(&format!("<option value=\"{works}\">无锡甲机械厂</option>"))
    );
    let events = test.events();
    let several = visitor
        .post(
            &format!("{uri}/employer"),
            &page,
            &[
                ("on", "2025-04-01"),
                ("employer", "机械厂"),
                ("monthly_wage", "5000"),
            ],
        )
        .await;
    assert_eq!(several.status, StatusCode::UNPROCESSABLE_ENTITY);
    insta::assert_snapshot!("picker_several_zh", error_beside(&several, "employer"));
    let none = visitor
        .post(
            &format!("{uri}/employer"),
            &page,
            &[
                ("on", "2025-04-01"),
                ("employer", "丙"),
                ("monthly_wage", "5000"),
            ],
        )
        .await;
    assert!(error_beside(&none, "employer").starts_with("管辖范围内没有名称含“丙”的对象"));
    assert!(none.html.contains("value=\"丙\""), "what was typed stays");
    assert_eq!(test.events(), events);

    let picked = visitor
        .post(
            &format!("{uri}/employer"),
            &page,
            &[
                ("on", "2025-04-01"),
                ("employer", "甲机械"),
                ("monthly_wage", "5000"),
            ],
        )
        .await;
    assert_eq!(picked.status, StatusCode::SEE_OTHER, "{}", picked.html);
    let file = test.store.person(&user, person).unwrap();
    assert!(
        file.facts
            .iter()
            .any(|fact| fact.kind.name() == "employment" && fact.kind.record() == Some(works)),
        "{:?}",
        file.facts
    );
}
