//! 数据导入 — a department's file uploaded, imported in the background, and
//! followed: `POST /api/v1/imports?kind=…` answers at once with the import's number;
//! `GET /api/v1/imports/{id}` gives its progress (rows done of all, stage) and, at
//! the end, the report; `GET /api/v1/imports/{id}/errors` the bad rows as XLSX;
//! `GET /api/v1/templates/{kind}` the department's template. A finished
//! import's report is read from the log ([`super::import_runs`]): the server
//! keeps only the progress of its imports. The rules are the
//! exchange crate's and the planner's; only the caller who started an import sees it.
//!
//! A writing import holds the indicator engine's lock from start to end and hands
//! it each committed batch, like any other write (see [`crate::indicators`]).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::access::{User, UserId};
use exchange::import::{Mode, Observer, Options, Progress, Report};
use exchange::limits::Limits;
use exchange::read::encoding::Encoding;
use exchange::report::ErrorsWorkbook;
use exchange::template::Template;
use serde::{Deserialize, Serialize};
use store::{Changed, RefusedPage, Store};
use utoipa::{IntoParams, ToSchema};

use super::import_runs;
use crate::App;
use crate::auth::CurrentUser;
use crate::error::{ApiError, Code, ErrorDetail};
use crate::extract::{Json, Path, Query};
use crate::openapi::{ReadErrors, WriteErrors};

/// The largest file an upload may carry (64 MiB).
pub const UPLOAD_LIMIT: usize = 64 << 20;
/// Finished imports kept for their callers to read, newest first.
const KEPT: usize = 200;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The imports of this server since it started.
#[derive(Default)]
pub struct Imports {
    inner: Mutex<Jobs>,
}

#[derive(Default)]
struct Jobs {
    last: u64,
    jobs: BTreeMap<u64, Job>,
}

struct Job {
    owner: UserId,
    status: ImportStatus,
}

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportState {
    /// Reading, checking or writing.
    Running,
    /// Finished: see the report (`committed` says whether rows were written).
    Done,
    /// Failed as a whole: the file could not be read, or the server failed.
    Failed,
}

/// An import and how far it is.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportStatus {
    /// The import's number on this server.
    pub id: u64,
    /// The template, e.g. `labour`.
    pub kind: String,
    /// The file's name.
    pub file: String,
    /// When the server received it.
    #[schema(value_type = String, format = DateTime)]
    pub started: jiff::Timestamp,
    pub state: ImportState,
    /// Rows done so far (none before the first thousand).
    pub progress: Option<Progress>,
    /// When done, the number of the event that records the run: its report
    /// stays at `/api/v1/imports/runs/{run}`.
    pub run: Option<i64>,
    /// The report, when done (read from the database, as for `run`).
    pub report: Option<Report>,
    /// Why it failed, when it did.
    pub error: Option<ErrorDetail>,
}

impl Imports {
    fn start(&self, owner: UserId, kind: &str, file: &str) -> u64 {
        let mut jobs = self.lock();
        jobs.last += 1;
        let id = jobs.last;
        let status = ImportStatus {
            id,
            kind: kind.to_owned(),
            file: file.to_owned(),
            started: jiff::Timestamp::now(),
            state: ImportState::Running,
            progress: None,
            run: None,
            report: None,
            error: None,
        };
        jobs.jobs.insert(id, Job { owner, status });
        while jobs.jobs.len() > KEPT {
            jobs.jobs.pop_first();
        }
        id
    }

    fn update(&self, id: u64, change: impl FnOnce(&mut ImportStatus)) {
        if let Some(job) = self.lock().jobs.get_mut(&id) {
            change(&mut job.status);
        }
    }

    /// The import `id`, if `user` started it, without its report (see
    /// [`with_report`]).
    pub(crate) fn status(&self, id: u64, user: &User) -> Option<ImportStatus> {
        self.lock()
            .jobs
            .get(&id)
            .filter(|job| job.owner == user.id)
            .map(|job| job.status.clone())
    }

    /// The imports `user` started that this server keeps, newest first.
    pub(crate) fn started_by(&self, user: &User) -> Vec<ImportStatus> {
        self.lock()
            .jobs
            .values()
            .rev()
            .filter(|job| job.owner == user.id)
            .map(|job| job.status.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Jobs> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// How to import, in the query string.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// The template: public_security, labour, education, health, family_planning,
    /// trade_union, justice or statistics.
    #[param(
        pattern = "^(public_security|labour|education|health|family_planning|trade_union|justice|statistics)$"
    )]
    pub kind: String,
    /// The file's name, for the record (default `upload`).
    pub file: Option<String>,
    /// `true`: check every row, write nothing.
    #[param(value_type = Option<bool>)]
    pub dry_run: Option<String>,
    /// `true`: write the valid rows and skip the others (default: all or nothing).
    #[param(value_type = Option<bool>)]
    pub valid_rows_only: Option<String>,
    /// The CSV's encoding, `utf-8` or `gb18030` (`gbk`); detected when absent.
    #[param(pattern = "^(utf-8|utf8|gb18030|gbk)$")]
    pub encoding: Option<String>,
}

fn flag(name: &str, value: Option<&str>) -> Result<bool, ApiError> {
    match value {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::new(
            Code::InvalidParameter,
            Some(name),
            format!("{name} 应为 true 或 false"),
            format!(
                "expected true or false, but found {:?}",
                other.chars().take(40).collect::<String>()
            ),
        )),
    }
}

/// The template named `kind`, or an error naming the parameter.
pub(crate) fn template(kind: &str) -> Result<&'static Template, ApiError> {
    Template::named(kind).ok_or_else(|| {
        let kind: String = kind.chars().take(40).collect();
        ApiError::new(
            Code::InvalidParameter,
            Some("kind"),
            format!("没有“{kind}”导入模板"),
            format!("expected a department's template kind such as labour, but found {kind:?}"),
        )
    })
}

/// The options of an upload: at most [`UPLOAD_LIMIT`] bytes.
pub(crate) fn options(mode: Mode, dry_run: bool, encoding: Option<Encoding>) -> Options {
    Options {
        mode,
        dry_run,
        encoding,
        limits: Limits {
            file_bytes: UPLOAD_LIMIT as u64,
            ..Limits::default()
        },
    }
}

/// A department's file as sent, and how to import it.
pub(crate) struct Upload<'a> {
    pub template: &'static Template,
    /// The file's name as sent (control characters are dropped, and the rest
    /// cut at 200 characters).
    pub file: &'a str,
    pub bytes: Bytes,
    pub options: Options,
}

/// Starts importing `upload` as `user` in the background (refused at once if
/// the user may not import its template); the import's status.
pub(crate) fn launch(app: &App, user: User, upload: Upload) -> Result<ImportStatus, ApiError> {
    let Upload {
        template,
        file,
        bytes,
        options,
    } = upload;
    template
        .importable_by(&user)
        .map_err(|error| ApiError::from_field(Code::Forbidden, error))?;
    let file: String = file.chars().filter(|c| !c.is_control()).take(200).collect();
    let imports = Arc::clone(app.imports());
    let id = imports.start(user.id, template.kind(), &file);
    let status = imports.status(id, &user).expect("just started");
    let app = app.clone();
    tokio::task::spawn_blocking(move || run(&app, &user, template, &file, &bytes, &options, id));
    Ok(status)
}

/// Starts importing a department's CSV or XLSX file (the body, as sent): answers
/// at once with the import's number; follow it with `GET /api/v1/imports/{id}`.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports",
    params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes (CSV or XLSX), at most 64 MiB"),
    responses((status = 202, description = "Started", body = ImportStatus), WriteErrors),
    security(("bearer" = [])))]
pub async fn start(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Query(query): Query<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportStatus>), ApiError> {
    let template = template(&query.kind)?;
    let encoding = query
        .encoding
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e| ApiError::from_field(Code::InvalidParameter, e))?;
    let mode = if flag("valid_rows_only", query.valid_rows_only.as_deref())? {
        Mode::ValidRowsOnly
    } else {
        Mode::AllOrNothing
    };
    let dry_run = flag("dry_run", query.dry_run.as_deref())?;
    let upload = Upload {
        template,
        file: query.file.as_deref().unwrap_or("upload"),
        bytes: body,
        options: options(mode, dry_run, encoding),
    };
    let status = launch(&app, user, upload)?;
    Ok((StatusCode::ACCEPTED, Json(status)))
}

/// The import itself, on a blocking thread.
fn run(
    app: &App,
    user: &User,
    template: &Template,
    file: &str,
    body: &[u8],
    options: &Options,
    id: u64,
) {
    let imports = app.imports();
    let engine = app.engine();
    // A dry run changes nothing the engine counts: it need not hold the lock.
    let mut guard = (!options.dry_run).then(|| {
        engine
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    });
    if let Some(engine) = guard.as_deref_mut() {
        let mut reach = app.reach();
        if crate::follow::catch_up(app.store().as_ref(), engine, &mut reach).is_err() {
            reach.lost();
        }
    }
    let mut observer = Follow {
        imports,
        id,
        engine: guard.as_deref_mut(),
        failed: None,
        last_person: 0,
    };
    let outcome = exchange::import::import(
        app.store().as_ref(),
        user,
        template,
        file,
        body,
        options,
        &mut observer,
    );
    let failed = observer.failed.take();
    let last_person = observer.last_person;
    if guard.is_some() {
        // The engine now reaches this run's events, unless another process's
        // came between or a change did not reach it.
        let mut reach = app.reach();
        match (&outcome, &failed) {
            (Ok(report), None) => {
                let rows = if report.committed { report.added } else { 0 };
                reach.own(rows as i64 + 1, report.event, Some(last_person));
            }
            _ => reach.lost(),
        }
    }
    imports.update(id, |status| match (outcome, failed) {
        (Ok(report), None) => {
            // The report is the database's: a server holds no bad rows.
            status.state = ImportState::Done;
            status.run = Some(report.event);
        }
        (Ok(_), Some(error)) => fail(status, error),
        (Err(exchange::import::ImportError::File(error)), _) => {
            fail(status, ApiError::from_field(Code::InvalidField, error))
        }
        (Err(exchange::import::ImportError::Forbidden(error)), _) => {
            fail(status, ApiError::from_field(Code::Forbidden, error))
        }
        (Err(exchange::import::ImportError::Store(error)), _) => fail(status, error.into()),
    });
}

fn fail(status: &mut ImportStatus, error: ApiError) {
    status.state = ImportState::Failed;
    status.error = Some(error.body().error);
}

/// Passes progress to the import's status and committed changes to the engine.
struct Follow<'a> {
    imports: &'a Imports,
    id: u64,
    engine: Option<&'a mut analytics::Engine>,
    failed: Option<ApiError>,
    /// The highest person number the engine was given.
    last_person: domain::registry::PersonId,
}

impl Observer for Follow<'_> {
    fn progress(&mut self, progress: Progress) {
        self.imports
            .update(self.id, |status| status.progress = Some(progress));
    }

    fn wants_changes(&self) -> bool {
        self.engine.is_some()
    }

    fn committed(&mut self, changes: Vec<Changed>) {
        let Some(engine) = self.engine.as_deref_mut() else {
            return;
        };
        for changed in &changes {
            if let Some(after) = &changed.after {
                self.last_person = self.last_person.max(after.person.id);
            }
            if let Err(error) = crate::indicators::apply(engine, changed) {
                self.failed.get_or_insert(error.into());
            }
        }
    }
}

/// `status` with its report, read from the database, when it is done.
pub(crate) async fn with_report(
    app: &App,
    user: &User,
    mut status: ImportStatus,
    page: RefusedPage,
) -> Result<ImportStatus, ApiError> {
    if let Some(run) = status.run {
        status.report = Some(import_runs::recorded(app, user, run, page).await?.into());
    }
    Ok(status)
}

/// An import you started: its progress and, when done, its report, with its
/// first thousand bad rows (`report.more_after` says where the others start:
/// `GET /api/v1/imports/runs/{seq}?after=…`).
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = u64, Path, description = "The import's number")),
    responses((status = 200, description = "The import", body = ImportStatus), ReadErrors),
    security(("bearer" = [])))]
pub async fn status(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<u64>,
) -> Result<Json<ImportStatus>, ApiError> {
    let status = app
        .imports()
        .status(id, &user)
        .ok_or_else(|| not_found(id))?;
    with_report(&app, &user, status, import_runs::FIRST_PAGE)
        .await
        .map(Json)
}

/// The error of an import `id` the caller did not start, or that is gone.
pub(crate) fn not_found(id: u64) -> ApiError {
    ApiError::from(store::StoreError::NotFound {
        what: "import",
        key: id.to_string(),
    })
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The bad rows of a finished import you started, as XLSX: row, column, and the
/// reason in Chinese and English.
#[utoipa::path(get, path = "/api/v1/imports/{id}/errors", tag = "imports",
    params(("id" = u64, Path, description = "The import's number")),
    responses((status = 200, description = "The bad rows", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), ReadErrors),
    security(("bearer" = [])))]
pub async fn errors(
    State(app): State<App>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<u64>,
) -> Result<Response, ApiError> {
    let status = app
        .imports()
        .status(id, &user)
        .ok_or_else(|| not_found(id))?;
    let name = format!("import-{id}-errors");
    match status.run {
        Some(run) => run_workbook(&app, &user, run, &name).await,
        // Not done yet: no bad row is known.
        None => {
            let empty = exchange::report::errors_workbook(template(&status.kind)?, &[], &[]);
            Ok(xlsx(&name, empty.map_err(unwritten)?))
        }
    }
}

/// Bad rows the workbook of a run reads at a time.
const WORKBOOK_PAGE: usize = 10_000;

/// The bad rows of the run recorded by event `seq`, which `user` made, as an
/// XLSX download named `name`.
pub(crate) async fn run_workbook(
    app: &App,
    user: &User,
    seq: i64,
    name: &str,
) -> Result<Response, ApiError> {
    let user = user.clone();
    let bytes = app
        .run(move |store| Ok(run_workbook_bytes(store, &user, seq)))
        .await??;
    Ok(xlsx(name, bytes))
}

/// The workbook of [`run_workbook`], its bad rows read a page at a time, so
/// that a run that refused a million rows is never held whole.
fn run_workbook_bytes(store: &dyn Store, user: &User, seq: i64) -> Result<Vec<u8>, ApiError> {
    let mut page = RefusedPage {
        after: 0,
        limit: WORKBOOK_PAGE,
    };
    let mut report = store.import_report(user, seq, page)?;
    let template = Template::of(report.summary.department);
    let mut workbook = ErrorsWorkbook::new(template).map_err(unwritten)?;
    loop {
        workbook
            .add(&report.errors, &report.rows)
            .map_err(unwritten)?;
        let Some(after) = report.more_after else {
            return workbook.finish().map_err(unwritten);
        };
        page.after = after;
        report = store.import_report(user, seq, page)?;
    }
}

/// The error of an errors workbook that could not be written.
fn unwritten(error: impl std::fmt::Display) -> ApiError {
    ApiError::internal(&format!("writing the errors workbook: {error}"))
}

/// A department's import template as XLSX: the headers, and a sheet explaining
/// each column in Chinese and English.
#[utoipa::path(get, path = "/api/v1/templates/{kind}", tag = "imports",
    params(("kind" = String, Path, description = "The template: public_security, labour, education, health, family_planning, trade_union, justice or statistics", pattern = "^(public_security|labour|education|health|family_planning|trade_union|justice|statistics)$")),
    responses((status = 200, description = "The template", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), ReadErrors),
    security(("bearer" = [])))]
pub async fn template_file(
    State(app): State<App>,
    CurrentUser(_user): CurrentUser,
    Path(kind): Path<String>,
) -> Result<Response, ApiError> {
    template_download(&app, &kind)
}

/// The template named `kind` as an XLSX download, listing the value names the
/// server's policy reads.
pub(crate) fn template_download(app: &App, kind: &str) -> Result<Response, ApiError> {
    let template = template(kind)?;
    let policy = app.read_engine().policy().clone();
    let bytes = exchange::template::template_workbook(template, &policy)
        .map_err(|e| ApiError::internal(&format!("writing the template: {e}")))?;
    Ok(xlsx(template.kind(), bytes))
}
