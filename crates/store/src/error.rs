//! Why a store call failed, in kinds a caller can act on.

use domain::message::FieldError;

/// A failed store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The change or query was refused: which field, and why (both languages).
    #[error("refused: {0}")]
    Refused(FieldError),
    /// The caller may not see or do this (outside their scope, or not their role).
    #[error("forbidden: {0}")]
    Forbidden(FieldError),
    /// Nothing of that kind with that key, or none the caller may see.
    #[error("not found: {what} {key}")]
    NotFound {
        /// The kind of thing, e.g. `person` or `record`.
        what: &'static str,
        /// The key asked for, e.g. the person's number.
        key: String,
    },
    /// The database itself failed (connection, disk, corrupt data).
    #[error("database: {0}")]
    Database(String),
}
