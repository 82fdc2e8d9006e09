//! SQL 对照 — the indicator engine's independent oracle: the policy compiled to plain
//! SQL over a flat export of the registry, for DuckDB, PostgreSQL or SQLite.
//!
//! It reads only the policy's syntax tree (`domain::policy`) and the dated
//! hierarchy, and follows docs/policy.md; it uses nothing of the engine's
//! evaluation (no intervals, no calendar, no compiled sides). Its numerators and
//! denominators are exact integers over denominators known when compiling, so
//! they compare exactly with the engine's [`Exact`](crate::Exact) values
//! ([`compare`]). The same query, run on the three databases, is also the
//! benchmark's competition.
//!
//! ```text
//! Export::create(dir) … record / person / value … finish(hierarchy, dates)   the data
//! compile(policy, as_of, dialect) → Query                                   the SQL
//! run it (unit, n0, d0, n1, d1, …) → Row → compare(cube, query, rows)         the check
//! ```

mod compare;
mod dates;
mod dialect;
mod export;
mod person;
mod query;
mod record;
mod schema;

pub use compare::{Difference, Mismatch, Row, compare, read_rows};
pub use dialect::Dialect;
pub use export::Export;
pub use schema::{ColumnType, TABLES, Table, indexes};

use domain::policy::Policy;
use jiff::civil::Date;

/// A compiled query: one row per unit valid on the date, `unit` then `n0, d0, n1,
/// d1, …` per indicator in policy order (`dI` NULL for a plain amount; either NULL
/// when a reported value it needs is missing).
#[derive(Debug, Clone)]
pub struct Query {
    pub sql: String,
    pub as_of: Date,
    pub columns: Vec<IndicatorColumns>,
}

/// How to read one indicator's two columns: each is an integer over this
/// denominator (the least common denominator of its terms' scales).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorColumns {
    pub indicator: String,
    pub numerator_denom: i64,
    /// `None` for a plain amount.
    pub denominator_denom: Option<i64>,
}

/// Compiles every indicator of `policy` as of `as_of` for `dialect`.
pub fn compile(policy: &Policy, as_of: Date, dialect: Dialect) -> Query {
    let as_of = dates::AsOf {
        date: as_of,
        plan_start: policy.plan_start(),
    };
    query::compile(policy, &as_of, dialect)
}
