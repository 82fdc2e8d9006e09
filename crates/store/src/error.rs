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
    /// Another process held the database's writer for longer than a write
    /// waits (on SQLite: a large import from the command line): nothing was
    /// written, and the same call may succeed a little later.
    #[error(
        "数据库正忙：另一进程正在写入，未写入任何内容，请稍后重试 / the database is busy: another process is writing; nothing was written, try again shortly ({0})"
    )]
    Busy(String),
    /// The database itself failed (connection, disk, corrupt data).
    #[error("database: {0}")]
    Database(String),
}
