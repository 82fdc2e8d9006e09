//! 页面 — the web application: server-rendered pages for station staff, officers,
//! leaders and departments, served by the same binary as the JSON API. One module
//! per page or group of pages; the frame, the message catalogue and the cookie
//! session are shared.

mod catalogue;
mod charts;
mod dashboard;
mod describe;
mod exports;
mod family;
mod figures;
mod forms;
mod home;
mod id_check;
mod imports;
mod layout;
mod login;
mod pager;
mod person;
mod persons;
mod pickers;
mod records;
mod session;

use std::sync::Arc;

use analytics::IndicatorResult;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use domain::Date;
use domain::division::DivisionCode;
use domain::policy::Policy;

use crate::App;
use crate::error::{ApiError, Code};

/// The routes of the pages.
pub fn router() -> Router<App> {
    Router::new()
        .route("/", get(home::show))
        .route("/dashboard", get(dashboard::show))
        .route("/login", get(login::show).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang", get(login::switch))
        .route("/persons", get(persons::search))
        .route("/persons/new", get(persons::new).post(persons::create))
        .route("/persons/{id}", get(person::show))
        .route("/persons/{id}/{action}", post(person::act))
        .route("/records", get(records::list))
        .route("/records/new", get(records::new).post(records::create))
        .route("/records/{id}", get(records::show).post(records::edit))
        .route("/id-check", get(id_check::answer))
        .route(
            "/imports",
            get(imports::show)
                .post(imports::submit)
                .layer(DefaultBodyLimit::max(crate::routes::imports::UPLOAD_LIMIT)),
        )
        .route("/exports/indicators", get(exports::indicators))
        .route("/exports/persons", get(exports::persons))
        .route("/imports/{id}", get(imports::status))
        .route("/imports/runs/{seq}", get(imports::run))
        .route("/imports/runs/{seq}/errors", get(imports::run_errors))
        .route("/templates/{kind}", get(imports::template))
        .route("/static/anju.css", get(layout::style))
        .route("/static/anju.js", get(layout::script))
}

/// Every indicator for `unit` and its children as of `date`, with the policy.
fn evaluate(
    app: &App,
    unit: DivisionCode,
    date: Date,
) -> Result<(Arc<Policy>, Vec<IndicatorResult>), ApiError> {
    let engine = app.read_engine();
    let results = engine.evaluate(unit, date).map_err(|error| ApiError {
        code: Code::InvalidParameter,
        field: Some("unit".into()),
        message: error.message(),
    })?;
    Ok((Arc::clone(engine.policy()), results))
}
