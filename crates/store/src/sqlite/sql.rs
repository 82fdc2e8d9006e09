//! [`Sql`] over a rusqlite connection: cached prepared statements, values bound
//! as SQLite stores them (dates as `YYYY-MM-DD` text, times as integer
//! microseconds since the Unix epoch, so both sort and compare as they should).

use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, ToSql, params_from_iter};

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
    fn cell(&self, column: usize) -> Result<Cell, StoreError> {
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
                    Cell::Text(String::from_utf8(text.to_vec()).map_err(|e| fail(e.to_string()))?)
                }
                ValueRef::Blob(bytes) => Cell::Blob(bytes.to_vec()),
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

    fn bulk(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Val<'_>>>,
    ) -> Result<u64, DbError> {
        let marks: Vec<String> = (1..=columns.len()).map(|n| format!("?{n}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        );
        let what = format!("loading {table}");
        let mut statement = self
            .conn
            .prepare_cached(&sql)
            .map_err(|e| db_error(&what, e))?;
        let mut count = 0;
        for row in rows {
            statement
                .execute(params_from_iter(&row))
                .map_err(|e| db_error(&what, e))?;
            count += 1;
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
}
