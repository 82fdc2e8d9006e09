//! 存储 — the event log and the current state derived from it, in an embedded SQLite
//! file or in PostgreSQL, behind one [`Store`] trait.
//!
//! Every write goes through [`Store::submit`]: one transaction reads the state the
//! change touches, asks [`domain::plan::plan`] what it does, appends the event and
//! applies the mutations; the commit is durable before the caller hears "ok". Reads
//! of person records are scoped to the viewer's subtree and are themselves recorded.
//! The store computes no indicators.

mod engine;
mod error;
mod event_codec;
mod fact_codec;
mod import_runs;
mod journal;
mod name_index;
mod pack;
mod permits;
mod postgres;
mod queries;
mod segment;
mod sql;
mod sqlite;
mod types;
pub mod vault;

pub use error::StoreError;
pub use segment::SEGMENT_MIN_PERSONS;
pub use types::*;

use domain::Date;
use domain::access::{User, UserId};
use domain::division::Hierarchy;
use domain::event::{Change, Event, Source};
use domain::migrant::MigrantRule;
use domain::permit::{Permit, PermitId};
use domain::registry::{Fact, PersonId, Record, RecordId};
use domain::reported_value::ReportedValue;
use domain::resident_id::ResidentId;

/// The registry's storage. Both backends implement it and pass the same suite.
pub trait Store: Send + Sync {
    /// Sets up an empty database for a city: its divisions and migrant rule. Refuses
    /// a database that already holds a city.
    fn initialise(&self, city: &Hierarchy, rule: &MigrantRule) -> Result<(), StoreError>;

    /// The city's divisions, with their history.
    fn hierarchy(&self) -> Result<Hierarchy, StoreError>;

    /// Records a merger: `old` units end the day before `on` and `into` succeeds them.
    fn record_merge(
        &self,
        old: &[domain::division::DivisionCode],
        into: domain::division::DivisionCode,
        on: Date,
    ) -> Result<(), StoreError>;

    /// Gives the policy's rules that permit steps and reported values are held
    /// against from now on, by [`Store::submit`] and [`Store::import`] alike (the
    /// rollout and the new-citizen criteria for an application, the validity for
    /// an issue or a renewal, the names the indicators read for a value). Until
    /// given, those steps are refused and any well-formed value name is taken
    /// ([`domain::policy_rules::NoPolicyRules`]).
    fn set_policy_rules(
        &self,
        rules: std::sync::Arc<dyn domain::policy_rules::PolicyRules + Send + Sync>,
    );

    /// Appends one event made by `actor` and applies it, all or nothing.
    fn submit(&self, actor: &User, source: Source, change: Change) -> Result<Receipt, StoreError>;

    /// A person's file (person, facts, family) — scoped and recorded as a view.
    fn person(&self, viewer: &User, id: PersonId) -> Result<PersonFile, StoreError>;

    /// What was true of a person on `date` — scoped and recorded as a view.
    fn facts_on(&self, viewer: &User, id: PersonId, date: Date) -> Result<Vec<Fact>, StoreError>;

    /// Every event about a person, oldest first — scoped and recorded as a view.
    fn timeline(&self, viewer: &User, id: PersonId) -> Result<Vec<Event>, StoreError>;

    /// The person with this ID number, if registered in the viewer's subtree (found
    /// through the blind index; recorded as a view).
    fn find_by_resident_id(
        &self,
        viewer: &User,
        id: &ResidentId,
    ) -> Result<Option<PersonSummary>, StoreError>;

    /// The first `limit` persons in the viewer's subtree whose name contains `name`,
    /// exact names first (each recorded as a view); see [`Store::search_by_name_page`].
    fn search_by_name(
        &self,
        viewer: &User,
        name: &str,
        limit: usize,
    ) -> Result<Vec<PersonSummary>, StoreError> {
        Ok(self.search_by_name_page(viewer, name, None, limit)?.hits)
    }

    /// One page of the persons in the viewer's subtree whose name contains `name`
    /// (compared by character, the middle dot written any usual way, through the
    /// name index): those named exactly `name` first, then the others by name; at
    /// most `limit`, after `after` (the `next` of the page before). Each hit is
    /// recorded as a view.
    fn search_by_name_page(
        &self,
        viewer: &User,
        name: &str,
        after: Option<&NameCursor>,
        limit: usize,
    ) -> Result<NamePage, StoreError>;

    /// 人员名单 — every person whose current (or last) unit lies in `unit`'s
    /// subtree, by number, with the ID number, for a viewer whose role may read
    /// person records and whose subtree holds `unit` (else `Forbidden`); each
    /// person listed is recorded as viewed (`list`).
    fn person_list(
        &self,
        viewer: &User,
        unit: domain::division::DivisionCode,
    ) -> Result<Vec<domain::registry::Person>, StoreError>;

    /// Who viewed a person's record, newest first.
    fn views_of(&self, viewer: &User, id: PersonId) -> Result<Vec<ViewEntry>, StoreError>;

    /// A person's residence permits and applications, oldest first — scoped and
    /// recorded as a view.
    fn permits(&self, viewer: &User, person: PersonId) -> Result<Vec<Permit>, StoreError>;

    /// One permit, if its holder is in the viewer's subtree — recorded as a view of
    /// the holder.
    fn permit(&self, viewer: &User, id: PermitId) -> Result<Permit, StoreError>;

    /// Every issued permit revoked or replaced by a later edition: what the city's
    /// revocation list publishes (numbers, editions and days only; no viewer).
    fn replaced_or_revoked_permits(&self) -> Result<Vec<Permit>, StoreError>;

    /// One record that is not a person, if in the viewer's subtree.
    fn record(&self, viewer: &User, id: RecordId) -> Result<Record, StoreError>;

    /// Records in the viewer's subtree, of one kind (e.g. `employer`) or all.
    fn records(
        &self,
        viewer: &User,
        kind: Option<&str>,
        page: Page,
    ) -> Result<Vec<Record>, StoreError>;

    /// Records in the viewer's subtree of any of `kinds` whose name contains
    /// `part` (taken literally), by number, at most `limit`: to pick one on a form.
    fn records_named(
        &self,
        viewer: &User,
        kinds: &[&str],
        part: &str,
        limit: usize,
    ) -> Result<Vec<Record>, StoreError>;

    /// Adds a user with an already-hashed password (argon2id PHC string).
    fn create_user(&self, user: NewUser) -> Result<User, StoreError>;

    /// A user by number (to show who recorded an event).
    fn user(&self, id: UserId) -> Result<Option<User>, StoreError>;

    /// A user and their password hash, by login name.
    fn credentials(&self, login: &str) -> Result<Option<(User, String)>, StoreError>;

    /// Starts a session: the SHA-256 of its token and when it expires.
    fn create_session(
        &self,
        user: UserId,
        token_hash: [u8; 32],
        expires: jiff::Timestamp,
    ) -> Result<(), StoreError>;

    /// Ends a session (logout).
    fn end_session(&self, token_hash: [u8; 32]) -> Result<(), StoreError>;

    /// The user of a live session.
    fn session_user(
        &self,
        token_hash: [u8; 32],
        now: jiff::Timestamp,
    ) -> Result<Option<User>, StoreError>;

    /// Events after `seq`, oldest first, at most `limit` (feeds the indicator engine).
    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<Event>, StoreError>;

    /// 日志进度 — what the events after `seq` did, for a reader that keeps up with
    /// the log written by other processes (a server while `anju import` runs),
    /// in one consistent read: the last event, whether any names a person
    /// numbered `known_persons` or below, the persons numbered above it that
    /// the events name (as [`Store::scan`] hands them over), and the events
    /// that name no person.
    fn log_since(&self, seq: i64, known_persons: PersonId) -> Result<LogSince, StoreError>;

    /// Hands over what the indicator engine is built from: every record in batches,
    /// then every person with all their facts (oldest first) in batches by person
    /// number, then every reported value, in one consistent read. Returns the
    /// sequence number of the last event the scan includes.
    fn scan(
        &self,
        records: &mut dyn FnMut(Vec<Record>),
        persons: &mut dyn FnMut(Vec<CountedPerson>),
        values: &mut dyn FnMut(ReportedValue),
    ) -> Result<i64, StoreError>;

    /// Starts a bulk load of batches prepared outside the event path (the demo
    /// city); see [`Loader`]. Other writers wait until the loader is finished or
    /// dropped (on SQLite; on PostgreSQL they may run, but see below).
    ///
    /// Into a database whose registry is empty (no records, persons, facts, family
    /// links, reported values or events), the load trades durability for speed until
    /// [`Loader::finish`]: the secondary indexes of those tables are dropped and
    /// built once at the end (uniqueness of ID numbers and links is checked then),
    /// and SQLite writes without waiting for the disk. A load that never finishes
    /// (the process died) leaves a database the store refuses to open: build it
    /// again. Into any other database each batch is an ordinary durable
    /// transaction with every index in place.
    fn loader(&self) -> Result<Box<dyn Loader + '_>, StoreError>;

    /// 导入 — plans and applies rows of a department's file as `run.actor`, in one
    /// transaction, each row an event with source [`Source::Import`], as if each
    /// had been submitted in turn (the rows are planned in memory against the
    /// state they touch, read once, and written in bulk). A row whose (file
    /// SHA-256, row number) an earlier import added is not applied again: the
    /// ranges of rows added are written in the same transaction as their events,
    /// so a file imported twice, or again after the process died, ends with every
    /// row once. Nor is a row that says only what the registry holds (another
    /// file's bytes, the same content: [`RowOutcome::AlreadyHeld`]); a row that
    /// gives the last day of an open fact ends it, another last day than an
    /// ended fact's corrects it, and a registration at a new
    /// address is a move (see [`Change::as_move_of`]). `listener` hears every row's
    /// outcome in order and, at the run's last call, gives the record of the
    /// run, appended in the same transaction ([`ImportListener::ends_run`]);
    /// `run.commit` says whether the transaction commits the rows. A call that
    /// never commits them ([`Commit::Never`]) plans on a read snapshot, holding
    /// up no writer, and takes the writer only to append the run's record.
    ///
    /// A call whose rows only register new persons, many of them (see
    /// `docs/design.md`, "Segments"), keeps them packed in a segment: one row
    /// per 65,536 persons, which every reader merges with the tables, until
    /// [`Store::fold_segment`] folds it in or a change or view of a person
    /// moves them into the tables.
    fn import(
        &self,
        run: &ImportRun<'_>,
        rows: &[ImportRow],
        listener: &mut dyn ImportListener,
    ) -> Result<Imported, StoreError>;

    /// 并入 — folds the oldest segment piece into the tables, in a
    /// transaction of its own: the persons it still holds are written into
    /// the tables with the numbers it gave them, and the piece is deleted.
    /// Readers see the same persons before and after; the tables answer a
    /// name search or a village list from their indexes, where a piece is
    /// read name by name. How many persons moved; `None` when no piece is
    /// left. (A large file of new persons is kept in a segment on import,
    /// see [`Store::import`].)
    fn fold_segment(&self) -> Result<Option<usize>, StoreError>;

    /// 导入报告 — the import run recorded by event `seq`, with the `page` of
    /// the rows it refused, if `viewer` made it (else `NotFound`, as for no
    /// such run).
    fn import_report(
        &self,
        viewer: &User,
        seq: i64,
        page: RefusedPage,
    ) -> Result<ImportReport, StoreError>;

    /// 导入记录 — the records of the import runs (events whose change is
    /// [`Change::Import`]) `viewer` may list, newest first, at most `limit`,
    /// each with its sender's name: their own, and, for those who watch what
    /// departments send ([`User::may_watch_imports`]), every run made by a
    /// user of their area. The runs still unfinished (see
    /// [`ImportListener::unfinished`]) come first, newest first too.
    fn import_runs(&self, viewer: &User, limit: usize) -> Result<Vec<ImportRecord>, StoreError>;
}

/// A bulk load under way (from [`Store::loader`]).
pub trait Loader {
    /// Writes one batch in one transaction, all or nothing. Ids in the batch are
    /// the caller's and must be new; records are written first, then persons,
    /// facts, family links, reported values and events.
    fn load(&mut self, batch: &LoadBatch) -> Result<(), StoreError>;

    /// Ends the load: builds the indexes it deferred and returns the database to
    /// the settings of normal writes, everything written durable. A loader
    /// dropped without `finish` does the same, ignoring errors.
    fn finish(self: Box<Self>) -> Result<(), StoreError>;
}

/// Opens the store a URL names: `sqlite://PATH` (or a plain path) or `postgres://…`,
/// migrating it to the current schema.
pub fn open(url: &str, vault: vault::Vault) -> Result<Box<dyn Store>, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Box::new(self::postgres::open(url, vault)?));
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    if path.is_empty() {
        return Err(StoreError::Database(
            "expected a database URL (sqlite://PATH or postgres://…), but found none".into(),
        ));
    }
    Ok(Box::new(sqlite::open(std::path::Path::new(path), vault)?))
}
