//! 方言 — what differs between the SQL engines the oracle runs on: how a date is
//! written and stored, the day after a date, the days between two dates, and the
//! greater and lesser of two values. Everything else the compiler writes is
//! standard SQL that DuckDB, PostgreSQL and SQLite read alike.

use jiff::civil::Date;

/// An SQL engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    Postgres,
    /// Dates are `YYYY-MM-DD` text, which sorts as the dates do.
    Sqlite,
}

/// The last day of "still holds": an open end is read as this day.
pub(super) const FAR: Date = Date::constant(9999, 12, 31);

impl Dialect {
    /// Every dialect, in the order benchmarks show them.
    pub const ALL: [Dialect; 3] = [Dialect::DuckDb, Dialect::Postgres, Dialect::Sqlite];

    /// The engine's name.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "DuckDB",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
        }
    }

    /// A date literal.
    pub(super) fn date(self, date: Date) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("DATE '{date}'"),
            Dialect::Sqlite => format!("'{date}'"),
        }
    }

    /// The column type of a date.
    pub(super) fn date_type(self) -> &'static str {
        match self {
            Dialect::DuckDb | Dialect::Postgres => "DATE",
            Dialect::Sqlite => "TEXT",
        }
    }

    /// The day after the date `expr`.
    pub(super) fn next_day(self, expr: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("({expr} + 1)"),
            Dialect::Sqlite => format!("date({expr}, '+1 day')"),
        }
    }

    /// The days from the date `from` to the date `to`.
    pub(super) fn days_between(self, from: &str, to: &str) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("({to} - {from})"),
            Dialect::Sqlite => format!("(julianday({to}) - julianday({from}))"),
        }
    }

    /// The greatest of non-null values.
    pub(super) fn greatest(self, items: &[String]) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("GREATEST({})", items.join(", ")),
            Dialect::Sqlite => format!("MAX({})", items.join(", ")),
        }
    }

    /// The least of non-null values.
    pub(super) fn least(self, items: &[String]) -> String {
        match self {
            Dialect::DuckDb | Dialect::Postgres => format!("LEAST({})", items.join(", ")),
            Dialect::Sqlite => format!("MIN({})", items.join(", ")),
        }
    }

    /// The end of a span stored as `expr`, an open end read as [`FAR`].
    pub(super) fn end(self, expr: &str) -> String {
        format!("COALESCE({expr}, {})", self.date(FAR))
    }
}
