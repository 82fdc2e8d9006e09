//! Logging in and out, the health check on a real socket, the OpenAPI document,
//! and the JSON answers of unknown routes.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use domain::access::Role;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

#[tokio::test]
async fn health_answers_over_a_real_socket() {
    let test = TestApp::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(web::serve(test.app.clone(), listener));
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut text = String::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut text))
        .await
        .unwrap()
        .unwrap();
    server.abort();
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{text}"
    );
    assert!(text.ends_with(r#"{"status":"ok"}"#), "{text}");
}

#[tokio::test]
async fn the_openapi_document_needs_no_login() {
    let test = TestApp::new();
    let answer = test
        .call(Method::GET, "/api/openapi.json", None, None)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(answer.body["paths"]["/api/v1/persons"]["post"]["requestBody"].is_object());
}

#[tokio::test]
async fn login_gives_a_token_that_tells_who_i_am() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    assert_eq!(token.len(), 64);
    let me = test.get("/api/v1/me", &token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["login"], "binhu");
    assert_eq!(me.body["role"], "officer");
    assert_eq!(me.body["unit"], "320211");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let test = TestApp::new();
    test.user("binhu", Role::Officer, "320211");
    let wrong = test
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"login": "binhu", "password": "wrong"})),
        )
        .await;
    let unknown = test
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"login": "nobody", "password": PASSWORD})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_credentials");
    assert_eq!((unknown.status, &unknown.body), (wrong.status, &wrong.body));
    insta::assert_json_snapshot!("wrong_password", wrong.body);
}

#[tokio::test]
async fn calls_without_a_live_session_are_401() {
    let test = TestApp::new();
    let unknown = "ab".repeat(32);
    for (authorization, what) in [
        (None, "no header"),
        (Some("Bearer".to_owned()), "no token"),
        (Some("Bearer not-a-token".to_owned()), "malformed token"),
        (Some(format!("Basic {unknown}")), "wrong scheme"),
        (Some(format!("Bearer {unknown}")), "unknown token"),
    ] {
        let mut request = axum::http::Request::builder().uri("/api/v1/me");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let answer = test
            .send(request.body(axum::body::Body::empty()).unwrap())
            .await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{what}: {}",
            answer.body
        );
        assert_eq!(answer.code(), "unauthenticated", "{what}");
        let (field, zh, en) = answer.error();
        assert_eq!(field, "authorization");
        assert!(!zh.is_empty() && !en.is_empty());
    }
    let missing = test
        .call(Method::GET, "/api/v1/persons/1", None, None)
        .await;
    insta::assert_json_snapshot!("no_session", missing.body);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    let other = test.session("liangxi", Role::Officer, "320213").await;
    let answer = test
        .call(Method::DELETE, "/api/v1/session", Some(&token), None)
        .await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.body);
    assert_eq!(
        test.get("/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(test.get("/api/v1/me", &other).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_login_form_is_checked_like_any_body() {
    let test = TestApp::new();
    let answer = test
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({"login": "binhu"})),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.error().0, "password");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_json() {
    let test = TestApp::new();
    let token = test.session("binhu", Role::Officer, "320211").await;
    for uri in [
        "/nothing",
        "/api/v1/nothing",
        "/api/v1/persons/1/nothing",
        "/api/v2/persons",
    ] {
        let answer = test.get(uri, &token).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(answer.code(), "not_found", "{uri}");
        assert_eq!(answer.error().0, "path");
    }
    for (method, uri) in [
        (Method::DELETE, "/api/v1/persons"),
        (Method::PUT, "/healthz"),
        (Method::PATCH, "/api/v1/records/1"),
    ] {
        let answer = test.call(method.clone(), uri, Some(&token), None).await;
        assert_eq!(
            answer.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {uri}"
        );
        assert_eq!(answer.code(), "method_not_allowed", "{method} {uri}");
    }
    let answer = test.get("/api/v1/nothing", &token).await;
    insta::assert_json_snapshot!("unknown_route", answer.body);
}
