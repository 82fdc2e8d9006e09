//! 分段格式 — one piece of a segment: up to [`PIECE_ROWS`] persons a file
//! registered, packed by column. Knows the bytes, not the database.
//!
//! A slot is one registration: the file's row, the ID number, the name, the
//! day, the village, the housing and the place. What the registry would hold
//! of it is made again on demand, exactly as the tables would give it: the
//! person numbered `first_person + slot`, their residence fact
//! `first_fact + slot` and the registration event `first_seq + slot`.
//!
//! Columns (little-endian): `keys` the blind indexes sorted, each with its
//! slot (`u32`); `ids` the ID numbers side by side, 18 bytes each, sealed as
//! one message by the vault; `body` the file rows (`u64`), days (`i16` year,
//! month, day), villages (`u64`), housing (one byte), places (`i64`, 0 for
//! none), then the names: `rows + 1` offsets (`u32`) into the UTF-8 after them.

use domain::Date;
use domain::access::UserId;
use domain::division::DivisionCode;
use domain::event::{Change, Event, ResidenceForm, Source};
use domain::registry::{Fact, FactId, FactKind, Housing, NewPerson, Person, PersonId, RecordId};
use domain::resident_id::ResidentId;
use jiff::Timestamp;

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

const KEY_LEN: usize = 16 + 4;
const ID_LEN: usize = 18;

/// One registration as a piece keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slot {
    pub row: u64,
    pub resident_id: ResidentId,
    pub name: String,
    pub on: Date,
    pub unit: DivisionCode,
    pub housing: Housing,
    pub place: Option<RecordId>,
}

impl Slot {
    /// The slot of a registration, if a piece can hold it: one with no fact
    /// but the residence, of a housing kind the format knows.
    pub(crate) fn of(row: u64, change: &Change) -> Option<Slot> {
        let Change::Register {
            person,
            on,
            residence,
            facts,
        } = change
        else {
            return None;
        };
        (facts.is_empty() && HOUSING.contains(&residence.housing)).then(|| Slot {
            row,
            resident_id: person.resident_id,
            name: person.name.clone(),
            on: *on,
            unit: residence.unit,
            housing: residence.housing,
            place: residence.place,
        })
    }
}

impl Slot {
    /// The person a slot registers, numbered `person`, and their residence,
    /// numbered `fact`: what the tables would hold of them.
    pub(crate) fn state(&self, person: PersonId, fact: FactId) -> PersonState {
        let id = &self.resident_id;
        let person = Person {
            id: person,
            resident_id: *id,
            name: self.name.clone(),
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

/// Packs `slots` (at most [`PIECE_ROWS`]), each with the blind index of its ID
/// number.
pub(crate) fn pack(vault: &Vault, slots: &[(Slot, BlindIndex)]) -> Packed {
    let mut keys: Vec<(BlindIndex, u32)> = slots
        .iter()
        .enumerate()
        .map(|(at, (_, key))| (*key, at as u32))
        .collect();
    keys.sort_unstable();
    let mut ids = Vec::with_capacity(slots.len() * ID_LEN);
    let mut body = Vec::with_capacity(slots.len() * 48);
    for (slot, _) in slots {
        ids.extend_from_slice(slot.resident_id.as_str().as_bytes());
        body.extend_from_slice(&slot.row.to_le_bytes());
    }
    for (slot, _) in slots {
        body.extend_from_slice(&slot.on.year().to_le_bytes());
        body.push(slot.on.month() as u8);
        body.push(slot.on.day() as u8);
    }
    for (slot, _) in slots {
        body.extend_from_slice(&slot.unit.as_u64().to_le_bytes());
    }
    for (slot, _) in slots {
        let kind = HOUSING.iter().position(|h| *h == slot.housing);
        body.push(kind.expect("a slot's housing is one the format knows") as u8);
    }
    for (slot, _) in slots {
        body.extend_from_slice(&slot.place.unwrap_or(0).to_le_bytes());
    }
    let mut at = 0u32;
    for (slot, _) in slots {
        body.extend_from_slice(&at.to_le_bytes());
        at += slot.name.len() as u32;
    }
    body.extend_from_slice(&at.to_le_bytes());
    for (slot, _) in slots {
        body.extend_from_slice(slot.name.as_bytes());
    }
    Packed {
        keys: keys
            .iter()
            .flat_map(|(key, slot)| key.iter().copied().chain(slot.to_le_bytes()))
            .collect(),
        ids: vault.encrypt_bytes(&ids),
        body,
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
        let keys = packed
            .keys
            .chunks_exact(KEY_LEN)
            .map(|chunk| {
                let key: BlindIndex = chunk[..16].try_into().expect("16 bytes");
                let slot = u32::from_le_bytes(chunk[16..].try_into().expect("4 bytes"));
                (key, slot)
            })
            .collect();
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
            .map(|_| Ok(u64::from_le_bytes(body.array()?)))
            .collect::<Result<_, StoreError>>()?;
        let days = (0..rows)
            .map(|_| {
                let [y0, y1, month, day] = body.array()?;
                Date::new(i16::from_le_bytes([y0, y1]), month as i8, day as i8)
                    .map_err(|_| damaged("a day is not a date"))
            })
            .collect::<Result<_, _>>()?;
        let units = (0..rows)
            .map(|_| {
                DivisionCode::from_u64(u64::from_le_bytes(body.array()?))
                    .ok_or_else(|| damaged("a village is not a division code"))
            })
            .collect::<Result<_, _>>()?;
        let housing = (0..rows)
            .map(|_| {
                let [kind] = body.array()?;
                HOUSING
                    .get(kind as usize)
                    .copied()
                    .ok_or_else(|| damaged("a housing kind is unknown"))
            })
            .collect::<Result<_, _>>()?;
        let places = (0..rows)
            .map(|_| Ok(Some(i64::from_le_bytes(body.array()?)).filter(|&place| place != 0)))
            .collect::<Result<_, StoreError>>()?;
        let name_at: Vec<u32> = (0..=rows)
            .map(|_| Ok(u32::from_le_bytes(body.array()?)))
            .collect::<Result<_, StoreError>>()?;
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
    pub(crate) fn slot(&self, slot: usize) -> Slot {
        Slot {
            row: self.rows[slot],
            resident_id: self.ids[slot],
            name: self.name(slot).to_owned(),
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
                person: NewPerson { resident_id, name },
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
