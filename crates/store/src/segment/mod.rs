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
//! the process, by the random stamp each piece is written with.

mod piece;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use domain::registry::{FactId, PersonId};
use rand::Rng;

use crate::engine::load::{self, Rows};
use crate::sql::{Sql, Val, rows};
use crate::vault::{BlindIndex, Vault};
use crate::{PersonState, StoreError, journal};
pub(crate) use piece::{Header, PIECE_ROWS, Slot};
use piece::{Packed, Piece};

/// The most pieces the process keeps read back (about 4,000,000 persons).
const CACHED: usize = 64;

/// Pieces read back, oldest first, by stamp.
static CACHE: Mutex<Vec<(i64, Arc<Piece>)>> = Mutex::new(Vec::new());

/// A piece as `person_segments` lists it.
struct Listed {
    id: i64,
    stamp: i64,
    first_person: PersonId,
    rows: i64,
}

/// The pieces of the database, by number.
fn listed(tx: &mut dyn Sql) -> Result<Vec<Listed>, StoreError> {
    rows(
        tx,
        "SELECT id, stamp, first_person, rows FROM person_segments ORDER BY id",
        &[],
        |row| {
            Ok(Listed {
                id: row.int(0)?,
                stamp: row.int(1)?,
                first_person: row.int(2)?,
                rows: row.int(3)?,
            })
        },
    )
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

/// Writes `slots`, each with the blind index of its ID number, as pieces:
/// the persons numbered from `header.first_person`, their residences from
/// `header.first_fact` and their events from `header.first_seq`, in order.
pub(crate) fn write(
    tx: &mut dyn Sql,
    vault: &Vault,
    header: &Header,
    slots: &[(Slot, BlindIndex)],
) -> Result<(), StoreError> {
    let file = journal::import_file(tx, &header.file, &header.sha256)?;
    let sql = "INSERT INTO person_segments \
               (id, stamp, first_person, first_fact, first_seq, rows, at, actor, import_file, keys, ids, body) \
               VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM person_segments), \
               ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    for (index, chunk) in slots.chunks(PIECE_ROWS).enumerate() {
        let skip = (index * PIECE_ROWS) as i64;
        let Packed { keys, ids, body } = piece::pack(vault, chunk);
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

/// The persons the pieces hold with these blind indexes, who have not moved
/// out, each with their key.
pub(crate) fn persons_indexed(
    tx: &mut dyn Sql,
    vault: &Vault,
    keys: &[BlindIndex],
) -> Result<Vec<(BlindIndex, PersonState)>, StoreError> {
    let mut found = Vec::new();
    for listed in listed(tx)? {
        let piece = read(tx, vault, &listed)?;
        let slots: Vec<(BlindIndex, usize)> = keys
            .iter()
            .filter_map(|key| Some((*key, piece.slot_of_key(key)?)))
            .collect();
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

/// The piece and slot of the person numbered `id`, if a piece holds them
/// and they have not moved out.
fn holding(
    tx: &mut dyn Sql,
    vault: &Vault,
    id: PersonId,
) -> Result<Option<(Arc<Piece>, usize)>, StoreError> {
    let Some(listed) = listed(tx)?
        .into_iter()
        .find(|listed| (listed.first_person..listed.first_person + listed.rows).contains(&id))
    else {
        return Ok(None);
    };
    if !moved(tx, id..id + 1)?.is_empty() {
        return Ok(None);
    }
    let piece = read(tx, vault, &listed)?;
    Ok(piece.slot_of_person(id).map(|slot| (piece, slot)))
}

/// The person numbered `id` and their facts, if a piece holds them and they
/// have not moved out.
pub(crate) fn person(
    tx: &mut dyn Sql,
    vault: &Vault,
    id: PersonId,
) -> Result<Option<PersonState>, StoreError> {
    Ok(holding(tx, vault, id)?.map(|(piece, slot)| piece.state(slot)))
}

/// Moves the person numbered `id` out of their piece into the tables, if a
/// piece holds them: their row, residence, pack and name, and the event that
/// registered them, each with the number the piece gave it.
pub(crate) fn move_out(tx: &mut dyn Sql, vault: &Vault, id: PersonId) -> Result<(), StoreError> {
    let Some((piece, slot)) = holding(tx, vault, id)? else {
        return Ok(());
    };
    let state = piece.state(slot);
    let event = piece.event(slot);
    let rows = Rows {
        records: &[],
        persons: vec![(&state.person, None)],
        facts: state.facts.iter().collect(),
        links: &[],
        values: &[],
        permits: &[],
        events: std::slice::from_ref(&event),
    };
    load::load(tx, vault, &rows)
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
