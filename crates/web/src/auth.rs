//! 身份认证 — who is calling: session tokens and the [`CurrentUser`] extractor.
//!
//! A token is 32 random bytes written as 64 lowercase hex digits, sent as
//! `Authorization: Bearer TOKEN`. The store keeps only its SHA-256, so a copy of the
//! database opens no session. What a user may do is not decided here: handlers ask
//! [`domain::access::User`], and the store scopes every read and write.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use domain::access::User;
use jiff::Timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::App;
use crate::error::ApiError;

/// How long a session lasts after login.
pub const SESSION_HOURS: i64 = 12;

/// A fresh session token: 32 random bytes from the operating system, in hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the store keeps of a token: its SHA-256.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The user whose login and password these are; `None` for a wrong password or an
/// unknown login, which take the same work (an argon2id verification) so that
/// timing tells nothing.
pub async fn check_password(
    app: &App,
    login: String,
    password: String,
) -> Result<Option<User>, ApiError> {
    let dummy = app.dummy_hash().to_owned();
    app.run(move |store| {
        Ok(match store.credentials(&login)? {
            Some((user, phc)) => crate::password::verify(&password, &phc).then_some(user),
            None => {
                crate::password::verify(&password, &dummy);
                None
            }
        })
    })
    .await
}

/// Starts a session of `user`: its fresh token and when it ends.
pub async fn start_session(app: &App, user: &User) -> Result<(String, Timestamp), ApiError> {
    let token = new_token();
    let expires = Timestamp::now() + jiff::SignedDuration::from_hours(SESSION_HOURS);
    let (id, hash) = (user.id, token_hash(&token));
    app.run(move |store| store.create_session(id, hash, expires))
        .await?;
    Ok((token, expires))
}

/// Whether `token` looks like one [`new_token`] made.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The token of an `Authorization: Bearer TOKEN` header.
pub fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthenticated(
            "请先登录：缺少 Authorization: Bearer 令牌",
            "expected an Authorization: Bearer token, but found none; log in first",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|text| text.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| well_formed(token));
    token.ok_or_else(|| {
        ApiError::unauthenticated(
            "Authorization 头应为“Bearer ”加 64 位十六进制令牌",
            "expected Authorization: Bearer followed by a 64-digit hex token, but found something else",
        )
    })
}

/// The user whose live session token the request carries; 401 otherwise.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User);

impl FromRequestParts<App> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let hash = token_hash(bearer(&parts.headers)?);
        let now = Timestamp::now();
        let user = app.run(move |store| store.session_user(hash, now)).await?;
        match user {
            Some(user) => Ok(CurrentUser(user)),
            None => Err(ApiError::unauthenticated(
                "会话不存在或已过期，请重新登录",
                "expected a live session, but the token is unknown or expired; log in again",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
