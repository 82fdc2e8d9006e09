//! Serde's error messages ("missing field `x`", "invalid type: …, expected …") as
//! bilingual reasons naming the field, for bodies and query strings alike.

use domain::message::Message;

use crate::error::{ApiError, Code};

/// A serde_json error's message without its " at line L column C".
pub(super) fn bare_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&position).unwrap_or(&text).to_owned()
}

/// `path` (as serde_path_to_error writes it, `.` for the root) with `name` appended.
fn join(path: &str, name: &str) -> String {
    match path {
        "." | "" => name.to_owned(),
        path if path == name || path.ends_with(&format!(".{name}")) => path.to_owned(),
        path => format!("{path}.{name}"),
    }
}

/// The names between backticks in a serde message, e.g. the expected variants.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The first backticked name after `prefix`, and what follows it.
fn named<'a>(message: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split_once('`')
}

/// A type as serde names it ("i64", "a string"), in Chinese.
pub(super) fn type_zh(expected: &str) -> String {
    let integer = [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize",
    ];
    if integer.contains(&expected) {
        format!("整数（{expected}）")
    } else if expected == "a string" {
        "字符串".to_owned()
    } else if expected == "a boolean" {
        "布尔值".to_owned()
    } else if expected.contains("sequence") {
        "数组".to_owned()
    } else if expected.starts_with("struct ")
        || expected.contains("map")
        || expected.contains("enum")
    {
        "对象".to_owned()
    } else {
        expected.to_owned()
    }
}

/// A value as serde describes it ("integer `5`", "string \"x\"", "map"), in Chinese.
fn found_zh(found: &str) -> String {
    let value = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|rest| rest.trim_matches('`').to_owned())
    };
    if let Some(text) = value("string ") {
        format!("字符串 {text}")
    } else if let Some(number) = value("integer ") {
        format!("整数 {number}")
    } else if let Some(number) = value("floating point ") {
        format!("小数 {number}")
    } else if let Some(truth) = value("boolean ") {
        format!("布尔值 {truth}")
    } else {
        match found {
            "map" => "对象".to_owned(),
            "sequence" => "数组".to_owned(),
            "null" | "unit value" => "null".to_owned(),
            other => other.to_owned(),
        }
    }
}

/// Maps a serde data error at `path` to a 4xx error of `code` naming the field.
pub(super) fn data_error(code: Code, path: &str, message: &str) -> ApiError {
    let at = |field: String, zh: String, en: String| ApiError {
        code,
        field: Some(field),
        message: Message::new(zh, en),
    };
    let root = join(path, "body");
    let here = if path == "." {
        if code == Code::InvalidField {
            root
        } else {
            "query".into()
        }
    } else {
        path.to_owned()
    };
    if let Some((name, _)) = named(message, "missing field ") {
        return at(
            join(path, name),
            format!("缺少必填字段 {name}"),
            format!("expected field {name}, but it is missing"),
        );
    }
    if let Some((name, rest)) = named(message, "unknown field ") {
        let expected = backticked(rest).join(", ");
        return at(
            join(path, name),
            format!("不认识的字段 {name}（可用的字段：{expected}）"),
            format!("expected one of the fields {expected}, but found unknown field {name}"),
        );
    }
    if let Some((name, _)) = named(message, "duplicate field ") {
        return at(
            join(path, name),
            format!("字段 {name} 重复"),
            format!("expected field {name} once, but found it twice"),
        );
    }
    if let Some((value, rest)) = named(message, "unknown variant ") {
        let expected = backticked(rest).join(", ");
        let value = clip(value);
        return at(
            here,
            format!("取值“{value}”无效，应为以下之一：{expected}"),
            format!("expected one of {expected}, but found {value:?}"),
        );
    }
    for (prefix, zh_kind) in [
        ("invalid type: ", "类型"),
        ("invalid value: ", "取值"),
        ("invalid length ", "长度"),
    ] {
        if let Some((found, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit_once(", expected "))
        {
            let found = clip(found);
            return at(
                here,
                format!(
                    "{zh_kind}不对：应为{}，实为{}",
                    type_zh(expected),
                    found_zh(&found)
                ),
                format!("expected {expected}, but found {found}"),
            );
        }
    }
    // Text that is not serde's own (a domain type that serde reads itself, such as
    // a division code inside a fact kind): passed on whole, not taken apart.
    let reason = clip_to(message, REASON_LIMIT);
    at(
        here,
        format!("取值无效（{reason}）"),
        format!("expected a valid value, but {reason}"),
    )
}

/// The most characters of a reason an answer repeats.
pub(super) const REASON_LIMIT: usize = 240;

/// `text` cut to 60 characters, so that answers never echo a huge input.
pub(super) fn clip(text: &str) -> String {
    clip_to(text, 60)
}

/// `text` cut to `limit` characters.
pub(super) fn clip_to(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
