//! `anju serve` — serves an existing database over HTTP.
//!
//! The key of ID numbers comes from `ANJU_KEY`, `ANJU_KEY_FILE`, or `<db>.key`
//! beside a SQLite file; when none is there the error says which to provide.

use anyhow::{Result, bail};

use super::card_key::city_card_key;
use super::{Database, existing_vault, open, serve_store};

/// Options of `anju serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The database: sqlite://PATH or postgres://…
    #[arg(long, default_value = "sqlite://anju-demo.db")]
    pub db: String,
    /// Where to serve.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
}

/// Runs `anju serve`.
pub fn run(args: Args) -> Result<()> {
    let db = Database::parse(&args.db)?;
    if let Database::Sqlite(path) = &db
        && !db.sqlite_non_empty()
    {
        bail!(
            "找不到数据库 {}：先运行 anju demo 或 anju init / no database at {}: run `anju demo` or `anju init` first",
            path.display(),
            path.display()
        );
    }
    let vault = existing_vault(&db)?;
    let store = open(&args.db, vault)?;
    serve_store(store, &args.listen, city_card_key(&db)?)
}
