//! 演算 — the rows of a file planned in memory: each person's rows in file order,
//! each against the state the rows before it left (the planner sees what
//! [`crate::engine::submit`] would have read back), different persons on every
//! core at once. Nothing is written here; new persons and facts carry
//! provisional numbers until [`super::write::number`].

use std::collections::{HashMap, HashSet};

use domain::Date;
use domain::division::DivisionCode;
use domain::event::{Change, Correction};
use domain::message::FieldError;
use domain::plan::{Context, Mutation, Refusal, outside_scope, plan};
use domain::registry::{FactId, FactKind, PersonId, Record, RecordId};
use domain::reported_value::ReportedValue;
use domain::resident_id::ResidentId;
use rayon::prelude::*;

use super::Run;
use super::keys::Done;
use super::known::{Key, Known, records_of};
use crate::{ImportRow, PersonState, RowChange, StoreError, name_index, queries};

/// Provisional numbers of facts the rows insert start here (above any real one,
/// so that a person's facts sort as they will once numbered).
pub(super) const PROVISIONAL: FactId = 1 << 62;

/// One person through the rows of the file.
pub(super) struct Track {
    /// The blind index of the person's ID number.
    pub key: Key,
    /// As the registry holds them (`None`: not registered).
    pub before: Option<PersonState>,
    /// As the rows planned so far leave them.
    pub now: Option<PersonState>,
    /// How many facts the rows inserted (provisional `PROVISIONAL + n`).
    inserted: FactId,
}

/// A row the planner accepted: what it changes.
pub(super) struct Step {
    /// The person's track, if the row is about a person.
    pub track: Option<usize>,
    pub unit: DivisionCode,
    pub change: Change,
    /// The facts it inserted (provisional numbers until numbered).
    pub facts: Vec<FactId>,
    pub value: Option<ReportedValue>,
    /// The event's sequence number and the person's number, once numbered.
    pub seq: i64,
    pub person: Option<PersonId>,
}

/// What became of a row.
pub(super) enum Planned {
    /// An earlier import of the file added it.
    Already,
    /// The registry already says what it says: the person's record (see
    /// [`Change::is_held_by`]), or the value reported.
    Held,
    Refused(Refusal),
    Added(Step),
}

/// Every row planned, in file order, and every person's track.
pub(super) struct Replayed {
    pub rows: Vec<Planned>,
    pub tracks: Vec<Track>,
}

/// The refusal of a fact about an ID number nobody is registered with.
fn not_registered(id: &ResidentId) -> Refusal {
    Refusal::Invalid(FieldError::new(
        "resident_id",
        format!("找不到身份证号为 {} 的登记人员", id.as_str()),
        format!(
            "expected a registered person, but found none with ID number {}",
            id.as_str()
        ),
    ))
}

/// Whether a department's row names the registered person: the same name as
/// the name index compares them (the middle dot written any usual way,
/// spaces and full-width letters as a spreadsheet may hold them).
fn same_name(given: &str, registered: &str) -> bool {
    name_index::normalise(given) == name_index::normalise(registered)
}

/// The refusal of a row whose name is not the one registered with its ID
/// number (which it does not reveal).
fn another_name(id: &ResidentId, name: &str) -> Refusal {
    Refusal::Invalid(FieldError::new(
        "name",
        format!("姓名“{name}”与身份证号 {} 登记的姓名不符", id.as_str()),
        format!(
            "expected the name registered with ID number {}, but found {name:?}",
            id.as_str()
        ),
    ))
}

/// Plans every row of `rows` not in `done`.
pub(super) fn replay(
    run: &Run,
    known: Known,
    rows: &[ImportRow],
    done: &Done,
) -> Result<Replayed, StoreError> {
    let Known {
        keys,
        mut persons,
        records,
        values_held,
    } = known;
    // The rows of each person together, in file order: a run of `keyed` each.
    let mut keyed: Vec<(Key, usize)> = keys
        .iter()
        .enumerate()
        .filter_map(|(at, key)| key.map(|key| (key, at)))
        .collect();
    keyed.par_sort_unstable();
    // At most a track a row, reserved rather than copied at every doubling.
    let mut groups: Vec<(Track, std::ops::Range<usize>)> = Vec::with_capacity(keyed.len());
    for (next, (key, _)) in keyed.iter().enumerate() {
        match groups.last_mut() {
            Some((_, run)) if keyed[run.start].0 == *key => run.end = next + 1,
            _ => {
                let before = persons.remove(key);
                let track = Track {
                    key: *key,
                    now: before.clone(),
                    before,
                    inserted: 0,
                };
                groups.push((track, next..next + 1));
            }
        }
    }
    let planner = Planner {
        run,
        records: &records,
        values_held: &values_held,
        done,
    };
    // The plans in `keyed` order, each group's written into the run of slots
    // beside its run of `keyed`: made in place, not gathered from every core
    // and copied.
    let mut by_key: Vec<Option<Planned>> =
        std::iter::repeat_with(|| None).take(keyed.len()).collect();
    let mut pieces = Vec::with_capacity(groups.len());
    let mut rest = by_key.as_mut_slice();
    for (_, run) in &groups {
        let (piece, tail) = rest.split_at_mut(run.len());
        pieces.push(piece);
        rest = tail;
    }
    groups.par_iter_mut().zip(pieces).enumerate().try_for_each(
        |(index, ((track, run), piece))| {
            for (slot, &(_, at)) in piece.iter_mut().zip(&keyed[run.clone()]) {
                *slot = Some(planner.row(&rows[at], Some((index, &mut *track)))?);
            }
            Ok::<_, StoreError>(())
        },
    )?;
    let alone = keys
        .par_iter()
        .enumerate()
        .filter(|(_, key)| key.is_none())
        .map(|(at, _)| Ok((at, planner.row(&rows[at], None)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut slots: Vec<Option<Planned>> =
        std::iter::repeat_with(|| None).take(rows.len()).collect();
    for (&(_, at), planned) in keyed.iter().zip(by_key) {
        slots[at] = planned;
    }
    for (at, planned) in alone {
        slots[at] = Some(planned);
    }
    Ok(Replayed {
        rows: slots
            .into_iter()
            .map(|slot| slot.expect("every row is planned once"))
            .collect(),
        tracks: groups.into_iter().map(|(track, _)| track).collect(),
    })
}

/// What every row is planned with.
struct Planner<'a> {
    run: &'a Run<'a>,
    records: &'a HashMap<RecordId, Record>,
    values_held: &'a HashSet<u64>,
    done: &'a Done,
}

impl Planner<'_> {
    /// Plans one row against its person's track, which it moves on when accepted.
    fn row(
        &self,
        row: &ImportRow,
        mut track: Option<(usize, &mut Track)>,
    ) -> Result<Planned, StoreError> {
        if self.done.contains(row.row) {
            return Ok(Planned::Already);
        }
        if self.values_held.contains(&row.row) {
            return Ok(Planned::Held);
        }
        let now = track.as_ref().and_then(|(_, track)| track.now.as_ref());
        // A registered person outside the importer's area is refused before
        // anything is said of their record (held, or under another name).
        let actor = self.run.actor;
        if let Some(state) = now.filter(|state| !actor.covers(state.person.unit)) {
            let refusal = outside_scope(actor, state.person.unit);
            return Ok(Planned::Refused(Refusal::Forbidden(refusal)));
        }
        let change = match &row.change {
            RowChange::Change(change) => now
                .and_then(|state| change.as_move_of(&state.person, &state.facts))
                .unwrap_or_else(|| change.clone()),
            RowChange::PersonFact {
                resident_id,
                name,
                fact,
                from,
                to,
            } => match now {
                Some(state) if !same_name(name, &state.person.name) => {
                    return Ok(Planned::Refused(another_name(resident_id, name)));
                }
                Some(state) => reported_fact(state, fact, *from, *to),
                None => return Ok(Planned::Refused(not_registered(resident_id))),
            },
        };
        if now.is_some_and(|state| change.is_held_by(&state.person, &state.facts)) {
            return Ok(Planned::Held);
        }
        let named: Vec<Record> = records_of(row)
            .iter()
            .filter_map(|id| self.records.get(id).cloned())
            .collect();
        let context = Context {
            hierarchy: &self.run.city.hierarchy,
            rule: &self.run.city.rule,
            person: now.map(|state| &state.person),
            facts: now.map_or(&[], |state| &state.facts),
            others: &[],
            records: &named,
            permits: &[],
            employers: &[],
            policy_rules: self.run.policy_rules,
        };
        let planned = match plan(self.run.actor, &change, &context) {
            Ok(planned) => planned,
            Err(refusal) => return Ok(Planned::Refused(refusal)),
        };
        let mut step = Step {
            track: track.as_ref().map(|(index, _)| *index),
            unit: planned.unit,
            change,
            facts: Vec::new(),
            value: None,
            seq: 0,
            person: None,
        };
        for mutation in &planned.mutations {
            match (mutation, track.as_mut()) {
                (Mutation::SaveValue(value), _) => step.value = Some(value.clone()),
                (mutation, Some((_, track))) => {
                    track.apply(&step.change, mutation, &mut step.facts)?
                }
                (mutation, None) => return Err(not_applied(&step.change, mutation)),
            }
        }
        if let Some((_, track)) = track {
            track.settle();
        }
        Ok(Planned::Added(step))
    }
}

/// The reason of a correction a department's file makes (see [`reported_fact`]).
const CORRECTED_END: &str = "依部门文件更正结束日期";

/// What a department's row about a person's fact asks of their record, when
/// the record holds a fact of that kind from that day: its end, when that fact
/// is open and the row gives its last day (a contract the last extract listed
/// as running has ended); a correction, when that fact has ended on another
/// day than the row's last one (a contract extended, or ended earlier than
/// first reported: the department keeps the contract, and its file has the
/// last word on its dates). Else a new fact (a fact the record holds as ended
/// that the row lists as running is one, and conflicts with it).
fn reported_fact(state: &PersonState, kind: &FactKind, from: Date, to: Option<Date>) -> Change {
    let person = state.person.id;
    let same = state
        .facts
        .iter()
        .find(|fact| fact.kind == *kind && fact.from == from);
    match (same, to) {
        (Some(fact), Some(last_day)) if fact.to.is_none() => Change::EndFact {
            person,
            fact: fact.id,
            last_day,
        },
        (Some(fact), Some(_)) if fact.to != to => Change::Correct {
            reason: CORRECTED_END.into(),
            correction: Correction::Fact {
                person,
                fact: fact.id,
                kind: kind.clone(),
                from,
                to,
            },
        },
        _ => Change::AddFact {
            person,
            fact: kind.clone(),
            from,
            to,
        },
    }
}

fn not_applied(change: &Change, mutation: &Mutation) -> StoreError {
    StoreError::Database(format!(
        "the plan of an imported {} row asks for {mutation:?}, which an import does not apply",
        change.name()
    ))
}

impl Track {
    /// Applies one mutation of a row's plan to the person's state.
    fn apply(
        &mut self,
        change: &Change,
        mutation: &Mutation,
        inserted: &mut Vec<FactId>,
    ) -> Result<(), StoreError> {
        if let Mutation::InsertPerson(row) = mutation {
            let Change::Register { on, .. } = change else {
                return Err(not_applied(change, mutation));
            };
            self.now = Some(PersonState {
                person: queries::new_person(row, *on),
                facts: Vec::new(),
            });
            return Ok(());
        }
        let Some(state) = self.now.as_mut() else {
            return Err(not_applied(change, mutation));
        };
        match mutation {
            Mutation::UpdatePerson(person) => state.person = person.clone(),
            Mutation::InsertFact { kind, from, to } => {
                let id = PROVISIONAL + self.inserted;
                self.inserted += 1;
                inserted.push(id);
                state.facts.push(domain::registry::Fact {
                    id,
                    person: state.person.id,
                    kind: kind.clone(),
                    from: *from,
                    to: *to,
                });
            }
            Mutation::UpdateFact(fact) => {
                if let Some(old) = state.facts.iter_mut().find(|old| old.id == fact.id) {
                    *old = fact.clone();
                }
            }
            Mutation::DeleteFact(id) => state.facts.retain(|fact| fact.id != *id),
            other => return Err(not_applied(change, other)),
        }
        Ok(())
    }

    /// Orders the facts as the registry reads them and re-derives the stay, as
    /// [`crate::engine::submit`] does after every change.
    fn settle(&mut self) {
        let Some(state) = self.now.as_mut() else {
            return;
        };
        state.facts.sort_by_key(|fact| (fact.from, fact.id));
        let residences = state
            .facts
            .iter()
            .filter(|fact| matches!(fact.kind, FactKind::Residence { .. }))
            .map(|fact| (fact.from, fact.to));
        if let Some((start, left_on)) = queries::presence(residences) {
            state.person.registered_on = start;
            state.person.left_on = left_on;
        }
    }
}
