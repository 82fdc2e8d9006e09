//! 汇总值 — values reported for a unit and a period rather than derived from persons
//! (estimated migrants of a village, hotel guests verified, wage arrears cases, …),
//! which indicators read as `value(NAME)`. A report goes through
//! [`Change::ReportValue`], so it is an event like any other; reporting the same
//! unit, name and period again replaces the value.

use axum::extract::State;
use axum::http::StatusCode;
use domain::event::Change;
use domain::reported_value::ReportedValue;
use serde::Deserialize;
use store::Receipt;
use utoipa::ToSchema;

use super::submit;
use crate::App;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{CodeText, DateText, Json};
use crate::openapi::WriteErrors;

/// A value as reported on a form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValueBody {
    /// The unit it is reported for, at any level, e.g. `320211001003`.
    pub unit: CodeText,
    /// A lower-case identifier of at most 64 characters that an indicator of
    /// the policy reads as `value(NAME)`; any other name is refused (422 on
    /// `name`, listing the names read), since nothing would count it.
    #[schema(example = "estimated_migrants")]
    pub name: String,
    /// The period's first day.
    pub from: DateText,
    /// The period's last day (on or after `from`).
    pub to: DateText,
    /// A count or an amount in fen, 0 or more.
    #[schema(example = 1200)]
    pub value: i64,
}

impl ValueBody {
    fn parse(self) -> Result<ReportedValue, ApiError> {
        Ok(ReportedValue {
            unit: self.unit.parse("unit")?,
            name: self.name,
            from: self.from.parse("from")?,
            to: self.to.parse("to")?,
            value: self.value,
        })
    }
}

fn may_report_values(user: &domain::access::User) -> Result<(), ApiError> {
    if user.may_report_values() {
        Ok(())
    } else {
        Err(ApiError::role_forbidden())
    }
}

/// Reports a value for a unit in your scope and a period, replacing an earlier
/// report of the same unit, name and period.
#[utoipa::path(post, path = "/api/v1/values", tag = "values", request_body = ValueBody,
    responses((status = 201, description = "Reported", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn report(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Json(form): Json<ValueBody>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_report_values(&user)?;
    submit(
        &app,
        user,
        Change::ReportValue {
            value: form.parse()?,
        },
    )
    .await
}
