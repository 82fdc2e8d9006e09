//! The PostgreSQL backend: a pool of connections; writes at the default isolation,
//! serialised on the event log's table lock (so sequence numbers commit in order
//! and two writers cannot register one ID number twice — the blind index is
//! unique as well) with the person's row locked `FOR UPDATE`; reads in read-only
//! repeatable-read snapshots.

mod sql;

use std::time::Duration;

use postgres::{IsolationLevel, NoTls};
use r2d2::Pool;
use r2d2_postgres::PostgresConnectionManager;

use crate::StoreError;
use crate::engine::{Backend, Bulk, Engine, now, refuse_unfinished};
use crate::sql::{Sql, first, migrate};
use crate::vault::Vault;
use sql::PgSql;

const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        include_str!("../../migrations/postgres/0001_registry.sql"),
    ),
    (
        2,
        include_str!("../../migrations/postgres/0002_person_packs.sql"),
    ),
    (
        3,
        include_str!("../../migrations/postgres/0003_imports.sql"),
    ),
    (
        4,
        include_str!("../../migrations/postgres/0004_permits.sql"),
    ),
    (
        5,
        include_str!("../../migrations/postgres/0005_name_grams.sql"),
    ),
    (
        6,
        include_str!("../../migrations/postgres/0006_import_ranges.sql"),
    ),
    (
        7,
        include_str!("../../migrations/postgres/0007_name_grams_key.sql"),
    ),
    (
        8,
        include_str!("../../migrations/postgres/0008_packs_without_reference.sql"),
    ),
    (
        9,
        include_str!("../../migrations/postgres/0009_import_files.sql"),
    ),
    (
        10,
        include_str!("../../migrations/postgres/0010_events_json.sql"),
    ),
    (
        11,
        include_str!("../../migrations/postgres/0011_facts_person_per_statement.sql"),
    ),
    (
        12,
        include_str!("../../migrations/postgres/0012_import_runs.sql"),
    ),
    (
        13,
        include_str!("../../migrations/postgres/0013_import_run_reports.sql"),
    ),
    (
        14,
        include_str!("../../migrations/postgres/0014_import_unfinished.sql"),
    ),
    (
        15,
        include_str!("../../migrations/postgres/0015_import_run_refusals.sql"),
    ),
    (
        16,
        include_str!("../../migrations/postgres/0016_person_segments.sql"),
    ),
];

/// The most connections one store opens.
const POOL_SIZE: u32 = 8;

/// An open PostgreSQL database.
pub(crate) struct Postgres {
    pool: Pool<PostgresConnectionManager<NoTls>>,
}

fn pg_error(what: &str) -> impl Fn(postgres::Error) -> StoreError + '_ {
    move |error| StoreError::from(sql::db_error(what, error))
}

/// Connects to the database `url` names and migrates it.
pub(crate) fn open(url: &str, vault: Vault) -> Result<Engine<Postgres>, StoreError> {
    let config: postgres::Config = url
        .parse()
        .map_err(|e| StoreError::Database(format!("postgres: reading the database URL: {e}")))?;
    let target = format!(
        "database {:?} on {:?}",
        config.get_dbname().unwrap_or("(default)"),
        config.get_hosts()
    );
    let manager = PostgresConnectionManager::new(config, NoTls);
    let pool = Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .map_err(|e| StoreError::Database(format!("postgres: connecting to {target}: {e}")))?;
    let backend = Postgres { pool };
    backend.write(|tx| {
        tx.batch("SELECT pg_advisory_xact_lock(3202)")?;
        let encoding = first(tx, "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()", &[], |row| row.text(0))?;
        if encoding.as_deref() != Some("UTF8") {
            return Err(StoreError::Database(format!("postgres: {target} has encoding {encoding:?}; Anju needs UTF8")));
        }
        migrate(tx, MIGRATIONS, now())?;
        refuse_unfinished(tx)?;
        crate::name_index::backfill(tx)
    })?;
    Ok(Engine::new(backend, vault))
}

impl Postgres {
    fn connection(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, StoreError> {
        self.pool
            .get()
            .map_err(|e| StoreError::Database(format!("postgres: getting a connection: {e}")))
    }
}

/// Runs `f` in `tx` and commits.
fn run<T, E: From<StoreError>>(
    tx: postgres::Transaction<'_>,
    read_only: bool,
    f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
) -> Result<T, E> {
    let mut sql = PgSql { tx, read_only };
    let out = f(&mut sql)?;
    sql.tx.commit().map_err(pg_error("committing"))?;
    Ok(out)
}

impl Backend for Postgres {
    type Bulk<'a> = PgBulk;

    fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.connection()?;
        run(
            conn.transaction().map_err(pg_error("beginning a write"))?,
            false,
            f,
        )
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.connection()?;
        let tx = conn
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg_error("beginning a read"))?;
        run(tx, true, f)
    }

    fn bulk(&self) -> Result<PgBulk, StoreError> {
        Ok(PgBulk {
            conn: self.connection()?,
            fast: false,
        })
    }
}

/// The memory a bulk load's index builds may use (the server's default is small).
const FAST: &str = "SET maintenance_work_mem = '256MB'";

/// A pooled connection, held for a bulk load.
pub(crate) struct PgBulk {
    conn: r2d2::PooledConnection<PostgresConnectionManager<NoTls>>,
    fast: bool,
}

impl Bulk for PgBulk {
    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        run(
            self.conn
                .transaction()
                .map_err(pg_error("beginning a write"))?,
            false,
            f,
        )
    }

    fn fast(&mut self) -> Result<(), StoreError> {
        self.fast = true;
        self.conn
            .batch_execute(FAST)
            .map_err(pg_error("configuring a bulk load"))
    }

    fn durable(&mut self) -> Result<(), StoreError> {
        if !self.fast {
            return Ok(());
        }
        self.fast = false;
        self.conn
            .batch_execute("RESET maintenance_work_mem")
            .map_err(pg_error("restoring the settings"))
    }
}

impl Drop for PgBulk {
    fn drop(&mut self) {
        let _ = self.durable();
    }
}
