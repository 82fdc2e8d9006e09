//! SQL 对照与基准 — the tools that check the indicator engine against its SQL oracle
//! (`analytics::sql`) and race it against DuckDB, PostgreSQL and SQLite running the
//! same compiled SQL over the same data: the demo city in memory, its export, and
//! a runner per database. For tests and benchmarks only.

pub mod city;
pub mod duckdb;
pub mod postgres;
pub mod sqlite;

use std::time::Duration;

/// How long a database took: loading the export, and each run of each query.
#[derive(Debug, Clone)]
pub struct Timings {
    pub load: Duration,
    /// Per query, per run.
    pub runs: Vec<Vec<Duration>>,
}
