//! Department files through the API: an upload answers at once with its number,
//! its progress and report follow, bad rows come back as XLSX (with the rows
//! themselves, to put right and send again), what it wrote is
//! counted at once, templates download, a caller sees only their own imports,
//! a department's data manager sends their own department's files, and the
//! caller's runs (dry runs too) are listed from the log, each with its report.

use axum::http::{Method, StatusCode};
use domain::access::{Department, Role};
use exchange::limits::Limits;
use exchange::read::read;
use exchange::template::Template;
use serde_json::{Value, json};

use crate::support::*;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn arrivals() -> Vec<u8> {
    format!(
        "身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n\
         {},张伟,2024-03-01,{BINHU_VILLAGE},自购房,,\n\
         {},王芳,2024-03-01,{LIANGXI_VILLAGE},自购房,,\n",
        resident_id(1).as_str(),
        resident_id(2).as_str(),
    )
    .into_bytes()
}

/// Uploads `file`, a police file unless `query` names another kind, and waits
/// for the import to end; its final status.
async fn import(test: &TestApp, token: &str, query: &str, file: Vec<u8>) -> Value {
    let kind = if query.contains("kind=") {
        ""
    } else {
        "&kind=public_security"
    };
    let uri = format!("/api/v1/imports?file=%E5%85%AC%E5%AE%89.csv{kind}{query}");
    let started = test
        .raw(Method::POST, &uri, Some(token), Some("text/csv"), file)
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
    let id = started.body["id"].as_u64().unwrap();
    for _ in 0..500 {
        let status = test.get(&format!("/api/v1/imports/{id}"), token).await;
        assert_eq!(status.status, StatusCode::OK, "{}", status.body);
        if status.body["state"] != "running" {
            return status.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("import {id} did not end");
}

#[tokio::test]
async fn an_upload_is_all_or_nothing_and_its_bad_rows_come_back_as_xlsx() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let done = import(&test, &token, "", arrivals()).await;
    assert_eq!(done["state"], "done", "{done}");
    let report = &done["report"];
    assert_eq!(report["committed"], false);
    assert_eq!(report["errors"][0]["row"], 3, "{report}");
    assert_eq!(report["errors"][0]["column"], "村（社区）代码");
    assert_eq!(test.events(), 1, "only the run's own record");

    let id = done["id"].as_u64().unwrap();
    let errors = test
        .get(&format!("/api/v1/imports/{id}/errors"), &token)
        .await;
    assert_eq!(errors.status, StatusCode::OK);
    assert_eq!(errors.headers["content-type"], XLSX);

    let other = test.session("other", Role::Officer, "320211").await;
    let hidden = test.get(&format!("/api/v1/imports/{id}"), &other).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    // The log keeps the same report, bad rows and all, for its maker alone.
    assert_eq!(done["run"], report["event"]);
    let run = format!("/api/v1/imports/runs/{}", report["event"]);
    let recorded = test.get(&run, &token).await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.body);
    assert_eq!(&recorded.body, report);
    let errors = test.get(&format!("{run}/errors"), &token).await;
    assert_eq!(errors.status, StatusCode::OK);
    assert_eq!(errors.headers["content-type"], XLSX);
    // Beside the reasons, the refused row as the file gave it: a police file
    // to put right and send again.
    let police = Template::named("public_security").unwrap();
    let fix = read(&errors.bytes, None, &Limits::default(), &|row| {
        police.is_header(row)
    })
    .unwrap();
    assert_eq!(fix.headers[0], "原行号 Row");
    let rows = fix.rows().unwrap();
    assert_eq!(rows.len(), 1);
    let cells: Vec<&str> = rows[0].1.iter().collect();
    let id = resident_id(2);
    assert_eq!(
        cells[..8],
        [
            "3",
            id.as_str(),
            "王芳",
            "2024-03-01",
            LIANGXI_VILLAGE,
            "自购房",
            "",
            ""
        ]
    );
    assert!(cells[8].starts_with("村（社区）代码："), "{}", cells[8]);
    for uri in [run.clone(), format!("{run}/errors")] {
        assert_eq!(test.get(&uri, &other).await.status, StatusCode::NOT_FOUND);
    }

    let done = import(&test, &token, "&valid_rows_only=true", arrivals()).await;
    assert_eq!(done["report"]["committed"], true, "{done}");
    assert_eq!(done["report"]["added"], 1);
    assert_eq!(done["report"]["skipped"], serde_json::json!([3]));
}

#[tokio::test]
async fn a_report_of_many_bad_rows_comes_a_page_at_a_time() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    // 10,001 rows (one more than the errors workbook reads at a time), every
    // one dated in month 13.
    let mut file =
        String::from("身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n");
    for n in 0..10_001u16 {
        file.push_str(&format!(
            "{},张伟,2024-13-01,{BINHU_VILLAGE},自购房,,\n",
            resident_id(n % 900).as_str()
        ));
    }
    let done = import(&test, &token, "", file.into_bytes()).await;
    let report = &done["report"];
    assert_eq!(report["refused"], 10_001, "{}", report["refused"]);
    // The status gives the first thousand bad rows, and where the rest start.
    assert_eq!(report["errors"].as_array().unwrap().len(), 1_000);
    assert_eq!(report["refused_rows"].as_array().unwrap().len(), 1_000);
    assert_eq!(report["more_after"], 1_001);

    // The run's report, page by page along its links.
    let mut uri = format!("/api/v1/imports/runs/{}?limit=4000", report["event"]);
    let mut rows = Vec::new();
    loop {
        let page = test.get(&uri, &token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.body["refused"], 10_001);
        rows.extend(
            page.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|error| error["row"].as_u64().unwrap()),
        );
        let Some(link) = page.headers.get("link") else {
            assert_eq!(page.body["more_after"], Value::Null);
            break;
        };
        let link = link.to_str().unwrap();
        assert_eq!(
            link,
            format!(
                "</api/v1/imports/runs/{}?after={}&limit=4000>; rel=\"next\"",
                report["event"], page.body["more_after"]
            )
        );
        uri = link[1..link.find('>').unwrap()].to_owned();
    }
    assert_eq!(rows, (2..=10_002).collect::<Vec<u64>>());
    // The workbook has them all, read a page at a time.
    let run = format!("/api/v1/imports/runs/{}/errors", report["event"]);
    let workbook = test.get(&run, &token).await;
    assert_eq!(workbook.status, StatusCode::OK);
    let police = Template::named("public_security").unwrap();
    let fix = read(&workbook.bytes, None, &Limits::default(), &|row| {
        police.is_header(row)
    })
    .unwrap();
    let rows = fix.rows().unwrap();
    let numbers: Vec<&str> = rows.iter().map(|(_, row)| &row[0]).collect();
    let expected: Vec<String> = (2..=10_002).map(|row: u64| row.to_string()).collect();
    assert_eq!(numbers, expected);

    for (query, field) in [("limit=10001", "limit"), ("after=-1", "after")] {
        let run = format!("/api/v1/imports/runs/{}?{query}", report["event"]);
        let refused = test.get(&run, &token).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert_eq!(refused.body["error"]["field"], field, "{}", refused.body);
    }
}

#[tokio::test]
async fn what_an_upload_writes_is_counted_at_once() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let employer = test.employer(&token, "甲机械厂", BINHU_VILLAGE).await;
    test.register_employed(&token, &resident_id(7), employer)
        .await;

    let police = format!(
        "身份证号,姓名,登记日期,村（社区）代码,居住方式,居住场所编号,暂住证号码\n\
         {},张伟,2025-01-01,{BINHU_VILLAGE},自购房,,\n\
         {},王芳,2025-02-01,{BINHU_VILLAGE},自购房,,\n",
        resident_id(11).as_str(),
        resident_id(12).as_str(),
    );
    let done = import(&test, &token, "", police.into_bytes()).await;
    assert_eq!(done["report"]["committed"], true, "{done}");
    // A known person's new fact.
    let labour = labour_contract(&resident_id(7), employer);
    let done = import(&test, &token, "&kind=labour", labour.clone().into_bytes()).await;
    assert_eq!(done["report"]["committed"], true, "{done}");

    // Counted by the engine the uploads went through, not by catching up.
    assert!(!test.app.catch_up().unwrap());
    let counted = test.get(R1, &token).await;
    assert_eq!(
        figure(&counted.body, "R1", BINHU_VILLAGE, "numerator"),
        json!("3")
    );
    assert_eq!(
        figure(&counted.body, "E1", BINHU_VILLAGE, "numerator"),
        json!("1")
    );

    // The next extract gives the contract's last day: it ends, and is no
    // longer counted after it.
    let ended = labour.replace("2025-01-01,\n", "2025-01-01,2025-03-31\n");
    let done = import(&test, &token, "&kind=labour", ended.into_bytes()).await;
    assert_eq!(done["report"]["added"], 1, "{done}");
    assert_eq!(done["report"]["ended"], 1, "{done}");
    assert!(!test.app.catch_up().unwrap());
    let counted = test.get(R1, &token).await;
    assert_eq!(
        figure(&counted.body, "E1", BINHU_VILLAGE, "numerator"),
        json!("0")
    );

    // The one after gives a later last day: the contract was extended, the
    // record corrected, and it counts again.
    let extended = labour.replace("2025-01-01,\n", "2025-01-01,2025-09-30\n");
    let done = import(&test, &token, "&kind=labour", extended.into_bytes()).await;
    let report = &done["report"];
    assert_eq!(
        (&report["added"], &report["ended"], &report["corrected"]),
        (&json!(1), &json!(0), &json!(1)),
        "{done}"
    );
    assert!(!test.app.catch_up().unwrap());
    let counted = test.get(R1, &token).await;
    assert_eq!(
        figure(&counted.body, "E1", BINHU_VILLAGE, "numerator"),
        json!("1")
    );
}

#[tokio::test]
async fn templates_download_as_xlsx_and_unknown_kinds_are_named() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let template = test.get("/api/v1/templates/labour", &token).await;
    assert_eq!(template.status, StatusCode::OK);
    assert_eq!(template.headers["content-type"], XLSX);
    let unknown = test.get("/api/v1/templates/weather", &token).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.error().0, "kind");
}

#[tokio::test]
async fn a_leader_may_not_import_persons() {
    let test = TestApp::new();
    let token = test.session("lead", Role::Leader, "3202").await;
    let answer = test
        .raw(
            Method::POST,
            "/api/v1/imports?kind=labour",
            Some(&token),
            None,
            arrivals(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_department_sends_its_own_files_and_statistics_only() {
    let test = TestApp::new();
    let police = test
        .department_session("police", Department::PublicSecurity)
        .await;
    let checked = import(&test, &police, "&dry_run=true", arrivals()).await;
    assert_eq!(checked["report"]["added"], 2, "{checked}");
    assert_eq!(checked["report"]["committed"], false, "{checked}");
    let done = import(&test, &police, "", arrivals()).await;
    assert_eq!(done["report"]["added"], 2, "{done}");
    let counts = "单位代码,指标名称,开始日期,结束日期,数值\n\
                  320211,hotel_guests,2025-01-01,2025-03-31,40\n";
    let done = import(&test, &police, "&kind=statistics", counts.into()).await;
    assert_eq!(done["report"]["added"], 1, "{done}");

    let labour = test
        .raw(
            Method::POST,
            "/api/v1/imports?kind=labour",
            Some(&police),
            Some("text/csv"),
            arrivals(),
        )
        .await;
    assert_eq!(labour.status, StatusCode::FORBIDDEN);
    insta::assert_json_snapshot!("another_departments_file", labour.body);

    // The police's runs, newest first, from the log: the dry run too.
    let runs = test.get("/api/v1/imports", &police).await;
    assert_eq!(runs.status, StatusCode::OK, "{}", runs.body);
    let kinds: Vec<&str> = runs
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|run| run["summary"]["department"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["statistics", "public_security", "public_security"],
        "{}",
        runs.body
    );
    assert_eq!(runs.body[1]["summary"]["added"], 2);
    assert_eq!(runs.body[1]["summary"]["dry_run"], false);
    assert_eq!(runs.body[2]["summary"]["dry_run"], true);
    assert_eq!(runs.body[2]["summary"]["added"], 0);
}
