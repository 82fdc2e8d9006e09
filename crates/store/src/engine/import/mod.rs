//! 导入 — the rows of a department's file, planned by the same planner as any
//! change and written in bulk, in one transaction with the ranges of rows they
//! add ([`keys`]), so that no row is ever applied twice.
//!
//! Inside the write transaction: the state every row touches is read once
//! ([`known`]), every row is planned in memory against it, the rows of each
//! person in file order and different persons on every core ([`replay`]), and
//! what the accepted rows change is numbered and written through the bulk
//! loader's path ([`write`]): one event per row, as if each had been submitted
//! in turn, without a round trip per row.

mod fresh;
mod keys;
mod known;
mod replay;
mod write;

use domain::access::User;
use domain::event::{Change, Event, Source};
use domain::policy_rules::PolicyRules;

use super::{City, now};
use crate::sql::Sql;
use crate::vault::Vault;
use crate::{
    Commit, Effect, ImportFile, ImportListener, ImportRow, Imported, Receipt, RowChange,
    RowOutcome, RunRecord, StoreError, import_runs, journal,
};
use replay::Planned;

/// The city, the caller and the file, as every row of a run needs them.
#[derive(Clone, Copy)]
pub(super) struct Run<'a> {
    pub vault: &'a Vault,
    pub city: &'a City,
    /// What permit steps are held to (import rows carry none, but the planner
    /// asks for them).
    pub policy_rules: &'a (dyn PolicyRules + Sync),
    pub actor: &'a User,
    pub file: &'a ImportFile,
    pub rows: &'a [ImportRow],
}

/// Rows of facts about registered persons an all-or-nothing run plans at a
/// time (see [`import`]).
const SECTION_ROWS: usize = 50_000;

/// Plans `run.rows` inside `tx`, tells `listener` what became of each row,
/// and writes them when `commit` says so; with `changes`, what the rows
/// changed (each person once, or, in a run planned in sections, once a
/// section). (The caller appends the run's record, see [`record`].)
///
/// An all-or-nothing run of more than [`SECTION_ROWS`] rows that registers
/// no one is planned and written a section at a time, each against what the
/// sections before wrote: exactly what planning the whole would give, in a
/// section's memory (a million facts planned at once held 2 GB, and took
/// longer). If any row is refused, the run does not commit, and the caller
/// rolls back what the sections wrote with the transaction (a savepoint did
/// it, but made SQLite three times as slow). New persons are planned whole,
/// so that a large file builds the persons' indexes once (see [`write`]).
pub(super) fn import(
    tx: &mut dyn Sql,
    run: &Run,
    commit: Commit,
    changes: bool,
    listener: &mut dyn ImportListener,
) -> Result<Imported, StoreError> {
    tx.lock_log()?;
    if let Some(imported) = fresh::import(tx, run, commit, changes, listener)? {
        return Ok(imported);
    }
    let registers =
        |row: &ImportRow| matches!(row.change, RowChange::Change(Change::Register { .. }));
    if commit != Commit::IfAllValid
        || run.rows.len() <= SECTION_ROWS
        || run.rows.iter().any(registers)
    {
        return section(tx, run, commit, changes, listener).map(|(imported, _)| imported);
    }
    let (mut refused, mut changed) = (false, Vec::new());
    for rows in run.rows.chunks(SECTION_ROWS) {
        let run = Run { rows, ..*run };
        let (imported, refusing) = section(tx, &run, Commit::ValidRows, changes, listener)?;
        refused |= refusing;
        changed.extend(imported.changed);
    }
    if refused {
        changed.clear();
    }
    Ok(Imported {
        committed: !refused,
        changed,
        event: None,
    })
}

/// [`import`] of `run.rows` planned at once; and whether it refused any row.
fn section(
    tx: &mut dyn Sql,
    run: &Run,
    commit: Commit,
    changes: bool,
    listener: &mut dyn ImportListener,
) -> Result<(Imported, bool), StoreError> {
    let done = keys::Done::read(tx, &run.file.sha256)?;
    let known = known::Known::read(tx, run.vault, run.rows)?;
    let mut replayed = replay::replay(run, known, run.rows, &done)?;
    let first_fact = write::number(tx, &mut replayed)?;
    let mut refused = false;
    let mut runs = keys::Runs::default();
    for (planned, row) in replayed.rows.iter().zip(run.rows) {
        let outcome = match planned {
            Planned::Already => RowOutcome::AlreadyImported,
            Planned::Held => RowOutcome::AlreadyHeld,
            Planned::Refused(refusal) => RowOutcome::Refused(refusal.clone()),
            Planned::Added(step) => RowOutcome::Added(
                Box::new(Receipt {
                    seq: step.seq,
                    person: step.person,
                    facts: step.facts.clone(),
                    record: None,
                    permit: None,
                    changed: Default::default(),
                }),
                Effect::of(&step.change),
            ),
        };
        match &outcome {
            RowOutcome::Added(..) => runs.added(row.row),
            RowOutcome::Refused(_) => {
                refused = true;
                runs.broken();
            }
            RowOutcome::AlreadyImported | RowOutcome::AlreadyHeld => runs.broken(),
        }
        listener.row(row.row, &outcome);
    }
    let committed = commits(commit, refused);
    let changed = if committed {
        let changed = write::write(tx, run, replayed, first_fact, now(), changes)?;
        runs.write(tx, &run.file.sha256)?;
        changed
    } else {
        Vec::new()
    };
    let imported = Imported {
        committed,
        changed,
        event: None,
    };
    Ok((imported, refused))
}

/// Whether a call that `commit`s writes its rows, given whether it refused any.
fn commits(commit: Commit, refused: bool) -> bool {
    match commit {
        Commit::Never => false,
        Commit::IfAllValid => !refused,
        Commit::ValidRows => true,
    }
}

/// Appends the event that records an import run, and keeps the rows it
/// refused beside it.
pub(super) fn record(
    tx: &mut dyn Sql,
    vault: &Vault,
    actor: &User,
    record: RunRecord,
) -> Result<i64, StoreError> {
    // Held already when the record follows the rows in their transaction.
    tx.lock_log()?;
    if record.summary.committed {
        // The run finishes the file, as far as it is its actor's to import.
        import_runs::forget_unfinished(tx, actor, &record.summary.sha256)?;
    }
    let RunRecord {
        summary,
        errors,
        rows,
    } = record;
    let event = Event {
        seq: 0,
        at: now(),
        actor: actor.id,
        unit: actor.unit,
        person: None,
        source: Source::Import {
            file: summary.file.clone(),
            sha256: summary.sha256.clone(),
            row: 0,
        },
        change: Change::Import { summary },
    };
    let seq = journal::append_event(tx, vault, &event)?;
    import_runs::write(tx, vault, seq, &event, errors, rows)?;
    Ok(seq)
}
