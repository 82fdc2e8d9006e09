//! [`Sql`] over a rusqlite connection: cached prepared statements, values bound
//! as SQLite stores them (dates as `YYYY-MM-DD` text, times as integer
//! microseconds since the Unix epoch, so both sort and compare as they should).

use jiff::civil::Date;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, Statement, ToSql, params_from_iter};

use crate::StoreError;
use crate::sql::{Cell, DbError, Row, RowFn, Sql, Val, describe};

impl ToSql for Val<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Int(value) => ToSqlOutput::Owned(Value::Integer(*value)),
            Val::OptInt(value) => value.map_or(ToSqlOutput::Owned(Value::Null), |v| {
                ToSqlOutput::Owned(Value::Integer(v))
            }),
            Val::Text(text) | Val::Json(text) => {
                ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes()))
            }
            Val::OptText(text) | Val::OptJson(text) => match text {
                Some(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
                None => ToSqlOutput::Owned(Value::Null),
            },
            Val::Date(date) => ToSqlOutput::Owned(Value::Text(date.to_string())),
            Val::OptDate(date) => date.map_or(ToSqlOutput::Owned(Value::Null), |d| {
                ToSqlOutput::Owned(Value::Text(d.to_string()))
            }),
            Val::Time(time) => ToSqlOutput::Owned(Value::Integer(time.as_microsecond())),
            Val::Blob(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

/// Rows in one bulk INSERT statement.
const ROWS_PER_INSERT: usize = 64;

/// Parameters one statement may have (SQLite's default limit is 32,766).
const MAX_PARAMETERS: usize = 32_000;

/// `INSERT OR FAIL INTO table (columns) VALUES (?, …), …` for `rows` rows.
///
/// `OR FAIL` (a broken constraint stops the statement and keeps the rows
/// before it) rather than the default `ABORT` (which undoes the statement):
/// a bulk load fails its whole transaction on any error anyway, and a statement
/// that may have to undo itself makes SQLite copy every page it touches into a
/// statement journal first, which inside a large transaction cost more than
/// the inserts.
fn insert(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT OR FAIL INTO {table} ({}) VALUES {}",
        columns.join(", "),
        vec![row; rows].join(", ")
    )
}

/// `date` as SQLite keeps it (`YYYY-MM-DD`), written into `buffer`; `None` for
/// a year outside 0–9999, which `Date`'s own formatting spells differently.
fn date_text(date: Date, buffer: &mut [u8; 10]) -> Option<&str> {
    let year = u16::try_from(date.year())
        .ok()
        .filter(|year| *year <= 9999)?;
    let digits = |value: u16, out: &mut [u8]| {
        let mut value = value;
        for slot in out.iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    digits(year, &mut buffer[0..4]);
    buffer[4] = b'-';
    digits(date.month() as u16, &mut buffer[5..7]);
    buffer[7] = b'-';
    digits(date.day() as u16, &mut buffer[8..10]);
    std::str::from_utf8(buffer).ok()
}

/// Binds `value` to parameter `index` of `statement`; dates are written into
/// a buffer on the stack rather than a new string.
fn bind(statement: &mut Statement<'_>, index: usize, value: &Val<'_>) -> rusqlite::Result<()> {
    let date = match value {
        Val::Date(date) => Some(*date),
        Val::OptDate(date) => *date,
        _ => None,
    };
    let mut buffer = [0u8; 10];
    match date.and_then(|date| date_text(date, &mut buffer)) {
        Some(text) => statement.raw_bind_parameter(index, text),
        None => statement.raw_bind_parameter(index, value),
    }
}

fn db_error(what: &str, error: rusqlite::Error) -> DbError {
    let unique = matches!(
        &error,
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    );
    DbError {
        unique,
        message: format!("sqlite: {what}: {error}"),
    }
}

/// A transaction (or read snapshot) on one SQLite connection.
pub(crate) struct SqliteSql<'c> {
    pub conn: &'c Connection,
}

struct SqliteRow<'r, 's>(&'r rusqlite::Row<'s>);

impl Row for SqliteRow<'_, '_> {
    fn cell(&self, column: usize) -> Result<Cell<'_>, StoreError> {
        let fail =
            |why: String| StoreError::Database(format!("sqlite: reading column {column}: {why}"));
        Ok(
            match self.0.get_ref(column).map_err(|e| fail(e.to_string()))? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(value) => Cell::Int(value),
                ValueRef::Real(value) => {
                    return Err(fail(format!(
                        "expected no floating point, but found {value}"
                    )));
                }
                ValueRef::Text(text) => {
                    Cell::Text(std::str::from_utf8(text).map_err(|e| fail(e.to_string()))?)
                }
                ValueRef::Blob(bytes) => Cell::Blob(bytes),
            },
        )
    }
}

impl Sql for SqliteSql<'_> {
    fn exec(&mut self, sql: &str, params: &[Val<'_>]) -> Result<u64, DbError> {
        let mut statement = self
            .conn
            .prepare_cached(sql)
            .map_err(|e| db_error(&describe(sql), e))?;
        let changed = statement
            .execute(params_from_iter(params))
            .map_err(|e| db_error(&describe(sql), e))?;
        Ok(changed as u64)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Val<'_>],
        each: &mut RowFn<'_>,
    ) -> Result<(), StoreError> {
        let fail = |e| StoreError::from(db_error(&describe(sql), e));
        let mut statement = self.conn.prepare_cached(sql).map_err(fail)?;
        let mut rows = statement.query(params_from_iter(params)).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            each(&SqliteRow(row))?;
        }
        Ok(())
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| db_error(&describe(sql), e))
    }

    fn bulk<'v>(
        &mut self,
        table: &str,
        columns: &[&str],
        chunks: &mut dyn Iterator<Item = Vec<Val<'v>>>,
        spent: &mut dyn FnMut(Vec<Val<'v>>),
    ) -> Result<u64, DbError> {
        let what = format!("loading {table}");
        let fail = |e| db_error(&what, e);
        // Foreign keys checked at the commit, for the same reason as `OR FAIL`
        // (an immediate check may have to undo the statement); the setting
        // ends with the transaction, and a broken key fails the commit.
        self.conn
            .execute_batch("PRAGMA defer_foreign_keys = ON")
            .map_err(fail)?;
        let width = columns.len().max(1);
        // Many rows per statement: one cursor appends them all, where a statement
        // per row would seek from the root of the table (and of each index) again.
        let per = (MAX_PARAMETERS / width).clamp(1, ROWS_PER_INSERT);
        let mut many = self
            .conn
            .prepare_cached(&insert(table, columns, per))
            .map_err(fail)?;
        let mut one = self
            .conn
            .prepare_cached(&insert(table, columns, 1))
            .map_err(fail)?;
        let mut count = 0;
        for chunk in chunks {
            for rows in chunk.chunks(per * width) {
                let statement = if rows.len() == per * width {
                    &mut many
                } else {
                    &mut one
                };
                for row in rows.chunks(statement.parameter_count()) {
                    for (n, value) in row.iter().enumerate() {
                        bind(statement, n + 1, value).map_err(fail)?;
                    }
                    statement.raw_execute().map_err(fail)?;
                }
            }
            count += (chunk.len() / width) as u64;
            spent(chunk);
        }
        Ok(count)
    }

    fn lock_log(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    fn for_update(&self) -> &'static str {
        ""
    }

    fn after_load(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    fn readers_pass_index_builds(&self) -> bool {
        // In WAL mode a reader keeps the snapshot it started with.
        true
    }

    fn index_catalog(&self) -> &'static str {
        // Indexes SQLite makes for constraints have no SQL.
        "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name"
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn dates_are_written_as_date_writes_them() {
        let mut buffer = [0u8; 10];
        for day in [
            date(2019, 1, 2),
            date(1, 12, 31),
            date(9999, 10, 9),
            date(2024, 2, 29),
        ] {
            assert_eq!(date_text(day, &mut buffer), Some(day.to_string().as_str()));
        }
        assert_eq!(date_text(date(-1, 1, 1), &mut buffer), None);
    }
}
