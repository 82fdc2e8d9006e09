//! DuckDB — loads the exported CSV files into an in-memory DuckDB and runs compiled
//! queries there, through Python (`pip install duckdb`; no Rust binding to build).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use analytics::sql::{Dialect, Query, Row, TABLES, read_rows};
use anyhow::{Context as _, Result, bail};
use serde::Deserialize;

use super::Timings;

const SCRIPT: &str = include_str!("duckdb.py");

#[derive(Deserialize)]
struct Reported {
    load: f64,
    queries: Vec<Vec<f64>>,
}

/// Runs each of `queries` `runs` times over the export in `dir`; their answers and
/// the times.
pub fn run(dir: &Path, queries: &[Query], runs: usize) -> Result<(Vec<Vec<Row>>, Timings)> {
    let mut load = String::new();
    for table in TABLES {
        let file = dir.join(format!("{}.csv", table.name));
        load.push_str(&format!(
            "{};\nCOPY {} FROM '{}' (HEADER);\n",
            table.create(Dialect::DuckDb),
            table.name,
            file.display()
        ));
    }
    std::fs::write(dir.join("load.sql"), load)?;
    let mut names = Vec::new();
    for (i, query) in queries.iter().enumerate() {
        let name = format!("duckdb-{i}");
        std::fs::write(dir.join(format!("{name}.sql")), &query.sql)?;
        names.push(name);
    }
    let output = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(dir)
        .arg(runs.to_string())
        .args(&names)
        .output()
        .context("运行 python3 running python3 (DuckDB runs through Python: pip install duckdb)")?;
    if !output.status.success() {
        bail!(
            "DuckDB 运行失败 / DuckDB failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let reported: Reported = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "reading DuckDB's timings: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })?;
    let answers = names
        .iter()
        .map(|name| read_rows(&dir.join(format!("{name}.csv"))).map_err(anyhow::Error::msg))
        .collect::<Result<_>>()?;
    Ok((
        answers,
        Timings {
            load: Duration::from_secs_f64(reported.load),
            runs: reported
                .queries
                .into_iter()
                .map(|times| times.into_iter().map(Duration::from_secs_f64).collect())
                .collect(),
        },
    ))
}
