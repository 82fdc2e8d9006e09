//! 居住证办理 — the permit's workflow over HTTP: apply at the village station, review
//! at the town, issue, renew, change and revoke at the district, and the person's
//! permits. Each step is one `Change::Permit` with its reason, planned by the domain
//! (role, level, scope, state).
//!
//! The planner holds an application against the policy's rollout and new-citizen
//! criteria, and gives an issue or a renewal the policy's validity, through the
//! policy rules the store was given (`App::with_card_key`); nothing of that is
//! checked here, so every other path is held to the same rules.

use axum::extract::State;
use axum::http::StatusCode;
use domain::event::Change;
use domain::permit::{Permit, PermitId, PermitStep};
use serde::Deserialize;
use store::Receipt;
use utoipa::ToSchema;

use super::persons::PersonPath;
use super::{may_read_persons, may_write_persons, submit};
use crate::App;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{DateText, Json, Path};
use crate::openapi::{ReadErrors, WriteErrors};

/// The permit named by the path.
#[derive(Debug, Deserialize)]
pub struct PermitPath {
    /// The store's number for the permit.
    pub id: PermitId,
}

/// 申请 — an application, dated, with its reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    pub on: DateText,
    pub reason: String,
}

/// 审核 — the town's decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub on: DateText,
    /// `true` recommends the application, `false` turns it down.
    pub approve: bool,
    pub reason: String,
}

/// 签发、续签、变更、注销 — a dated step with its reason (the validity of an issue or
/// a renewal comes from the policy).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    pub on: DateText,
    pub reason: String,
}

/// 申请居住证 — applies for a person at their village station; refused when the
/// rollout has not reached their district or they are not a new citizen on the day.
#[utoipa::path(post, path = "/api/v1/persons/{id}/permits", tag = "permits", request_body = ApplyRequest,
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 201, description = "Applied; `permit` is the application's number", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn apply(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Json(form): Json<ApplyRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let step = PermitStep::Apply {
        person: path.id,
        on: form.on.parse("on")?,
    };
    take(&app, user, step, form.reason).await
}

/// A person's permits and applications, oldest first (recorded as a view).
#[utoipa::path(get, path = "/api/v1/persons/{id}/permits", tag = "permits", operation_id = "permits_of",
    params(("id" = i64, Path, description = "The person's number")),
    responses((status = 200, description = "The permits", body = Vec<Permit>), ReadErrors),
    security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
) -> Result<Json<Vec<Permit>>, ApiError> {
    may_read_persons(&user)?;
    app.run(move |store| store.permits(&user, path.id))
        .await
        .map(Json)
}

/// 审核 — the town recommends an application or turns it down.
#[utoipa::path(post, path = "/api/v1/permits/{id}/review", tag = "permits", request_body = ReviewRequest,
    params(("id" = i64, Path, description = "The permit's number")),
    responses((status = 201, description = "Reviewed", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn review(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PermitPath>,
    Json(form): Json<ReviewRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let step = PermitStep::Review {
        permit: path.id,
        on: form.on.parse("on")?,
        approve: form.approve,
    };
    take(&app, user, step, form.reason).await
}

/// 签发 — the district issues a reviewed permit.
#[utoipa::path(post, path = "/api/v1/permits/{id}/issue", tag = "permits", request_body = StepRequest,
    params(("id" = i64, Path, description = "The permit's number")),
    responses((status = 201, description = "Issued", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn issue(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PermitPath>,
    Json(form): Json<StepRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let step = PermitStep::Issue {
        permit: path.id,
        on: form.on.parse("on")?,
        valid_to: None,
    };
    take(&app, user, step, form.reason).await
}

/// 续签 — the district extends an issued permit.
#[utoipa::path(post, path = "/api/v1/permits/{id}/renew", tag = "permits", request_body = StepRequest,
    params(("id" = i64, Path, description = "The permit's number")),
    responses((status = 201, description = "Renewed", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn renew(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PermitPath>,
    Json(form): Json<StepRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let step = PermitStep::Renew {
        permit: path.id,
        on: form.on.parse("on")?,
        valid_to: None,
    };
    take(&app, user, step, form.reason).await
}

/// 变更 — the district records the holder's present residence on a new card.
#[utoipa::path(post, path = "/api/v1/permits/{id}/change", tag = "permits", request_body = StepRequest,
    params(("id" = i64, Path, description = "The permit's number")),
    responses((status = 201, description = "Changed", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn change(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PermitPath>,
    Json(form): Json<StepRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let step = PermitStep::Change {
        permit: path.id,
        on: form.on.parse("on")?,
    };
    take(&app, user, step, form.reason).await
}

/// 注销 — the district revokes an issued permit.
#[utoipa::path(post, path = "/api/v1/permits/{id}/revoke", tag = "permits", request_body = StepRequest,
    params(("id" = i64, Path, description = "The permit's number")),
    responses((status = 201, description = "Revoked", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn revoke(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PermitPath>,
    Json(form): Json<StepRequest>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let step = PermitStep::Revoke {
        permit: path.id,
        on: form.on.parse("on")?,
    };
    take(&app, user, step, form.reason).await
}

/// Submits a permit step.
async fn take(
    app: &App,
    user: domain::access::User,
    step: PermitStep,
    reason: String,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_persons(&user)?;
    submit(app, user, Change::Permit { step, reason }).await
}
