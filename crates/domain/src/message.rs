//! Bilingual messages for people: simplified Chinese first, English second.
//!
//! Every error that reaches a user names the field (or file, row and column) and the
//! reason in both languages. This module holds the shape; each module that can fail
//! writes its own reasons.

use serde::Serialize;

/// A reason in both languages, e.g. `校验码错误` / `wrong check digit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub zh: String,
    pub en: String,
}

impl Message {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.zh, self.en)
    }
}

/// A rejected input: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field's name as the caller wrote it, e.g. `resident_id` or `facts[2].from`.
    pub field: String,
    pub message: Message,
}

impl FieldError {
    pub fn new(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: Message::new(zh, en),
        }
    }
}
