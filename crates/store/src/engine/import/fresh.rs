//! 新人文件 — a file whose rows only register persons the registry does not
//! hold, many of them: planned row by row with no one's record to track (each
//! row is its own new person), and kept in a segment ([`crate::segment`])
//! rather than written into the tables.
//!
//! A file that does anything else, names a person twice, names a registered
//! one, or was imported in part before, is not one: [`import`] says so before
//! telling the listener anything, and the general path plans it.

use std::collections::HashMap;

use domain::plan::{Context, Mutation, Plan, Refusal, plan};
use domain::registry::{FactKind, PersonId, Record};
use rayon::prelude::*;

use super::keys::{Done, Runs};
use super::known::{Key, records_of};
use super::{Run, now};
use crate::segment::{self, Header, Slot};
use crate::sql::Sql;
use crate::{
    Changed, Commit, Effect, ImportListener, Imported, Receipt, RowChange, RowOutcome, StoreError,
    journal, queries,
};

/// Plans and, as `commit` says, writes a file of new persons; `None` when
/// the rows are not one (see the module), having written and told nothing.
pub(super) fn import(
    tx: &mut dyn Sql,
    run: &Run,
    commit: Commit,
    changes: bool,
    listener: &mut dyn ImportListener,
) -> Result<Option<Imported>, StoreError> {
    if run.rows.len() < segment::SEGMENT_MIN_PERSONS {
        return Ok(None);
    }
    // Collected by index, straight into place: a collection that may end
    // early (`Option<Vec<_>>`) is gathered in parts and copied.
    let (slots, mut keys): (Vec<Option<Slot>>, Vec<Key>) = run
        .rows
        .par_iter()
        .map(|row| {
            let slot = match &row.change {
                RowChange::Change(change) => Slot::of(row.row, change),
                RowChange::PersonFact { .. } => None,
            };
            let key = slot.as_ref().map_or_else(Key::default, |slot| {
                run.vault.blind_index(&slot.resident_id)
            });
            (slot, key)
        })
        .unzip();
    if slots.iter().any(Option::is_none) {
        return Ok(None);
    }
    // In place again: a slot and an `Option` of one are the same size.
    let mut slots: Vec<Slot> = slots.into_iter().map_while(|slot| slot).collect();
    let done = Done::read(tx, &run.file.sha256)?;
    if run.rows.iter().any(|row| done.contains(row.row)) {
        return Ok(None);
    }
    let mut sorted = keys.clone();
    sorted.par_sort_unstable();
    if sorted.windows(2).any(|pair| pair[0] == pair[1])
        || !queries::persons_indexed(tx, &sorted)?.is_empty()
        || !segment::persons_indexed(tx, run.vault, &sorted)?.is_empty()
    {
        return Ok(None);
    }
    drop(sorted);
    let Some(refusals) = refusals(tx, run, &slots)? else {
        return Ok(None);
    };
    let first_person = queries::max_person(tx)? + 1;
    let first_fact = queries::max_fact(tx)? + 1;
    let first_seq = journal::last_seq(tx)? + 1;
    let refused_at: Vec<usize> = refusals.iter().map(|(at, _)| *at).collect();
    let mut refusals = refusals.into_iter().peekable();
    let mut added = 0;
    let mut runs = Runs::default();
    for (at, row) in run.rows.iter().enumerate() {
        let outcome = match refusals.next_if(|(refused, _)| *refused == at) {
            Some((_, refusal)) => {
                runs.broken();
                RowOutcome::Refused(refusal)
            }
            None => {
                runs.added(row.row);
                added += 1;
                RowOutcome::Added(
                    Box::new(Receipt {
                        seq: first_seq + added - 1,
                        person: Some(first_person + added - 1),
                        facts: vec![first_fact + added - 1],
                        record: None,
                        permit: None,
                        changed: Default::default(),
                    }),
                    Effect::New,
                )
            }
        };
        listener.row(row.row, &outcome);
    }
    let committed = super::commits(commit, !refused_at.is_empty());
    if !committed || added == 0 {
        return Ok(Some(Imported {
            committed,
            ..Imported::default()
        }));
    }
    // Only the rows added are kept, numbered in turn.
    leave_out(&mut slots, &refused_at);
    leave_out(&mut keys, &refused_at);
    let header = Header {
        first_person,
        first_fact,
        first_seq,
        at: now(),
        actor: run.actor.id,
        file: run.file.name.clone(),
        sha256: run.file.sha256.clone(),
    };
    segment::write(tx, run.vault, &header, &slots, &keys)?;
    runs.write(tx, &run.file.sha256)?;
    let changed = if changes {
        slots
            .iter()
            .enumerate()
            .map(|(n, slot)| Changed {
                after: Some(slot.state(first_person + n as PersonId, first_fact + n as i64)),
                ..Changed::default()
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(Imported {
        committed,
        changed,
        event: None,
    }))
}

/// Leaves out of `items` those at the places `refused` (sorted) gives.
fn leave_out<T>(items: &mut Vec<T>, refused: &[usize]) {
    if refused.is_empty() {
        return;
    }
    let mut at = 0;
    items.retain(|_| {
        at += 1;
        refused.binary_search(&(at - 1)).is_err()
    });
}

/// Plans every row as a registration of a new person, on every core: the
/// rows refused, each by its place among the rows with the reason; `None`
/// if the planner accepts a row with any other effect than a person and
/// their residence (the general path then plans it).
fn refusals(
    tx: &mut dyn Sql,
    run: &Run,
    slots: &[Slot],
) -> Result<Option<Vec<(usize, Refusal)>>, StoreError> {
    let mut named: Vec<_> = run.rows.iter().flat_map(records_of).collect();
    named.par_sort_unstable();
    named.dedup();
    let records: HashMap<_, Record> = queries::records_by_ids(tx, &named)?
        .into_iter()
        .map(|record| (record.id, record))
        .collect();
    /// A row the planner gives another effect.
    struct Other;
    let refused = slots
        .par_iter()
        .zip(run.rows)
        .enumerate()
        .filter_map(|(at, (slot, row))| {
            let RowChange::Change(change) = &row.change else {
                return Some(Err(Other));
            };
            let place: Vec<Record> = slot
                .place
                .and_then(|id| records.get(&id))
                .cloned()
                .into_iter()
                .collect();
            let context = Context {
                hierarchy: &run.city.hierarchy,
                rule: &run.city.rule,
                person: None,
                facts: &[],
                others: &[],
                records: &place,
                permits: &[],
                employers: &[],
                policy_rules: run.policy_rules,
            };
            match plan(run.actor, change, &context) {
                Ok(planned) if registers(&planned, slot) => None,
                Ok(_) => Some(Err(Other)),
                Err(refusal) => Some(Ok((at, refusal))),
            }
        })
        .collect::<Result<Vec<_>, Other>>();
    Ok(refused.ok())
}

/// Whether `planned` inserts exactly the person and residence `slot` holds,
/// filed under their village.
fn registers(planned: &Plan, slot: &Slot) -> bool {
    let residence = FactKind::Residence {
        housing: slot.housing,
        unit: slot.unit,
        place: slot.place,
    };
    planned.unit == slot.unit
        && matches!(
            planned.mutations.as_slice(),
            [Mutation::InsertPerson(person), Mutation::InsertFact { kind, from, to: None }]
                if person.resident_id == slot.resident_id
                    && person.name == slot.name
                    && person.unit == slot.unit
                    && *kind == residence
                    && *from == slot.on
        )
}
