//! 登录 — the login page, logging out, and the language switch.

use axum::extract::{Form, State};
use axum::http::{HeaderMap, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::catalogue::{Lang, Msg};
use super::layout::{self, page};
use super::session::{
    CSRF_FIELD, LANG_COOKIE, LOGIN_COOKIE, Posted, SESSION_COOKIE, cookie, csrf_matches,
    csrf_token, set_cookie,
};
use crate::App;
use crate::auth::{
    SESSION_HOURS, check_password, new_token, start_session, token_hash, well_formed,
};

/// The login form as posted.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// The login page, with the form's one-off cookie; `failed` shows the reason.
fn login_page(lang: Lang, headers: &HeaderMap, login: &str, failed: Option<Msg>) -> Response {
    let nonce = cookie(headers, LOGIN_COOKIE)
        .filter(|nonce| well_formed(nonce))
        .map_or_else(new_token, str::to_owned);
    let body = html! {
        form.card method="post" action="/login" {
            input type="hidden" name=(CSRF_FIELD) value=(csrf_token(&nonce));
            @if let Some(reason) = failed { p.error role="alert" { (reason.in_(lang)) } }
            label for="login" { (Msg::LoginName.in_(lang)) }
            input id="login" name="login" value=(login) autocomplete="username" required;
            label for="password" { (Msg::Password.in_(lang)) }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            p { button type="submit" { (Msg::Login.in_(lang)) } }
        }
    };
    let status = if failed.is_some() {
        axum::http::StatusCode::UNAUTHORIZED
    } else {
        axum::http::StatusCode::OK
    };
    (
        status,
        [(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, &nonce, 3600))],
        page(lang, None, Msg::Login.in_(lang), body),
    )
        .into_response()
}

/// `GET /login`.
pub async fn show(lang: Lang, headers: HeaderMap) -> Response {
    login_page(lang, &headers, "", None)
}

/// `POST /login`: checks the form's token against its cookie, then the password;
/// on success sets the session cookie and goes to the home page.
pub async fn submit(
    State(app): State<App>,
    lang: Lang,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let nonce = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if nonce.is_empty() || !csrf_matches(nonce, &form.csrf) {
        return login_page(lang, &headers, &form.login, Some(Msg::FormExpired));
    }
    let user = match check_password(&app, form.login.clone(), form.password).await {
        Ok(Some(user)) => user,
        Ok(None) => return login_page(lang, &headers, &form.login, Some(Msg::WrongLogin)),
        Err(error) => return layout::error_page(lang, error),
    };
    match start_session(&app, &user).await {
        Ok((token, _)) => (
            AppendHeaders([
                (
                    header::SET_COOKIE,
                    set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600),
                ),
                (header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0)),
            ]),
            Redirect::to("/"),
        )
            .into_response(),
        Err(error) => layout::error_page(lang, error),
    }
}

/// `POST /logout`: ends the session and clears its cookie.
pub async fn logout(State(app): State<App>, posted: Posted) -> Response {
    let hash = token_hash(&posted.viewer.token);
    if let Err(error) = app.run(move |store| store.end_session(hash)).await {
        return layout::error_page(posted.viewer.lang, error);
    }
    (
        [(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0))],
        Redirect::to("/login"),
    )
        .into_response()
}

/// The language asked for.
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    to: String,
}

/// `GET /lang?to=en`: keeps the language in a cookie and goes back to the page the
/// link was on (a path of this site only).
pub async fn switch(
    headers: HeaderMap,
    axum::extract::Query(query): axum::extract::Query<LangQuery>,
) -> Response {
    let lang = Lang::from_code(&query.to);
    let back = headers
        .get(header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(same_site_path)
        .unwrap_or_else(|| "/".to_owned());
    (
        [(
            header::SET_COOKIE,
            set_cookie(LANG_COOKIE, lang.code(), 365 * 24 * 3600),
        )],
        Redirect::to(&back),
    )
        .into_response()
}

/// The path and query of a `Referer` URL (`http://host/path?q` → `/path?q`); `None`
/// for anything that would lead elsewhere.
fn same_site_path(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let path = &rest[rest.find('/')?..];
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}
