//! The SQLite backend: one file in WAL mode, `synchronous=FULL` (a reported commit
//! survives power loss), one writer connection behind a mutex whose transactions
//! begin IMMEDIATE, and a small pool of `query_only` readers.

mod sql;

use std::path::Path;
use std::sync::Mutex;

use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;
use crate::engine::{Backend, Engine, now};
use crate::sql::{Sql, migrate};
use crate::vault::Vault;
use sql::SqliteSql;

const MIGRATIONS: &[(i64, &str)] =
    &[(1, include_str!("../../migrations/sqlite/0001_registry.sql"))];

/// Settings every connection gets.
const PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;";

/// The writer's page cache, in KiB (negative: a size, not a page count): large
/// enough that a bulk load does not spill pages before its commit.
const WRITER_CACHE: &str = "PRAGMA cache_size = -65536;";

/// How many connections serve reads.
const READERS: u32 = 4;

/// An open SQLite database.
pub(crate) struct Sqlite {
    writer: Mutex<Connection>,
    readers: Pool<SqliteConnectionManager>,
}

fn failed(what: &str, path: &Path, error: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("{what} sqlite file {}: {error}", path.display()))
}

/// Opens (creating if needed) the database file at `path` and migrates it.
pub(crate) fn open(path: &Path, vault: Vault) -> Result<Engine<Sqlite>, StoreError> {
    let mut writer = Connection::open(path).map_err(|e| failed("opening", path, e))?;
    writer
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        .map_err(|e| failed("setting WAL mode on", path, e))?;
    writer
        .execute_batch(PRAGMAS)
        .and_then(|()| writer.execute_batch(WRITER_CACHE))
        .map_err(|e| failed("configuring", path, e))?;
    writer.set_prepared_statement_cache_capacity(64);
    let tx = writer
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| failed("migrating", path, e))?;
    migrate(&mut SqliteSql { conn: &tx }, MIGRATIONS, now())?;
    tx.commit().map_err(|e| failed("migrating", path, e))?;
    let manager = SqliteConnectionManager::file(path).with_init(|conn| {
        conn.execute_batch(PRAGMAS)?;
        conn.execute_batch("PRAGMA query_only = ON;")?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    });
    let readers = Pool::builder()
        .max_size(READERS)
        .build(manager)
        .map_err(|e| failed("opening readers of", path, e))?;
    Ok(Engine::new(
        Sqlite {
            writer: Mutex::new(writer),
            readers,
        },
        vault,
    ))
}

/// Runs `f` in a transaction of `conn` that begins as `behavior` says.
fn run<T>(
    conn: &mut Connection,
    behavior: TransactionBehavior,
    f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let fail =
        |what: &str, e: rusqlite::Error| StoreError::Database(format!("sqlite: {what}: {e}"));
    let tx = conn
        .transaction_with_behavior(behavior)
        .map_err(|e| fail("beginning a transaction", e))?;
    let out = f(&mut SqliteSql { conn: &tx })?;
    tx.commit().map_err(|e| fail("committing", e))?;
    Ok(out)
}

impl Backend for Sqlite {
    fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        run(&mut conn, TransactionBehavior::Immediate, f)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self
            .readers
            .get()
            .map_err(|e| StoreError::Database(format!("sqlite: getting a reader: {e}")))?;
        run(&mut conn, TransactionBehavior::Deferred, f)
    }
}
