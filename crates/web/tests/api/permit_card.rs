//! The permit card through the API: the printable page with its QR code, the public
//! key and signed revocation list, and the public verify page (no login) telling a
//! valid card from a revoked, replaced, altered or unknown one.

use axum::http::StatusCode;
use card::{CityKey, PublicKey, SignedList};
use domain::access::Role;
use serde_json::{Value, json};

use crate::support::*;

const BINHU_TOWN: &str = "320211001";

fn key() -> CityKey {
    CityKey::from_hex(&"07".repeat(32)).unwrap()
}

/// A server with a new citizen's permit issued on 2025-06-10, valid for the seed
/// policy's year (through 2026-06-09): the test app, the district officer's token and the permit's number.
async fn issued() -> (TestApp, String, i64) {
    issued_with(key()).await
}

/// As [`issued`], the city signing with `key`.
async fn issued_with(key: CityKey) -> (TestApp, String, i64) {
    let test = TestApp::signing_cards(Some(key));
    let station = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let town = test.session("town", Role::Officer, BINHU_TOWN).await;
    let district = test.session("district", Role::Officer, "320211").await;
    let permit = applied(&test, &station, 7, "李<四>").await;
    let reviewed = test
        .post(
            &format!("/api/v1/permits/{permit}/review"),
            &town,
            json!({"on": "2025-06-05", "approve": true, "reason": "材料齐全"}),
        )
        .await;
    assert_eq!(reviewed.status, StatusCode::CREATED, "{}", reviewed.body);
    let issued = test
        .post(
            &format!("/api/v1/permits/{permit}/issue"),
            &district,
            json!({"on": "2025-06-10", "reason": "准予签发"}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    (test, district, permit)
}

/// A new citizen named `name` (ID number `n`), registered by `station` with a job
/// and a temporary permit from 2024-06-01, applying on 2025-06-01: the permit's number.
async fn applied(test: &TestApp, station: &str, n: u16, name: &str) -> i64 {
    let employer = test.employer(station, "甲机械厂", BINHU_VILLAGE).await;
    let mut form = registration(&resident_id(n), name, BINHU_VILLAGE, "2024-06-01");
    form["facts"] = json!([
        {"fact": {"kind": "employment", "employer": employer, "monthly_wage_fen": 450_000}, "from": "2024-06-01"},
        {"fact": {"kind": "temporary_residence_permit", "number": "T1"}, "from": "2024-06-01"},
    ]);
    let person = test.register(station, form).await;
    let applied = test
        .post(
            &format!("/api/v1/persons/{person}/permits"),
            station,
            json!({"on": "2025-06-01", "reason": "本人申请"}),
        )
        .await;
    applied.body["permit"].as_i64().unwrap()
}

/// The card code printed on the card page.
fn code_of(page: &Value) -> String {
    let page = page.as_str().unwrap();
    let start = page.find("AJ1.").unwrap();
    let end = start + page[start..].find('<').unwrap();
    page[start..end].to_string()
}

async fn verdict(test: &TestApp, code: &str) -> String {
    let answer = test.get(&format!("/verify?code={code}"), "").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_card_shows_the_permit_and_its_code_verifies() {
    let (test, district, permit) = issued().await;
    let page = test
        .get(&format!("/api/v1/permits/{permit}/card"), &district)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = page.body.as_str().unwrap();
    let number = format!("3202112025{permit:06}");
    assert!(html.contains(&number) && html.contains("<svg"), "{html}");
    assert!(html.contains("李&lt;四&gt;"), "names are escaped");
    assert!(html.contains("2025-06-10 – 2026-06-09"));
    let code = code_of(&page.body);
    // Offline, with the published key, the code is the city's.
    let published = test.get("/api/v1/card/public-key", "").await;
    let public = PublicKey::from_hex(published.body["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(public, key().public());
    let card = card::verify(&code, &public, None, date("2025-07-01"));
    assert!(matches!(card, card::Verdict::Valid { .. }), "{card:?}");
    // The same card as a PDF, its text in an embedded font subset.
    let pdf = test
        .get(&format!("/api/v1/permits/{permit}/card.pdf"), &district)
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    let bytes = pdf.body.as_str().unwrap();
    assert!(bytes.starts_with("%PDF-") && bytes.contains("/FontFile2"));
    // And on the public verify page, without logging in.
    let shown = verdict(&test, &code).await;
    assert!(shown.contains("有效") && shown.contains(&number), "{shown}");
}

#[tokio::test]
async fn a_city_signing_with_sm2_publishes_an_sm2_key_and_its_cards_verify() {
    let sm2 = CityKey::from_hex(&format!("sm2:{}", "07".repeat(32))).unwrap();
    let (test, district, permit) = issued_with(sm2.clone()).await;
    let published = test.get("/api/v1/card/public-key", "").await;
    assert_eq!(published.body["algorithm"], "sm2");
    let public = PublicKey::from_hex(published.body["public_key"].as_str().unwrap()).unwrap();
    assert_eq!(public, sm2.public());
    let page = test
        .get(&format!("/api/v1/permits/{permit}/card"), &district)
        .await;
    let code = code_of(&page.body);
    let card = card::verify(&code, &public, None, date("2025-07-01"));
    assert!(matches!(card, card::Verdict::Valid { .. }), "{card:?}");
    assert!(verdict(&test, &code).await.contains("有效"));
    let altered = format!("{}x{}", &code[..20], &code[21..]);
    assert!(verdict(&test, &altered).await.contains("forged or altered"));
    let list = test.get("/api/v1/card/revocations", "").await;
    let signed: SignedList = serde_json::from_value(list.body.clone()).unwrap();
    assert!(signed.open(&public).is_ok());
    assert!(signed.open(&key().public()).is_err());
}

#[tokio::test]
async fn a_revoked_replaced_or_altered_card_is_reported_as_such() {
    let (test, district, permit) = issued().await;
    let page = test
        .get(&format!("/api/v1/permits/{permit}/card"), &district)
        .await;
    let first = code_of(&page.body);
    let altered = format!("{}x{}", &first[..20], &first[21..]);
    assert!(verdict(&test, &altered).await.contains("forged or altered"));
    assert!(
        verdict(&test, "hello")
            .await
            .contains("not a residence permit code")
    );

    // Renewed: the first card is replaced by edition 2.
    let renewed = test
        .post(
            &format!("/api/v1/permits/{permit}/renew"),
            &district,
            json!({"on": "2026-06-01", "reason": "年度签注"}),
        )
        .await;
    assert_eq!(renewed.status, StatusCode::CREATED, "{}", renewed.body);
    assert!(
        verdict(&test, &first)
            .await
            .contains("replaced: this card is edition 1")
    );

    // Revoked: the published list says so, signed by the city.
    let revoked = test
        .post(
            &format!("/api/v1/permits/{permit}/revoke"),
            &district,
            json!({"on": "2026-08-01", "reason": "已离开本市"}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::CREATED, "{}", revoked.body);
    let list = test.get("/api/v1/card/revocations", "").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let signed: SignedList = serde_json::from_value(list.body.clone()).unwrap();
    let opened = signed.open(&key().public()).unwrap();
    let entry = opened.find(&format!("3202112025{permit:06}")).unwrap();
    assert_eq!(entry.revoked_on, Some(date("2026-08-01")));
    assert!(verdict(&test, &first).await.contains("revoked"));
}

#[tokio::test]
async fn without_a_signing_key_no_card_is_served() {
    let test = TestApp::new();
    let answer = test.get("/api/v1/card/public-key", "").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    insta::assert_json_snapshot!("no_card_key", answer.body);
}

#[tokio::test]
async fn a_permit_not_yet_issued_has_no_card() {
    let test = TestApp::signing_cards(Some(key()));
    let station = test
        .session("station", Role::StationStaff, BINHU_VILLAGE)
        .await;
    let permit = applied(&test, &station, 9, "王五").await;
    let page = test
        .get(&format!("/api/v1/permits/{permit}/card"), &station)
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert_eq!(page.error().0, "id");
}
