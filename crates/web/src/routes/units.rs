//! 区划 — a unit of the city's dated hierarchy, with its breadcrumbs and the
//! children valid on a date. Division codes are public: no scope applies.

use axum::extract::State;
use domain::division::{DivisionCode, Unit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code};
use crate::extract::{Json, Path, Query, date_param};
use crate::openapi::ReadErrors;
use crate::routes::persons::OnQuery;

/// The unit named by the path.
#[derive(Debug, Deserialize)]
pub struct UnitPath {
    /// A division code of 2, 4, 6, 9 or 12 digits.
    pub code: String,
}

/// A unit as seen on a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub unit: Unit,
    /// The date asked about.
    pub on: domain::Date,
    /// Whether the unit (and every unit above it) is valid on that date.
    pub valid: bool,
    /// From the city down to the unit itself, for breadcrumbs.
    pub path: Vec<Unit>,
    /// The children valid on that date, by code.
    pub children: Vec<Unit>,
}

/// A unit, its breadcrumbs and its children valid on a date (today by default).
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units", operation_id = "unit",
    params(("code" = domain::division::DivisionCode, Path, description = "A division code, e.g. 320213"), OnQuery),
    responses((status = 200, description = "The unit", body = UnitView), ReadErrors),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<App>,
    CurrentUser(_user): CurrentUser,
    Path(path): Path<UnitPath>,
    Query(query): Query<OnQuery>,
) -> Result<Json<UnitView>, ApiError> {
    let code: DivisionCode = path
        .code
        .parse()
        .map_err(|error: domain::message::FieldError| ApiError {
            code: Code::InvalidParameter,
            field: Some("code".into()),
            message: error.message,
        })?;
    let on = date_param("on", query.on.as_deref())?.unwrap_or_else(crate::today);
    let hierarchy = app.hierarchy();
    let Some(unit) = hierarchy.unit(code) else {
        return Err(ApiError::new(
            Code::NotFound,
            Some("code"),
            format!("本市区划中没有 {code}"),
            format!(
                "expected a unit of city {}, but found no unit {code}",
                hierarchy.city()
            ),
        ));
    };
    Ok(Json(UnitView {
        unit: unit.clone(),
        on,
        valid: hierarchy.valid_on(code, on),
        path: hierarchy.path(code).into_iter().cloned().collect(),
        children: hierarchy.children(code, on).cloned().collect(),
    }))
}
