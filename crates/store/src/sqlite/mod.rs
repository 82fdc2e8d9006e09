//! The SQLite backend: one file in WAL mode, `synchronous=FULL` (a reported commit
//! survives power loss), one writer connection behind a mutex whose transactions
//! begin IMMEDIATE, a small pool of `query_only` readers, opened as reads
//! need them, and a thread that copies the log into the file after commits
//! ([`checkpointer`]).
//!
//! A bulk load into an empty registry ([`SqliteBulk`]) holds the writer and,
//! until it finishes, writes without a journal and without waiting for the disk
//! ([`FAST`]): no page is written twice (log, then database) and no commit waits
//! for a sync, but a crash or power cut during the load leaves a file to be
//! built again. (Should a reader still have the write-ahead log open, the
//! journal cannot be switched off; the load then keeps the log, unsynced.) At
//! the end the durable settings come back, WAL first, and the file is synced
//! ([`SqliteBulk::durable`]).

mod checkpointer;
mod sql;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};

use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, TransactionBehavior};

use crate::StoreError;
use crate::engine::{Backend, Bulk, Engine, now, refuse_unfinished};
use crate::sql::{Sql, migrate};
use crate::vault::Vault;
use checkpointer::Checkpointer;
use sql::SqliteSql;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_registry.sql")),
    (
        2,
        include_str!("../../migrations/sqlite/0002_person_packs.sql"),
    ),
    (3, include_str!("../../migrations/sqlite/0003_imports.sql")),
    (4, include_str!("../../migrations/sqlite/0004_permits.sql")),
    (
        5,
        include_str!("../../migrations/sqlite/0005_name_grams.sql"),
    ),
    (
        6,
        include_str!("../../migrations/sqlite/0006_import_ranges.sql"),
    ),
    (
        7,
        include_str!("../../migrations/sqlite/0007_name_grams_key.sql"),
    ),
    (
        8,
        include_str!("../../migrations/sqlite/0008_packs_without_reference.sql"),
    ),
    (
        9,
        include_str!("../../migrations/sqlite/0009_import_files.sql"),
    ),
    (
        10,
        include_str!("../../migrations/sqlite/0010_import_runs.sql"),
    ),
    (
        11,
        include_str!("../../migrations/sqlite/0011_import_run_reports.sql"),
    ),
    (
        12,
        include_str!("../../migrations/sqlite/0012_import_unfinished.sql"),
    ),
    (
        13,
        include_str!("../../migrations/sqlite/0013_import_run_refusals.sql"),
    ),
    (
        14,
        include_str!("../../migrations/sqlite/0014_person_segments.sql"),
    ),
];

/// The page size of a new database file, in bytes (an existing file keeps
/// its own). Four times SQLite's default: a bulk write splits and balances a
/// quarter as many B-tree pages and logs a quarter as many frames.
const NEW_FILE: &str = "PRAGMA page_size = 16384;";

/// Settings every connection gets.
const PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = FULL;";

/// How long the writer waits for another process's write to end, in ms:
/// longer than an all-or-nothing import of a million rows holds it (about
/// ten seconds), so that a station's change made meanwhile is written once
/// the import commits rather than refused ([`StoreError::Busy`] after that).
const WRITER_WAIT: &str = "PRAGMA busy_timeout = 30000;";

/// The writer's page cache, in KiB (negative: a size, not a page count), and a
/// helper thread for sorts too large to make in memory in one piece: those
/// that build the indexes at the end of a bulk load or a large import, when
/// the threads that made the rows have left a core free. A bulk load keeps
/// the cache: appending needs few pages at a time, and a larger cache only
/// costs allocations.
const WRITER_CACHE: &str =
    "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; PRAGMA threads = 1;";

/// The writer's settings while it loads an empty registry, after the journal is
/// switched off: commits that do not wait for the disk.
const FAST: &str = "PRAGMA synchronous = OFF;";

/// How many connections serve reads.
const READERS: u32 = 4;

/// An open SQLite database.
pub(crate) struct Sqlite {
    /// First, so that dropping the database lets a running checkpoint finish
    /// before the connections close.
    checkpointer: Checkpointer,
    path: PathBuf,
    writer: Mutex<Connection>,
    /// Replaced (its idle connections closed) when a bulk load switches the
    /// journal: a connection that has read keeps the write-ahead log open.
    readers: RwLock<Pool<SqliteConnectionManager>>,
}

fn failed(what: &str, path: &Path, error: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("{what} sqlite file {}: {error}", path.display()))
}

/// A pool of read connections to `path`, none opened until a read needs one.
fn reader_pool(path: &Path) -> Result<Pool<SqliteConnectionManager>, StoreError> {
    let manager = SqliteConnectionManager::file(path).with_init(|conn| {
        conn.execute_batch(PRAGMAS)?;
        conn.execute_batch("PRAGMA query_only = ON;")?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    });
    Pool::builder()
        .max_size(READERS)
        .min_idle(Some(0))
        .build(manager)
        .map_err(|e| failed("opening readers of", path, e))
}

/// Opens (creating if needed) the database file at `path` and migrates it.
pub(crate) fn open(path: &Path, vault: Vault) -> Result<Engine<Sqlite>, StoreError> {
    let mut writer = Connection::open(path).map_err(|e| failed("opening", path, e))?;
    writer
        .execute_batch(NEW_FILE)
        .map_err(|e| failed("opening", path, e))?;
    writer
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
        .map_err(|e| failed("setting WAL mode on", path, e))?;
    writer
        .execute_batch(PRAGMAS)
        .and_then(|()| writer.execute_batch(WRITER_WAIT))
        .and_then(|()| writer.execute_batch(WRITER_CACHE))
        .and_then(|()| writer.execute_batch(checkpointer::WRITER_LOG))
        .map_err(|e| failed("configuring", path, e))?;
    writer.set_prepared_statement_cache_capacity(64);
    let tx = writer
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| failed("migrating", path, e))?;
    migrate(&mut SqliteSql { conn: &tx }, MIGRATIONS, now())?;
    refuse_unfinished(&mut SqliteSql { conn: &tx })?;
    crate::name_index::backfill(&mut SqliteSql { conn: &tx })?;
    tx.commit().map_err(|e| failed("migrating", path, e))?;
    let checkpointer = Checkpointer::start(path.to_path_buf())
        .map_err(|e| failed("starting the checkpoints of", path, e))?;
    checkpointer.nudge();
    Ok(Engine::new(
        Sqlite {
            checkpointer,
            readers: RwLock::new(reader_pool(path)?),
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
        },
        vault,
    ))
}

/// Runs `f` in a transaction of `conn` that begins as `behavior` says.
fn run<T, E: From<StoreError>>(
    conn: &mut Connection,
    behavior: TransactionBehavior,
    f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
) -> Result<T, E> {
    let fail =
        |what: &str, e: rusqlite::Error| StoreError::Database(format!("sqlite: {what}: {e}"));
    let tx = conn
        .transaction_with_behavior(behavior)
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy) => {
                StoreError::Busy(format!("sqlite: beginning a transaction: {e}"))
            }
            _ => fail("beginning a transaction", e),
        })?;
    let out = f(&mut SqliteSql { conn: &tx })?;
    tx.commit().map_err(|e| fail("committing", e))?;
    Ok(out)
}

impl Sqlite {
    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn readers(&self) -> Pool<SqliteConnectionManager> {
        self.readers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Closes the idle read connections (a fresh pool takes the old one's
    /// place); whether none was in use, so that all are closed.
    fn close_readers(&self) -> Result<bool, StoreError> {
        let fresh = reader_pool(&self.path)?;
        let mut readers = self
            .readers
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let state = readers.state();
        *readers = fresh;
        Ok(state.connections == state.idle_connections)
    }
}

impl Backend for Sqlite {
    type Bulk<'a> = SqliteBulk<'a>;

    fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
    ) -> Result<T, E> {
        let out = run(&mut self.writer(), TransactionBehavior::Immediate, f)?;
        self.checkpointer.nudge();
        Ok(out)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self
            .readers()
            .get()
            .map_err(|e| StoreError::Database(format!("sqlite: getting a reader: {e}")))?;
        run(&mut conn, TransactionBehavior::Deferred, f)
    }

    fn bulk(&self) -> Result<SqliteBulk<'_>, StoreError> {
        Ok(SqliteBulk {
            conn: self.writer(),
            sqlite: self,
            mode: Mode::Durable,
            checkpoints_held: None,
        })
    }
}

/// How a bulk load's writer is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// As for every write: WAL, `synchronous=FULL`.
    Durable,
    /// No journal, `synchronous=OFF`.
    NoJournal,
    /// WAL kept (a reader had it open), `synchronous=OFF`.
    Unsynced,
}

/// The writer, held for a bulk load.
pub(crate) struct SqliteBulk<'a> {
    conn: MutexGuard<'a, Connection>,
    sqlite: &'a Sqlite,
    mode: Mode,
    /// While the journal is off: no checkpoint runs.
    checkpoints_held: Option<MutexGuard<'a, ()>>,
}

impl SqliteBulk<'_> {
    fn journal_mode(&self, mode: &str) -> rusqlite::Result<String> {
        self.conn
            .query_row(&format!("PRAGMA journal_mode = {mode}"), [], |row| {
                row.get(0)
            })
    }
}

impl Bulk for SqliteBulk<'_> {
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let out = run(&mut self.conn, TransactionBehavior::Immediate, f)?;
        self.sqlite.checkpointer.nudge();
        Ok(out)
    }

    fn fast(&mut self) -> Result<(), StoreError> {
        let path = &self.sqlite.path;
        self.mode = Mode::Unsynced;
        // The journal can only be switched off when no other connection has
        // the log open (the checkpoints' included); a busy database keeps it.
        let checkpoints = self.sqlite.checkpointer.hold();
        if self.sqlite.close_readers()? && self.journal_mode("OFF").as_deref() == Ok("off") {
            self.mode = Mode::NoJournal;
            self.checkpoints_held = Some(checkpoints);
        }
        self.conn
            .execute_batch(FAST)
            .map_err(|e| failed("configuring a bulk load of", path, e))
    }

    fn durable(&mut self) -> Result<(), StoreError> {
        let path = &self.sqlite.path;
        let mode = std::mem::replace(&mut self.mode, Mode::Durable);
        if mode == Mode::Durable {
            return Ok(());
        }
        self.conn
            .execute_batch(PRAGMAS)
            .map_err(|e| failed("restoring the settings of", path, e))?;
        if mode == Mode::NoJournal {
            let journal = self
                .journal_mode("WAL")
                .map_err(|e| failed("setting WAL mode on", path, e))?;
            if journal != "wal" {
                return Err(failed(
                    "setting WAL mode on",
                    path,
                    format!("expected the journal mode wal, but found {journal}"),
                ));
            }
            // Readers opened during the load did so without the log.
            self.sqlite.close_readers()?;
        }
        // Empties the log into the file. Should a reader keep it from finishing,
        // what stays in the log is synced with the next commit. Only `main` has a
        // log: once the connection has opened its temporary schema (as ALTER TABLE
        // RENAME in a migration does), a checkpoint of every schema after the
        // journal was off and on again fails with "database table is locked".
        self.conn
            .query_row("PRAGMA main.wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .map_err(|e| failed("checkpointing", path, e))?;
        // Writes during the load did not wait for the disk: wait once, for all.
        std::fs::File::open(path)
            .and_then(|file| file.sync_all())
            .map_err(|e| failed("syncing", path, e))?;
        self.checkpoints_held = None;
        Ok(())
    }
}

impl Drop for SqliteBulk<'_> {
    fn drop(&mut self) {
        let _ = self.durable();
    }
}
