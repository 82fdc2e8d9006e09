//! Logging in and out through the pages, the language switch, CSRF refusals and
//! escaping of what users typed.

use axum::http::{Method, StatusCode, header};
use domain::access::Role;

use crate::support::*;
use crate::visitor::Visitor;

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_shows_the_home_page_in_chinese() {
    let test = TestApp::new();
    test.user("station", Role::StationStaff, BINHU_VILLAGE);
    let mut visitor = Visitor::new(&test);
    let form = visitor.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    let answer = visitor
        .post(
            "/login",
            &form,
            &[("login", "station"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let cookie = answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("anju_session="))
        .expect("a session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let home = visitor.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.html.contains("服务站工作人员"), "{}", home.html);
    assert!(home.html.contains("来人登记"));
    assert!(home.html.contains("产山社区"));
}

#[tokio::test]
async fn a_wrong_password_is_told_and_no_session_starts() {
    let test = TestApp::new();
    test.user("officer", Role::Officer, "320211");
    let mut visitor = Visitor::new(&test);
    let form = visitor.get("/login").await;
    let answer = visitor
        .post(
            "/login",
            &form,
            &[("login", "officer"), ("password", "wrong")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.html.contains("登录名或口令错误"));
    let home = visitor.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/login");
}

#[tokio::test]
async fn a_login_without_the_form_token_is_refused() {
    let test = TestApp::new();
    test.user("officer", Role::Officer, "320211");
    let mut visitor = Visitor::new(&test);
    let answer = visitor
        .send(
            Method::POST,
            "/login",
            Some(&[("login", "officer"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(!visitor.cookies.contains_key("anju_session"));
}

#[tokio::test]
async fn logout_needs_the_session_token_and_then_ends_the_session() {
    let test = TestApp::new();
    test.user("officer", Role::Officer, "320211");
    let mut visitor = Visitor::new(&test);
    let home = visitor.login("officer").await;
    let forged = visitor
        .send(Method::POST, "/logout", Some(&[("csrf", &"0".repeat(64))]))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(visitor.get("/").await.status, StatusCode::OK);
    let out = visitor.post("/logout", &home, &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(visitor.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_language_switch_is_kept_in_a_cookie() {
    let test = TestApp::new();
    test.user("leader", Role::Leader, "3202");
    let mut visitor = Visitor::new(&test);
    visitor.login("leader").await;
    let switched = visitor.get("/lang?to=en").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    let home = visitor.get("/").await;
    assert!(home.html.contains("Leader"), "{}", home.html);
    assert!(home.html.contains("<html lang=\"en\">"));
    assert!(!home.html.contains("领导"));
}

#[tokio::test]
async fn what_users_typed_is_escaped() {
    let test = TestApp::new();
    test.store
        .create_user(store::NewUser {
            login: "xss".into(),
            name: "<script>alert(1)</script>".into(),
            role: Role::Officer,
            unit: code("320211"),
            department: None,
            password_hash: web::password::hash(PASSWORD),
        })
        .unwrap();
    let mut visitor = Visitor::new(&test);
    let home = visitor.login("xss").await;
    assert!(!home.html.contains("<script>alert(1)"), "{}", home.html);
    assert!(home.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}
