//! 导入 — the rows of a department's file, each planned and applied like any other
//! change ([`super::submit`]), with its key (file SHA-256, row number) written in
//! the same transaction, so that no row is ever applied twice.

use std::collections::HashSet;

use domain::access::User;
use domain::event::{Change, Event, ImportSummary, Source};
use domain::message::FieldError;
use domain::permit_rules::PermitRules;
use domain::plan::Refusal;

use super::{City, now, submit};
use crate::sql::{Sql, rows};
use crate::vault::Vault;
use crate::{ImportFile, ImportRow, RowChange, RowOutcome, StoreError, journal, queries};

/// The city and the caller, as every row of a run needs them.
pub(super) struct Run<'a> {
    pub vault: &'a Vault,
    pub city: &'a City,
    pub permit_rules: &'a dyn PermitRules,
    pub actor: &'a User,
    pub file: &'a ImportFile,
}

/// Plans and applies `rows` inside `tx`, telling `each` what became of each row.
/// Whether any row was refused.
pub(super) fn import(
    tx: &mut dyn Sql,
    run: &Run,
    rows_in: &[ImportRow],
    each: &mut dyn FnMut(u64, &RowOutcome),
) -> Result<bool, StoreError> {
    let done = imported_rows(tx, &run.file.sha256)?;
    let mut refused = false;
    for row in rows_in {
        let outcome = if done.contains(&row.row) {
            RowOutcome::AlreadyImported
        } else {
            import_row(tx, run, row)?
        };
        refused |= matches!(outcome, RowOutcome::Refused(_));
        each(row.row, &outcome);
    }
    Ok(refused)
}

/// The rows of the file with this hash that imports added.
fn imported_rows(tx: &mut dyn Sql, sha256: &str) -> Result<HashSet<u64>, StoreError> {
    let found = rows(
        tx,
        "SELECT file_row FROM import_rows WHERE sha256 = ?1",
        &[sha256.into()],
        |row| row.int(0),
    )?;
    Ok(found.into_iter().map(|row| row as u64).collect())
}

fn import_row(tx: &mut dyn Sql, run: &Run, row: &ImportRow) -> Result<RowOutcome, StoreError> {
    let change = match person_change(tx, run, &row.change)? {
        Ok(change) => change,
        Err(refusal) => return Ok(RowOutcome::Refused(refusal)),
    };
    let source = Source::Import {
        file: run.file.name.clone(),
        sha256: run.file.sha256.clone(),
        row: row.row,
    };
    match submit::submit(
        tx,
        run.vault,
        run.city,
        run.permit_rules,
        run.actor,
        source,
        change,
    ) {
        Ok(receipt) => {
            tx.exec(
                "INSERT INTO import_rows (sha256, file_row, seq) VALUES (?1, ?2, ?3)",
                &[
                    run.file.sha256.as_str().into(),
                    (row.row as i64).into(),
                    receipt.seq.into(),
                ],
            )?;
            Ok(RowOutcome::Added(receipt))
        }
        Err(StoreError::Refused(error)) => Ok(RowOutcome::Refused(Refusal::Invalid(error))),
        Err(StoreError::Forbidden(error)) => Ok(RowOutcome::Refused(Refusal::Forbidden(error))),
        Err(other) => Err(other),
    }
}

/// The change a row asks for, with a person named by ID number found in the
/// registry (persons outside the actor's subtree are refused by the planner).
fn person_change(
    tx: &mut dyn Sql,
    run: &Run,
    change: &RowChange,
) -> Result<Result<Change, Refusal>, StoreError> {
    let (resident_id, fact, from, to) = match change {
        RowChange::Change(change) => return Ok(Ok(change.clone())),
        RowChange::PersonFact {
            resident_id,
            fact,
            from,
            to,
        } => (resident_id, fact, from, to),
    };
    let index = run.vault.blind_index(resident_id);
    Ok(
        match queries::person_by_index(tx, run.vault, &index, false)? {
            Some(person) => Ok(Change::AddFact {
                person: person.id,
                fact: fact.clone(),
                from: *from,
                to: *to,
            }),
            None => Err(Refusal::Invalid(FieldError::new(
                "resident_id",
                format!("找不到身份证号为 {} 的登记人员", resident_id.as_str()),
                format!(
                    "expected a registered person, but found none with ID number {}",
                    resident_id.as_str()
                ),
            ))),
        },
    )
}

/// Appends the event that records an import run.
pub(super) fn record(
    tx: &mut dyn Sql,
    vault: &Vault,
    actor: &User,
    summary: ImportSummary,
) -> Result<i64, StoreError> {
    tx.lock_log()?;
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
    journal::append_event(tx, vault, &event)
}
