//! 导入记录 — the import runs as the log keeps them, whichever server or command
//! line ran them: `GET /api/v1/imports` lists the last runs the caller may see
//! (their own, and for officers, leaders and administrators every run of their
//! area: counts, not rows), `GET /api/v1/imports/runs/{seq}` gives the report of
//! one of the caller's runs with its bad rows a page at a time, and `…/errors`
//! the bad rows as XLSX. The imports running on this server are [`super::imports`]'.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::access::User;
use exchange::import::Report;
use serde::Deserialize;
use store::{ImportRecord, RefusedPage};
use utoipa::IntoParams;

use super::imports::run_workbook;
use super::next_page;
use crate::App;
use crate::auth::CurrentUser;
use crate::error::ApiError;
use crate::extract::{Json, Path, Query, count_param};
use crate::openapi::ReadErrors;

/// Runs that history lists.
pub(crate) const HISTORY: usize = 50;

/// The last [`HISTORY`] import runs `user` may list, newest first, from the
/// log (see [`store::Store::import_runs`]).
pub(crate) async fn history(app: &App, user: &User) -> Result<Vec<ImportRecord>, ApiError> {
    let user = user.clone();
    app.run(move |store| store.import_runs(&user, HISTORY))
        .await
}

/// 导入记录 — the last 50 import runs (dry runs too) you may list, newest
/// first, from the log: those of every server and of the command line, each
/// with its file, SHA-256 and counts. Yours, and, for officers, leaders and
/// administrators, every run of a user in their area. Runs still unfinished
/// (valid rows only, some batches committed and the last not yet: running,
/// or cut off) come first, without `seq`; importing the same file again
/// finishes one. The report of a run of yours, bad rows and all, is at
/// `/api/v1/imports/runs/{seq}`.
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", operation_id = "import_runs",
    responses((status = 200, description = "Your runs", body = Vec<ImportRecord>), ReadErrors),
    security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Vec<ImportRecord>>, ApiError> {
    history(&app, &user).await.map(Json)
}

/// The import run recorded by event `seq`, which `user` made, with the
/// `page` of its bad rows.
pub(crate) async fn recorded(
    app: &App,
    user: &User,
    seq: i64,
    page: RefusedPage,
) -> Result<store::ImportReport, ApiError> {
    let user = user.clone();
    app.run(move |store| store.import_report(&user, seq, page))
        .await
}

/// Bad rows a report gives at most, unless asked for fewer.
const PAGE_ROWS: usize = 1_000;
/// Bad rows a report gives at most when asked for more.
const MOST_PAGE_ROWS: usize = 10_000;

/// The page of bad rows a report gives unless asked for another.
pub(crate) const FIRST_PAGE: RefusedPage = RefusedPage {
    after: 0,
    limit: PAGE_ROWS,
};

/// Which bad rows of a run to give.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// The bad rows after this row number: the `more_after` of the page
    /// before (also in its `Link` header, `rel="next"`). From the first when
    /// absent.
    #[param(value_type = Option<u32>, minimum = 0)]
    pub after: Option<String>,
    /// How many bad rows at most (1–10000, default 1000); a row with several
    /// bad cells counts once.
    #[param(value_type = Option<u32>, minimum = 0, maximum = 10000)]
    pub limit: Option<String>,
}

/// 导入报告 — an import run of yours as the log keeps it, whichever server or
/// command line ran it and however long ago: its counts and its bad rows, a
/// page at a time (the first thousand unless asked otherwise); when more
/// follow, `more_after` and the `Link` header (`rel="next"`) say where the
/// next page starts. The XLSX at `…/errors` has them all.
#[utoipa::path(get, path = "/api/v1/imports/runs/{seq}", tag = "imports",
    params(("seq" = i64, Path, description = "The sequence number of the event that records the run"), RunQuery),
    responses((status = 200, description = "The run's report, with a page of its bad rows", body = Report,
        headers(("Link" = String, description = "The next page of bad rows, when there is one"))), ReadErrors),
    security(("bearer" = [])))]
pub async fn run_report(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(seq): Path<i64>,
    Query(query): Query<RunQuery>,
) -> Result<(HeaderMap, Json<Report>), ApiError> {
    let page = RefusedPage {
        after: count_param("after", query.after.as_deref(), 0, u32::MAX as usize)? as u64,
        limit: count_param("limit", query.limit.as_deref(), PAGE_ROWS, MOST_PAGE_ROWS)?.max(1),
    };
    let report = recorded(&app, &user, seq, page).await?;
    let headers = match report.more_after {
        Some(after) => next_page(&format!(
            "/api/v1/imports/runs/{seq}?after={after}&limit={}",
            page.limit
        ))?,
        None => HeaderMap::new(),
    };
    Ok((headers, Json(report.into())))
}

/// The bad rows of an import run of yours, as the log keeps it, as XLSX: row,
/// column, and the reason in Chinese and English.
#[utoipa::path(get, path = "/api/v1/imports/runs/{seq}/errors", tag = "imports",
    params(("seq" = i64, Path, description = "The sequence number of the event that records the run")),
    responses((status = 200, description = "The bad rows", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), ReadErrors),
    security(("bearer" = [])))]
pub async fn run_errors(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(seq): Path<i64>,
) -> Result<Response, ApiError> {
    run_workbook(&app, &user, seq, &format!("import-run-{seq}-errors")).await
}
