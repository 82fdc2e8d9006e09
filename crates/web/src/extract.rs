//! 请求解析 — extractors that turn every malformed request into a 4xx [`ApiError`]
//! naming the field and the reason in both languages, never into axum's plain-text
//! rejections or a 5xx: [`Json`] bodies, [`Path`] parameters and [`Query`] strings,
//! plus [`Text`] (a date, ID number or division code in a body, which the handler
//! parses naming its field) and the parsers of query values.
//!
//! They only parse. Whether a well-formed value is acceptable (a village that
//! exists, a date after the birth date) is for the domain and the store to say.

mod params;
mod reasons;
mod text;

pub use params::{Path, Query, count_param, date_param, parse_date, resident_id_param};
pub use text::{CodeText, DateText, FromText, IdText, Text, field};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use self::reasons::{bare_message, clip, data_error};
use crate::BODY_LIMIT;
use crate::error::{ApiError, Code};

/// A JSON request body (which must be declared `application/json`) or a JSON
/// answer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        check_content_type(request.headers())?;
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_rejection)?;
        from_json(&bytes).map(Json)
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(ApiError::new(
            Code::UnsupportedMediaType,
            Some("content-type"),
            "请求体须为 JSON，请设置 Content-Type: application/json",
            "expected Content-Type application/json, but found none",
        ));
    };
    let text = String::from_utf8_lossy(value.as_bytes());
    let essence = text
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        let found = clip(&text);
        Err(ApiError::new(
            Code::UnsupportedMediaType,
            Some("content-type"),
            format!("请求体须为 JSON（Content-Type: application/json），实为 {found}"),
            format!("expected Content-Type application/json, but found {found}"),
        ))
    }
}

fn body_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            Code::PayloadTooLarge,
            Some("body"),
            format!("请求体超过 {BODY_LIMIT} 字节的上限"),
            format!("expected a body of at most {BODY_LIMIT} bytes, but found more"),
        )
    } else {
        ApiError::new(
            Code::MalformedJson,
            Some("body"),
            "无法读取请求体",
            format!(
                "expected a readable body, but reading it failed: {}",
                rejection.body_text()
            ),
        )
    }
}

/// Parses a JSON object into `T`, naming the field at fault on failure. Every body
/// of the API is an object: serde would read an array into a struct by position,
/// which no client means.
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
            .map_err(|error| syntax_error(&error))?;
        return Err(ApiError::new(
            Code::InvalidField,
            Some("body"),
            "请求体应为 JSON 对象（{…}）",
            "expected a JSON object as the body, but found another JSON value",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            Category::Data => data_error(Code::InvalidField, &path, &bare_message(&inner)),
            Category::Syntax | Category::Eof | Category::Io => syntax_error(&inner),
        }
    })?;
    deserializer.end().map_err(|error| syntax_error(&error))?;
    Ok(value)
}

fn syntax_error(error: &serde_json::Error) -> ApiError {
    let (line, column) = (error.line(), error.column());
    let reason = bare_message(error);
    let zh_reason = if reason.starts_with("EOF while parsing") {
        "内容不完整".to_owned()
    } else if reason == "trailing characters" {
        "末尾有多余的字符".to_owned()
    } else if reason == "expected value" {
        "此处应为一个值".to_owned()
    } else if reason == "key must be a string" {
        "对象的键须为字符串".to_owned()
    } else {
        format!("语法错误（{reason}）")
    };
    ApiError::new(
        Code::MalformedJson,
        Some("body"),
        format!("请求体不是有效的 JSON：第 {line} 行第 {column} 列，{zh_reason}"),
        format!(
            "expected a JSON document, but found an error at line {line} column {column}: {reason}"
        ),
    )
}

#[cfg(test)]
mod tests;
