//! 会话 — who is looking at a page: the session cookie over the store's sessions, the
//! language cookie, and the CSRF token of every form.
//!
//! The session cookie holds the same kind of token the API's `Bearer` header does
//! (the store keeps only its SHA-256); it is `HttpOnly` (no script reads it) and
//! `SameSite=Strict` (no other site's page sends it). Every form carries a CSRF token
//! derived from the session's token, so it cannot be made without the cookie; a post
//! without the right one is refused. The login form, before any session, is tied the
//! same way to a one-off cookie.

use axum::extract::{Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::User;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::catalogue::{Lang, Msg};
use super::layout;
use crate::App;
use crate::auth::{token_hash, well_formed};

/// The cookie of the session token.
pub const SESSION_COOKIE: &str = "anju_session";
/// The cookie of the language.
pub const LANG_COOKIE: &str = "anju_lang";
/// The one-off cookie the login form's token is tied to.
pub const LOGIN_COOKIE: &str = "anju_login";
/// The form field of the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, for the whole site; kept
/// `max_age` seconds (0 deletes it). Values are hex or a language code: no quoting.
pub fn set_cookie(name: &str, value: &str, max_age: i64) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}"
    ))
    .expect("cookie names and values are ASCII")
}

/// The CSRF token of forms sent under `secret` (a session token or the login
/// cookie): a hash of it, which only the holder of the cookie can know.
pub fn csrf_token(secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"anju csrf\0")
        .chain_update(secret.as_bytes())
        .finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `sent` is the CSRF token of `secret` (compared in constant time).
pub fn csrf_matches(secret: &str, sent: &str) -> bool {
    let expected = csrf_token(secret);
    expected.len() == sent.len()
        && expected
            .bytes()
            .zip(sent.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Lang, Self::Rejection> {
        Ok(cookie(&parts.headers, LANG_COOKIE).map_or(Lang::Zh, Lang::from_code))
    }
}

/// The logged-in user of a page, the language, and the CSRF token for its forms.
/// Without a live session the page redirects to the login page.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: User,
    pub lang: Lang,
    /// Put into every form as the `csrf` field.
    pub csrf: String,
    /// The session token (for logout).
    pub(super) token: String,
}

impl FromRequestParts<App> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Viewer, Response> {
        let lang = cookie(&parts.headers, LANG_COOKIE).map_or(Lang::Zh, Lang::from_code);
        let to_login = || Redirect::to("/login").into_response();
        let token = cookie(&parts.headers, SESSION_COOKIE).filter(|token| well_formed(token));
        let Some(token) = token.map(str::to_owned) else {
            return Err(to_login());
        };
        let hash = token_hash(&token);
        let now = Timestamp::now();
        let user = app
            .run(move |store| store.session_user(hash, now))
            .await
            .map_err(|error| layout::error_page(lang, error))?;
        match user {
            Some(user) => Ok(Viewer {
                user,
                lang,
                csrf: csrf_token(&token),
                token,
            }),
            None => Err(to_login()),
        }
    }
}

/// The fields of a posted form, in order.
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of field `name`, trimmed; `""` when absent.
    pub fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.trim())
    }
}

/// A form posted by a logged-in user, its CSRF token checked: a post without the
/// session's token is refused with 403 and changes nothing.
#[derive(Debug, Clone)]
pub struct Posted {
    pub viewer: Viewer,
    pub fields: Fields,
}

impl FromRequest<App> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, app: &App) -> Result<Posted, Response> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, app).await?;
        let request = Request::from_parts(parts, body);
        let lang = viewer.lang;
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, app)
            .await
            .map_err(|_| layout::forbidden(lang, Msg::FormExpired))?;
        let fields = Fields(pairs);
        if !csrf_matches(&viewer.token, fields.text(CSRF_FIELD)) {
            return Err(layout::forbidden(lang, Msg::FormExpired));
        }
        Ok(Posted { viewer, fields })
    }
}
