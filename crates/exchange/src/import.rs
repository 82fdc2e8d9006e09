//! 导入 — a department's file into the registry: read, check every cell, then
//! have the store plan and apply every row, and record the run as an event.
//!
//! - All or nothing (the default): every row in one transaction that commits only
//!   if no row is refused; a bad cell anywhere means nothing is written, and the
//!   report still names every bad row (the planner's reasons too, from a run that
//!   is rolled back).
//! - Valid rows only: rows in durable batches, each a twentieth of the file
//!   within [`LEAST_BATCH`] and [`MOST_BATCH`] rows; refused rows are left
//!   out and named in [`Report::skipped`].
//! - Dry run: everything checked and planned, nothing committed.
//!
//! Every row's key (file SHA-256, row number) is written with its event, so a
//! second run of the same file, or a run after a crash at any point, adds each
//! row at most once. The file is read from memory: nothing is written to disk
//! but the rows. Every run, a dry run too, ends with an event that records it,
//! and the store keeps its bad rows beside it ([`Report::new`]): appended in
//! the transaction of the run's last rows, so that no row is ever committed
//! without the record of the run that brought it (in valid-rows-only mode,
//! the batches before the last are committed before the record is: each
//! keeps the run's summary so far, which the history lists as unfinished
//! until the record replaces it, and a run killed in between is recorded
//! when it is run again).

use domain::access::User;
use domain::event::{ImportSummary, RefusedRow, RowError};
use domain::message::FieldError;
use domain::plan::Refusal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use store::{
    Changed, Commit, Effect, ImportFile, ImportListener, ImportReport, ImportRow, ImportRun,
    RowOutcome, RunRecord, Store, StoreError,
};

use crate::limits::Limits;
use crate::read::{self, encoding::Encoding};
use crate::template::{Template, column_positions, parse_rows, row_error};

/// The fewest rows a transaction takes when only valid rows are imported
/// (fewer when the file has fewer).
pub const LEAST_BATCH: usize = 5_000;

/// The most rows a transaction takes when only valid rows are imported: a
/// transaction holds the writer, so a station's change waits for it (about a
/// second for 50,000 new persons).
pub const MOST_BATCH: usize = 50_000;

/// Rows per transaction when only valid rows of a file of `rows` are imported:
/// a twentieth of the file, within [`LEAST_BATCH`] and [`MOST_BATCH`]. Each
/// transaction writes again every page of the indexes its rows touch, at
/// random places for ID numbers and name grams, so that the pages written
/// grow with the number of transactions: 1,000,000 new persons took 82 s and
/// wrote 29 GB in batches of 5,000, 18 s and 4.7 GB in twenty.
fn batch_rows(rows: usize) -> usize {
    (rows / 20).clamp(LEAST_BATCH, MOST_BATCH)
}

/// How refused rows are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// One refused row and nothing is written.
    AllOrNothing,
    /// Refused rows are skipped, the others written.
    ValidRowsOnly,
}

/// How to run an import.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub mode: Mode,
    pub dry_run: bool,
    /// The CSV encoding, when not to be detected.
    pub encoding: Option<Encoding>,
    pub limits: Limits,
}

/// What the rows are going through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Planned in a transaction that is rolled back.
    Checking,
    /// Planned and written.
    Writing,
}

/// How far an import is: `done` of `total` rows through `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    /// The template's kind, e.g. `labour`.
    pub kind: String,
    pub file: String,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    pub mode: Mode,
    pub dry_run: bool,
    /// Data rows in the file.
    pub rows: u64,
    /// Rows added (in a dry run, or a run that did not commit: rows that would be).
    pub added: u64,
    /// Rows already in the registry: an earlier import of the same file added
    /// them, or the registry already says what they say.
    pub already: u64,
    /// Of the rows added (or that would be): those that ended a fact the
    /// record held open.
    pub ended: u64,
    /// … that corrected the last day of a fact the record held as ended.
    pub corrected: u64,
    /// … that moved a registered person to another residence.
    pub moved: u64,
    /// Whether the rows were written.
    pub committed: bool,
    /// Rows refused (a row with several bad cells counts once).
    pub refused: u64,
    /// Every bad row (or, in a report read back a page at a time, the page's):
    /// its number, column and reason.
    pub errors: Vec<RowError>,
    /// The bad rows (the page's) as the file gave them, to be put right and
    /// sent again (see [`crate::report::errors_workbook`]).
    pub refused_rows: Vec<RefusedRow>,
    /// In valid-rows-only mode, the rows left out (the page's).
    pub skipped: Vec<u64>,
    /// The sequence number of the event that records this run (a dry run's too).
    pub event: i64,
    /// The last bad row this report gives, when the run refused rows after it
    /// that it leaves out: `GET /api/v1/imports/runs/{event}?after=…` gives
    /// the next ones.
    pub more_after: Option<u64>,
}

impl Report {
    /// The report of the run recorded by event `event`, from its summary and
    /// its bad rows: what [`import`] returns, and what it gives back of a run
    /// the log keeps (see [`Store::import_report`]).
    pub fn new(
        event: i64,
        summary: ImportSummary,
        errors: Vec<RowError>,
        refused_rows: Vec<RefusedRow>,
        more_after: Option<u64>,
    ) -> Report {
        let skipped = if summary.committed && summary.valid_rows_only {
            row_numbers(&errors)
        } else {
            Vec::new()
        };
        Report {
            kind: Template::of(summary.department).kind().to_owned(),
            added: summary.rows_to_add(),
            file: summary.file,
            sha256: summary.sha256,
            mode: if summary.valid_rows_only {
                Mode::ValidRowsOnly
            } else {
                Mode::AllOrNothing
            },
            dry_run: summary.dry_run,
            rows: summary.rows,
            already: summary.already,
            ended: summary.ended,
            corrected: summary.corrected,
            moved: summary.moved,
            committed: summary.committed,
            refused: summary.refused,
            errors,
            refused_rows,
            skipped,
            event,
            more_after,
        }
    }
}

/// The report of a run the log keeps.
impl From<ImportReport> for Report {
    fn from(recorded: ImportReport) -> Report {
        Report::new(
            recorded.seq,
            recorded.summary,
            recorded.errors,
            recorded.rows,
            recorded.more_after,
        )
    }
}

/// The numbers of the rows `errors` name (sorted by row), each once.
fn row_numbers(errors: &[RowError]) -> Vec<u64> {
    let mut rows: Vec<u64> = errors.iter().map(|e| e.row).collect();
    rows.dedup();
    rows
}

/// Where the import reports to while it runs.
pub trait Observer {
    fn progress(&mut self, _progress: Progress) {}
    /// Whether [`Observer::committed`] wants the changes (the server's indicator
    /// engine does; the command line does not, and saves their memory).
    fn wants_changes(&self) -> bool {
        false
    }
    /// What a transaction that has just committed changed (each person once,
    /// then the values in file order).
    fn committed(&mut self, _changes: Vec<Changed>) {}
}

/// An observer that hears nothing.
impl Observer for () {}

/// Imports `bytes`, a file named `name` in `template`'s layout, as `actor`.
/// Fails as a whole (nothing written) when `actor` may not import the
/// template's files (see [`Template::importable_by`]) or the file cannot be
/// read or lacks a column; bad rows are in the report.
pub fn import(
    store: &dyn Store,
    actor: &User,
    template: &Template,
    name: &str,
    bytes: &[u8],
    options: &Options,
    observer: &mut dyn Observer,
) -> Result<Report, ImportError> {
    template
        .importable_by(actor)
        .map_err(ImportError::Forbidden)?;
    // The hash on one core while the rows are read on every core.
    let (sha256, parsed) = rayon::join(
        || sha256_hex(bytes),
        || -> Result<_, FieldError> {
            let table = read::read(bytes, options.encoding, &options.limits, &|row| {
                template.is_header(row)
            })?;
            parse_rows(template, &table)
        },
    );
    let file = ImportFile {
        name: name.to_owned(),
        sha256,
    };
    let (rows, errors) = parsed?;
    // Every row of the file is one of the rows, or refused for its cells.
    let total = (rows.len() + row_numbers(&errors).len()) as u64;
    let (commit, stage) = match (options.dry_run, options.mode) {
        (true, _) => (Commit::Never, Stage::Checking),
        (false, Mode::AllOrNothing) if !errors.is_empty() => (Commit::Never, Stage::Checking),
        (false, Mode::AllOrNothing) => (Commit::IfAllValid, Stage::Writing),
        (false, Mode::ValidRowsOnly) => (Commit::ValidRows, Stage::Writing),
    };
    let batch = match commit {
        Commit::ValidRows => batch_rows(rows.len()),
        Commit::Never | Commit::IfAllValid => rows.len().max(1),
    };
    let mut chunks: Vec<&[ImportRow]> = rows.chunks(batch).collect();
    if chunks.is_empty() {
        // A file whose every row is bad still makes the call that records it.
        chunks.push(&[]);
    }
    let mut tally = Tally {
        template,
        file: &file,
        options,
        observer,
        stage,
        total,
        done: total - rows.len() as u64,
        added: 0,
        already: 0,
        ended: 0,
        corrected: 0,
        moved: 0,
        errors,
        bytes,
        refused: Vec::new(),
        calls_left: chunks.len(),
        summary: None,
    };
    let mut event = None;
    for chunk in chunks {
        let run = ImportRun {
            actor,
            file: &file,
            commit,
            changes: tally.observer.wants_changes(),
        };
        tally.calls_left -= 1;
        let imported = store.import(&run, chunk, &mut tally)?;
        if imported.committed && run.changes {
            tally.observer.committed(imported.changed);
        }
        event = imported.event;
    }
    let event = event.expect("the last call records the run");
    let summary = tally.summary.expect("the last call records the run");
    free_beside(rows);
    Ok(Report::new(
        event,
        summary,
        tally.errors,
        tally.refused,
        None,
    ))
}

/// Frees `value` on a thread of its own: a large file's rows are millions
/// of allocations, half a second of freeing the caller need not
/// wait for. Where no thread can be had, it is freed here.
fn free_beside<T: Send + 'static>(value: T) {
    // A refused spawn drops the closure, and `value` with it.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Counts outcomes as the store reports them, and gives the run's record at
/// its last call.
struct Tally<'a> {
    template: &'a Template,
    file: &'a ImportFile,
    options: &'a Options,
    observer: &'a mut dyn Observer,
    stage: Stage,
    total: u64,
    done: u64,
    added: u64,
    already: u64,
    /// Of the rows added, those that ended, corrected or moved (see [`Effect`]).
    ended: u64,
    corrected: u64,
    moved: u64,
    /// The bad cells, then the refused rows as the store reports them.
    errors: Vec<RowError>,
    /// The file, to give the refused rows as it has them.
    bytes: &'a [u8],
    /// The refused rows, once the run is recorded.
    refused: Vec<RefusedRow>,
    /// The calls of the store still to come after the current one.
    calls_left: usize,
    /// The run's summary, once recorded.
    summary: Option<ImportSummary>,
}

impl ImportListener for Tally<'_> {
    fn row(&mut self, row: u64, outcome: &RowOutcome) {
        match outcome {
            RowOutcome::Added(_, effect) => {
                self.added += 1;
                match effect {
                    Effect::New => {}
                    Effect::Ended => self.ended += 1,
                    Effect::Corrected => self.corrected += 1,
                    Effect::Moved => self.moved += 1,
                }
            }
            RowOutcome::AlreadyImported | RowOutcome::AlreadyHeld => self.already += 1,
            RowOutcome::Refused(Refusal::Invalid(error) | Refusal::Forbidden(error)) => {
                let column = self.template.column_for(&error.field);
                self.errors
                    .push(row_error(row, column, error.message.clone()));
            }
        }
        self.done += 1;
        if self.done.is_multiple_of(1_000) || self.done == self.total {
            self.observer.progress(Progress {
                stage: self.stage,
                done: self.done,
                total: self.total,
            });
        }
    }

    fn ends_run(&mut self, committed: bool) -> Option<RunRecord<'_>> {
        if self.calls_left > 0 {
            return None;
        }
        self.errors.sort_by_key(|e| e.row);
        let numbers = row_numbers(&self.errors);
        let refused = numbers.len() as u64;
        debug_assert!(committed || self.added == self.total - self.already - refused);
        let summary = self.counts(refused, committed);
        self.summary = Some(summary.clone());
        self.refused = self.refused_rows(&numbers);
        Some(RunRecord {
            summary,
            errors: &self.errors,
            rows: &self.refused,
        })
    }

    fn unfinished(&self) -> Option<ImportSummary> {
        // Every row not heard yet, nor refused for its cells, is still to come.
        Some(self.counts(self.done - self.added - self.already, true))
    }
}

impl Tally<'_> {
    /// The run's summary as its counts stand, with `refused` rows refused and
    /// whether it `committed` its rows.
    fn counts(&self, refused: u64, committed: bool) -> ImportSummary {
        ImportSummary {
            department: self.template.department,
            file: self.file.name.clone(),
            sha256: self.file.sha256.clone(),
            rows: self.total,
            added: if committed { self.added } else { 0 },
            already: self.already,
            refused,
            committed,
            dry_run: self.options.dry_run,
            valid_rows_only: self.options.mode == Mode::ValidRowsOnly,
            ended: self.ended,
            corrected: self.corrected,
            moved: self.moved,
        }
    }

    /// The rows numbered `numbers` (sorted) as the file gives them, their cells
    /// in the template's column order. The file's cells were not kept once
    /// its rows were made: it is read again, once a run has refused rows,
    /// rather than kept whole for the few it may refuse.
    fn refused_rows(&self, numbers: &[u64]) -> Vec<RefusedRow> {
        if numbers.is_empty() {
            return Vec::new();
        }
        let is_header = |row: &csv::StringRecord| self.template.is_header(row);
        let read = read::read(
            self.bytes,
            self.options.encoding,
            &self.options.limits,
            &is_header,
        );
        let Some((table, positions)) = read.ok().and_then(|table| {
            let positions = column_positions(self.template, &table.headers).ok()?;
            Some((table, positions))
        }) else {
            // Not reached: the same bytes read, with these columns, before.
            return Vec::new();
        };
        let refused = table.map_rows(|number, record| {
            numbers.binary_search(&number).is_ok().then(|| RefusedRow {
                row: number,
                cells: positions
                    .iter()
                    .map(|&at| record.get(at).unwrap_or_default().to_owned())
                    .collect(),
            })
        });
        refused.into_iter().flatten().flatten().collect()
    }
}

/// Why an import failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read, or lacks a column.
    #[error("{0}")]
    File(#[from] FieldError),
    /// The user may not import this department's files.
    #[error("{0}")]
    Forbidden(FieldError),
    /// The store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
