//! 登录 — logging in and out, and who am I. A wrong password and an unknown login
//! get the same answer after the same work (an argon2id verification).

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::User;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::App;
use crate::auth::{CurrentUser, bearer, check_password, start_session, token_hash};
use crate::error::{ApiError, Code};
use crate::extract::Json;

/// A login form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// 登录名
    #[schema(example = "binhu-officer")]
    pub login: String,
    /// 口令
    pub password: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// Send as `Authorization: Bearer TOKEN` on every other call.
    pub token: String,
    pub user: User,
    /// When the session ends (12 hours after login).
    pub expires: Timestamp,
}

/// Logs in with a login name and password.
#[utoipa::path(
    post,
    path = "/api/v1/session",
    tag = "session",
    request_body = LoginRequest,
    responses(
        (status = 201, description = "Logged in", body = SessionResponse),
        (status = 401, description = "Wrong login or password", body = crate::error::ErrorBody),
        crate::openapi::BodyErrors,
    )
)]
pub async fn login(
    State(app): State<App>,
    Json(form): Json<LoginRequest>,
) -> Result<(StatusCode, Json<SessionResponse>), ApiError> {
    let LoginRequest { login, password } = form;
    let Some(user) = check_password(&app, login, password).await? else {
        return Err(ApiError::new(
            Code::InvalidCredentials,
            Some("password"),
            "登录名或口令错误",
            "expected a known login and its password, but one of them is wrong",
        ));
    };
    let (token, expires) = start_session(&app, &user).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionResponse {
            token,
            user,
            expires,
        }),
    ))
}

/// Logs out: the session's token stops working at once.
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "session",
    responses((status = 204, description = "Logged out"), crate::openapi::AuthErrors),
    security(("bearer" = []))
)]
pub async fn logout(
    State(app): State<App>,
    CurrentUser(_user): CurrentUser,
    headers: axum::http::HeaderMap,
) -> Result<StatusCode, ApiError> {
    let hash = token_hash(bearer(&headers)?);
    app.run(move |store| store.end_session(hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user of the session.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "session",
    responses((status = 200, description = "The caller", body = User), crate::openapi::AuthErrors),
    security(("bearer" = []))
)]
pub async fn me(CurrentUser(user): CurrentUser) -> Json<User> {
    Json(user)
}
