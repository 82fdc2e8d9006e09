//! 版式 — the frame of every page: the header with the navigation the user's role
//! has, the language switch and logout, the style sheet, and the error pages.
//!
//! Everything is rendered by maud, which escapes every interpolated value; the only
//! unescaped output is the SVG the chart library draws from numbers and catalogue
//! strings (see `charts`).

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use domain::access::Role;
use maud::{DOCTYPE, Markup, html};

use super::catalogue::{Lang, Msg};
use super::session::{CSRF_FIELD, Viewer};
use crate::error::ApiError;

/// The style sheet, served at `/static/anju.css`.
const STYLE: &str = include_str!("anju.css");

/// `GET /static/anju.css`.
pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// The one script of the pages (the registration form's ID check), served at
/// `/static/anju.js`.
const SCRIPT: &str = include_str!("anju.js");

/// `GET /static/anju.js`.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

/// The hidden CSRF field every form of a logged-in user carries.
pub fn csrf_field(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(viewer.csrf); }
}

/// A whole page: `title` and `body` inside the frame; the navigation when someone
/// is logged in.
pub fn page(lang: Lang, viewer: Option<&Viewer>, title: &str, body: Markup) -> Html<String> {
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.html()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (Msg::AppName.in_(lang)) }
                link rel="stylesheet" href="/static/anju.css";
                // No icon: the browser would otherwise ask for /favicon.ico and log a 404.
                link rel="icon" href="data:,";
            }
            body {
                header.top {
                    a.brand href="/" { (Msg::AppName.in_(lang)) }
                    @if let Some(viewer) = viewer { (navigation(viewer)) }
                    div.tools {
                        a.lang href={ "/lang?to=" (lang.other().code()) } { (Msg::SwitchLanguage.in_(lang)) }
                        @if let Some(viewer) = viewer {
                            span.who { (viewer.user.name) }
                            form.inline method="post" action="/logout" {
                                (csrf_field(viewer))
                                button type="submit" { (Msg::Logout.in_(lang)) }
                            }
                        }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    };
    Html(markup.into_string())
}

/// The links of the header a role has.
fn navigation(viewer: &Viewer) -> Markup {
    let lang = viewer.lang;
    let user = &viewer.user;
    html! {
        nav {
            a href="/" { (Msg::Home.in_(lang)) }
            a href="/dashboard" { (Msg::Dashboard.in_(lang)) }
            @if user.may_read_persons() { a href="/persons" { (Msg::Search.in_(lang)) } }
            @if user.may_write_persons() && user.role == Role::StationStaff {
                a href="/persons/new" { (Msg::Register.in_(lang)) }
            }
            @if user.may_read_persons() { a href="/records" { (Msg::Records.in_(lang)) } }
            @if super::imports::offered_to(user) {
                a href="/imports" { (Msg::Imports.in_(lang)) }
            }
        }
    }
}

/// A page saying what went wrong, with the status of the error.
pub fn error_page(lang: Lang, error: impl Into<ApiError>) -> Response {
    let error = error.into();
    let body = html! {
        p.error { (lang.message(&error.message)) }
        p { a href="/" { (Msg::BackHome.in_(lang)) } }
    };
    (
        error.code.status(),
        page(lang, None, Msg::Error.in_(lang), body),
    )
        .into_response()
}

/// 403: the form's CSRF token is missing or wrong (or the form is unreadable).
pub fn forbidden(lang: Lang, reason: Msg) -> Response {
    let body = html! {
        p.error { (reason.in_(lang)) }
        p { a href="/" { (Msg::BackHome.in_(lang)) } }
    };
    (
        StatusCode::FORBIDDEN,
        page(lang, None, Msg::Error.in_(lang), body),
    )
        .into_response()
}
