//! Path and query parameters, and the parsers of their values. A malformed parameter
//! gets 400 naming it.

use axum::extract::FromRequestParts;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::http::request::Parts;
use domain::Date;
use domain::message::Message;
use domain::resident_id::ResidentId;
use serde::de::DeserializeOwned;

use super::reasons::{bare_message, clip, data_error, type_zh};
use crate::error::{ApiError, Code};

/// Path parameters, e.g. a person's number; a malformed one gets 400 naming it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(path_error(rejection)),
        }
    }
}

fn path_error(rejection: PathRejection) -> ApiError {
    let bad = |field: &str, value: &str, expected: &str| {
        let value = clip(value);
        ApiError::new(
            Code::InvalidParameter,
            Some(field),
            format!("路径参数 {field} 应为{}，实为“{value}”", type_zh(expected)),
            format!("expected {expected} as path parameter {field}, but found {value:?}"),
        )
    };
    match rejection {
        PathRejection::FailedToDeserializePathParams(error) => match error.into_kind() {
            ErrorKind::ParseErrorAtKey {
                key,
                value,
                expected_type,
            } => bad(&key, &value, expected_type),
            ErrorKind::ParseErrorAtIndex {
                value,
                expected_type,
                ..
            }
            | ErrorKind::ParseError {
                value,
                expected_type,
            } => bad("path", &value, expected_type),
            ErrorKind::InvalidUtf8InPathParam { key } => ApiError::new(
                Code::InvalidParameter,
                Some(&key),
                format!("路径参数 {key} 不是有效的 UTF-8 文本"),
                format!("expected UTF-8 text as path parameter {key}, but found other bytes"),
            ),
            other => ApiError::new(
                Code::InvalidParameter,
                Some("path"),
                "路径参数无效",
                format!(
                    "expected valid path parameters, but {}",
                    clip(&other.to_string())
                ),
            ),
        },
        other => ApiError::internal(&format!("path extraction: {}", other.body_text())),
    }
}

/// A query string. `T`'s fields should be `Option<String>` (and the struct deny
/// unknown fields); the handler parses each value with [`date_param`],
/// [`count_param`] or [`resident_id_param`], so that every error names its parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map_err(|rejection| {
                ApiError::new(
                    Code::InvalidParameter,
                    Some("query"),
                    "查询字符串格式错误",
                    format!(
                        "expected a query string of name=value pairs, but {}",
                        clip(&rejection.body_text())
                    ),
                )
            })?;
        let mut map = serde_json::Map::new();
        for (name, value) in pairs.0 {
            if map.contains_key(&name) {
                let name = clip(&name);
                return Err(ApiError::new(
                    Code::InvalidParameter,
                    Some(&name),
                    format!("查询参数 {name} 重复"),
                    format!("expected query parameter {name} once, but found it more than once"),
                ));
            }
            map.insert(name, serde_json::Value::String(value));
        }
        serde_path_to_error::deserialize(serde_json::Value::Object(map))
            .map(Query)
            .map_err(|error| {
                let path = error.path().to_string();
                data_error(Code::InvalidParameter, &path, &bare_message(error.inner()))
            })
    }
}

fn invalid_parameter(field: &str, message: Message) -> ApiError {
    ApiError {
        code: Code::InvalidParameter,
        field: Some(field.to_owned()),
        message,
    }
}

/// Parses a civil date written `YYYY-MM-DD` that exists in the calendar.
pub fn parse_date(text: &str) -> Result<Date, Message> {
    let shown = clip(text);
    let wrong_form = || {
        Message::new(
            format!("日期应写作 YYYY-MM-DD，实为“{shown}”"),
            format!("expected a date written YYYY-MM-DD, but found {shown:?}"),
        )
    };
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(wrong_form());
    };
    let digits =
        |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return Err(wrong_form());
    }
    let (year, month, day) = (
        year.parse().unwrap_or(0),
        month.parse().unwrap_or(0),
        day.parse().unwrap_or(0),
    );
    Date::new(year, month, day).map_err(|_| {
        Message::new(
            format!("日期 {shown} 在日历上不存在"),
            format!("expected a date that exists in the calendar, but found {shown}"),
        )
    })
}

/// An optional date query parameter.
pub fn date_param(field: &str, value: Option<&str>) -> Result<Option<Date>, ApiError> {
    value
        .map(|text| parse_date(text).map_err(|message| invalid_parameter(field, message)))
        .transpose()
}

/// An optional count (offset or limit) query parameter: `default` when absent, and
/// at most `max`.
pub fn count_param(
    field: &str,
    value: Option<&str>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    let Some(text) = value else {
        return Ok(default);
    };
    let shown = clip(text);
    match text.parse::<usize>() {
        Ok(count) if count <= max => Ok(count),
        _ => Err(invalid_parameter(
            field,
            Message::new(
                format!("{field} 应为 0 至 {max} 的整数，实为“{shown}”"),
                format!("expected an integer from 0 to {max} as {field}, but found {shown:?}"),
            ),
        )),
    }
}

/// A resident ID number given as a query parameter.
pub fn resident_id_param(field: &str, text: &str) -> Result<ResidentId, ApiError> {
    ResidentId::parse(text).map_err(|error| invalid_parameter(field, error.message()))
}
