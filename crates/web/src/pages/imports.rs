//! 数据导入页 — a department's file sent from the browser. The form offers the
//! templates the viewer may import (each downloadable), above the viewer's
//! imports on this server and their import history from the log; an import
//! then has a page of its own, which follows its progress (rows done of all,
//! rows a second, time left) by reloading itself every second, and at the end
//! shows the report: what was written, and every bad row with its column and
//! reason (also as XLSX). Every run in the history has a page of its own with
//! the same report, read from the log. The import itself is the API's
//! ([`crate::routes::imports`]).

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::User;
use exchange::import::{Mode, Report, Stage};
use exchange::template::{TEMPLATES, Template};
use maud::{Markup, html};
use store::RefusedPage;

use super::catalogue::{Lang, Msg};
use super::describe;
use super::forms::{self, Filled};
use super::home::department_name;
use super::layout::{self, csrf_field, page};
use super::session::{CSRF_FIELD, Fields, Viewer, csrf_matches};
use crate::App;
use crate::error::{ApiError, Code};
use crate::routes::import_runs;
use crate::routes::imports::{self as api, ImportState, ImportStatus, Upload};

/// The templates `user` may import.
pub fn importable(user: &User) -> Vec<&'static Template> {
    TEMPLATES
        .iter()
        .filter(|template| template.importable_by(user).is_ok())
        .collect()
}

/// Whether `user` has the import page: they may import a template, or watch
/// the runs of their area ([`User::may_watch_imports`]).
pub fn offered_to(user: &User) -> bool {
    user.may_watch_imports() || !importable(user).is_empty()
}

/// A template's name for a choice: the department's, then the kind.
fn template_name(template: &Template, lang: Lang) -> String {
    format!(
        "{} ({})",
        department_name(template.department).in_(lang),
        template.kind()
    )
}

/// The form, with what was sent and why it was refused, if it was.
fn form(viewer: &Viewer, templates: &[&Template], filled: &Filled) -> Markup {
    let lang = viewer.lang;
    let kinds: Vec<(String, String)> = templates
        .iter()
        .map(|t| (t.kind().to_owned(), template_name(t, lang)))
        .collect();
    let encodings = [
        (String::new(), Msg::EncodingDetect.in_(lang).to_owned()),
        ("utf-8".to_owned(), "UTF-8".to_owned()),
        ("gb18030".to_owned(), "GB18030 / GBK".to_owned()),
    ];
    let mode = filled.value("mode", "all_or_nothing");
    html! {
        (filled.top_error(&["kind", "file", "encoding"], lang))
        form.card method="post" action="/imports" enctype="multipart/form-data" {
            (csrf_field(viewer))
            (forms::select(filled, lang, Msg::ImportKind, "kind", &kinds))
            label for="file" { (Msg::ImportFile.in_(lang)) }
            input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv" required;
            (filled.error_of("file", lang))
            (forms::select(filled, lang, Msg::Encoding, "encoding", &encodings))
            fieldset {
                legend { (Msg::ImportMode.in_(lang)) }
                label.choice {
                    input type="radio" name="mode" value="all_or_nothing" checked[mode != "valid_rows_only"];
                    " " (Msg::AllOrNothing.in_(lang))
                }
                label.choice {
                    input type="radio" name="mode" value="valid_rows_only" checked[mode == "valid_rows_only"];
                    " " (Msg::ValidRowsOnly.in_(lang))
                }
            }
            label.choice {
                input type="checkbox" name="dry_run" value="true" checked[filled.value("dry_run", "") == "true"];
                " " (Msg::DryRun.in_(lang))
            }
            button type="submit" { (Msg::StartImport.in_(lang)) }
        }
        h2 { (Msg::Templates.in_(lang)) }
        ul.tiles {
            @for template in templates {
                li { a href={ "/templates/" (template.kind()) } { (template_name(template, lang)) } }
            }
        }
    }
}

/// The imports the viewer started on this server, newest first.
fn started(app: &App, viewer: &Viewer) -> Markup {
    let lang = viewer.lang;
    let imports = app.imports().started_by(&viewer.user);
    html! {
        h2 { (Msg::YourImports.in_(lang)) }
        @if imports.is_empty() {
            p { (Msg::NoImportsYet.in_(lang)) }
        } @else {
            table {
                thead { tr {
                    th { "#" } th { (Msg::ImportFile.in_(lang)) } th { (Msg::ImportKind.in_(lang)) }
                    th { (Msg::ImportState.in_(lang)) }
                } }
                tbody {
                    @for import in &imports {
                        tr {
                            td { a href={ "/imports/" (import.id) } { (import.id) } }
                            td { (import.file) }
                            td { (import.kind) }
                            td { (state_name(import).in_(lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// The runs the viewer may list, from the log (whichever server or command
/// line ran them), newest first; their own link to their reports.
fn history(runs: &[store::ImportRecord], viewer: &User, lang: Lang) -> Markup {
    html! {
        h2 { (Msg::ImportHistory.in_(lang)) }
        @if runs.is_empty() {
            p { (Msg::NoImportsYet.in_(lang)) }
        } @else {
            table {
                thead { tr {
                    th { (Msg::RecordedAt.in_(lang)) } th { (Msg::RecordedBy.in_(lang)) }
                    th { (Msg::ImportFile.in_(lang)) }
                    th { (Msg::ImportKind.in_(lang)) } th { (Msg::ImportOutcome.in_(lang)) }
                    th { (Msg::RowsInFile.in_(lang)) }
                    th { (Msg::RowsAdded.in_(lang)) } th { (Msg::RowsAlready.in_(lang)) }
                    th { (Msg::RowsWithErrors.in_(lang)) }
                } }
                tbody {
                    @for run in runs {
                        @let summary = &run.summary;
                        tr {
                            td {
                                @match run.seq.filter(|_| run.actor == viewer.id) {
                                    Some(seq) => a href={ "/imports/runs/" (seq) } { (describe::moment(run.at)) },
                                    None => (describe::moment(run.at)),
                                }
                            }
                            td { (run.sender) }
                            td { (summary.file) }
                            td { (department_name(summary.department).in_(lang)) }
                            td {
                                @if run.seq.is_none() {
                                    (Msg::ImportUnfinished.in_(lang))
                                } @else {
                                    (outcome(summary.committed, summary.dry_run, summary.added + summary.refused).in_(lang))
                                }
                            }
                            td { (summary.rows) }
                            td { @if summary.committed { (summary.added) } @else { "0" } }
                            td { (summary.already) }
                            td { (summary.refused) }
                        }
                    }
                }
            }
        }
    }
}

/// The form page, with `filled`, the viewer's imports on this server and
/// their history.
async fn form_page(app: &App, viewer: &Viewer, filled: &Filled<'_>) -> Response {
    let lang = viewer.lang;
    let templates = importable(&viewer.user);
    let runs = match import_runs::history(app, &viewer.user).await {
        Ok(runs) => runs,
        Err(error) => return layout::error_page(lang, error),
    };
    let body = html! {
        @if templates.is_empty() {
            p { (Msg::NoImportRole.in_(lang)) }
        } @else {
            (form(viewer, &templates, filled)) (started(app, viewer))
        }
        (history(&runs, &viewer.user, lang))
    };
    let status = filled
        .error
        .map_or(axum::http::StatusCode::OK, |e| e.code.status());
    (
        status,
        page(lang, Some(viewer), Msg::Imports.in_(lang), body),
    )
        .into_response()
}

/// `GET /imports`.
pub async fn show(State(app): State<App>, viewer: Viewer) -> Response {
    form_page(&app, &viewer, &Filled::default()).await
}

/// The form's fields as sent, and the file's name and bytes.
struct Sent {
    fields: Fields,
    file: Option<(String, axum::body::Bytes)>,
}

/// Reads a multipart form (at most [`api::UPLOAD_LIMIT`] bytes, the route's limit).
async fn read(mut multipart: Multipart) -> Result<Sent, ApiError> {
    let unreadable = |error: axum::extract::multipart::MultipartError| {
        if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                Code::PayloadTooLarge,
                Some("file"),
                format!("文件超过 {} MiB 的上限", api::UPLOAD_LIMIT >> 20),
                format!(
                    "expected a file of at most {} MiB, but found a larger one",
                    api::UPLOAD_LIMIT >> 20
                ),
            )
        } else {
            ApiError::new(
                Code::InvalidField,
                Some("file"),
                "表单无法读取，请重新提交",
                format!("expected a multipart form, but it could not be read: {error}"),
            )
        }
    };
    let mut sent = Sent {
        fields: Fields::default(),
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file = field.file_name().unwrap_or("upload").to_owned();
            let bytes = field.bytes().await.map_err(unreadable)?;
            sent.file = Some((file, bytes)).filter(|(_, bytes)| !bytes.is_empty());
        } else {
            let value = field.text().await.map_err(unreadable)?;
            sent.fields.0.push((name, value));
        }
    }
    Ok(sent)
}

/// Starts the import the form asks for; its number.
fn start(app: &App, viewer: &Viewer, sent: Sent) -> Result<u64, ApiError> {
    let fields = &sent.fields;
    let template = api::template(fields.text("kind"))?;
    let encoding = match fields.text("encoding") {
        "" => None,
        name => Some(
            name.parse()
                .map_err(|e| ApiError::from_field(Code::InvalidField, e))?,
        ),
    };
    let mode = if fields.text("mode") == "valid_rows_only" {
        Mode::ValidRowsOnly
    } else {
        Mode::AllOrNothing
    };
    let Some((file, bytes)) = sent.file else {
        return Err(ApiError::new(
            Code::InvalidField,
            Some("file"),
            "请选择要导入的文件",
            "expected a file to import, but none was chosen",
        ));
    };
    let upload = Upload {
        template,
        file: &file,
        bytes,
        options: api::options(mode, fields.text("dry_run") == "true", encoding),
    };
    Ok(api::launch(app, viewer.user.clone(), upload)?.id)
}

/// `POST /imports`: the form, as `multipart/form-data`.
pub async fn submit(State(app): State<App>, viewer: Viewer, multipart: Multipart) -> Response {
    let lang = viewer.lang;
    let sent = match read(multipart).await {
        Ok(sent) => sent,
        Err(error) => {
            let filled = Filled {
                fields: None,
                error: Some(&error),
            };
            return form_page(&app, &viewer, &filled).await;
        }
    };
    if !csrf_matches(&viewer.token, sent.fields.text(CSRF_FIELD)) {
        return layout::forbidden(lang, Msg::FormExpired);
    }
    let fields = sent.fields.clone();
    match start(&app, &viewer, sent) {
        Ok(id) => Redirect::to(&format!("/imports/{id}")).into_response(),
        Err(error) => {
            let filled = Filled {
                fields: Some(&fields),
                error: Some(&error),
            };
            form_page(&app, &viewer, &filled).await
        }
    }
}

fn state_name(status: &ImportStatus) -> Msg {
    match status.state {
        ImportState::Running => Msg::ImportRunning,
        ImportState::Done => Msg::ImportDone,
        ImportState::Failed => Msg::ImportFailed,
    }
}

/// How far a running import is: a bar, rows done of all, rows a second and
/// the time left at that pace.
fn progress(status: &ImportStatus, lang: Lang) -> Markup {
    let Some(progress) = status.progress else {
        return html! { p { (Msg::ImportReading.in_(lang)) } };
    };
    let seconds = (jiff::Timestamp::now() - status.started)
        .total(jiff::Unit::Second)
        .unwrap_or(0.0)
        .max(0.001);
    let rate = progress.done as f64 / seconds;
    let stage = match progress.stage {
        Stage::Checking => Msg::StageChecking,
        Stage::Writing => Msg::StageWriting,
    };
    html! {
        p { (stage.in_(lang)) }
        progress value=(progress.done) max=(progress.total.max(1)) {}
        p {
            (progress.done) " / " (progress.total) " " (Msg::RowsUnit.in_(lang))
            " · " (format!("{rate:.0}")) " " (Msg::RowsPerSecond.in_(lang))
            @if rate > 0.0 && progress.done < progress.total {
                " · " (Msg::TimeLeft.in_(lang)) " "
                (format!("{:.0}", (progress.total - progress.done) as f64 / rate)) " s"
            }
        }
    }
}

/// What came of a run: rows written, nothing new (no row `new`: added or
/// refused), a dry run, or nothing written.
fn outcome(committed: bool, dry_run: bool, new: u64) -> Msg {
    match (committed, dry_run) {
        (true, _) if new == 0 => Msg::ImportNothingNew,
        (true, _) => Msg::ImportWritten,
        (false, true) => Msg::ImportDryRun,
        (false, false) => Msg::ImportNothingWritten,
    }
}

/// What a finished import did, and every bad row (all of them as XLSX).
fn report(report: &Report, lang: Lang) -> Markup {
    let added = if report.committed {
        Msg::RowsAdded
    } else {
        Msg::RowsWouldAdd
    };
    html! {
        p.outcome { (outcome(report.committed, report.dry_run, report.added + report.refused).in_(lang)) }
        table {
            tbody {
                tr { th { (Msg::RowsInFile.in_(lang)) } td { (report.rows) } }
                tr { th { (added.in_(lang)) } td { (report.added) } }
                @for (what, rows) in [
                    (Msg::RowsEnded, report.ended),
                    (Msg::RowsCorrected, report.corrected),
                    (Msg::RowsMoved, report.moved),
                ] {
                    @if rows > 0 {
                        tr { th { (what.in_(lang)) } td { (rows) } }
                    }
                }
                tr { th { (Msg::RowsAlready.in_(lang)) } td { (report.already) } }
                tr { th { (Msg::RowsWithErrors.in_(lang)) } td { (report.refused) } }
                @if !report.skipped.is_empty() {
                    tr { th { (Msg::RowsSkipped.in_(lang)) } td { (row_list(&report.skipped, report.refused)) } }
                }
                tr { th { "SHA-256" } td { code { (report.sha256) } } }
            }
        }
        @if !report.errors.is_empty() {
            p { a href={ "/imports/runs/" (report.event) "/errors" } { (Msg::ErrorsAsXlsx.in_(lang)) } }
            table.errors {
                thead { tr {
                    th { (Msg::Row.in_(lang)) } th { (Msg::Column.in_(lang)) } th { (Msg::Reason.in_(lang)) }
                } }
                tbody {
                    @for error in &report.errors {
                        tr {
                            td { (error.row) }
                            td { (error.column) }
                            td { (lang.pick(&error.zh, &error.en)) }
                        }
                    }
                }
            }
            @if report.more_after.is_some() {
                p { (Msg::MoreErrorsInXlsx.in_(lang)) }
            }
        }
    }
}

/// The bad rows the page shows, read as a report's first page; the XLSX has
/// them all.
const ERRORS_SHOWN: RefusedPage = RefusedPage {
    after: 0,
    limit: 200,
};

/// Row numbers, the first of `all` (those the page shows), then how many in
/// all when there are more.
fn row_list(rows: &[u64], all: u64) -> String {
    let shown: Vec<String> = rows.iter().map(u64::to_string).collect();
    if all > rows.len() as u64 {
        format!("{} … ({all})", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// `GET /imports/{id}`: the import's progress, reloaded every second while it
/// runs, then its report.
pub async fn status(State(app): State<App>, viewer: Viewer, Path(id): Path<u64>) -> Response {
    let lang = viewer.lang;
    let Some(status) = app.imports().status(id, &viewer.user) else {
        return layout::error_page(lang, api::not_found(id));
    };
    let status = match api::with_report(&app, &viewer.user, status, ERRORS_SHOWN).await {
        Ok(status) => status,
        Err(error) => return layout::error_page(lang, error),
    };
    let body = html! {
        p { (status.file) " · " (status.kind) " · " (state_name(&status).in_(lang)) }
        @match status.state {
            ImportState::Running => (progress(&status, lang)),
            ImportState::Done => @if let Some(done) = &status.report { (report(done, lang)) },
            ImportState::Failed => @if let Some(error) = &status.error {
                p.error role="alert" { (lang.pick(&error.zh, &error.en)) }
            },
        }
        p { a href="/imports" { (Msg::Imports.in_(lang)) } }
    };
    let title = format!("{} #{id}", Msg::Imports.in_(lang));
    let page = page(lang, Some(&viewer), &title, body);
    if status.state == ImportState::Running {
        ([(header::REFRESH, "1")], page).into_response()
    } else {
        page.into_response()
    }
}

/// `GET /imports/runs/{seq}`: a run of the viewer's as the log keeps it,
/// whichever server or command line ran it.
pub async fn run(State(app): State<App>, viewer: Viewer, Path(seq): Path<i64>) -> Response {
    let lang = viewer.lang;
    let (at, recorded) = match import_runs::recorded(&app, &viewer.user, seq, ERRORS_SHOWN).await {
        Ok(recorded) => (recorded.at, Report::from(recorded)),
        Err(error) => return layout::error_page(lang, error),
    };
    let body = html! {
        p { (describe::moment(at)) " · " (recorded.file) " · " (recorded.kind) }
        (report(&recorded, lang))
        p { a href="/imports" { (Msg::Imports.in_(lang)) } }
    };
    let title = format!("{} · {}", Msg::ImportHistory.in_(lang), recorded.file);
    page(lang, Some(&viewer), &title, body).into_response()
}

/// `GET /imports/runs/{seq}/errors`: a run's bad rows as XLSX.
pub async fn run_errors(State(app): State<App>, viewer: Viewer, Path(seq): Path<i64>) -> Response {
    let name = format!("import-run-{seq}-errors");
    api::run_workbook(&app, &viewer.user, seq, &name)
        .await
        .unwrap_or_else(|error| layout::error_page(viewer.lang, error))
}

/// `GET /templates/{kind}`: a department's template as XLSX.
pub async fn template(
    State(app): State<App>,
    viewer: Viewer,
    Path(kind): Path<String>,
) -> Response {
    api::template_download(&app, &kind)
        .unwrap_or_else(|error| layout::error_page(viewer.lang, error))
}

#[cfg(test)]
mod tests {
    use exchange::import::Progress;

    use super::*;

    #[test]
    fn a_running_import_shows_its_pace_and_the_time_left() {
        let status = ImportStatus {
            id: 1,
            kind: "labour".into(),
            file: "劳动.csv".into(),
            started: jiff::Timestamp::now()
                .checked_sub(jiff::SignedDuration::from_secs(10))
                .unwrap(),
            state: ImportState::Running,
            progress: Some(Progress {
                stage: Stage::Writing,
                done: 5_000,
                total: 20_000,
            }),
            run: None,
            report: None,
            error: None,
        };
        let html = progress(&status, Lang::English).into_string();
        assert!(
            html.contains(r#"<progress value="5000" max="20000">"#),
            "{html}"
        );
        assert!(
            html.contains("5000 / 20000 rows · 500 rows a second · time left 30 s"),
            "{html}"
        );
    }

    #[test]
    fn skipped_rows_are_named_up_to_a_limit() {
        assert_eq!(row_list(&[3, 7], 2), "3, 7");
        // The page's first 200 of 300.
        let shown: Vec<u64> = (2..=201).collect();
        let listed = row_list(&shown, 300);
        assert!(listed.starts_with("2, 3, 4"), "{listed}");
        assert!(listed.ends_with("200, 201 … (300)"), "{listed}");
    }
}
