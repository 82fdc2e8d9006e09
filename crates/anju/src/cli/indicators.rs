//! `anju indicators` — every indicator of the policy for a unit and its direct
//! children as of a date, or one indicator by month, quarter or year, computed by
//! the same engine the server runs.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use domain::division::DivisionCode;
use domain::policy::Policy;

use super::{Database, existing_vault, open};

/// Options of `anju indicators`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The database: sqlite://PATH or postgres://…
    #[arg(long, default_value = "sqlite://anju-demo.db")]
    pub db: String,
    /// The unit: a division code, e.g. 320211.
    #[arg(long)]
    pub unit: String,
    /// The date, YYYY-MM-DD (default: today); a series' last day.
    #[arg(long)]
    pub as_of: Option<String>,
    /// A series of one indicator (e.g. E1) instead: one row per period.
    #[arg(long, requires_all = ["by", "from"])]
    pub indicator: Option<String>,
    /// The series' periods: month, quarter or year.
    #[arg(long, requires = "indicator")]
    pub by: Option<String>,
    /// The series' first day, YYYY-MM-DD: it starts with the period holding it.
    #[arg(long, requires = "indicator")]
    pub from: Option<String>,
    /// A policy file (default: the seed policy).
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Print JSON, one object per (indicator, unit).
    #[arg(long)]
    pub json: bool,
}

/// Runs `anju indicators`.
pub fn run(args: Args) -> Result<()> {
    let unit: DivisionCode = args
        .unit
        .parse()
        .map_err(|e| anyhow::anyhow!("--unit: {e}"))?;
    let as_of = match &args.as_of {
        Some(text) => date_option("--as-of", text)?,
        None => web::today(),
    };
    let policy = match &args.policy {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("读取政策文件 reading policy file {}", path.display()))?;
            domain::policy::parse(&path.display().to_string(), &text)?
        }
        None => Policy::seed().clone(),
    };
    let db = Database::parse(&args.db)?;
    if let Database::Sqlite(path) = &db
        && !db.sqlite_non_empty()
    {
        bail!("找不到数据库 {0} / no database at {0}", path.display());
    }
    let store = open(&args.db, existing_vault(&db)?)?;
    let hierarchy = store.hierarchy()?;
    let engine = web::indicators::build(&*store, Arc::new(policy), hierarchy)?;
    let results = match (&args.indicator, &args.by, &args.from) {
        (Some(indicator), Some(by), Some(from)) => {
            let step = web::indicators::step_param(by)
                .map_err(|e| anyhow::anyhow!("--by: {}", e.message))?;
            engine.series(unit, indicator, date_option("--from", from)?, as_of, step)
        }
        _ => engine.evaluate(unit, as_of),
    }
    .map_err(|e| anyhow::anyhow!("{}", e.message()))?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
        return Ok(());
    }
    println!(
        "{:<6} {:<14} {:<10} {:>14} {:>14} {:>9} {:>9}  band",
        "id", "unit", "as of", "numerator", "denominator", "value", "target"
    );
    for row in &results {
        let shown = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
        let json = serde_json::to_value(row)?;
        let text = |key: &str| match &json[key] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "-".into(),
            other => other.to_string(),
        };
        println!(
            "{:<6} {:<14} {:<10} {:>14} {:>14} {:>9} {:>9}  {}",
            row.indicator,
            row.unit.to_string(),
            text("as_of"),
            text("numerator"),
            text("denominator"),
            shown(row.value),
            text("target"),
            text("band"),
        );
    }
    Ok(())
}

/// A date option written YYYY-MM-DD.
fn date_option(flag: &str, text: &str) -> Result<jiff::civil::Date> {
    text.parse().with_context(|| {
        format!("{flag} 应为 YYYY-MM-DD / expected YYYY-MM-DD, but found {text:?}")
    })
}
