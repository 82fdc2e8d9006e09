//! `anju demo` — builds the synthetic Wuxi into a new database, prints the demo
//! users and the timings, then serves it (unless `--no-serve`).
//!
//! It refuses a database that already holds something, unless `--fresh` (SQLite
//! only), which deletes the file, its journal files and its key file first. The key
//! never goes into the database: `<db>.key` beside a SQLite file, or `ANJU_KEY` /
//! `ANJU_KEY_FILE`.

use anyhow::{Result, bail};

use super::card_key::city_card_key;
use super::{Database, new_vault, open, remove_sqlite, serve_store};
use crate::demo::users::{DEMO_PASSWORD, role_name};
use crate::demo::{self, Options};

/// Options of `anju demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// How many migrants in all (present today or gone).
    #[arg(long, default_value_t = 200_000)]
    pub persons: u32,
    /// The seed: the same persons and seed build the same city.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The database: sqlite://PATH or postgres://…
    #[arg(long, default_value = "sqlite://anju-demo.db")]
    pub db: String,
    /// Build only; do not serve.
    #[arg(long)]
    pub no_serve: bool,
    /// Where to serve.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Delete an existing SQLite database (and its key file) first.
    #[arg(long)]
    pub fresh: bool,
}

/// Runs `anju demo`.
pub fn run(args: Args) -> Result<()> {
    let db = Database::parse(&args.db)?;
    match &db {
        Database::Sqlite(path) if args.fresh => remove_sqlite(path, db.key_file().as_deref())?,
        Database::Sqlite(path) if db.sqlite_non_empty() => bail!(
            "数据库 {} 已存在且非空；演示城市只建在新数据库中，加 --fresh 可删除后重建 / \
             the database {} already exists and is not empty: the demo builds only into a new database; pass --fresh to delete and rebuild it",
            path.display(),
            path.display()
        ),
        Database::Postgres(_) if args.fresh => bail!(
            "--fresh 只删除 SQLite 文件；请自行清空 PostgreSQL 数据库 / --fresh deletes SQLite files only: empty the PostgreSQL database yourself"
        ),
        _ => {}
    }
    let (vault, key_file) = new_vault(&db)?;
    let store = open(&args.db, vault)?;
    if store.hierarchy().is_ok() {
        bail!(
            "数据库 {} 已有城市数据；演示城市只建在新数据库中 / the database {} already holds a city: the demo builds only into a new database",
            args.db,
            args.db
        );
    }
    println!(
        "安居演示城市 Anju demo city: 无锡 Wuxi, {} persons, seed {}",
        args.persons, args.seed
    );
    if let Some(file) = &key_file {
        println!(
            "密钥文件 key file: {} (身份证号加密密钥，不在数据库中 / the key of ID numbers, kept out of the database)",
            file.display()
        );
    }
    let options = Options {
        persons: args.persons,
        seed: args.seed,
        progress: true,
        ..Options::default()
    };
    let report = demo::build(store.as_ref(), &options)?;
    let t = &report.totals;
    println!(
        "生成 generated: {} persons ({} present today) in {} of {} villages/communities, {} facts, {} family links, {} records, {} events",
        t.persons,
        t.present,
        report.villages_used,
        report.villages,
        t.facts,
        t.links,
        t.records,
        t.events
    );
    println!(
        "居住证 residence permits: {} applications (reviewed, issued, renewed or revoked as their lives went)",
        t.permits
    );
    println!(
        "规划期新增集中居住面积 new concentrated housing since the plan began: {} m²",
        report.new_zone_area_m2
    );
    println!(
        "用时 time: generating {:.1} s, storing {:.1} s (of which indexing {:.1} s), together (overlapping) {:.1} s",
        report.generating.as_secs_f64(),
        report.storing.as_secs_f64(),
        report.indexing.as_secs_f64(),
        report.elapsed.as_secs_f64()
    );
    println!();
    println!("演示账号 demo users:");
    println!(
        "  {} {} {} 单位 unit",
        pad("登录名 login", 24),
        pad("密码 password", 16),
        pad("角色 role", 46)
    );
    for user in &report.users {
        println!(
            "  {} {} {} {} ({})",
            pad(&user.login, 24),
            pad(DEMO_PASSWORD, 16),
            pad(&role_name(user.role, user.department), 46),
            user.unit_name,
            user.unit
        );
    }
    println!("  …每个镇（街道）有 town-<代码>，每个村（社区）服务站有 station-<代码>，密码相同");
    println!(
        "  …and every town has town-<code>, every village or community station-<code>, same password"
    );
    println!();
    println!(
        "网址 URL: http://{}/  (API: http://{}/api/openapi.json)",
        args.listen, args.listen
    );
    if args.no_serve {
        println!(
            "已建成，未启动服务（--no-serve）；启动 / to serve it: anju serve --db {} --listen {}",
            args.db, args.listen
        );
        return Ok(());
    }
    serve_store(store, &args.listen, city_card_key(&db)?)
}

/// How many terminal columns `text` takes: CJK characters take two.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60 => 2,
            0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// `text` padded with spaces to `columns` terminal columns.
fn pad(text: &str, columns: usize) -> String {
    format!("{text}{}", " ".repeat(columns.saturating_sub(width(text))))
}
