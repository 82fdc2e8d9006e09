//! 分段格式 — one piece of a segment: up to [`PIECE_ROWS`] persons a file
//! registered, packed by column. Knows the bytes, not the database.
//!
//! A slot is one registration: the file's row, the ID number, the name, the
//! day, the village, the housing and the place. What the registry would hold
//! of it is made again on demand, exactly as the tables would give it: the
//! person numbered `first_person + slot`, their residence fact
//! `first_fact + slot` and the registration event `first_seq + slot`.
//!
//! Columns (little-endian): `keys` the blind indexes in slot order (sorted
//! when read back); `ids` the ID numbers side by side, 18 bytes each, sealed as
//! one message by the vault; `body` the file rows (`u32`), then the days, the
//! villages and the places each as a dictionary (its length, `u32`, its
//! entries: a day as `i16` year, month and day, a village as `u64`, a place as
//! `i64`, 0 for none) and each slot's entry (`u16`), the housing (a byte
//! each), and the names: each one's length (a byte), then their UTF-8.

use std::collections::HashMap;

use domain::Date;
use domain::access::UserId;
use domain::division::DivisionCode;
use domain::event::{Change, Event, ResidenceForm, Source};
use domain::registry::{Fact, FactId, FactKind, Housing, NewPerson, Person, PersonId, RecordId};
use domain::resident_id::ResidentId;
use jiff::Timestamp;
use rustc_hash::FxBuildHasher;

use crate::vault::{BlindIndex, Vault};
use crate::{PersonState, StoreError};

/// The most persons a piece holds.
pub(crate) const PIECE_ROWS: usize = 65_536;

/// The housing kinds by the byte that stands for them.
const HOUSING: [Housing; 4] = [
    Housing::ConcentratedZone,
    Housing::RentedHouse,
    Housing::EmployerDormitory,
    Housing::OwnHome,
];

const KEY_LEN: usize = 16;
const ID_LEN: usize = 18;

/// One registration as a piece keeps it, its name borrowed (from the file's
/// row, or the piece read back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slot<'a> {
    pub row: u64,
    pub resident_id: ResidentId,
    pub name: &'a str,
    pub on: Date,
    pub unit: DivisionCode,
    pub housing: Housing,
    pub place: Option<RecordId>,
}

impl<'a> Slot<'a> {
    /// The slot of a registration, if a piece can hold it: one with no fact
    /// but the residence, of a housing kind the format knows, a name of at
    /// most 255 bytes, on a row numbered within 32 bits.
    pub(crate) fn of(row: u64, change: &'a Change) -> Option<Slot<'a>> {
        let Change::Register {
            person,
            on,
            residence,
            facts,
        } = change
        else {
            return None;
        };
        let fits = u32::try_from(row).is_ok() && person.name.len() <= usize::from(u8::MAX);
        (fits && facts.is_empty() && HOUSING.contains(&residence.housing)).then(|| Slot {
            row,
            resident_id: person.resident_id,
            name: &person.name,
            on: *on,
            unit: residence.unit,
            housing: residence.housing,
            place: residence.place,
        })
    }
}

impl Slot<'_> {
    /// The person a slot registers, numbered `person`, and their residence,
    /// numbered `fact`: what the tables would hold of them.
    pub(crate) fn state(&self, person: PersonId, fact: FactId) -> PersonState {
        let id = &self.resident_id;
        let person = Person {
            id: person,
            resident_id: *id,
            name: self.name.to_owned(),
            sex: id.sex(),
            birth_date: id.birth_date(),
            hukou: id.hukou(),
            registered_on: self.on,
            left_on: None,
            unit: self.unit,
        };
        let residence = Fact {
            id: fact,
            person: person.id,
            kind: FactKind::Residence {
                housing: self.housing,
                unit: self.unit,
                place: self.place,
            },
            from: self.on,
            to: None,
        };
        PersonState {
            person,
            facts: vec![residence],
        }
    }
}

/// Where a piece's numbers start, and who wrote it when, from which file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub first_person: PersonId,
    pub first_fact: FactId,
    pub first_seq: i64,
    pub at: Timestamp,
    pub actor: UserId,
    pub file: String,
    pub sha256: String,
}

/// A piece read back: its header and its slots' columns.
#[derive(Debug)]
pub(crate) struct Piece {
    pub header: Header,
    /// Blind indexes, sorted, with their slots.
    keys: Vec<(BlindIndex, u32)>,
    ids: Vec<ResidentId>,
    rows: Vec<u64>,
    days: Vec<Date>,
    units: Vec<DivisionCode>,
    housing: Vec<Housing>,
    places: Vec<Option<RecordId>>,
    names: String,
    /// Where each name starts in `names`, and where the last ends.
    name_at: Vec<u32>,
}

/// The three columns of a packed piece.
pub(crate) struct Packed {
    pub keys: Vec<u8>,
    pub ids: Vec<u8>,
    pub body: Vec<u8>,
}

/// Packs `slots` (at most [`PIECE_ROWS`]) with `keys`, the blind indexes of
/// their ID numbers.
pub(crate) fn pack(vault: &Vault, slots: &[Slot], keys: &[BlindIndex]) -> Packed {
    let mut ids = Vec::with_capacity(slots.len() * ID_LEN);
    let mut body = Vec::with_capacity(slots.len() * 24);
    for slot in slots {
        ids.extend_from_slice(slot.resident_id.as_str().as_bytes());
        body.extend_from_slice(&(slot.row as u32).to_le_bytes());
    }
    put_dictionary(&mut body, slots.iter().map(|slot| slot.on), |out, day| {
        out.extend_from_slice(&day.year().to_le_bytes());
        out.extend([day.month() as u8, day.day() as u8]);
    });
    put_dictionary(
        &mut body,
        slots.iter().map(|slot| slot.unit),
        |out, unit| out.extend_from_slice(&unit.as_u64().to_le_bytes()),
    );
    put_dictionary(
        &mut body,
        slots.iter().map(|slot| slot.place.unwrap_or(0)),
        |out, place| out.extend_from_slice(&place.to_le_bytes()),
    );
    for slot in slots {
        let kind = HOUSING.iter().position(|h| *h == slot.housing);
        body.push(kind.expect("a slot's housing is one the format knows") as u8);
    }
    for slot in slots {
        body.push(slot.name.len() as u8);
    }
    for slot in slots {
        body.extend_from_slice(slot.name.as_bytes());
    }
    Packed {
        keys: keys.concat(),
        ids: vault.encrypt_bytes(&ids),
        body,
    }
}

/// Writes `values` as a dictionary: how many distinct ones (`u32`), each by
/// `put`, then each value's place among them (`u16`; a piece has at most
/// [`PIECE_ROWS`] values).
fn put_dictionary<T: Copy + Eq + std::hash::Hash>(
    out: &mut Vec<u8>,
    values: impl ExactSizeIterator<Item = T>,
    put: impl Fn(&mut Vec<u8>, T),
) {
    let mut entries: HashMap<T, u16, FxBuildHasher> = HashMap::default();
    let mut order = Vec::new();
    let mut places = Vec::with_capacity(values.len());
    for value in values {
        let place = *entries.entry(value).or_insert_with(|| {
            order.push(value);
            (order.len() - 1) as u16
        });
        places.push(place);
    }
    out.extend_from_slice(&(order.len() as u32).to_le_bytes());
    for value in order {
        put(out, value);
    }
    for place in places {
        out.extend_from_slice(&place.to_le_bytes());
    }
}

/// Reads fixed-width values off the front of a column.
struct Cursor<'b> {
    bytes: &'b [u8],
}

impl<'b> Cursor<'b> {
    fn take(&mut self, len: usize) -> Result<&'b [u8], StoreError> {
        if self.bytes.len() < len {
            return Err(damaged("a column ends early"));
        }
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], StoreError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    /// A dictionary written by [`put_dictionary`] for `rows` values, each
    /// entry read by `get`: the values.
    fn dictionary<T: Copy>(
        &mut self,
        rows: usize,
        get: impl Fn(&mut Self) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let entries = u32::from_le_bytes(self.array()?) as usize;
        if entries > rows.max(1) {
            return Err(damaged("a dictionary is longer than its column"));
        }
        let entries = (0..entries)
            .map(|_| get(self))
            .collect::<Result<Vec<T>, _>>()?;
        (0..rows)
            .map(|_| {
                let at = u16::from_le_bytes(self.array()?) as usize;
                entries
                    .get(at)
                    .copied()
                    .ok_or_else(|| damaged("a value is not in its dictionary"))
            })
            .collect()
    }
}

fn damaged(why: &str) -> StoreError {
    StoreError::Database(format!("reading a segment of persons: {why}"))
}

impl Piece {
    /// Reads a piece of `rows` slots back from its columns.
    pub(crate) fn unpack(
        vault: &Vault,
        header: Header,
        rows: usize,
        packed: &Packed,
    ) -> Result<Piece, StoreError> {
        if packed.keys.len() != rows * KEY_LEN {
            return Err(damaged("the keys do not match the number of rows"));
        }
        let mut keys: Vec<(BlindIndex, u32)> = packed
            .keys
            .chunks_exact(KEY_LEN)
            .zip(0..)
            .map(|(key, slot)| (key.try_into().expect("16 bytes"), slot))
            .collect();
        // Sorted once here, for the process, rather than at each import.
        keys.sort_unstable();
        let plain = vault.decrypt_bytes(&packed.ids, "the ID numbers of a segment")?;
        if plain.len() != rows * ID_LEN {
            return Err(damaged("the ID numbers do not match the number of rows"));
        }
        let ids = plain
            .chunks_exact(ID_LEN)
            .map(|id| {
                std::str::from_utf8(id)
                    .ok()
                    .and_then(|text| ResidentId::parse(text).ok())
                    .ok_or_else(|| damaged("an ID number is not valid"))
            })
            .collect::<Result<_, _>>()?;
        let mut body = Cursor {
            bytes: &packed.body,
        };
        let rows_of = (0..rows)
            .map(|_| Ok(u64::from(u32::from_le_bytes(body.array()?))))
            .collect::<Result<_, StoreError>>()?;
        let days = body.dictionary(rows, |body| {
            let [y0, y1, month, day] = body.array()?;
            Date::new(i16::from_le_bytes([y0, y1]), month as i8, day as i8)
                .map_err(|_| damaged("a day is not a date"))
        })?;
        let units = body.dictionary(rows, |body| {
            DivisionCode::from_u64(u64::from_le_bytes(body.array()?))
                .ok_or_else(|| damaged("a village is not a division code"))
        })?;
        let places = body
            .dictionary(rows, |body| Ok(i64::from_le_bytes(body.array()?)))?
            .into_iter()
            .map(|place| Some(place).filter(|&place| place != 0))
            .collect();
        let housing = (0..rows)
            .map(|_| {
                let [kind] = body.array()?;
                HOUSING
                    .get(kind as usize)
                    .copied()
                    .ok_or_else(|| damaged("a housing kind is unknown"))
            })
            .collect::<Result<_, _>>()?;
        let mut name_at = Vec::with_capacity(rows + 1);
        name_at.push(0u32);
        for _ in 0..rows {
            let [len] = body.array()?;
            name_at.push(name_at[name_at.len() - 1] + u32::from(len));
        }
        let names = String::from_utf8(body.bytes.to_vec())
            .map_err(|_| damaged("the names are not UTF-8"))?;
        let bounded = name_at.windows(2).all(|pair| pair[0] <= pair[1])
            && name_at
                .last()
                .is_some_and(|&end| end as usize == names.len())
            && name_at
                .iter()
                .all(|&at| names.is_char_boundary(at as usize));
        if !bounded {
            return Err(damaged("the names' offsets do not fit the names"));
        }
        Ok(Piece {
            header,
            keys,
            ids,
            rows: rows_of,
            days,
            units,
            housing,
            places,
            names,
            name_at,
        })
    }

    /// How many persons the piece holds.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The persons' numbers.
    pub(crate) fn persons(&self) -> std::ops::Range<PersonId> {
        let first = self.header.first_person;
        first..first + self.len() as PersonId
    }

    /// Those of `keys` (sorted) whose persons the piece holds, each with its
    /// slot: a few looked up one by one, many merged with the piece's own.
    pub(crate) fn slots_of_keys(&self, keys: &[BlindIndex]) -> Vec<(BlindIndex, usize)> {
        if keys.len() < self.keys.len() / 16 {
            return keys
                .iter()
                .filter_map(|key| {
                    let at = self.keys.binary_search_by(|(own, _)| own.cmp(key)).ok()?;
                    Some((*key, self.keys[at].1 as usize))
                })
                .collect();
        }
        let mut found = Vec::new();
        let mut own = self.keys.iter().peekable();
        for key in keys {
            while own.next_if(|(held, _)| held < key).is_some() {}
            if let Some((_, slot)) = own.next_if(|(held, _)| held == key) {
                found.push((*key, *slot as usize));
            }
        }
        found
    }

    /// The name in a slot.
    pub(crate) fn name(&self, slot: usize) -> &str {
        &self.names[self.name_at[slot] as usize..self.name_at[slot + 1] as usize]
    }

    /// The village of a slot.
    pub(crate) fn unit(&self, slot: usize) -> DivisionCode {
        self.units[slot]
    }

    /// The registration in a slot.
    pub(crate) fn slot(&self, slot: usize) -> Slot<'_> {
        Slot {
            row: self.rows[slot],
            resident_id: self.ids[slot],
            name: self.name(slot),
            on: self.days[slot],
            unit: self.units[slot],
            housing: self.housing[slot],
            place: self.places[slot],
        }
    }

    /// The person in a slot and their facts, as the tables would give them.
    pub(crate) fn state(&self, slot: usize) -> PersonState {
        let header = &self.header;
        self.slot(slot).state(
            header.first_person + slot as PersonId,
            header.first_fact + slot as FactId,
        )
    }

    /// The event that registered the person in a slot, as the log would give it.
    pub(crate) fn event(&self, slot: usize) -> Event {
        let Slot {
            row,
            resident_id,
            name,
            on,
            unit,
            housing,
            place,
        } = self.slot(slot);
        let header = &self.header;
        Event {
            seq: header.first_seq + slot as i64,
            at: header.at,
            actor: header.actor,
            unit,
            person: Some(header.first_person + slot as PersonId),
            source: Source::Import {
                file: header.file.clone(),
                sha256: header.sha256.clone(),
                row,
            },
            change: Change::Register {
                person: NewPerson {
                    resident_id,
                    name: name.to_owned(),
                },
                on,
                residence: ResidenceForm {
                    housing,
                    unit,
                    place,
                },
                facts: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(n: u32) -> Slot<'static> {
        let birth = Date::new(1980, 1, 1).unwrap();
        Slot {
            row: u64::from(n) + 2,
            resident_id: ResidentId::synthesize(
                420102,
                birth,
                n as u16,
                domain::resident_id::Sex::Male,
            ),
            name: ["张三", "阿依古丽·买买提", "𠮷野", "Li Lei"][n as usize % 4],
            on: Date::new(2024, 1 + (n % 12) as i8, 1 + (n % 28) as i8).unwrap(),
            unit: DivisionCode::from_u64(320211001003 + u64::from(n % 3)).unwrap(),
            housing: HOUSING[n as usize % HOUSING.len()],
            place: (n % 2 == 1).then_some(i64::from(n) * 1_000_003),
        }
    }

    /// `n` slots, and the blind indexes of their ID numbers.
    fn keyed(vault: &Vault, n: u32) -> (Vec<Slot<'static>>, Vec<BlindIndex>) {
        let slots: Vec<Slot> = (0..n).map(slot).collect();
        let keys = slots
            .iter()
            .map(|slot| vault.blind_index(&slot.resident_id))
            .collect();
        (slots, keys)
    }

    fn header() -> Header {
        Header {
            first_person: 7,
            first_fact: 70,
            first_seq: 700,
            at: Timestamp::UNIX_EPOCH,
            actor: 1,
            file: "公安.csv".into(),
            sha256: "ab".repeat(32),
        }
    }

    #[test]
    fn every_slot_comes_back_found_by_its_key() {
        let vault = Vault::from_key([7; 32]);
        let (slots, keys) = keyed(&vault, 50);
        let packed = pack(&vault, &slots, &keys);
        let piece = Piece::unpack(&vault, header(), slots.len(), &packed).unwrap();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        let found = piece.slots_of_keys(&sorted);
        assert_eq!(found.len(), slots.len());
        for (key, at) in found {
            assert_eq!(keys[at], key);
        }
        for (at, slot) in slots.iter().enumerate() {
            assert_eq!(&piece.slot(at), slot);
            let state = piece.state(at);
            assert_eq!(state.person.id, 7 + at as PersonId);
            assert_eq!(state.facts[0].id, 70 + at as FactId);
            assert_eq!(piece.event(at).seq, 700 + at as i64);
        }
    }

    #[test]
    fn a_damaged_piece_is_an_error_not_a_panic() {
        let vault = Vault::from_key([7; 32]);
        let (slots, keys) = keyed(&vault, 5);
        let packed = pack(&vault, &slots, &keys);
        for end in 0..packed.body.len() {
            let cut = Packed {
                keys: packed.keys.clone(),
                ids: packed.ids.clone(),
                body: packed.body[..end].to_vec(),
            };
            assert!(
                Piece::unpack(&vault, header(), 5, &cut).is_err(),
                "cut at {end}"
            );
        }
        let other_key = Vault::from_key([8; 32]);
        assert!(Piece::unpack(&other_key, header(), 5, &packed).is_err());
        assert!(Piece::unpack(&vault, header(), 4, &packed).is_err());
    }
}
