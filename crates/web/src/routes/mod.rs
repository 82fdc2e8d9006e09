//! 路由 — the handlers, one module per resource, and what they share: the health
//! check, the JSON 404 and 405 answers, and submitting a change as the caller.
//!
//! A handler parses (through [`crate::extract`]), asks the domain whether the
//! caller's role allows the kind of call, and hands the rest to the store.

pub mod exports;
pub mod import_runs;
pub mod imports;
pub mod permit_card;
pub mod permit_steps;
pub mod permits;
pub mod persons;
pub mod records;
pub mod session;
pub mod units;
pub mod values;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use domain::access::User;
use domain::event::{Change, Source};
use serde::Serialize;
use store::Receipt;
use utoipa::ToSchema;

use crate::App;
use crate::error::{ApiError, Code};
use crate::extract::Json;

/// The answer of the health check.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// Whether the server is up.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, description = "The server is up", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// The answer to a route that does not exist.
pub async fn not_found(uri: Uri) -> ApiError {
    let path: String = uri.path().chars().take(100).collect();
    ApiError::new(
        Code::NotFound,
        Some("path"),
        format!("没有这个接口：{path}"),
        format!("expected a route of the API, but found none at {path}"),
    )
}

/// The answer to a route called with a method it does not have.
pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    let path: String = uri.path().chars().take(100).collect();
    ApiError::new(
        Code::MethodNotAllowed,
        Some("method"),
        format!("接口 {path} 不支持 {method} 方法"),
        format!("expected a method that {path} supports, but found {method}"),
    )
}

/// 403 unless the caller's role may read person records.
pub(crate) fn may_read_persons(user: &User) -> Result<(), ApiError> {
    if user.may_read_persons() {
        Ok(())
    } else {
        Err(ApiError::role_forbidden())
    }
}

/// 403 unless the caller's role may change person records.
pub(crate) fn may_write_persons(user: &User) -> Result<(), ApiError> {
    if user.may_write_persons() {
        Ok(())
    } else {
        Err(ApiError::role_forbidden())
    }
}

/// Submits `change` as `user`, entered at a station; 201 with the receipt.
pub(crate) async fn submit(
    app: &App,
    user: User,
    change: Change,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let follower = app.clone();
    let receipt = app
        .run(move |store| {
            let mut engine = follower
                .engine()
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let mut reach = follower.reach();
            // Should catching up fail, the write goes on and the next look
            // builds the engine again.
            if crate::follow::catch_up(store, &mut engine, &mut reach).is_err() {
                reach.lost();
            }
            let receipt = store.submit(&user, Source::Station, change)?;
            if let Err(error) = crate::indicators::apply(&mut engine, &receipt.changed) {
                reach.lost();
                return Err(error);
            }
            reach.own(1, receipt.seq, receipt.person);
            Ok(receipt)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// The headers of a page that has a next one at `uri`: `Link: <uri>; rel="next"`.
pub(crate) fn next_page(uri: &str) -> Result<HeaderMap, ApiError> {
    let link = HeaderValue::from_str(&format!("<{uri}>; rel=\"next\""))
        .map_err(|e| ApiError::internal(&format!("the next page's link: {e}")))?;
    Ok(HeaderMap::from_iter([(header::LINK, link)]))
}
