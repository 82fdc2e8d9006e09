//! 导出 — the files a page offers for download, for its logged-in viewer: the
//! dashboard's indicator table (XLSX, CSV, ADX, DHIS2; whole, or for
//! publication with small counts suppressed) and a unit's list of persons, each
//! made by the API's export ([`crate::routes::exports`]), which holds the rules.

use axum::extract::State;
use axum::response::Response;
use domain::Date;
use domain::division::DivisionCode;
use maud::{Markup, html};

use super::catalogue::Msg;
use super::layout;
use super::session::Viewer;
use crate::App;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::exports::{self as api, ExportQuery, PersonsQuery};

/// `GET /exports/indicators`: the indicator table of a unit as of a date.
pub async fn indicators(
    State(app): State<App>,
    viewer: Viewer,
    query: Result<Query<ExportQuery>, ApiError>,
) -> Response {
    query
        .and_then(|Query(query)| api::indicator_file(&app, &viewer.user, &query))
        .unwrap_or_else(|error| layout::error_page(viewer.lang, error))
}

/// `GET /exports/persons`: the persons of a unit, for a viewer who may see them.
pub async fn persons(
    State(app): State<App>,
    viewer: Viewer,
    query: Result<Query<PersonsQuery>, ApiError>,
) -> Response {
    let lang = viewer.lang;
    let answer = match query {
        Ok(Query(query)) => api::person_list_file(&app, viewer.user, &query).await,
        Err(error) => Err(error),
    };
    answer.unwrap_or_else(|error| layout::error_page(lang, error))
}

/// The downloads of `unit`'s figures as of `as_of` and, for a viewer who may
/// read persons, of its list of persons.
pub fn links(viewer: &Viewer, unit: DivisionCode, as_of: Date) -> Markup {
    let lang = viewer.lang;
    let table = |format: &str, publication: bool| {
        format!(
            "/exports/indicators?unit={unit}&as_of={as_of}&format={format}{}",
            if publication { "&publication=true" } else { "" }
        )
    };
    html! {
        p.downloads {
            (Msg::DownloadFigures.in_(lang)) "："
            a href=(table("xlsx", false)) { "XLSX" } " · "
            a href=(table("csv", false)) { "CSV" } " · "
            a href=(table("adx", false)) { "ADX" } " · "
            a href=(table("dhis2", false)) { "DHIS2" } " · "
            a href=(table("xlsx", true)) { (Msg::ForPublication.in_(lang)) }
        }
        @if viewer.user.may_read_persons() {
            p.downloads {
                (Msg::DownloadPersons.in_(lang)) "："
                a href={ "/exports/persons?unit=" (unit) "&format=xlsx" } { "XLSX" } " · "
                a href={ "/exports/persons?unit=" (unit) "&format=csv" } { "CSV" }
            }
        }
    }
}
