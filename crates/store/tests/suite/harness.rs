//! Fresh databases for each case, on both backends, and raw access to them for
//! the checks the `Store` trait cannot make (bytes on disk, append-only triggers).
//!
//! PostgreSQL comes from `ANJU_TEST_PG` (a libpq-style string or URL; default
//! `host=127.0.0.1 port=5432 user=postgres dbname=test`): each case creates
//! `anju_test_<random>` and drops it at the end. When the server is unreachable
//! the PostgreSQL half is skipped with a notice, unless `CI` or
//! `ANJU_REQUIRE_PG=1` is set, in which case the case fails.

use std::path::PathBuf;
use std::sync::OnceLock;

use rand::Rng;
use store::Store;
use store::vault::Vault;

const DEFAULT_PG: &str = "host=127.0.0.1 port=5432 user=postgres dbname=test";

/// A vault with a fixed test key.
pub fn vault() -> Vault {
    Vault::from_key([42; 32])
}

/// Where a test database lives.
enum Place {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres {
        admin: &'static postgres::Config,
        name: String,
        url: String,
    },
}

/// A fresh store (the test database dereferences to it) and the way to reach its
/// database directly.
pub struct TestDb {
    store: Option<Box<dyn Store>>,
    place: Place,
}

impl std::ops::Deref for TestDb {
    type Target = dyn Store;

    fn deref(&self) -> &Self::Target {
        self.store
            .as_deref()
            .expect("the store is open until the end of the case")
    }
}

impl TestDb {
    /// Which backend this is, for messages.
    pub fn backend(&self) -> &'static str {
        match self.place {
            Place::Sqlite { .. } => "sqlite",
            Place::Postgres { .. } => "postgres",
        }
    }

    /// A second store opened on the same database (as another process would).
    pub fn reopen(&self) -> Box<dyn Store> {
        self.try_reopen().unwrap()
    }

    /// Opening the database again, as another process would, or why it failed.
    pub fn try_reopen(&self) -> Result<Box<dyn Store>, store::StoreError> {
        let url = match &self.place {
            Place::Sqlite { path, .. } => path.display().to_string(),
            Place::Postgres { url, .. } => url.clone(),
        };
        store::open(&url, vault())
    }

    /// Runs one statement outside the store; the database's error as text.
    pub fn raw_exec(&self, sql: &str) -> Result<u64, String> {
        match &self.place {
            Place::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path).map_err(|e| e.to_string())?;
                conn.execute(sql, [])
                    .map(|n| n as u64)
                    .map_err(|e| e.to_string())
            }
            Place::Postgres { url, .. } => {
                let message = |e: postgres::Error| {
                    e.as_db_error()
                        .map_or_else(|| e.to_string(), |db| db.message().into())
                };
                let mut client =
                    postgres::Client::connect(url, postgres::NoTls).map_err(message)?;
                client.execute(sql, &[]).map_err(message)
            }
        }
    }

    /// A SQLite connection outside the store that has read the database, and so
    /// keeps its write-ahead log open while it lives.
    pub fn raw_reader(&self) -> rusqlite::Connection {
        let Place::Sqlite { path, .. } = &self.place else {
            panic!("raw_reader is for SQLite")
        };
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.query_row("SELECT COUNT(*) FROM units", [], |row| row.get::<_, i64>(0))
            .unwrap();
        conn
    }

    /// For SQLite, whether the file is in WAL mode, as its header says (bytes 18
    /// and 19: 2 for WAL, 1 for a rollback journal); `None` for PostgreSQL.
    pub fn raw_wal(&self) -> Option<bool> {
        let Place::Sqlite { path, .. } = &self.place else {
            return None;
        };
        let header = std::fs::read(path).unwrap();
        Some(header[18] == 2 && header[19] == 2)
    }

    /// For SQLite, whether the database file itself holds every page of the
    /// database (whatever the log held has been copied into it); `None` for
    /// PostgreSQL.
    pub fn raw_checkpointed(&self) -> Option<bool> {
        let Place::Sqlite { path, .. } = &self.place else {
            return None;
        };
        let conn = rusqlite::Connection::open(path).unwrap();
        let pragma = |name: &str| -> i64 {
            conn.query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
                .unwrap()
        };
        let size = pragma("page_count") * pragma("page_size");
        Some(std::fs::metadata(path).unwrap().len() >= size as u64)
    }

    /// A count from `SELECT COUNT(*) FROM …` run outside the store.
    pub fn raw_count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match &self.place {
            Place::Sqlite { path, .. } => rusqlite::Connection::open(path)
                .unwrap()
                .query_row(&sql, [], |row| row.get(0))
                .unwrap(),
            Place::Postgres { url, .. } => postgres::Client::connect(url, postgres::NoTls)
                .unwrap()
                .query_one(&sql, &[])
                .unwrap()
                .get(0),
        }
    }

    /// Whether `needle` appears anywhere in what the database holds: the SQLite
    /// file and its WAL byte for byte, or every PostgreSQL table as text.
    pub fn raw_contains(&self, needle: &str) -> bool {
        match &self.place {
            Place::Sqlite { path, .. } => {
                let mut wal = path.clone().into_os_string();
                wal.push("-wal");
                [path.clone(), PathBuf::from(wal)].iter().any(|file| {
                    let bytes = std::fs::read(file).unwrap_or_default();
                    bytes
                        .windows(needle.len())
                        .any(|window| window == needle.as_bytes())
                })
            }
            Place::Postgres { url, .. } => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
                let hex: String = needle.bytes().map(|b| format!("{b:02x}")).collect();
                let tables = client
                    .query(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                        &[],
                    )
                    .unwrap()
                    .into_iter()
                    .map(|row| row.get::<_, String>(0))
                    .collect::<Vec<_>>();
                tables.iter().any(|table| {
                    let sql =
                        format!("SELECT COALESCE(string_agg(t::text, E'\\n'), '') FROM {table} t");
                    let text: String = client.query_one(&sql, &[]).unwrap().get(0);
                    text.contains(needle) || text.contains(&hex)
                })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "^^^ the case above failed on the {} backend",
                self.backend()
            );
        }
        if let Place::Postgres { admin, name, .. } = &self.place {
            // The store's pool must be closed before its database can be dropped.
            self.store = None;
            if let Ok(mut client) = admin.connect(postgres::NoTls) {
                let _ =
                    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn sqlite_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anju.db");
    let store = store::open(&format!("sqlite://{}", path.display()), vault()).unwrap();
    TestDb {
        store: Some(store),
        place: Place::Sqlite { _dir: dir, path },
    }
}

/// The administrative connection to PostgreSQL, if the server answers.
fn pg_admin() -> Option<&'static postgres::Config> {
    static ADMIN: OnceLock<Option<postgres::Config>> = OnceLock::new();
    ADMIN
        .get_or_init(|| {
            let text = std::env::var("ANJU_TEST_PG").unwrap_or_else(|_| DEFAULT_PG.into());
            let config: postgres::Config = text.parse().expect("ANJU_TEST_PG is a PostgreSQL connection string");
            match config.connect(postgres::NoTls) {
                Ok(_) => Some(config),
                Err(error) => {
                    let why = std::error::Error::source(&error)
                        .map_or_else(|| error.to_string(), |source| format!("{error}: {source}"));
                    let required = std::env::var_os("CI").is_some()
                        || std::env::var("ANJU_REQUIRE_PG").is_ok_and(|value| value == "1");
                    assert!(
                        !required,
                        "PostgreSQL is required (CI or ANJU_REQUIRE_PG=1) but unreachable at {text:?}: {why}"
                    );
                    // Straight to stderr: the test harness captures eprintln!.
                    let notice = format!(
                        "\n!!!!!!!! SKIPPING the PostgreSQL half of the store suite: \
                         {text:?} is unreachable: {why}\n\n"
                    );
                    let _ = std::io::Write::write_all(&mut std::io::stderr(), notice.as_bytes());
                    None
                }
            }
        })
        .as_ref()
}

fn postgres_db(admin: &'static postgres::Config) -> TestDb {
    let name = format!("anju_test_{:016x}", rand::thread_rng().r#gen::<u64>());
    let mut client = admin.connect(postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            "CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
        ))
        .unwrap();
    let host = match admin.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        Some(postgres::config::Host::Unix(path)) => path.display().to_string().replace('/', "%2F"),
        None => "localhost".into(),
    };
    let port = admin.get_ports().first().copied().unwrap_or(5432);
    let user = admin.get_user().unwrap_or("postgres");
    let password = admin
        .get_password()
        .map(|p| format!(":{}", String::from_utf8_lossy(p)))
        .unwrap_or_default();
    let url = format!("postgres://{user}{password}@{host}:{port}/{name}");
    let store = store::open(&url, vault()).unwrap();
    TestDb {
        store: Some(store),
        place: Place::Postgres { admin, name, url },
    }
}

/// Runs `case` on a fresh SQLite database, then on a fresh PostgreSQL one.
pub fn each_backend(case: impl Fn(&TestDb)) {
    case(&sqlite_db());
    if let Some(admin) = pg_admin() {
        case(&postgres_db(admin));
    }
}

/// The PostgreSQL backend alone, when it is reachable (for slower checks).
pub fn postgres_only() -> Option<TestDb> {
    pg_admin().map(postgres_db)
}

/// A fresh SQLite database alone.
pub fn sqlite_only() -> TestDb {
    sqlite_db()
}
