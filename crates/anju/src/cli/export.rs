//! `anju export` — the indicator table of a unit and its children as of a date, as
//! CSV, XLSX, ADX XML or DHIS2 JSON (the exchange crate's formats), for publication
//! with small counts suppressed when asked; `anju export persons` — the list of
//! persons of a unit as CSV or XLSX, for a user whose role and scope allow it.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow, bail};
use domain::division::DivisionCode;
use domain::policy::Policy;
use exchange::export::{Format, IndicatorTable, ListFormat};
use store::Store;

use super::{Database, existing_vault, open, user_named};

/// Options of `anju export`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// What to export: `indicators` (the table) or `persons` (the list).
    #[arg(default_value = "indicators", value_parser = ["indicators", "persons"])]
    pub what: String,
    /// For `persons`: the login of the user asking (their role and scope apply).
    #[arg(long, required_if_eq("what", "persons"))]
    pub user: Option<String>,
    /// The database: sqlite://PATH or postgres://…
    #[arg(long, default_value = "sqlite://anju-demo.db")]
    pub db: String,
    /// The unit: a division code, e.g. 320211.
    #[arg(long)]
    pub unit: String,
    /// The date, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub as_of: Option<String>,
    /// csv, xlsx, adx or dhis2 (a list of persons: csv or xlsx).
    #[arg(long)]
    pub format: String,
    /// A table meant for publication: small counts suppressed.
    #[arg(long)]
    pub publication: bool,
    /// Where to write the file.
    #[arg(long)]
    pub out: PathBuf,
}

/// Runs `anju export`.
pub fn run(args: Args) -> Result<()> {
    let unit: DivisionCode = args.unit.parse().map_err(|e| anyhow!("--unit: {e}"))?;
    let db = Database::parse(&args.db)?;
    if let Database::Sqlite(path) = &db
        && !db.sqlite_non_empty()
    {
        bail!("找不到数据库 {0} / no database at {0}", path.display());
    }
    let store = open(&args.db, existing_vault(&db)?)?;
    if args.what == "persons" {
        return persons(&args, store.as_ref(), unit);
    }
    let format: Format = args.format.parse().map_err(|e| anyhow!("--{e}"))?;
    let as_of = match &args.as_of {
        Some(text) => text.parse().with_context(|| {
            format!("--as-of 应为 YYYY-MM-DD / expected YYYY-MM-DD, but found {text:?}")
        })?,
        None => web::today(),
    };
    let policy = Arc::new(Policy::seed().clone());
    let engine = web::indicators::build(&*store, Arc::clone(&policy), store.hierarchy()?)?;
    let results = engine
        .evaluate(unit, as_of)
        .map_err(|e| anyhow!("{}", e.message()))?;
    let table = IndicatorTable::new(
        &results,
        as_of,
        &policy,
        engine.hierarchy(),
        args.publication,
    );
    std::fs::write(&args.out, format.render(&table)?)
        .with_context(|| format!("写入 / writing {}", args.out.display()))?;
    println!("{} 行 rows → {}", table.rows.len(), args.out.display());
    Ok(())
}

/// `anju export persons`: the list, as the user may see it.
fn persons(args: &Args, store: &dyn Store, unit: DivisionCode) -> Result<()> {
    let format: ListFormat = args.format.parse().map_err(|e| anyhow!("--{e}"))?;
    let login = args.user.as_deref().unwrap_or_default();
    let user = user_named(store, login)?;
    let listed = store.person_list(&user, unit).map_err(|e| anyhow!("{e}"))?;
    std::fs::write(&args.out, format.render(&listed)?)
        .with_context(|| format!("写入 / writing {}", args.out.display()))?;
    println!("{} 人 persons → {}", listed.len(), args.out.display());
    Ok(())
}
