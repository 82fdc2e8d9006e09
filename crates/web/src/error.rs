//! 错误 — every error the API answers with, and its HTTP status, in one table
//! ([`Code::status`]).
//!
//! Every error body has one shape:
//! `{"error":{"code":"invalid_field","field":"resident_id","zh":"…","en":"…"}}` —
//! a stable code for programs, the field at fault (when there is one) and the reason
//! in simplified Chinese and English. This module decides shapes and statuses only;
//! what is valid is decided by the domain and the store.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::message::{FieldError, Message};
use serde::Serialize;
use store::StoreError;
use utoipa::ToSchema;

/// What went wrong, for programs. Each code has exactly one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The body is not JSON: a syntax error, trailing characters or no body at all.
    MalformedJson,
    /// A field of the body is missing, unknown, of the wrong type or malformed, or
    /// the domain refused its value.
    InvalidField,
    /// A path or query parameter is missing, unknown or malformed.
    InvalidParameter,
    /// No session token, or one that is unknown or expired.
    Unauthenticated,
    /// The login or the password is wrong (the two are not told apart).
    InvalidCredentials,
    /// The caller's role or scope does not allow this.
    Forbidden,
    /// No such resource, or none the caller may see; or no such route.
    NotFound,
    /// The route exists, but not with this method.
    MethodNotAllowed,
    /// The body is larger than the limit.
    PayloadTooLarge,
    /// The body is not declared as `application/json`.
    UnsupportedMediaType,
    /// The server lacks a setting the route needs (e.g. the card signing key).
    Unavailable,
    /// Another process held the database's writer longer than a change waits
    /// (an import from the command line, say): nothing was written; the answer's
    /// `Retry-After` says when to try again.
    Busy,
    /// The server failed; the details are in its log, not in the answer.
    Internal,
}

impl Code {
    /// The HTTP status of this code — the one table.
    pub fn status(self) -> StatusCode {
        match self {
            Code::MalformedJson => StatusCode::BAD_REQUEST,
            Code::InvalidField => StatusCode::UNPROCESSABLE_ENTITY,
            Code::InvalidParameter => StatusCode::BAD_REQUEST,
            Code::Unauthenticated => StatusCode::UNAUTHORIZED,
            Code::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Code::Forbidden => StatusCode::FORBIDDEN,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Code::Unavailable | Code::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error on its way to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// What went wrong, which decides the status.
    pub code: Code,
    /// The field or parameter at fault, e.g. `residence.unit` or `facts[0].from`.
    pub field: Option<String>,
    /// Why, in Chinese and English.
    pub message: Message,
}

impl ApiError {
    /// An error of `code` about `field` (if any), with the reason in both languages.
    pub fn new(
        code: Code,
        field: Option<&str>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError {
            code,
            field: field.map(str::to_owned),
            message: Message::new(zh, en),
        }
    }

    /// An error of `code` from a domain [`FieldError`].
    pub fn from_field(code: Code, error: FieldError) -> ApiError {
        ApiError {
            code,
            field: Some(error.field),
            message: error.message,
        }
    }

    /// A server failure: `detail` goes to the log, the client gets a generic reason.
    pub fn internal(detail: &str) -> ApiError {
        eprintln!("anju web: internal error: {detail}");
        ApiError::new(
            Code::Internal,
            None,
            "服务器内部错误，请稍后再试",
            "internal server error; please try again later",
        )
    }

    /// No session, or an unknown or expired one.
    pub fn unauthenticated(zh: &str, en: &str) -> ApiError {
        ApiError::new(Code::Unauthenticated, Some("authorization"), zh, en)
    }

    /// The caller's role does not allow this.
    pub fn role_forbidden() -> ApiError {
        ApiError::new(
            Code::Forbidden,
            Some("role"),
            "当前角色无权进行此项操作",
            "expected a role that may do this, but yours may not",
        )
    }

    /// The error's JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                field: self.field.clone(),
                zh: self.message.zh.clone(),
                en: self.message.en.clone(),
            },
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{:?} {field}: {}", self.code, self.message),
            None => write!(f, "{:?}: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for ApiError {}

/// The Chinese name of what the store could not find.
fn what_zh(what: &str) -> &str {
    match what {
        "person" => "人员",
        "record" => "对象",
        "fact" => "信息",
        "unit" => "区划",
        "user" => "用户",
        "session" => "会话",
        "permit" => "居住证",
        "import" => "导入",
        other => other,
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::Refused(field) => ApiError::from_field(Code::InvalidField, field),
            StoreError::Forbidden(field) => ApiError::from_field(Code::Forbidden, field),
            StoreError::NotFound { what, key } => ApiError::new(
                Code::NotFound,
                None,
                format!("找不到{} {key}，或不在您的管辖范围内", what_zh(what)),
                format!(
                    "expected {} {what} {key} within your scope, but found none",
                    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    }
                ),
            ),
            StoreError::Busy(detail) => {
                eprintln!("anju web: {detail}");
                ApiError::new(
                    Code::Busy,
                    None,
                    "数据库正忙：另一进程（如命令行导入）正在写入，本次未写入任何内容，请稍后重试",
                    "the database is busy: another process (such as an import from the command line) is writing; nothing was written, please try again shortly",
                )
            }
            StoreError::Database(detail) => ApiError::internal(&format!("database: {detail}")),
        }
    }
}

/// Seconds a client told the database is busy waits before it tries again: a
/// million-row import holds the writer about ten.
pub const RETRY_AFTER_SECONDS: u32 = 10;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.code.status(), axum::Json(self.body())).into_response();
        if self.code == Code::Busy {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong, where, and why in both languages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// What went wrong, for programs, e.g. `invalid_field`.
    pub code: Code,
    /// The field or parameter at fault, e.g. `residence.unit`; `null` when the error
    /// is about the request as a whole.
    pub field: Option<String>,
    /// 原因 — the reason in simplified Chinese.
    pub zh: String,
    /// The reason in English: "expected X, but found Y".
    pub en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_422_and_keep_the_field() {
        let error = ApiError::from(StoreError::Refused(FieldError::new(
            "residence.unit",
            "甲",
            "a",
        )));
        assert_eq!(error.code.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error.field.as_deref(), Some("residence.unit"));
    }

    #[test]
    fn what_was_not_found_is_named_in_both_languages() {
        let error = ApiError::from(StoreError::NotFound {
            what: "import",
            key: "7".into(),
        });
        assert_eq!(error.code.status(), StatusCode::NOT_FOUND);
        assert_eq!(error.message.zh, "找不到导入 7，或不在您的管辖范围内");
        assert_eq!(
            error.message.en,
            "expected an import 7 within your scope, but found none"
        );
    }

    #[test]
    fn a_busy_database_is_503_with_a_retry_after_and_says_nothing_was_written() {
        let error = ApiError::from(StoreError::Busy(
            "sqlite: beginning a transaction: database is locked".into(),
        ));
        let response = error.clone().into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "10");
        insta::assert_snapshot!(error.message.to_string(), @"数据库正忙：另一进程（如命令行导入）正在写入，本次未写入任何内容，请稍后重试 / the database is busy: another process (such as an import from the command line) is writing; nothing was written, please try again shortly");
    }

    #[test]
    fn database_errors_do_not_leak() {
        let error = ApiError::from(StoreError::Database(
            "disk I/O error at /secret/path".into(),
        ));
        assert_eq!(error.code.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!error.message.en.contains("secret"));
    }
}
