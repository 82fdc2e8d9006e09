//! 居住证 — the residence permit's reads: a person's eligibility as of a date,
//! criterion by criterion (新市民资格审查), the entitlements the permit opens to them
//! (市民待遇), and the new citizens counted per unit.
//!
//! Eligibility is decided by the indicator engine from the policy's criteria; the
//! person's facts are read through the store, which scopes and records the view.

use analytics::{Eligibility, EngineError, EntitlementOutcome, NewCitizenCount, PersonState};
use axum::extract::State;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::IntoParams;

use super::may_read_persons;
use super::persons::PersonPath;
use crate::App;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{Json, Path, Query, date_param};
use crate::indicators::{refused, unit_param};
use crate::openapi::ReadErrors;

/// The date asked about.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AsOfQuery {
    /// `YYYY-MM-DD`; today when absent.
    #[param(value_type = Option<crate::extract::DateText>)]
    pub as_of: Option<String>,
}

/// The unit and date asked about.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitAsOfQuery {
    /// A division code, e.g. 320211.
    #[param(value_type = domain::division::DivisionCode)]
    pub unit: String,
    /// `YYYY-MM-DD`; today when absent.
    #[param(value_type = Option<crate::extract::DateText>)]
    pub as_of: Option<String>,
}

/// 资格审查 — whether a person meets the new-citizen criteria on a date: each
/// criterion passed or failed, its policy clause, and the facts and days each test
/// used (the read is recorded as a view).
#[utoipa::path(get, path = "/api/v1/persons/{id}/eligibility", tag = "permits",
    params(("id" = i64, Path, description = "The person's number"), AsOfQuery),
    responses((status = 200, description = "The criteria, each passed or failed, with its evidence", body = Object), ReadErrors),
    security(("bearer" = [])))]
pub async fn eligibility(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Query(query): Query<AsOfQuery>,
) -> Result<Json<Eligibility>, ApiError> {
    about_person(&app, user, path, query, analytics::Engine::eligibility).await
}

/// 市民待遇 — what the residence permit opens to a person on a date: each
/// entitlement of the policy, granted or not, and why (the read is recorded as a
/// view).
#[utoipa::path(get, path = "/api/v1/persons/{id}/entitlements", tag = "permits",
    params(("id" = i64, Path, description = "The person's number"), AsOfQuery),
    responses((status = 200, description = "The entitlements, each granted or not, with the reason", body = Vec<Object>), ReadErrors),
    security(("bearer" = [])))]
pub async fn entitlements(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<PersonPath>,
    Query(query): Query<AsOfQuery>,
) -> Result<Json<Vec<EntitlementOutcome>>, ApiError> {
    about_person(&app, user, path, query, analytics::Engine::entitlements).await
}

/// What the engine's `ask` answers about the person of `path` as of the query's
/// date (today when absent): the person's file is read through the store, which
/// scopes and records the view.
async fn about_person<T>(
    app: &App,
    user: domain::access::User,
    path: PersonPath,
    query: AsOfQuery,
    ask: impl FnOnce(&analytics::Engine, PersonState<'_>, Date) -> Result<T, EngineError>,
) -> Result<Json<T>, ApiError> {
    may_read_persons(&user)?;
    let as_of = date_param("as_of", query.as_of.as_deref())?.unwrap_or_else(crate::today);
    let file = app.run(move |store| store.person(&user, path.id)).await?;
    let engine = app.read_engine();
    let state = PersonState::of(&file.person, &file.facts);
    ask(&engine, state, as_of)
        .map(Json)
        .map_err(|error| refused(error, "as_of"))
}

/// 新市民统计 — for a unit and its children: present migrants, those meeting each
/// criterion, and the new citizens (all criteria), as of a date.
#[utoipa::path(get, path = "/api/v1/new-citizens", tag = "permits",
    params(UnitAsOfQuery),
    responses((status = 200, description = "One object per unit: the unit first, then its children", body = Vec<Object>), ReadErrors),
    security(("bearer" = [])))]
pub async fn new_citizens(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<UnitAsOfQuery>,
) -> Result<Json<Vec<NewCitizenCount>>, ApiError> {
    let unit = unit_param(&user, &query.unit)?;
    let as_of = date_param("as_of", query.as_of.as_deref())?.unwrap_or_else(crate::today);
    let engine = app.read_engine();
    engine
        .new_citizens(unit, as_of)
        .map(Json)
        .map_err(|error| refused(error, "as_of"))
}
