//! `anju bench` — the indicator engine against DuckDB, PostgreSQL and SQLite in one
//! run: the demo city generated in memory, every indicator for every unit as of one
//! date computed by the engine and by the same compiled SQL on each database from
//! the same exported data, the answers checked equal, and the times printed.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use analytics::sql::{Dialect, Query, Row, compare, compile};
use anyhow::{Context as _, Result, bail};
use domain::policy::Policy;
use domain::registry::{Fact, FactKind};
use jiff::civil::Date;

use crate::demo::Options;
use crate::oracle::{Timings, city, duckdb, postgres, sqlite};

/// Options of `anju bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// How many persons the demo city has.
    #[arg(long, default_value_t = 3_000_000)]
    pub persons: u32,
    /// The demo's seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The as-of date.
    #[arg(long, default_value = "2025-12-31")]
    pub as_of: Date,
    /// Runs of the engine's cube (after one warm-up).
    #[arg(long, default_value_t = 30)]
    pub runs: usize,
    /// Runs of each database's query.
    #[arg(long, default_value_t = 3)]
    pub sql_runs: usize,
    /// Where to write the export (deleted afterwards unless `--keep`).
    #[arg(long, default_value = "/tmp/anju-bench")]
    pub dir: PathBuf,
    /// PostgreSQL to load into (a schema `anju_oracle` is made and dropped).
    #[arg(
        long,
        default_value = "host=127.0.0.1 port=5432 user=postgres dbname=test"
    )]
    pub pg: String,
    /// Keep the export (and its compiled queries) instead of deleting it.
    #[arg(long)]
    pub keep: bool,
    /// Databases to leave out: duckdb, postgres, sqlite (with all three, nothing is
    /// exported: the engine alone).
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// Runs `anju bench`.
pub fn run(args: Args) -> Result<()> {
    let policy = Arc::new(Policy::seed().clone());
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let options = Options {
        persons: args.persons,
        seed: args.seed,
        ..Options::default()
    };
    eprintln!("生成 generating {} persons in memory …", args.persons);
    let started = Instant::now();
    let databases: Vec<Dialect> = Dialect::ALL
        .into_iter()
        .filter(|d| {
            let key = d.name().to_lowercase();
            !args.skip.iter().any(|s| key.starts_with(s.as_str()))
        })
        .collect();
    let dates = [args.as_of];
    let export = (!databases.is_empty()).then_some((args.dir.as_path(), &dates[..]));
    let mut city = city::build(&options, policy.clone(), export)?;
    let built = started.elapsed();
    let totals = city.generated.totals;
    println!(
        "city: {} persons ({} present), {} facts, {} records, {} reported values; generated, loaded into the engine and exported in {:.1} s",
        totals.persons,
        totals.present,
        totals.facts,
        totals.records,
        totals.values,
        built.as_secs_f64()
    );

    let cube = city.engine.cube(args.as_of)?;
    let mut times = Vec::new();
    for _ in 0..args.runs {
        let started = Instant::now();
        let cube = city.engine.cube(args.as_of)?;
        times.push(started.elapsed());
        std::hint::black_box(cube);
    }
    let memory = city.engine.memory();
    let bytes = memory.person_index + memory.record_index + memory.records;
    println!(
        "engine: cube of {} results ({} indicators × {} units): median {}, best {} ({} runs)",
        cube.len(),
        policy.indicators.len(),
        cube.units().len(),
        ms(median(&times)),
        ms(*times.iter().min().expect("runs")),
        args.runs
    );
    println!(
        "engine: {} bytes ({:.1} a person): person index {}, record index {}, records {}",
        bytes,
        bytes as f64 / totals.persons as f64,
        memory.person_index,
        memory.record_index,
        memory.records
    );
    write_latency(&mut city, args.as_of)?;

    let query = |dialect| vec![compile(&policy, args.as_of, dialect)];
    let mut failures = Vec::new();
    for dialect in databases {
        let queries = query(dialect);
        eprintln!("{}: loading and querying …", dialect.name());
        let (answers, timings) = match dialect {
            Dialect::DuckDb => duckdb::run(&args.dir, &queries, args.sql_runs)?,
            Dialect::Postgres => postgres::run(&args.pg, &args.dir, &queries, args.sql_runs)?,
            Dialect::Sqlite => sqlite::run(&args.dir, &queries, args.sql_runs)?,
        };
        let agreed = agreement(&cube, &queries[0], &answers[0]);
        print_sql(dialect, &timings, &times, &agreed);
        if let Err(message) = agreed {
            failures.push(format!("{}: {message}", dialect.name()));
        }
    }
    if !args.keep {
        std::fs::remove_dir_all(&args.dir).ok();
    }
    if !failures.is_empty() {
        bail!("答案不一致 / the answers differ:\n{}", failures.join("\n"));
    }
    Ok(())
}

/// Whether a database's answer is the engine's.
fn agreement(cube: &analytics::Cube, query: &Query, rows: &[Row]) -> Result<(), String> {
    let differences = compare(cube, query, rows);
    match differences.first() {
        None => Ok(()),
        Some(first) => Err(format!(
            "{} differences, the first: {first}",
            differences.len()
        )),
    }
}

fn print_sql(
    dialect: Dialect,
    timings: &Timings,
    engine: &[Duration],
    agreed: &Result<(), String>,
) {
    let runs = &timings.runs[0];
    let median_sql = median(runs);
    println!(
        "{}: load {:.1} s; query median {}, best {} ({} runs); {:.0}× the engine's median; {}",
        dialect.name(),
        timings.load.as_secs_f64(),
        ms(median_sql),
        ms(*runs.iter().min().expect("runs")),
        runs.len(),
        median_sql.as_secs_f64() / median(engine).as_secs_f64(),
        match agreed {
            Ok(()) => "same numbers as the engine".to_string(),
            Err(message) => message.clone(),
        }
    );
}

/// A committed write visible to the next query: each sampled person gets a legal
/// education course on the as-of date, handed to the engine as before/after, and
/// their village is evaluated. Besides the wall time, each write's time spent
/// waiting for a core (the kernel's run delay, from `/proc/thread-self/schedstat`)
/// is read, so that a loaded machine's preemptions show apart from the engine's
/// own work.
fn write_latency(city: &mut city::City, as_of: Date) -> Result<()> {
    let mut times = Vec::new();
    let mut working = Vec::new();
    let mut preempted = 0;
    for state in &city.sample {
        let mut facts = state.facts.clone();
        facts.push(Fact {
            id: i64::MAX - facts.len() as i64,
            person: state.person.id,
            kind: FactKind::LegalEducation,
            from: as_of,
            to: Some(as_of),
        });
        let before = analytics::PersonState::of(&state.person, &state.facts);
        let after = analytics::PersonState::of(&state.person, &facts);
        let waited_before = run_delay();
        let started = Instant::now();
        city.engine.replace_person(Some(before), Some(after))?;
        let results = city.engine.evaluate(state.person.unit, as_of)?;
        let took = started.elapsed();
        let waited = run_delay().saturating_sub(waited_before);
        times.push(took);
        working.push(took.saturating_sub(waited));
        preempted += usize::from(!waited.is_zero());
        std::hint::black_box(results);
    }
    let quantiles = |times: &mut Vec<Duration>| {
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
        format!(
            "p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
            at(0.5),
            at(0.99),
            at(1.0)
        )
    };
    println!(
        "engine: a write (replace_person) then its village evaluated, {} writes: {}",
        times.len(),
        quantiles(&mut times)
    );
    println!(
        "engine: the same without the time spent waiting for a core ({} writes were preempted): {}",
        preempted,
        quantiles(&mut working)
    );
    Ok(())
}

/// How long this thread has waited, runnable, for a core so far (Linux; zero
/// elsewhere).
fn run_delay() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().nth(1)?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}
