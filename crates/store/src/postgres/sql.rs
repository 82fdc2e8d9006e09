//! [`Sql`] over a PostgreSQL transaction: `?N` placeholders rewritten to `$N`,
//! values bound with their PostgreSQL types (JSON as jsonb), bulk rows sent with
//! binary COPY.

use std::error::Error;

use bytes::BytesMut;
use jiff::Timestamp;
use jiff::civil::Date;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::error::SqlState;
use postgres::types::{FromSql, IsNull, ToSql, Type};

use crate::StoreError;
use crate::sql::{Cell, DbError, Row, RowFn, Sql, Val, describe, numbered_to_dollar};

type BoxError = Box<dyn Error + Sync + Send>;

/// JSON text bound to a json or jsonb parameter.
#[derive(Debug)]
struct JsonText<'a>(&'a str);

impl ToSql for JsonText<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if *ty == Type::JSONB {
            out.extend_from_slice(&[1]);
        }
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::JSON | Type::JSONB)
    }

    postgres::types::to_sql_checked!();
}

/// Text read from a text, json or jsonb column.
struct AnyText<'a>(&'a str);

impl<'a> FromSql<'a> for AnyText<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let raw = match (*ty == Type::JSONB, raw.split_first()) {
            (true, Some((1, rest))) => rest,
            (true, _) => return Err("unsupported jsonb version".into()),
            (false, _) => raw,
        };
        Ok(AnyText(std::str::from_utf8(raw)?))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::JSON | Type::JSONB
        )
    }
}

impl ToSql for Val<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        self.to_sql_checked(ty, out)
    }

    /// Checked per value in [`ToSql::to_sql_checked`].
    fn accepts(_: &Type) -> bool {
        true
    }

    fn to_sql_checked(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        let inner: &(dyn ToSql + Sync) = match self {
            Val::Int(value) => value,
            Val::OptInt(value) => value,
            Val::Text(text) => text,
            Val::OptText(text) => text,
            Val::Json(text) => return JsonText(text).to_sql_checked(ty, out),
            Val::OptJson(Some(text)) => return JsonText(text).to_sql_checked(ty, out),
            Val::OptJson(None) => return Ok(IsNull::Yes),
            Val::Date(date) => date,
            Val::OptDate(date) => date,
            Val::Time(time) => time,
            Val::Blob(bytes) => bytes,
        };
        inner.to_sql_checked(ty, out)
    }
}

pub(crate) fn db_error(what: &str, error: postgres::Error) -> DbError {
    let unique = error.code() == Some(&SqlState::UNIQUE_VIOLATION);
    let detail = match error.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => error.to_string(),
    };
    DbError {
        unique,
        message: format!("postgres: {what}: {detail}"),
    }
}

struct PgRow<'r>(&'r postgres::Row);

impl PgRow<'_> {
    fn get<'a, T: FromSql<'a>>(&'a self, column: usize) -> Result<Option<T>, StoreError> {
        self.0.try_get(column).map_err(|error| {
            StoreError::Database(format!("postgres: reading column {column}: {error}"))
        })
    }
}

impl Row for PgRow<'_> {
    fn cell(&self, column: usize) -> Result<Cell<'_>, StoreError> {
        let cell = match *self.0.columns()[column].type_() {
            Type::INT8 => self.get::<i64>(column)?.map(Cell::Int),
            Type::INT4 => self
                .get::<i32>(column)?
                .map(|value| Cell::Int(value.into())),
            Type::DATE => self.get::<Date>(column)?.map(Cell::Date),
            Type::TIMESTAMPTZ => self.get::<Timestamp>(column)?.map(Cell::Time),
            Type::BYTEA => self.get::<&[u8]>(column)?.map(Cell::Blob),
            _ => self.get::<AnyText>(column)?.map(|text| Cell::Text(text.0)),
        };
        Ok(cell.unwrap_or(Cell::Null))
    }
}

/// One open PostgreSQL transaction.
pub(crate) struct PgSql<'c> {
    pub tx: postgres::Transaction<'c>,
    /// A read-only transaction takes no locks: it writes nothing to protect.
    pub read_only: bool,
}

fn refs<'v>(params: &'v [Val<'_>]) -> Vec<&'v (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|value| value as &(dyn ToSql + Sync))
        .collect()
}

impl Sql for PgSql<'_> {
    fn exec(&mut self, sql: &str, params: &[Val<'_>]) -> Result<u64, DbError> {
        self.tx
            .execute(numbered_to_dollar(sql).as_ref(), &refs(params))
            .map_err(|e| db_error(&describe(sql), e))
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Val<'_>],
        each: &mut RowFn<'_>,
    ) -> Result<(), StoreError> {
        let rows = self
            .tx
            .query(numbered_to_dollar(sql).as_ref(), &refs(params))
            .map_err(|e| db_error(&describe(sql), e))?;
        rows.iter().try_for_each(|row| each(&PgRow(row)))
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.tx
            .batch_execute(sql)
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
        let columns = columns.join(", ");
        let probe = self
            .tx
            .prepare(&format!("SELECT {columns} FROM {table} LIMIT 0"))
            .map_err(fail)?;
        let types: Vec<Type> = probe
            .columns()
            .iter()
            .map(|column| column.type_().clone())
            .collect();
        let sink = self
            .tx
            .copy_in(&format!(
                "COPY {table} ({columns}) FROM STDIN (FORMAT binary)"
            ))
            .map_err(fail)?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        let width = types.len().max(1);
        for chunk in chunks {
            for row in chunk.chunks(width) {
                writer.write(&refs(row)).map_err(fail)?;
            }
            spent(chunk);
        }
        writer.finish().map_err(fail)
    }

    fn lock_log(&mut self) -> Result<(), DbError> {
        if self.read_only {
            return Ok(());
        }
        self.batch("LOCK TABLE events IN EXCLUSIVE MODE")
    }

    fn for_update(&self) -> &'static str {
        if self.read_only { "" } else { " FOR UPDATE" }
    }

    fn after_load(&mut self) -> Result<(), DbError> {
        for table in [
            "users",
            "persons",
            "facts",
            "records",
            "person_views",
            "permits",
        ] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            );
            self.batch(&sql)?;
        }
        Ok(())
    }

    fn readers_pass_index_builds(&self) -> bool {
        // DROP INDEX locks the table against readers until the commit.
        false
    }

    fn index_catalog(&self) -> &'static str {
        "SELECT i.relname::text, pg_get_indexdef(i.oid) FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         WHERE t.relname::text = ?1 AND t.relnamespace = current_schema()::regnamespace \
         AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) \
         ORDER BY 1"
    }
}
