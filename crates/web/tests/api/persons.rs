//! A migrant's registration lifecycle through the API, and the record of who
//! viewed a person.

use axum::http::StatusCode;
use domain::access::Role;
use serde_json::{Value, json};

use crate::support::*;

/// The kinds of the facts in a JSON array, sorted.
fn kinds(facts: &Value) -> Vec<String> {
    let mut kinds: Vec<String> = facts
        .as_array()
        .unwrap()
        .iter()
        .map(|fact| fact["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.sort();
    kinds
}

#[tokio::test]
async fn a_migrant_s_life_from_registration_to_departure() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let first = test.employer(&token, "甲机械厂", BINHU_VILLAGE).await;
    let second = test.employer(&token, "乙纺织厂", BINHU_OTHER_VILLAGE).await;
    let id = resident_id(101);

    // 来人登记, with the job the form recorded.
    let mut form = registration(&id, "张三", BINHU_VILLAGE, "2023-03-01");
    form["facts"] = json!([{
        "fact": {"kind": "employment", "employer": first, "monthly_wage_fen": 450_000},
        "from": "2023-03-01",
    }]);
    let answer = test.post("/api/v1/persons", &token, form).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let person = answer.body["person"].as_i64().unwrap();
    assert!(answer.body["seq"].as_i64().unwrap() > 0);
    let base = format!("/api/v1/persons/{person}");

    // The file.
    let file = test.get(&base, &token).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert_eq!(file.body["person"]["resident_id"], id.as_str());
    assert_eq!(file.body["person"]["name"], "张三");
    assert_eq!(file.body["person"]["unit"], BINHU_VILLAGE);
    assert_eq!(file.body["person"]["sex"], "male");
    assert_eq!(file.body["person"]["birth_date"], "1990-05-17");
    assert_eq!(kinds(&file.body["facts"]), ["employment", "residence"]);

    // Look-ups by ID number and by name.
    let hits = test
        .get(&format!("/api/v1/persons?resident_id={id}"), &token)
        .await;
    assert_eq!(hits.status, StatusCode::OK, "{}", hits.body);
    assert_eq!(hits.body[0]["id"], person);
    assert!(
        !hits.body[0]["masked_id"]
            .as_str()
            .unwrap()
            .contains(&id.as_str()[6..16])
    );
    let hits = test
        .get(
            &format!("/api/v1/persons?name={}&limit=5", pct("张")),
            &token,
        )
        .await;
    assert_eq!(hits.status, StatusCode::OK, "{}", hits.body);
    assert_eq!(hits.body.as_array().unwrap().len(), 1);
    assert!(!hits.headers.contains_key("link"), "one page only");

    // 迁移 to an employer's dormitory in the next community.
    let moved = json!({"on": "2023-06-01", "residence": {"housing": "employer_dormitory", "unit": BINHU_OTHER_VILLAGE, "place": second}});
    let answer = test.post(&format!("{base}/moves"), &token, moved).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);

    // 变更用人单位.
    let job = json!({"on": "2023-06-01", "employer": second, "monthly_wage_fen": 520_000});
    let answer = test.post(&format!("{base}/employers"), &token, job).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);

    // 新增信息, then 终止信息.
    let union = json!({"fact": {"kind": "union_membership"}, "from": "2023-07-01"});
    let answer = test.post(&format!("{base}/facts"), &token, union).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let fact = answer.body["facts"][0].as_i64().unwrap();
    let answer = test
        .post(
            &format!("{base}/facts/{fact}/end"),
            &token,
            json!({"last_day": "2023-09-30"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);

    // 更正: the union membership began later than first written.
    let correction = json!({
        "reason": "会员证日期录入错误",
        "correction": {"target": "fact", "fact": fact, "kind": {"kind": "union_membership"}, "from": "2023-07-15", "to": "2023-09-30"},
    });
    let answer = test
        .post(&format!("{base}/corrections"), &token, correction)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);

    // 离开.
    let answer = test
        .post(
            &format!("{base}/departure"),
            &token,
            json!({"on": "2024-01-01"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);

    // What was true on a date.
    let on = |date: &str| format!("{base}/facts?on={date}");
    let july = test.get(&on("2023-07-10"), &token).await;
    assert_eq!(july.status, StatusCode::OK, "{}", july.body);
    assert_eq!(
        kinds(&july.body),
        ["employment", "residence"],
        "the corrected membership starts on 07-15"
    );
    let august = test.get(&on("2023-08-01"), &token).await;
    assert_eq!(
        kinds(&august.body),
        ["employment", "residence", "union_membership"]
    );
    let residence = august
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "residence")
        .unwrap();
    assert_eq!(residence["unit"], BINHU_OTHER_VILLAGE);
    let employment = august
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "employment")
        .unwrap();
    assert_eq!(employment["employer"], second);
    let before = test.get(&on("2023-12-31"), &token).await;
    assert_eq!(kinds(&before.body), ["employment", "residence"]);
    let after = test.get(&on("2024-01-01"), &token).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(
        after.body,
        json!([]),
        "nothing holds on the day of departure"
    );

    let file = test.get(&base, &token).await;
    assert_eq!(file.body["person"]["left_on"], "2024-01-01");

    // The timeline tells the story in order.
    let timeline = test.get(&format!("{base}/timeline"), &token).await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    let types: Vec<&str> = timeline
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "register",
            "move",
            "change_employer",
            "add_fact",
            "end_fact",
            "correct",
            "leave"
        ]
    );
    assert!(
        timeline
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["source"]["channel"] == "station")
    );
}

#[tokio::test]
async fn family_links_join_two_registered_persons() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let husband = test
        .register(
            &token,
            registration(&resident_id(11), "王五", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    let wife_id = domain::resident_id::ResidentId::synthesize(
        340102,
        date("1991-02-03"),
        12,
        domain::resident_id::Sex::Female,
    );
    let wife = test
        .register(
            &token,
            registration(&wife_id, "赵六", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    let link = json!({"relative": wife, "relation": "spouse"});
    let answer = test
        .post(&format!("/api/v1/persons/{husband}/family"), &token, link)
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let file = test
        .get(&format!("/api/v1/persons/{husband}"), &token)
        .await;
    assert_eq!(file.body["family"][0]["relative"], wife);
    assert_eq!(file.body["family"][0]["relation"], "spouse");
}

#[tokio::test]
async fn every_view_of_a_person_is_recorded() {
    let test = TestApp::new();
    let officer = test.session("binhu", Role::Officer, "320211").await;
    let station = test
        .session("chanshan", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let person = test
        .register(
            &station,
            registration(&resident_id(21), "钱七", BINHU_VILLAGE, "2023-03-01"),
        )
        .await;
    assert_eq!(
        test.get(&format!("/api/v1/persons/{person}"), &officer)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        test.get(&format!("/api/v1/persons/{person}/timeline"), &station)
            .await
            .status,
        StatusCode::OK
    );

    let views = test
        .get(&format!("/api/v1/persons/{person}/views"), &officer)
        .await;
    assert_eq!(views.status, StatusCode::OK, "{}", views.body);
    let seen: Vec<(&str, &str)> = views
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|view| {
            (
                view["viewer_login"].as_str().unwrap(),
                view["what"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(seen.contains(&("binhu", "file")), "{seen:?}");
    assert!(seen.contains(&("chanshan", "timeline")), "{seen:?}");
    assert!(views.body[0]["at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_name_search_pages_through_its_link_header() {
    let test = TestApp::new();
    let token = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    for (n, name) in ["王伟", "李王伟", "王伟明"].into_iter().enumerate() {
        let id = resident_id(10 + 2 * n as u16);
        test.register(&token, registration(&id, name, BINHU_VILLAGE, "2024-01-02"))
            .await;
    }
    let mut uri = format!("/api/v1/persons?name={}&limit=2", pct("王伟"));
    let mut names = Vec::new();
    loop {
        let page = test.get(&uri, &token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        names.extend(
            page.body
                .as_array()
                .unwrap()
                .iter()
                .map(|hit| hit["name"].as_str().unwrap().to_owned()),
        );
        let Some(link) = page.headers.get("link") else {
            break;
        };
        let link = link.to_str().unwrap();
        assert!(link.ends_with(">; rel=\"next\""), "{link}");
        uri = link[1..link.find('>').unwrap()].to_owned();
    }
    assert_eq!(
        names,
        ["王伟", "李王伟", "王伟明"],
        "exact first, then by name"
    );
    let bad = test
        .get(
            &format!("/api/v1/persons?name={}&after=x", pct("王")),
            &token,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(bad.error().0, "after");
    insta::assert_json_snapshot!("name_search_bad_after", bad.body);
}
