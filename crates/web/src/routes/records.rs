//! 非人员对象 — records that are not persons (employers, landlords, rental houses,
//! zones, …): list, read, add and replace. Writes go through
//! [`Change::SaveRecord`], so every change is an event like any other.

use axum::extract::State;
use axum::http::StatusCode;
use domain::event::Change;
use domain::registry::{Record, RecordDetail, RecordId};
use serde::Deserialize;
use store::{Page, Receipt};
use utoipa::{IntoParams, ToSchema};

use super::submit;
use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code};
use crate::extract::{CodeText, DateText, Json, Path, Query, Text, count_param};
use crate::openapi::{ReadErrors, WriteErrors};

/// The record named by the path.
#[derive(Debug, Deserialize)]
pub struct RecordPath {
    /// The store's number for the record.
    pub id: RecordId,
}

/// A record as written on a form (its number comes from the path or the store).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordBody {
    #[schema(example = "无锡某某机械有限公司")]
    pub name: String,
    /// The unit it belongs to (usually a village or community), e.g. `320211001003`.
    pub unit: CodeText,
    /// Opened, founded or hired on.
    pub from: DateText,
    /// Closed or gone after this day; absent while it exists.
    #[serde(default)]
    pub to: Option<DateText>,
    pub detail: RecordDetail,
}

impl RecordBody {
    /// The record numbered `id` (0 for a new one).
    fn parse(self, id: RecordId) -> Result<Record, ApiError> {
        Ok(Record {
            id,
            name: self.name,
            unit: self.unit.parse("unit")?,
            from: self.from.parse("from")?,
            to: Text::parse_optional(self.to.as_ref(), "to")?,
            detail: self.detail,
        })
    }
}

/// A page of records, of one kind or all.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A kind such as `employer` or `rental_house`; all kinds when absent.
    #[param(pattern = "^[a-z_]{1,40}$")]
    pub kind: Option<String>,
    /// How many to skip (default 0).
    #[param(value_type = Option<u32>, minimum = 0)]
    pub offset: Option<String>,
    /// How many at most (1–500, default 50).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 500)]
    pub limit: Option<String>,
}

fn may_write_records(user: &domain::access::User) -> Result<(), ApiError> {
    if user.may_write_records() {
        Ok(())
    } else {
        Err(ApiError::role_forbidden())
    }
}

/// Lists records in your scope.
#[utoipa::path(get, path = "/api/v1/records", tag = "records", operation_id = "records", params(ListQuery),
    responses((status = 200, description = "The records", body = Vec<Record>), ReadErrors),
    security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<Record>>, ApiError> {
    let offset = count_param("offset", query.offset.as_deref(), 0, i64::MAX as usize)?;
    let limit = count_param("limit", query.limit.as_deref(), 50, 500)?.max(1);
    let kind = query.kind;
    if let Some(kind) = &kind {
        let snake = !kind.is_empty()
            && kind.len() <= 40
            && kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if !snake {
            let shown: String = kind.chars().take(40).collect();
            return Err(ApiError::new(
                Code::InvalidParameter,
                Some("kind"),
                format!("对象类别应为小写英文名称（如 employer），实为“{shown}”"),
                format!("expected a record kind such as employer, but found {shown:?}"),
            ));
        }
    }
    app.run(move |store| {
        store.records(
            &user,
            kind.as_deref(),
            Page {
                after: 0,
                offset,
                limit,
            },
        )
    })
    .await
    .map(Json)
}

/// One record in your scope.
#[utoipa::path(get, path = "/api/v1/records/{id}", tag = "records", operation_id = "record",
    params(("id" = i64, Path, description = "The record's number")),
    responses((status = 200, description = "The record", body = Record), ReadErrors),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<RecordPath>,
) -> Result<Json<Record>, ApiError> {
    app.run(move |store| store.record(&user, path.id))
        .await
        .map(Json)
}

/// Adds a record.
#[utoipa::path(post, path = "/api/v1/records", tag = "records", request_body = RecordBody,
    responses((status = 201, description = "Added", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Json(form): Json<RecordBody>,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    may_write_records(&user)?;
    submit(
        &app,
        user,
        Change::SaveRecord {
            record: form.parse(0)?,
        },
    )
    .await
}

/// Replaces a record (of the same kind).
#[utoipa::path(put, path = "/api/v1/records/{id}", tag = "records", request_body = RecordBody,
    params(("id" = i64, Path, description = "The record's number")),
    responses((status = 200, description = "Replaced", body = Receipt), WriteErrors),
    security(("bearer" = [])))]
pub async fn replace(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(path): Path<RecordPath>,
    Json(form): Json<RecordBody>,
) -> Result<Json<Receipt>, ApiError> {
    may_write_records(&user)?;
    if path.id <= 0 {
        return Err(ApiError::new(
            Code::InvalidParameter,
            Some("id"),
            format!("对象编号应为正整数，实为 {}", path.id),
            format!("expected a positive record number, but found {}", path.id),
        ));
    }
    let (_, Json(receipt)) = submit(
        &app,
        user,
        Change::SaveRecord {
            record: form.parse(path.id)?,
        },
    )
    .await?;
    Ok(Json(receipt))
}
