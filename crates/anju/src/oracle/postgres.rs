//! PostgreSQL — loads the exported CSV files into a schema of its own (`COPY`),
//! indexes and analyses them, and runs compiled queries; drops the schema after.

use std::fs::File;
use std::path::Path;
use std::time::Instant;

use analytics::sql::{Dialect, Query, Row, TABLES, indexes};
use anyhow::{Context as _, Result, anyhow};
use domain::division::DivisionCode;

use super::Timings;

/// The schema the benchmark loads into and drops.
const SCHEMA: &str = "anju_oracle";

/// Runs each of `queries` `runs` times over the export in `dir`, in the database
/// `url` (a libpq connection string); their answers and the times.
pub fn run(
    url: &str,
    dir: &Path,
    queries: &[Query],
    runs: usize,
) -> Result<(Vec<Vec<Row>>, Timings)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls)
        .with_context(|| format!("连接 PostgreSQL connecting to {url}"))?;
    client.batch_execute(&format!(
        "DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}; SET search_path = {SCHEMA}"
    ))?;
    let started = Instant::now();
    for table in TABLES {
        client.batch_execute(&table.create(Dialect::Postgres))?;
        let mut file = File::open(dir.join(format!("{}.csv", table.name)))?;
        let mut writer = client.copy_in(&format!(
            "COPY {} FROM STDIN (FORMAT csv, HEADER true)",
            table.name
        ))?;
        std::io::copy(&mut file, &mut writer)?;
        writer.finish()?;
    }
    for index in indexes(Dialect::Postgres) {
        client.batch_execute(index)?;
    }
    client.batch_execute("ANALYZE")?;
    let load = started.elapsed();
    let mut answers = Vec::new();
    let mut times = Vec::new();
    for query in queries {
        let mut these = Vec::new();
        let mut rows = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            rows = client.query(query.sql.as_str(), &[])?;
            these.push(started.elapsed());
        }
        answers.push(
            rows.iter()
                .map(|row| {
                    let code: i64 = row.get(0);
                    Ok(Row {
                        unit: DivisionCode::from_u64(code as u64)
                            .ok_or_else(|| anyhow!("{code} is not a division code"))?,
                        sums: (1..row.len())
                            .map(|i| row.get::<_, Option<i64>>(i))
                            .collect(),
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        );
        times.push(these);
    }
    client.batch_execute(&format!("DROP SCHEMA {SCHEMA} CASCADE"))?;
    Ok((answers, Timings { load, runs: times }))
}
