//! Records that are not persons, and the dated division hierarchy.

use axum::http::{Method, StatusCode};
use domain::access::Role;
use serde_json::{Value, json};

use crate::support::*;

fn codes(units: &Value) -> Vec<&str> {
    units
        .as_array()
        .unwrap()
        .iter()
        .map(|unit| unit["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn records_are_added_read_listed_and_replaced_within_scope() {
    let test = TestApp::new();
    let binhu = test.session("binhu", Role::Officer, "320211").await;
    let liangxi = test.session("liangxi", Role::Officer, "320213").await;
    let leader = test.session("leader", Role::Leader, "3202").await;
    let employer = test.employer(&binhu, "甲机械厂", BINHU_VILLAGE).await;

    let record = test
        .get(&format!("/api/v1/records/{employer}"), &binhu)
        .await;
    assert_eq!(record.status, StatusCode::OK, "{}", record.body);
    assert_eq!(record.body["name"], "甲机械厂");
    assert_eq!(record.body["detail"]["kind"], "employer");

    let landlord = json!({"name": "房东甲", "unit": BINHU_VILLAGE, "from": "2010-01-01", "detail": {"kind": "landlord", "letter_signed_on": "2010-02-01"}});
    let answer = test.post("/api/v1/records", &binhu, landlord).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);

    let employers = test.get("/api/v1/records?kind=employer", &binhu).await;
    assert_eq!(employers.status, StatusCode::OK, "{}", employers.body);
    assert_eq!(employers.body.as_array().unwrap().len(), 1);
    let all = test.get("/api/v1/records?offset=0&limit=10", &binhu).await;
    assert_eq!(all.body.as_array().unwrap().len(), 2);
    let second_page = test.get("/api/v1/records?offset=1&limit=10", &binhu).await;
    assert_eq!(second_page.body.as_array().unwrap().len(), 1);

    let renamed = json!({"name": "甲机械有限公司", "unit": BINHU_VILLAGE, "from": "2000-01-01", "detail": {"kind": "employer", "union_since": "2012-05-01"}});
    let answer = test
        .call(
            Method::PUT,
            &format!("/api/v1/records/{employer}"),
            Some(&binhu),
            Some(renamed.clone()),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let record = test
        .get(&format!("/api/v1/records/{employer}"), &binhu)
        .await;
    assert_eq!(record.body["name"], "甲机械有限公司");
    assert_eq!(record.body["detail"]["union_since"], "2012-05-01");

    // Out of scope: another district neither sees nor changes it.
    assert_eq!(
        test.get(&format!("/api/v1/records/{employer}"), &liangxi)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(test.get("/api/v1/records", &liangxi).await.body, json!([]));
    let events = test.events();
    let answer = test
        .call(
            Method::PUT,
            &format!("/api/v1/records/{employer}"),
            Some(&liangxi),
            Some(renamed),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    // A leader adds no records; a record outside the city is refused.
    let hotel = json!({"name": "旅馆", "unit": BINHU_VILLAGE, "from": "2010-01-01", "detail": {"kind": "hotel"}});
    assert_eq!(
        test.post("/api/v1/records", &leader, hotel.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut elsewhere = hotel;
    elsewhere["unit"] = json!("110101");
    let answer = test
        .post("/api/v1/records", &binhu, elsewhere.clone())
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert_eq!(answer.error().0, "record.unit");
    // Malformed texts are refused naming their JSON path, with the domain's reason.
    for (key, text) in [
        ("unit", "3202x"),
        ("from", "2010-02-30"),
        ("to", "2010/03/01"),
    ] {
        let mut bad = elsewhere.clone();
        bad["unit"] = json!(BINHU_VILLAGE);
        bad[key] = json!(text);
        let answer = test.post("/api/v1/records", &binhu, bad).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
        let (field, zh, en) = answer.error();
        assert_eq!(field, key, "{}", answer.body);
        assert!(en.starts_with("expected"), "{en}");
        assert!(!zh.contains(" / "), "{zh}");
    }
    assert_eq!(test.events(), events);
}

#[tokio::test]
async fn units_show_breadcrumbs_and_the_children_of_a_date() {
    let test = TestApp::new();
    let token = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;

    let city = test.get("/api/v1/units/3202", &token).await;
    assert_eq!(city.status, StatusCode::OK, "{}", city.body);
    assert_eq!(city.body["unit"]["name"], "无锡市");
    assert_eq!(codes(&city.body["path"]), ["3202"]);
    let today = codes(&city.body["children"]);
    assert!(
        today.contains(&"320213") && !today.contains(&"320202"),
        "{today:?}"
    );

    let before = test.get("/api/v1/units/3202?on=2010-01-01", &token).await;
    let then = codes(&before.body["children"]);
    assert!(
        then.contains(&"320202") && !then.contains(&"320213"),
        "{then:?}"
    );

    let old = test.get("/api/v1/units/320202", &token).await;
    assert_eq!(old.body["valid"], false);
    assert_eq!(old.body["unit"]["successor"], "320213");

    let village = test
        .get(
            &format!("/api/v1/units/{LIANGXI_VILLAGE}?on=2020-01-01"),
            &token,
        )
        .await;
    assert_eq!(
        codes(&village.body["path"]),
        ["3202", "320213", "320213021", LIANGXI_VILLAGE]
    );
    assert_eq!(village.body["valid"], true);
    assert_eq!(village.body["children"], json!([]));

    let missing = test.get("/api/v1/units/320299", &token).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error().0, "code");
}
