//! 导出 — the indicator table for a unit and its children as of a date, as CSV,
//! XLSX, ADX XML or DHIS2 JSON; `publication=true` suppresses small counts as the
//! policy's `[publication] min_count` says. Built by the exchange crate from the
//! same engine answer as `GET /api/v1/indicators`. And the list of persons of a
//! unit as CSV or XLSX, for a caller whose role and scope allow it (the store
//! decides, and records every person listed as viewed).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::access::User;
use exchange::export::{Format, IndicatorTable, ListFormat};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code};
use crate::extract::{Query, date_param};
use crate::openapi::ReadErrors;

/// Which table, in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// A division code, e.g. 320211.
    #[param(value_type = domain::division::DivisionCode)]
    pub unit: String,
    /// YYYY-MM-DD; today when absent.
    #[param(value_type = Option<crate::extract::DateText>)]
    pub as_of: Option<String>,
    /// `csv`, `xlsx`, `adx` or `dhis2`.
    #[param(pattern = "^(csv|xlsx|adx|dhis2)$")]
    pub format: String,
    /// `true`: a table meant for publication, small counts suppressed.
    #[param(value_type = Option<bool>)]
    pub publication: Option<String>,
}

/// The indicator table of a unit and its direct children as of a date.
#[utoipa::path(get, path = "/api/v1/exports/indicators", tag = "indicators",
    params(ExportQuery),
    responses((status = 200, description = "The table in the format asked for", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (String = "application/adx+xml"),
        (Object = "application/json"),
    )), ReadErrors),
    security(("bearer" = [])))]
pub async fn indicators(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    indicator_file(&app, &user, &query)
}

/// The indicator table `query` asks for, as a file to download.
pub(crate) fn indicator_file(
    app: &App,
    user: &User,
    query: &ExportQuery,
) -> Result<Response, ApiError> {
    let invalid =
        |error: domain::message::FieldError| ApiError::from_field(Code::InvalidParameter, error);
    let unit = crate::indicators::unit_param(user, &query.unit)?;
    let as_of = date_param("as_of", query.as_of.as_deref())?.unwrap_or_else(crate::today);
    let format: Format = query.format.parse().map_err(invalid)?;
    let publish = match query.publication.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::new(
                Code::InvalidParameter,
                Some("publication"),
                "publication 应为 true 或 false",
                "expected true or false for publication",
            ));
        }
    };
    let table = {
        let engine = app.read_engine();
        let results = engine.evaluate(unit, as_of).map_err(|error| ApiError {
            code: Code::InvalidParameter,
            field: Some("unit".into()),
            message: error.message(),
        })?;
        IndicatorTable::new(
            &results,
            as_of,
            engine.policy(),
            engine.hierarchy(),
            publish,
        )
    };
    let bytes = format
        .render(&table)
        .map_err(|e| ApiError::internal(&format!("writing the export: {e}")))?;
    Ok(attachment(
        format,
        &format!("indicators-{unit}-{as_of}"),
        bytes,
    ))
}

/// A file to download, named `stem` with the format's extension.
fn attachment(format: Format, stem: &str, bytes: Vec<u8>) -> Response {
    let name = format!("{stem}.{}", format.extension());
    (
        [
            (header::CONTENT_TYPE, format.media_type().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Whose list, in which format.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PersonsQuery {
    /// A division code inside your own unit, e.g. 320211.
    #[param(value_type = domain::division::DivisionCode)]
    pub unit: String,
    /// `csv` or `xlsx`.
    #[param(pattern = "^(csv|xlsx)$")]
    pub format: String,
}

/// 人员名单 — every person whose current (or last) residence is in a unit inside
/// your own, with ID numbers, for roles that may read person records; each person
/// listed is recorded as viewed. Text cells that a spreadsheet would run as a
/// formula are written with a leading `'`.
#[utoipa::path(get, path = "/api/v1/exports/persons", tag = "persons",
    params(PersonsQuery),
    responses((status = 200, description = "The list in the format asked for", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )), ReadErrors),
    security(("bearer" = [])))]
pub async fn persons(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<PersonsQuery>,
) -> Result<Response, ApiError> {
    person_list_file(&app, user, &query).await
}

/// The list of persons `query` asks for, for `user`, as a file to download.
pub(crate) async fn person_list_file(
    app: &App,
    user: User,
    query: &PersonsQuery,
) -> Result<Response, ApiError> {
    // The store holds the list to the user's area, and records who saw it.
    let unit = crate::indicators::unit_code(&query.unit)?;
    let format: ListFormat = query
        .format
        .parse()
        .map_err(|error| ApiError::from_field(Code::InvalidParameter, error))?;
    let listed = app.run(move |store| store.person_list(&user, unit)).await?;
    let bytes = format
        .render(&listed)
        .map_err(|e| ApiError::internal(&format!("writing the list: {e}")))?;
    Ok(attachment(
        format.format(),
        &format!("persons-{unit}"),
        bytes,
    ))
}
