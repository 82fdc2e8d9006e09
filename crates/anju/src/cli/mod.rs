//! 命令行 — the `anju` subcommands: `demo`, `serve`, `init`, `indicators`, `bench`,
//! `bench-pages`, `import`, `template`, `export` and `verify`, with what they share:
//! reading a database URL, finding or making the key for ID numbers, serving.
//!
//! Business rules live in `domain` and the store; this module only wires them to
//! the console, and its messages say which file, setting or value is wrong.

pub mod bench;
pub mod bench_pages;
pub mod card_key;
pub mod demo;
pub mod export;
pub mod import;
pub mod indicators;
pub mod init;
pub mod serve;
pub mod verify;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use store::Store;
use store::vault::{KEY_VARIABLE, Vault};

/// The environment variable naming a key file.
pub const KEY_FILE_VARIABLE: &str = "ANJU_KEY_FILE";

/// Where a database is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An embedded SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server (the URL as given).
    Postgres(String),
}

impl Database {
    /// Reads `sqlite://PATH`, a plain path, or `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> Result<Database> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.to_string()));
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if path.is_empty() || path.contains("://") {
            bail!(
                "数据库地址应为 sqlite://路径 或 postgres://…，实为“{url}” / expected sqlite://PATH or postgres://…, but found {url:?}"
            );
        }
        Ok(Database::Sqlite(PathBuf::from(path)))
    }

    /// The key file beside a SQLite database: `<db>.key`.
    pub fn key_file(&self) -> Option<PathBuf> {
        match self {
            Database::Sqlite(path) => {
                let mut name = path.as_os_str().to_owned();
                name.push(".key");
                Some(PathBuf::from(name))
            }
            Database::Postgres(_) => None,
        }
    }

    /// Whether a SQLite file exists and holds something.
    pub fn sqlite_non_empty(&self) -> bool {
        match self {
            Database::Sqlite(path) => std::fs::metadata(path).is_ok_and(|m| m.len() > 0),
            Database::Postgres(_) => false,
        }
    }
}

fn env_key_file() -> Option<PathBuf> {
    std::env::var_os(KEY_FILE_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn env_has_key() -> bool {
    std::env::var_os(KEY_VARIABLE).is_some_and(|v| !v.is_empty())
}

/// The key of an existing database: `ANJU_KEY`, else the file `ANJU_KEY_FILE`, else
/// (SQLite) `<db>.key` beside it. The error names what is missing.
pub fn existing_vault(db: &Database) -> Result<Vault> {
    if env_has_key() {
        return Vault::from_env_or_file(None).with_context(|| {
            format!("读取密钥 {KEY_VARIABLE} / reading the key from {KEY_VARIABLE}")
        });
    }
    let file = match (env_key_file(), db.key_file()) {
        (Some(file), _) => file,
        (None, Some(file)) => file,
        (None, None) => bail!(
            "PostgreSQL 数据库需要身份证号密钥：请设置 {KEY_VARIABLE}（64 个十六进制字符）或 {KEY_FILE_VARIABLE}（密钥文件路径） / \
             no key for ID numbers: a PostgreSQL database needs {KEY_VARIABLE} (64 hex characters) or {KEY_FILE_VARIABLE} (a key file)"
        ),
    };
    Vault::from_env_or_file(Some(&file)).with_context(|| {
        format!(
            "找不到或无法读取密钥文件 {} / cannot read the key file {} (or set {KEY_VARIABLE} / {KEY_FILE_VARIABLE})",
            file.display(),
            file.display()
        )
    })
}

/// The key for a new database: `ANJU_KEY` or `ANJU_KEY_FILE` when set; else, for
/// SQLite, a new key file `<db>.key` (returned, to be printed); PostgreSQL needs one
/// of the variables.
pub fn new_vault(db: &Database) -> Result<(Vault, Option<PathBuf>)> {
    if env_has_key() || env_key_file().is_some() {
        return Ok((existing_vault(db)?, None));
    }
    let Some(file) = db.key_file() else {
        return existing_vault(db).map(|vault| (vault, None));
    };
    if file.exists() {
        bail!(
            "密钥文件 {} 已存在，而数据库是新的：请删除它或使用 --fresh / the key file {} already exists for a new database: remove it, or pass --fresh",
            file.display(),
            file.display()
        );
    }
    let vault = Vault::generate_file(&file)
        .with_context(|| format!("创建密钥文件 / creating the key file {}", file.display()))?;
    Ok((vault, Some(file)))
}

/// Opens the store at `url` with `vault`; once it holds a city, permit steps and
/// reported values submitted through it (an import's rows) are held against the
/// seed policy's rules.
pub fn open(url: &str, vault: Vault) -> Result<Box<dyn Store>> {
    let store = store::open(url, vault)
        .with_context(|| format!("打开数据库 / opening the database {url}"))?;
    if let Ok(hierarchy) = store.hierarchy() {
        let policy = Arc::new(domain::policy::Policy::seed().clone());
        store.set_policy_rules(Arc::new(analytics::CityRules::new(policy, hierarchy)));
    }
    Ok(store)
}

/// The user with this login, whose role and scope a command acts with.
pub fn user_named(store: &dyn Store, login: &str) -> Result<domain::access::User> {
    let (user, _) = store
        .credentials(login)?
        .ok_or_else(|| anyhow::anyhow!("没有用户 {0} / no user with login {0:?}", login))?;
    Ok(user)
}

/// Serves `store` on `listen` until Ctrl-C, signing permit cards with `card_key`.
pub fn serve_store(
    store: Box<dyn Store>,
    listen: &str,
    card_key: Option<card::CityKey>,
) -> Result<()> {
    let store: Arc<dyn Store> = Arc::from(store);
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let policy = Arc::new(domain::policy::Policy::seed().clone());
        let app = web::App::with_card_key(store, policy, card_key)
            .context("读取城市区划 / reading the city's divisions")?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("无法监听 / cannot listen on {listen}"))?;
        let address = listener.local_addr()?;
        println!("安居已启动 Anju is running: http://{address}/  (API: http://{address}/api/openapi.json; Ctrl-C 停止 to stop)");
        web::serve(app, listener).await.context("serving")
    })
}

/// Deletes a SQLite database's files (and its key file), for `--fresh`.
pub fn remove_sqlite(path: &Path, key: Option<&Path>) -> Result<()> {
    let mut files: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        })
        .collect();
    files.extend(key.map(Path::to_path_buf));
    for file in files {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("删除 / removing {}", file.display())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_backend() {
        assert_eq!(
            Database::parse("sqlite://anju-demo.db").unwrap(),
            Database::Sqlite("anju-demo.db".into())
        );
        assert_eq!(
            Database::parse("sqlite:///tmp/x.db").unwrap(),
            Database::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            Database::parse("data/x.db").unwrap(),
            Database::Sqlite("data/x.db".into())
        );
        assert!(matches!(
            Database::parse("postgres://u@h/db").unwrap(),
            Database::Postgres(_)
        ));
        assert!(Database::parse("mysql://x").is_err());
        assert_eq!(
            Database::parse("sqlite:///tmp/x.db")
                .unwrap()
                .key_file()
                .unwrap(),
            PathBuf::from("/tmp/x.db.key")
        );
    }
}
