//! The little both backends have to offer: run a statement, read rows, copy rows in
//! bulk, inside one transaction. Everything else — which SQL, in what order, what
//! the rows mean — is written once against [`Sql`] and shared.
//!
//! Statements use SQLite's numbered placeholders `?1`, `?2`, …; the PostgreSQL
//! backend rewrites them to `$1`, `$2`, … (see [`numbered_to_dollar`]).

use std::borrow::Cow;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::StoreError;

/// A parameter value, typed so that both backends bind it to the right column type.
#[derive(Debug, Clone)]
pub(crate) enum Val<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(Cow<'a, str>),
    OptText(Option<Cow<'a, str>>),
    /// JSON, as text (TEXT in SQLite, jsonb in PostgreSQL).
    Json(Cow<'a, str>),
    OptJson(Option<Cow<'a, str>>),
    Date(Date),
    OptDate(Option<Date>),
    Time(Timestamp),
    Blob(Cow<'a, [u8]>),
}

impl From<i64> for Val<'_> {
    fn from(value: i64) -> Self {
        Val::Int(value)
    }
}

impl From<Option<i64>> for Val<'_> {
    fn from(value: Option<i64>) -> Self {
        Val::OptInt(value)
    }
}

impl<'a> From<&'a str> for Val<'a> {
    fn from(value: &'a str) -> Self {
        Val::Text(Cow::Borrowed(value))
    }
}

impl From<String> for Val<'_> {
    fn from(value: String) -> Self {
        Val::Text(Cow::Owned(value))
    }
}

impl From<Date> for Val<'_> {
    fn from(value: Date) -> Self {
        Val::Date(value)
    }
}

impl From<Option<Date>> for Val<'_> {
    fn from(value: Option<Date>) -> Self {
        Val::OptDate(value)
    }
}

impl From<Timestamp> for Val<'_> {
    fn from(value: Timestamp) -> Self {
        Val::Time(value)
    }
}

impl<'a> From<&'a [u8]> for Val<'a> {
    fn from(value: &'a [u8]) -> Self {
        Val::Blob(Cow::Borrowed(value))
    }
}

impl From<Vec<u8>> for Val<'_> {
    fn from(value: Vec<u8>) -> Self {
        Val::Blob(Cow::Owned(value))
    }
}

/// A division code as its 12-digit number.
impl From<domain::division::DivisionCode> for Val<'_> {
    fn from(value: domain::division::DivisionCode) -> Self {
        Val::Int(value.as_u64() as i64)
    }
}

impl From<Option<domain::division::DivisionCode>> for Val<'_> {
    fn from(value: Option<domain::division::DivisionCode>) -> Self {
        Val::OptInt(value.map(|code| code.as_u64() as i64))
    }
}

/// A failed statement: whether a unique constraint refused it, and what happened.
#[derive(Debug)]
pub(crate) struct DbError {
    pub unique: bool,
    pub message: String,
}

impl From<DbError> for StoreError {
    fn from(error: DbError) -> Self {
        StoreError::Database(error.message)
    }
}

/// What a statement was, for error messages: its first words.
pub(crate) fn describe(sql: &str) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// One value of a result row, as the backend gave it, borrowed from the row: a
/// start-up scan reads tens of millions of cells, and most are parsed, not kept.
#[derive(Debug)]
pub(crate) enum Cell<'r> {
    Null,
    Int(i64),
    /// Text, JSON text, or (in SQLite) a date written as text.
    Text(&'r str),
    Blob(&'r [u8]),
    Date(Date),
    Time(Timestamp),
}

fn mismatch<T>(column: usize, wanted: &str, found: &Cell) -> Result<T, StoreError> {
    Err(StoreError::Database(format!(
        "reading column {column}: expected {wanted}, but found {found:?}"
    )))
}

/// `None` for a null, else what `read` makes of the cell.
fn optional<'r, T>(
    cell: Cell<'r>,
    read: impl FnOnce(Cell<'r>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    match cell {
        Cell::Null => Ok(None),
        cell => read(cell).map(Some),
    }
}

fn as_int(column: usize, cell: Cell<'_>) -> Result<i64, StoreError> {
    match cell {
        Cell::Int(value) => Ok(value),
        other => mismatch(column, "an integer", &other),
    }
}

fn as_text(column: usize, cell: Cell<'_>) -> Result<&str, StoreError> {
    match cell {
        Cell::Text(text) => Ok(text),
        other => mismatch(column, "text", &other),
    }
}

fn as_blob(column: usize, cell: Cell<'_>) -> Result<&[u8], StoreError> {
    match cell {
        Cell::Blob(bytes) => Ok(bytes),
        other => mismatch(column, "bytes", &other),
    }
}

fn as_date(column: usize, cell: Cell<'_>) -> Result<Date, StoreError> {
    match cell {
        Cell::Date(date) => Ok(date),
        Cell::Text(text) => iso_date(text).ok_or_else(|| {
            StoreError::Database(format!(
                "reading column {column}: expected a date YYYY-MM-DD, but found {text:?}"
            ))
        }),
        other => mismatch(column, "a date", &other),
    }
}

/// A date written `YYYY-MM-DD`, the one form the store writes: read directly,
/// because a start-up scan reads two for every fact.
fn iso_date(text: &str) -> Option<Date> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text.as_bytes() else {
        return None;
    };
    let digits = |ds: &[u8]| {
        ds.iter().try_fold(0i16, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i16::from(d - b'0'))
        })
    };
    let year = digits(&[y0, y1, y2, y3])?;
    let month = i8::try_from(digits(&[m0, m1])?).ok()?;
    let day = i8::try_from(digits(&[d0, d1])?).ok()?;
    Date::new(year, month, day).ok()
}

/// One row of a result, read by column position. A backend says what each cell
/// holds; the typed readers are the same for both.
pub(crate) trait Row {
    /// The value in `column`.
    fn cell(&self, column: usize) -> Result<Cell<'_>, StoreError>;

    fn int(&self, column: usize) -> Result<i64, StoreError> {
        as_int(column, self.cell(column)?)
    }
    fn opt_int(&self, column: usize) -> Result<Option<i64>, StoreError> {
        optional(self.cell(column)?, |cell| as_int(column, cell))
    }
    /// Text or JSON text.
    fn text(&self, column: usize) -> Result<String, StoreError> {
        self.str(column).map(str::to_owned)
    }
    fn opt_text(&self, column: usize) -> Result<Option<String>, StoreError> {
        self.opt_str(column).map(|text| text.map(str::to_owned))
    }
    /// Text, borrowed from the row.
    fn str(&self, column: usize) -> Result<&str, StoreError> {
        as_text(column, self.cell(column)?)
    }
    fn opt_str(&self, column: usize) -> Result<Option<&str>, StoreError> {
        optional(self.cell(column)?, |cell| as_text(column, cell))
    }
    fn date(&self, column: usize) -> Result<Date, StoreError> {
        as_date(column, self.cell(column)?)
    }
    fn opt_date(&self, column: usize) -> Result<Option<Date>, StoreError> {
        optional(self.cell(column)?, |cell| as_date(column, cell))
    }
    /// A time: PostgreSQL's timestamptz, or SQLite's microseconds since the epoch.
    fn time(&self, column: usize) -> Result<Timestamp, StoreError> {
        match self.cell(column)? {
            Cell::Time(time) => Ok(time),
            Cell::Int(micros) => Timestamp::from_microsecond(micros).map_err(|e| {
                StoreError::Database(format!("reading column {column}: expected a time, {e}"))
            }),
            other => mismatch(column, "a time", &other),
        }
    }
    fn blob(&self, column: usize) -> Result<&[u8], StoreError> {
        as_blob(column, self.cell(column)?)
    }
    fn opt_blob(&self, column: usize) -> Result<Option<&[u8]>, StoreError> {
        optional(self.cell(column)?, |cell| as_blob(column, cell))
    }
}

/// The id an `INSERT … RETURNING` gave back.
pub(crate) fn returning_id(
    tx: &mut dyn Sql,
    sql: &str,
    params: &[Val<'_>],
) -> Result<i64, StoreError> {
    first(tx, sql, params, |row| row.int(0))?
        .ok_or_else(|| StoreError::Database(format!("{}: returned no row", describe(sql))))
}

/// Rows handed one at a time to a reader.
pub(crate) type RowFn<'f> = dyn FnMut(&dyn Row) -> Result<(), StoreError> + 'f;

/// One open transaction of either backend.
pub(crate) trait Sql {
    /// Runs one statement; how many rows it changed.
    fn exec(&mut self, sql: &str, params: &[Val<'_>]) -> Result<u64, DbError>;
    /// Runs one query, handing each row to `each`.
    fn query(
        &mut self,
        sql: &str,
        params: &[Val<'_>],
        each: &mut RowFn<'_>,
    ) -> Result<(), StoreError>;
    /// Runs several statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    /// Writes many rows into `table` as fast as the backend can (multi-row
    /// inserts, or COPY). Rows come in chunks, each a flat run of values, one per
    /// column for each of its rows; a chunk, once written, is handed to `spent`.
    fn bulk<'v>(
        &mut self,
        table: &str,
        columns: &[&str],
        chunks: &mut dyn Iterator<Item = Vec<Val<'v>>>,
        spent: &mut dyn FnMut(Vec<Val<'v>>),
    ) -> Result<u64, DbError>;
    /// Serialises writers that append to the event log, so that sequence numbers
    /// commit in order. (SQLite's write transactions already are; a read-only
    /// transaction appends nothing.)
    fn lock_log(&mut self) -> Result<(), DbError>;
    /// The clause that locks the rows a write transaction reads (`FOR UPDATE`), or
    /// nothing where the whole database is locked or the transaction reads only.
    fn for_update(&self) -> &'static str;
    /// Moves id sequences past ids a bulk load supplied.
    fn after_load(&mut self) -> Result<(), DbError>;
    /// A query of the secondary indexes of the table named `?1` (not those of
    /// primary keys or constraints): each index's name and the statement that
    /// creates it.
    fn index_catalog(&self) -> &'static str;
    /// Whether readers go on undisturbed while this transaction drops and
    /// builds indexes (they read the last commit), so that a large write may
    /// build a table's indexes again instead of keeping them up to date.
    fn readers_pass_index_builds(&self) -> bool;
}

/// Every row of a query, each turned into a value by `read`.
pub(crate) fn rows<T>(
    tx: &mut dyn Sql,
    sql: &str,
    params: &[Val<'_>],
    mut read: impl FnMut(&dyn Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    tx.query(sql, params, &mut |row| {
        out.push(read(row)?);
        Ok(())
    })?;
    Ok(out)
}

/// The first row of a query, if any.
pub(crate) fn first<T>(
    tx: &mut dyn Sql,
    sql: &str,
    params: &[Val<'_>],
    read: impl FnMut(&dyn Row) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    Ok(rows(tx, sql, params, read)?.into_iter().next())
}

/// `sql` with `?N` placeholders rewritten as PostgreSQL's `$N`.
pub(crate) fn numbered_to_dollar(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Migrations: each version's SQL runs once, in order, recorded in `schema_migrations`.
pub(crate) fn migrate(
    tx: &mut dyn Sql,
    migrations: &[(i64, &str)],
    now: Timestamp,
) -> Result<(), StoreError> {
    tx.batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")?;
    let done = rows(tx, "SELECT version FROM schema_migrations", &[], |row| {
        row.int(0)
    })?;
    for (version, sql) in migrations {
        if done.contains(version) {
            continue;
        }
        tx.batch(sql).map_err(|e| {
            StoreError::Database(format!("applying migration {version}: {}", e.message))
        })?;
        tx.exec(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            &[(*version).into(), now.to_string().into()],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars() {
        assert_eq!(
            numbered_to_dollar("a = ?1 AND b = ?12"),
            "a = $1 AND b = $12"
        );
        assert_eq!(numbered_to_dollar("SELECT 1"), "SELECT 1");
    }

    #[test]
    fn descriptions_are_short() {
        assert_eq!(describe("SELECT  a\n FROM b"), "SELECT a FROM b");
        assert!(describe(&"x ".repeat(100)).ends_with('…'));
    }
}
