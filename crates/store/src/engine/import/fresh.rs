//! 新人文件 — a file whose rows only register persons the registry does not
//! hold, many of them: planned row by row with no one's record to track (each
//! row is its own new person), and kept in a segment ([`crate::segment`])
//! rather than written into the tables.
//!
//! A file that does anything else, names a person twice, names a registered
//! one, or was imported in part before, is not one: [`import`] says so before
//! telling the listener anything, and the general path plans it.

use std::collections::HashMap;

use domain::plan::{Context, Mutation, Plan, plan};
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

/// What became of one row of a file of new persons.
enum Planned {
    Added(Slot),
    Refused(domain::plan::Refusal),
}

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
    let Some(slots) = run
        .rows
        .par_iter()
        .map(|row| match &row.change {
            RowChange::Change(change) => Slot::of(row.row, change),
            RowChange::PersonFact { .. } => None,
        })
        .collect::<Option<Vec<Slot>>>()
    else {
        return Ok(None);
    };
    let done = Done::read(tx, &run.file.sha256)?;
    if run.rows.iter().any(|row| done.contains(row.row)) {
        return Ok(None);
    }
    let keys: Vec<Key> = slots
        .par_iter()
        .map(|slot| run.vault.blind_index(&slot.resident_id))
        .collect();
    let mut sorted = keys.clone();
    sorted.par_sort_unstable();
    if sorted.windows(2).any(|pair| pair[0] == pair[1])
        || !queries::persons_indexed(tx, &sorted)?.is_empty()
        || !segment::persons_indexed(tx, run.vault, &sorted)?.is_empty()
    {
        return Ok(None);
    }
    drop(sorted);
    let Some(planned) = plan_rows(tx, run, slots)? else {
        return Ok(None);
    };
    let first_person = queries::max_person(tx)? + 1;
    let first_fact = queries::max_fact(tx)? + 1;
    let first_seq = journal::last_seq(tx)? + 1;
    let (mut added, mut refused) = (Vec::with_capacity(planned.len()), false);
    let mut runs = Runs::default();
    for ((planned, row), key) in planned.into_iter().zip(run.rows).zip(keys) {
        let outcome = match planned {
            Planned::Refused(refusal) => {
                refused = true;
                runs.broken();
                RowOutcome::Refused(refusal)
            }
            Planned::Added(slot) => {
                let n = added.len() as i64;
                runs.added(row.row);
                added.push((slot, key));
                RowOutcome::Added(
                    Box::new(Receipt {
                        seq: first_seq + n,
                        person: Some(first_person + n),
                        facts: vec![first_fact + n],
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
    let committed = super::commits(commit, refused);
    if committed && !added.is_empty() {
        let header = Header {
            first_person,
            first_fact,
            first_seq,
            at: now(),
            actor: run.actor.id,
            file: run.file.name.clone(),
            sha256: run.file.sha256.clone(),
        };
        segment::write(tx, run.vault, &header, &added)?;
        runs.write(tx, &run.file.sha256)?;
    }
    let changed = if committed && changes {
        added
            .iter()
            .enumerate()
            .map(|(n, (slot, _))| Changed {
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

/// Plans every row as a registration of a new person, on every core; `None`
/// if the planner accepts a row with any other effect than a person and
/// their residence (the general path then plans it).
fn plan_rows(
    tx: &mut dyn Sql,
    run: &Run,
    slots: Vec<Slot>,
) -> Result<Option<Vec<Planned>>, StoreError> {
    let mut named: Vec<_> = run.rows.iter().flat_map(records_of).collect();
    named.par_sort_unstable();
    named.dedup();
    let records: HashMap<_, Record> = queries::records_by_ids(tx, &named)?
        .into_iter()
        .map(|record| (record.id, record))
        .collect();
    let planned = slots
        .into_par_iter()
        .zip(run.rows)
        .map(|(slot, row)| {
            let RowChange::Change(change) = &row.change else {
                return None;
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
                Ok(planned) => registers(&planned, &slot).then_some(Planned::Added(slot)),
                Err(refusal) => Some(Planned::Refused(refusal)),
            }
        })
        .collect::<Option<Vec<_>>>();
    Ok(planned)
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
