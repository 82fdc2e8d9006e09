//! 写入 — the planned rows numbered in file order (new persons, new facts,
//! events) and written in bulk: new persons, every new fact, the packs and the
//! events through the bulk loader's path ([`super::super::load::load`]: many
//! rows to a statement, or COPY), the few persons the file changes that were
//! registered before row by row. A file that adds [`many`] persons builds the
//! persons' indexes again after its rows, where the backend's readers are not
//! held up by that (SQLite).

use domain::event::{Change, Correction, Event, Source};
use domain::registry::{Fact, FactId, Person};
use domain::reported_value::ReportedValue;
use jiff::Timestamp;

use super::Run;
use super::known::Key;
use super::replay::{PROVISIONAL, Planned, Replayed, Track};
use crate::engine::load::{self, Rows};
use crate::segment;
use crate::sql::Sql;
use crate::{Changed, PersonState, StoreError, journal, name_index, queries};

/// The tables whose indexes a file that adds [`many`] persons builds again
/// rather than keeps up to date: the blind index of ID numbers, which new
/// persons enter at random places, and the persons by village.
const INDEXED: [&str; 1] = ["persons"];

/// Whether `added` new persons are many next to the `registered` ones: a
/// quarter as many or more. Building the indexes again sorts every person once,
/// where keeping them up to date puts each new one at a random place (1,000,000
/// new persons: 2.6 s to build, against 5.4 s more to write them).
fn many(registered: i64, added: usize) -> bool {
    added as i64 * 4 >= registered
}

/// Gives new persons, new facts and the rows' events their numbers, in file
/// order, after the last ones of the registry; the first new fact's number.
pub(super) fn number(tx: &mut dyn Sql, replayed: &mut Replayed) -> Result<FactId, StoreError> {
    let mut person = queries::max_person(tx)? + 1;
    let first_fact = queries::max_fact(tx)? + 1;
    let mut fact = first_fact;
    let mut seq = journal::last_seq(tx)? + 1;
    // Per track, the number of its n-th inserted fact.
    let mut numbers: Vec<Vec<FactId>> = vec![Vec::new(); replayed.tracks.len()];
    for planned in &mut replayed.rows {
        let Planned::Added(step) = planned else {
            continue;
        };
        step.seq = seq;
        seq += 1;
        let Some(index) = step.track else { continue };
        let Some(state) = replayed.tracks[index].now.as_mut() else {
            continue;
        };
        if state.person.id == 0 {
            state.person.id = person;
            person += 1;
        }
        step.person = Some(state.person.id);
        // A fact a row before inserted is numbered by now.
        match &mut step.change {
            Change::AddFact { person, .. } | Change::Move { person, .. } => {
                *person = state.person.id
            }
            Change::EndFact { person, fact, .. }
            | Change::Correct {
                correction: Correction::Fact { person, fact, .. },
                ..
            } => {
                *person = state.person.id;
                if *fact >= PROVISIONAL {
                    *fact = numbers[index][(*fact - PROVISIONAL) as usize];
                }
            }
            _ => {}
        }
        for id in &mut step.facts {
            numbers[index].push(fact);
            *id = fact;
            fact += 1;
        }
    }
    for (track, numbers) in replayed.tracks.iter_mut().zip(&numbers) {
        let Some(state) = track.now.as_mut() else {
            continue;
        };
        for fact in &mut state.facts {
            fact.person = state.person.id;
            if fact.id >= PROVISIONAL {
                fact.id = numbers[(fact.id - PROVISIONAL) as usize];
            }
        }
        state.facts.sort_by_key(|fact| (fact.from, fact.id));
    }
    Ok(first_fact)
}

/// The event of every added row, in file order, and the values they report.
fn events_of(run: &Run, rows: Vec<Planned>, at: Timestamp) -> (Vec<Event>, Vec<ReportedValue>) {
    let mut values = Vec::new();
    let mut events = Vec::with_capacity(rows.len());
    for (planned, row) in rows.into_iter().zip(run.rows) {
        let Planned::Added(step) = planned else {
            continue;
        };
        values.extend(step.value);
        events.push(Event {
            seq: step.seq,
            at,
            actor: run.actor.id,
            unit: step.unit,
            person: step.person,
            source: Source::Import {
                file: run.file.name.clone(),
                sha256: run.file.sha256.clone(),
                row: row.row,
            },
            change: step.change,
        });
    }
    (events, values)
}

/// What the tracks add to the registry and change in it.
struct RegistryRows {
    /// New persons by number, each with the blind index of their ID number.
    persons: Vec<(Person, Key)>,
    /// New facts by number.
    facts: Vec<Fact>,
    /// Registered persons the rows changed, as before and after.
    changed: Vec<(PersonState, PersonState)>,
}

/// The tracks' states as rows to write. They are moved, not copied: a new
/// person's state is the rows to write as it stands.
fn registry_rows(tracks: Vec<Track>, first_fact: FactId) -> RegistryRows {
    // Reserved: grown as they fill, these hundreds of megabytes would be
    // copied again at every doubling.
    let mut persons = Vec::with_capacity(tracks.len());
    let mut facts = Vec::with_capacity(tracks.len());
    let mut changed = Vec::new();
    for track in tracks {
        match (track.before, track.now) {
            (None, Some(now)) => {
                persons.push((now.person, track.key));
                facts.extend(now.facts);
            }
            (Some(before), Some(now)) if before != now => {
                facts.extend(now.facts.iter().filter(|f| f.id >= first_fact).cloned());
                changed.push((before, now));
            }
            _ => {}
        }
    }
    // The tracks come in blind-index order, which is random: in number order
    // the rows append to their tables, and the facts' and packs' persons are
    // looked up on neighbouring pages. Moved out of the tracks, the rows are
    // also read from neighbouring memory while they are written.
    persons.sort_unstable_by_key(|(person, _)| person.id);
    facts.sort_unstable_by_key(|fact| fact.id);
    RegistryRows {
        persons,
        facts,
        changed,
    }
}

/// What the rows changed, for an indicator engine: each person once (as before
/// the file and after it), then each value in file order. Made of the rows
/// once they are written, moved rather than copied.
fn changes_of(registry: RegistryRows, values: Vec<ReportedValue>) -> Vec<Changed> {
    let RegistryRows {
        persons,
        mut facts,
        changed,
    } = registry;
    // A new person's facts, in the order the registry reads them; the facts
    // new to a person registered before are in their state already.
    facts.sort_unstable_by_key(|fact| (fact.person, fact.from, fact.id));
    let mut facts = facts.into_iter().peekable();
    let mut out = Vec::with_capacity(persons.len() + changed.len() + values.len());
    for (person, _) in persons {
        while facts.next_if(|fact| fact.person < person.id).is_some() {}
        let mut own = Vec::new();
        while let Some(fact) = facts.next_if(|fact| fact.person == person.id) {
            own.push(fact);
        }
        out.push(Changed {
            after: Some(PersonState { person, facts: own }),
            ..Changed::default()
        });
    }
    out.extend(changed.into_iter().map(|(before, now)| Changed {
        before: Some(before),
        after: Some(now),
        ..Changed::default()
    }));
    out.extend(values.into_iter().map(|value| Changed {
        value: Some(value),
        ..Changed::default()
    }));
    out
}

/// Writes the numbered rows: persons, facts, packs, values and events; with
/// `changes`, what they changed (see [`changes_of`]).
pub(super) fn write(
    tx: &mut dyn Sql,
    run: &Run,
    replayed: Replayed,
    first_fact: FactId,
    at: Timestamp,
    changes: bool,
) -> Result<Vec<Changed>, StoreError> {
    let Replayed { rows, tracks } = replayed;
    // The rows' events are made on one core while the persons and facts are
    // taken out of the tracks on the other.
    let ((events, values), registry) = rayon::join(
        || events_of(run, rows, at),
        || registry_rows(tracks, first_fact),
    );
    // The persons the rows change are in the tables first.
    let moved: Vec<_> = registry
        .changed
        .iter()
        .map(|(before, _)| before.person.id)
        .collect();
    segment::move_out(tx, run.vault, &moved)?;
    for (before, now) in &registry.changed {
        if before.person != now.person {
            queries::update_person(tx, run.vault, &now.person)?;
            name_index::replace(tx, Some(&before.person), &now.person)?;
        }
        for fact in &before.facts {
            match now.facts.iter().find(|new| new.id == fact.id) {
                None => queries::delete_fact(tx, fact.person, fact.id)?,
                Some(new) if new != fact => queries::update_fact(tx, new)?,
                Some(_) => {}
            }
        }
    }
    // New persons are numbered after the last registered one.
    let rebuilt = match registry.persons.first() {
        Some((first, _))
            if tx.readers_pass_index_builds() && many(first.id - 1, registry.persons.len()) =>
        {
            load::drop_indexes(tx, &INDEXED)?
        }
        _ => Vec::new(),
    };
    let rows = Rows {
        records: &[],
        persons: registry
            .persons
            .iter()
            .map(|(person, key)| (person, Some(*key)))
            .collect(),
        facts: registry.facts.iter().collect(),
        links: &[],
        values: &[],
        permits: &[],
        events: &events,
    };
    load::load(tx, run.vault, &rows)?;
    load::build_indexes(tx, &rebuilt)?;
    for (_, state) in &registry.changed {
        queries::save_pack(tx, state)?;
    }
    for value in &values {
        queries::save_value(tx, value)?;
    }
    if changes {
        let changed = changes_of(registry, values);
        free_beside(events);
        Ok(changed)
    } else {
        free_beside((events, registry, values));
        Ok(Vec::new())
    }
}

/// Frees `rows` on a thread of its own, while the import commits: the events
/// and persons of a large file are millions of allocations (a 1,000,000-row
/// file's took half a second to free), and the commit mostly waits for the
/// disk. Where no thread can be had, they are freed here.
fn free_beside<T: Send + 'static>(rows: T) {
    // A refused spawn drops the closure, and `rows` with it.
    let _ = std::thread::Builder::new().spawn(move || drop(rows));
}
