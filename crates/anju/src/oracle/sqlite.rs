//! SQLite — loads the exported CSV files into a new SQLite file (no journal while
//! loading), indexes and analyses them, and runs compiled queries; deletes the file
//! after.

use std::path::Path;
use std::time::Instant;

use analytics::sql::{Dialect, Query, Row, TABLES, indexes};
use anyhow::{Context as _, Result, anyhow};
use domain::division::DivisionCode;
use rusqlite::types::Value;

use super::Timings;

/// Runs each of `queries` `runs` times over the export in `dir`; their answers and
/// the times.
pub fn run(dir: &Path, queries: &[Query], runs: usize) -> Result<(Vec<Vec<Row>>, Timings)> {
    let path = dir.join("oracle.sqlite");
    let _ = std::fs::remove_file(&path);
    let mut connection = rusqlite::Connection::open(&path)?;
    connection.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY",
    )?;
    let started = Instant::now();
    for table in TABLES {
        connection.execute_batch(&table.create(Dialect::Sqlite))?;
        let file = dir.join(format!("{}.csv", table.name));
        let mut reader =
            csv::Reader::from_path(&file).with_context(|| format!("reading {}", file.display()))?;
        let marks = vec!["?"; table.columns.len()].join(", ");
        let transaction = connection.transaction()?;
        {
            let mut insert =
                transaction.prepare(&format!("INSERT INTO {} VALUES ({marks})", table.name))?;
            for record in reader.records() {
                let record = record?;
                insert.execute(rusqlite::params_from_iter(record.iter().map(|field| {
                    if field.is_empty() {
                        Value::Null
                    } else {
                        Value::Text(field.to_string())
                    }
                })))?;
            }
        }
        transaction.commit()?;
    }
    for index in indexes(Dialect::Sqlite) {
        connection.execute_batch(index)?;
    }
    connection.execute_batch("ANALYZE")?;
    let load = started.elapsed();
    let mut answers = Vec::new();
    let mut times = Vec::new();
    for query in queries {
        let mut statement = connection.prepare(&query.sql)?;
        let width = statement.column_count();
        let mut these = Vec::new();
        let mut rows = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            rows = statement
                .query_map([], |row| {
                    let code: i64 = row.get(0)?;
                    let sums = (1..width)
                        .map(|i| row.get::<_, Option<i64>>(i))
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    Ok((code, sums))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            these.push(started.elapsed());
        }
        answers.push(
            rows.into_iter()
                .map(|(code, sums)| {
                    Ok(Row {
                        unit: DivisionCode::from_u64(code as u64)
                            .ok_or_else(|| anyhow!("{code} is not a division code"))?,
                        sums,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        );
        times.push(these);
    }
    drop(connection);
    std::fs::remove_file(&path)?;
    Ok((answers, Timings { load, runs: times }))
}
