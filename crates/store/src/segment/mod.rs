//! 人员分段 — new persons a large import registered, kept packed in
//! `person_segments` rather than written into the tables row by row: a
//! piece per [`PIECE_ROWS`] persons ([`piece`]), with their numbers, their
//! residences' numbers and their events' sequence numbers in ranges.
//!
//! The tables win: a person whose number `persons` holds has moved out of
//! their piece, which no longer answers for them. A change to a person, and
//! a view of one (a view is recorded against the person's row), first moves
//! them out ([`move_out`]): their row, residence, pack, name and registration
//! event are written into the tables with the numbers the piece gave them.
//! Lookups by ID number and by number ask the pieces after the tables.
//!
//! Pieces never change once written; read back, they are kept in memory for
//! the process, by the random stamp each piece is written with, until the
//! database no longer lists them.

mod piece;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use domain::event::Event;
use domain::registry::{FactId, PersonId};
use rand::Rng;
use rayon::prelude::*;

use crate::engine::load::{self, Rows};
use crate::sql::{Sql, Val, rows};
use crate::vault::{BlindIndex, Vault};
use crate::{CountedPerson, NameCursor, PersonState, StoreError, journal, name_index};
pub(crate) use piece::{Header, PIECE_ROWS, Slot};
use piece::{Packed, Piece};

/// The fewest new persons an import keeps in a segment: a smaller file's
/// are written into the tables (a piece per small file would leave many
/// pieces for every lookup to ask).
pub const SEGMENT_MIN_PERSONS: usize = 10_000;

/// The most pieces the process keeps read back (about 4,000,000 persons).
const CACHED: usize = 64;

/// Pieces read back, oldest first, by stamp: one database's (a process that
/// opens two reads the other's again as it lists its own).
static CACHE: Mutex<Vec<(i64, Arc<Piece>)>> = Mutex::new(Vec::new());

/// A piece as `person_segments` lists it.
struct Listed {
    id: i64,
    stamp: i64,
    first_person: PersonId,
    first_seq: i64,
    rows: i64,
}

impl Listed {
    fn persons(&self) -> std::ops::Range<PersonId> {
        self.first_person..self.first_person + self.rows
    }
}

/// The pieces of the database, by number (and so by their persons' and
/// events' numbers). The cache lets go of the pieces not among them (folded
/// in, or rolled back).
fn listed(tx: &mut dyn Sql) -> Result<Vec<Listed>, StoreError> {
    let listed = rows(
        tx,
        "SELECT id, stamp, first_person, first_seq, rows FROM person_segments ORDER BY id",
        &[],
        |row| {
            Ok(Listed {
                id: row.int(0)?,
                stamp: row.int(1)?,
                first_person: row.int(2)?,
                first_seq: row.int(3)?,
                rows: row.int(4)?,
            })
        },
    )?;
    lock_cache().retain(|(stamp, _)| listed.iter().any(|piece| piece.stamp == *stamp));
    Ok(listed)
}

/// A listed piece, from the cache or read back.
fn read(tx: &mut dyn Sql, vault: &Vault, listed: &Listed) -> Result<Arc<Piece>, StoreError> {
    let cached = |cache: &[(i64, Arc<Piece>)]| {
        cache
            .iter()
            .find(|(stamp, _)| *stamp == listed.stamp)
            .map(|(_, piece)| piece.clone())
    };
    if let Some(piece) = cached(&lock_cache()) {
        return Ok(piece);
    }
    let sql = "SELECT s.first_person, s.first_fact, s.first_seq, s.at, s.actor, \
               f.file, f.sha256, s.keys, s.ids, s.body \
               FROM person_segments s JOIN import_files f ON f.id = s.import_file \
               WHERE s.id = ?1";
    let piece = rows(tx, sql, &[listed.id.into()], |row| {
        let header = Header {
            first_person: row.int(0)?,
            first_fact: row.int(1)?,
            first_seq: row.int(2)?,
            at: row.time(3)?,
            actor: row.int(4)?,
            file: row.text(5)?,
            sha256: row.text(6)?,
        };
        let packed = Packed {
            keys: row.blob(7)?.to_vec(),
            ids: row.blob(8)?.to_vec(),
            body: row.blob(9)?.to_vec(),
        };
        Piece::unpack(vault, header, listed.rows as usize, &packed)
    })?
    .pop()
    .ok_or_else(|| StoreError::Database(format!("segment {} vanished", listed.id)))?;
    let piece = Arc::new(piece);
    let mut cache = lock_cache();
    if cached(&cache).is_none() {
        if cache.len() == CACHED {
            cache.remove(0);
        }
        cache.push((listed.stamp, piece.clone()));
    }
    Ok(piece)
}

fn lock_cache() -> std::sync::MutexGuard<'static, Vec<(i64, Arc<Piece>)>> {
    CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Writes `slots`, with `keys`, the blind indexes of their ID numbers, as
/// pieces: the persons numbered from `header.first_person`, their
/// residences from `header.first_fact` and their events from
/// `header.first_seq`, in order.
pub(crate) fn write(
    tx: &mut dyn Sql,
    vault: &Vault,
    header: &Header,
    slots: &[Slot],
    keys: &[BlindIndex],
) -> Result<(), StoreError> {
    let file = journal::import_file(tx, &header.file, &header.sha256)?;
    let sql = "INSERT INTO person_segments \
               (id, stamp, first_person, first_fact, first_seq, rows, at, actor, import_file, keys, ids, body) \
               VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM person_segments), \
               ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    // Packed on every core, written one after another.
    let packed: Vec<Packed> = slots
        .par_chunks(PIECE_ROWS)
        .zip(keys.par_chunks(PIECE_ROWS))
        .map(|(slots, keys)| piece::pack(vault, slots, keys))
        .collect();
    for (index, (Packed { keys, ids, body }, chunk)) in
        packed.into_iter().zip(slots.chunks(PIECE_ROWS)).enumerate()
    {
        let skip = (index * PIECE_ROWS) as i64;
        let values: [Val; 11] = [
            rand::thread_rng().r#gen::<i64>().into(),
            (header.first_person + skip).into(),
            (header.first_fact + skip).into(),
            (header.first_seq + skip).into(),
            (chunk.len() as i64).into(),
            header.at.into(),
            header.actor.into(),
            file.into(),
            keys.into(),
            ids.into(),
            body.into(),
        ];
        tx.exec(sql, &values)?;
    }
    Ok(())
}

/// Which of the persons numbered in `range` have moved out of their piece.
fn moved(
    tx: &mut dyn Sql,
    range: std::ops::Range<PersonId>,
) -> Result<HashSet<PersonId>, StoreError> {
    let sql = "SELECT id FROM persons WHERE id >= ?1 AND id < ?2";
    Ok(
        rows(tx, sql, &[range.start.into(), range.end.into()], |row| {
            row.int(0)
        })?
        .into_iter()
        .collect(),
    )
}

/// The persons the pieces hold with these blind indexes (sorted), who have
/// not moved out, each with their key.
pub(crate) fn persons_indexed(
    tx: &mut dyn Sql,
    vault: &Vault,
    keys: &[BlindIndex],
) -> Result<Vec<(BlindIndex, PersonState)>, StoreError> {
    let mut found = Vec::new();
    for listed in listed(tx)? {
        let piece = read(tx, vault, &listed)?;
        let slots = piece.slots_of_keys(keys);
        if slots.is_empty() {
            continue;
        }
        let moved = moved(tx, piece.persons())?;
        found.extend(
            slots
                .into_iter()
                .map(|(key, slot)| (key, piece.state(slot)))
                .filter(|(_, state)| !moved.contains(&state.person.id)),
        );
    }
    Ok(found)
}

/// The person numbered `id` and their facts, if a piece holds them and they
/// have not moved out.
pub(crate) fn person(
    tx: &mut dyn Sql,
    vault: &Vault,
    id: PersonId,
) -> Result<Option<PersonState>, StoreError> {
    let one = id..id.saturating_add(1);
    Ok(held(tx, vault, one, |piece, slot| Some(piece.state(slot)))?.pop())
}

/// `pick` of every slot whose person is numbered in `persons` and has not
/// moved out (`None` passes a slot over), by number.
fn held<T>(
    tx: &mut dyn Sql,
    vault: &Vault,
    persons: std::ops::Range<PersonId>,
    mut pick: impl FnMut(&Piece, usize) -> Option<T>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for listed in listed(tx)? {
        let own = listed.persons();
        let (from, to) = (own.start.max(persons.start), own.end.min(persons.end));
        if from >= to {
            continue;
        }
        let piece = read(tx, vault, &listed)?;
        let moved = moved(tx, from..to)?;
        out.extend(
            (from..to)
                .filter(|id| !moved.contains(id))
                .filter_map(|id| pick(&piece, (id - own.start) as usize)),
        );
    }
    Ok(out)
}

/// Moves the persons numbered `ids` whom a piece holds out into the tables:
/// their rows, residences, packs and names, and the events that registered
/// them, each with the number the piece gave it.
pub(crate) fn move_out(
    tx: &mut dyn Sql,
    vault: &Vault,
    ids: &[PersonId],
) -> Result<(), StoreError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut states = Vec::new();
    let mut events = Vec::new();
    for listed in listed(tx)? {
        let own = listed.persons();
        let inside: Vec<PersonId> = ids.iter().copied().filter(|id| own.contains(id)).collect();
        let (Some(&from), Some(&to)) = (inside.first(), inside.last()) else {
            continue;
        };
        let piece = read(tx, vault, &listed)?;
        let moved = moved(tx, from..to + 1)?;
        for id in inside.into_iter().filter(|id| !moved.contains(id)) {
            let slot = (id - own.start) as usize;
            states.push(piece.state(slot));
            events.push(piece.event(slot));
        }
    }
    if states.is_empty() {
        return Ok(());
    }
    let rows = Rows {
        records: &[],
        persons: states.iter().map(|state| (&state.person, None)).collect(),
        facts: states.iter().flat_map(|state| &state.facts).collect(),
        links: &[],
        values: &[],
        permits: &[],
        events: &events,
    };
    load::load(tx, vault, &rows)
}

/// Moves every person a piece holds in the subtree `units` out into the
/// tables (see [`move_out`]).
pub(crate) fn move_out_units(
    tx: &mut dyn Sql,
    vault: &Vault,
    units: (u64, u64),
) -> Result<(), StoreError> {
    let inside = |piece: &Piece, slot: usize| {
        let unit = piece.unit(slot).as_u64();
        (units.0..=units.1)
            .contains(&unit)
            .then(|| piece.header.first_person + slot as PersonId)
    };
    let ids = held(tx, vault, 0..PersonId::MAX, inside)?;
    move_out(tx, vault, &ids)
}

/// The persons numbered in `ids` (inclusive) whom the pieces hold, as the
/// indicator engine counts them, by number.
pub(crate) fn counted_in(
    tx: &mut dyn Sql,
    vault: &Vault,
    ids: (PersonId, PersonId),
) -> Result<Vec<CountedPerson>, StoreError> {
    held(tx, vault, ids.0..ids.1.saturating_add(1), |piece, slot| {
        let PersonState { person, facts } = piece.state(slot);
        Some(CountedPerson {
            id: person.id,
            sex: person.sex,
            birth_date: person.birth_date,
            left_on: person.left_on,
            facts,
        })
    })
}

/// The first `limit` registration events the pieces hold after `seq`,
/// oldest first, those of persons moved out among them (the log holds
/// those too, under the same numbers).
pub(crate) fn events_after(
    tx: &mut dyn Sql,
    vault: &Vault,
    seq: i64,
    limit: usize,
) -> Result<Vec<Event>, StoreError> {
    let mut events = Vec::new();
    for listed in listed(tx)? {
        let last = listed.first_seq + listed.rows - 1;
        if last <= seq {
            continue;
        }
        let piece = read(tx, vault, &listed)?;
        let from = (seq + 1).max(listed.first_seq);
        for at in from..=last {
            if events.len() == limit {
                return Ok(events);
            }
            events.push(piece.event((at - listed.first_seq) as usize));
        }
    }
    Ok(events)
}

/// The registration events the pieces hold after `seq`: the last one's
/// number, and the lowest and highest numbers of the persons they register.
pub(crate) fn span_after(
    tx: &mut dyn Sql,
    seq: i64,
) -> Result<Option<(i64, PersonId, PersonId)>, StoreError> {
    let mut span: Option<(i64, PersonId, PersonId)> = None;
    for listed in listed(tx)? {
        let last = listed.first_seq + listed.rows - 1;
        if last <= seq {
            continue;
        }
        let skipped = (seq + 1 - listed.first_seq).max(0);
        let (lowest, highest) = (listed.first_person + skipped, listed.persons().end - 1);
        span = Some(match span {
            None => (last, lowest, highest),
            Some((at, low, high)) => (at.max(last), low.min(lowest), high.max(highest)),
        });
    }
    Ok(span)
}

/// Every person the pieces hold in the subtree `units` whose name contains
/// `wanted` (a query as [`name_index::normalise`] gives it): named exactly
/// `query`, or containing it.
pub(crate) fn named(
    tx: &mut dyn Sql,
    vault: &Vault,
    units: (u64, u64),
    query: &str,
    wanted: &[char],
) -> Result<Vec<NameCursor>, StoreError> {
    held(tx, vault, 0..PersonId::MAX, |piece, slot| {
        let unit = piece.unit(slot).as_u64();
        if !(units.0..=units.1).contains(&unit) {
            return None;
        }
        let name = piece.name(slot);
        let exact = name == query;
        let contains = || name_index::contains(&name_index::normalise(name), wanted);
        (exact || contains()).then(|| NameCursor {
            exact,
            name: name.to_owned(),
            person: piece.header.first_person + slot as PersonId,
        })
    })
}

/// Folds the oldest piece into the tables: moves out every person it still
/// holds ([`move_out`]) and deletes it. How many persons it moved; `None`
/// when there is no piece.
pub(crate) fn fold(tx: &mut dyn Sql, vault: &Vault) -> Result<Option<usize>, StoreError> {
    let Some(oldest) = listed(tx)?.into_iter().next() else {
        return Ok(None);
    };
    let ids = held(tx, vault, oldest.persons(), |piece, slot| {
        Some(piece.header.first_person + slot as PersonId)
    })?;
    move_out(tx, vault, &ids)?;
    tx.exec(
        "DELETE FROM person_segments WHERE id = ?1",
        &[oldest.id.into()],
    )?;
    Ok(Some(ids.len()))
}

/// Whether there is a piece.
pub(crate) fn any(tx: &mut dyn Sql) -> Result<bool, StoreError> {
    Ok(
        !rows(tx, "SELECT 1 FROM person_segments LIMIT 1", &[], |row| {
            row.int(0)
        })?
        .is_empty(),
    )
}

/// The largest person, fact and event numbers the pieces hold, 0 for none.
pub(crate) fn last_numbers(tx: &mut dyn Sql) -> Result<(PersonId, FactId, i64), StoreError> {
    let sql = "SELECT COALESCE(MAX(first_person + rows - 1), 0), \
               COALESCE(MAX(first_fact + rows - 1), 0), COALESCE(MAX(first_seq + rows - 1), 0) \
               FROM person_segments";
    Ok(rows(tx, sql, &[], |row| {
        Ok((row.int(0)?, row.int(1)?, row.int(2)?))
    })?
    .pop()
    .unwrap_or((0, 0, 0)))
}
