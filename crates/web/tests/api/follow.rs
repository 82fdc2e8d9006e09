//! 跟进 — a serving engine catches up with events another process committed (an
//! `anju import` while the server runs): new persons and values in place, a
//! change to a person the engine holds by building it again.

use axum::http::StatusCode;
use domain::access::{Role, User};
use exchange::import::{Mode, Options};
use exchange::limits::Limits;
use exchange::template::Template;
use serde_json::json;

use crate::support::*;

/// Imports `csv` into the store directly, as `anju import` in another process
/// would: nothing of it reaches the server's engine.
fn import_elsewhere(test: &TestApp, user: &User, kind: &str, csv: &str) {
    let options = Options {
        mode: Mode::AllOrNothing,
        dry_run: false,
        encoding: None,
        limits: Limits::default(),
    };
    let template = Template::named(kind).unwrap();
    let report = exchange::import::import(
        &*test.store,
        user,
        template,
        "elsewhere.csv",
        csv.as_bytes(),
        &options,
        &mut (),
    )
    .unwrap();
    assert!(report.committed, "{:?}", report.errors);
}

/// A police file registering the persons with IDs `resident_id(n)` for every
/// even `n` in `numbers` (an odd one would share its ID with the even before).
fn arrivals(numbers: std::ops::Range<u16>) -> String {
    let mut csv =
        String::from("身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n");
    for n in numbers.step_by(2) {
        csv.push_str(&format!(
            "{},张{n},2025-01-01,{BINHU_VILLAGE},自购房,,\n",
            resident_id(n).as_str()
        ));
    }
    csv
}

#[tokio::test]
async fn persons_and_values_imported_elsewhere_are_counted_once_the_engine_catches_up() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let cli = test.user("cli", Role::Officer, "320211");
    test.register(
        &token,
        registration(&resident_id(100), "李四", BINHU_VILLAGE, "2025-01-01"),
    )
    .await;
    import_elsewhere(&test, &cli, "public_security", &arrivals(10..16));
    import_elsewhere(
        &test,
        &cli,
        "statistics",
        &format!(
            "单位代码,指标名称,开始日期,结束日期,数值\n{BINHU_VILLAGE},estimated_migrants,2025-01-01,2025-12-31,40\n"
        ),
    );
    let stale = test.get(R1, &token).await;
    assert_eq!(
        figure(&stale.body, "R1", BINHU_VILLAGE, "numerator"),
        json!("1")
    );

    assert!(test.app.catch_up().unwrap());
    let caught = test.get(R1, &token).await;
    assert_eq!(caught.status, StatusCode::OK);
    assert_eq!(
        figure(&caught.body, "R1", BINHU_VILLAGE, "numerator"),
        json!("4")
    );
    assert_eq!(
        figure(&caught.body, "R1", BINHU_VILLAGE, "denominator"),
        json!("40")
    );
    assert!(!test.app.catch_up().unwrap(), "nothing new the second time");

    // The server's own writes go on from there, counted once.
    test.register(
        &token,
        registration(&resident_id(102), "王五", BINHU_VILLAGE, "2025-01-01"),
    )
    .await;
    let after = test.get(R1, &token).await;
    assert_eq!(
        figure(&after.body, "R1", BINHU_VILLAGE, "numerator"),
        json!("5")
    );
    assert!(!test.app.catch_up().unwrap());
}

#[tokio::test]
async fn a_fact_imported_elsewhere_for_a_known_person_is_counted_after_a_rebuild() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let cli = test.user("cli", Role::Officer, "320211");
    let employer = test.employer(&token, "甲机械厂", BINHU_VILLAGE).await;
    test.register_employed(&token, &resident_id(7), employer)
        .await;
    let before = test.get(R1, &token).await;
    assert_eq!(
        figure(&before.body, "E1", BINHU_VILLAGE, "numerator"),
        json!("0")
    );

    import_elsewhere(
        &test,
        &cli,
        "labour",
        &labour_contract(&resident_id(7), employer),
    );
    // The server's next write catches up first, then counts its own change.
    test.register(
        &token,
        registration(&resident_id(20), "王五", BINHU_VILLAGE, "2025-01-01"),
    )
    .await;
    let after = test.get(R1, &token).await;
    assert_eq!(
        figure(&after.body, "E1", BINHU_VILLAGE, "numerator"),
        json!("1")
    );
    assert_eq!(
        figure(&after.body, "R1", BINHU_VILLAGE, "numerator"),
        json!("2")
    );
    assert!(!test.app.catch_up().unwrap());
}
