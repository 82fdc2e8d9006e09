//! 计数包 — a person as the indicator engine counts them (sex, birth date, departure
//! and every fact, no name or ID number), packed into one `person_packs` row.
//!
//! The pack is derived state, like the `facts` rows it repeats: written in the same
//! transaction as the facts (by [`crate::Store::submit`] and the bulk loader) and
//! read only by [`crate::Store::scan`], so that building the engine at start reads
//! one short row per person instead of decrypting ID numbers and joining facts.
//!
//! Layout: a version byte, then the person (sex, birth date, departure) and the
//! facts, each fact as its [`fact_codec`] columns behind a byte of flags saying which
//! are present. Whole numbers are LEB128 varints (signed ones zigzag), dates
//! `(year, month, day)` as a varint and two bytes.

use domain::registry::{Fact, FactKind, PersonId};
use domain::resident_id::Sex;
use jiff::civil::Date;

use crate::fact_codec;
use crate::{CountedPerson, StoreError};

/// The layout written; a pack of another version is refused.
const VERSION: u8 = 1;

const HAS_TO: u8 = 1;
const HAS_UNIT: u8 = 1 << 1;
const HAS_RECORD: u8 = 1 << 2;
const HAS_VALUE: u8 = 1 << 3;
const HAS_AMOUNT: u8 = 1 << 4;

/// Packs a person's counted traits and facts.
pub(crate) fn encode<'f>(
    sex: Sex,
    birth_date: Date,
    left_on: Option<Date>,
    facts: impl ExactSizeIterator<Item = &'f Fact>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + facts.len() * 16);
    out.push(VERSION);
    out.push(match sex {
        Sex::Male => 0,
        Sex::Female => 1,
    });
    put_date(&mut out, birth_date);
    match left_on {
        Some(day) => {
            out.push(1);
            put_date(&mut out, day);
        }
        None => out.push(0),
    }
    put_unsigned(&mut out, facts.len() as u64);
    for fact in facts {
        let columns = fact_codec::columns(&fact.kind);
        out.push(fact.kind.index() as u8);
        let flags = [
            (fact.to.is_some(), HAS_TO),
            (columns.unit.is_some(), HAS_UNIT),
            (columns.record.is_some(), HAS_RECORD),
            (columns.value.is_some(), HAS_VALUE),
            (columns.amount.is_some(), HAS_AMOUNT),
        ]
        .iter()
        .filter(|(present, _)| *present)
        .fold(0, |flags, (_, bit)| flags | bit);
        out.push(flags);
        put_signed(&mut out, fact.id);
        put_date(&mut out, fact.from);
        if let Some(to) = fact.to {
            put_date(&mut out, to);
        }
        if let Some(unit) = columns.unit {
            put_unsigned(&mut out, unit.as_u64());
        }
        if let Some(record) = columns.record {
            put_signed(&mut out, record);
        }
        if let Some(value) = columns.value {
            put_unsigned(&mut out, value.len() as u64);
            out.extend_from_slice(value.as_bytes());
        }
        if let Some(amount) = columns.amount {
            put_signed(&mut out, amount);
        }
    }
    out
}

/// Unpacks the pack of person `id`.
pub(crate) fn decode(id: PersonId, pack: &[u8]) -> Result<CountedPerson, StoreError> {
    let mut reader = Reader {
        rest: pack,
        person: id,
    };
    if reader.byte()? != VERSION {
        return Err(reader.damaged("an unknown version"));
    }
    let sex = match reader.byte()? {
        0 => Sex::Male,
        1 => Sex::Female,
        _ => return Err(reader.damaged("an unknown sex")),
    };
    let birth_date = reader.date()?;
    let left_on = match reader.byte()? {
        0 => None,
        _ => Some(reader.date()?),
    };
    let count = reader.unsigned()?;
    let mut facts = Vec::with_capacity(usize::try_from(count).unwrap_or(0).min(pack.len()));
    for _ in 0..count {
        let kind = *FactKind::NAMES
            .get(usize::from(reader.byte()?))
            .ok_or_else(|| reader.damaged("an unknown kind of fact"))?;
        let flags = reader.byte()?;
        let fact_id = reader.signed()?;
        let from = reader.date()?;
        let to = reader.when(flags & HAS_TO, Reader::date)?;
        let unit = reader.when(flags & HAS_UNIT, |r| {
            let code = r.unsigned()?;
            domain::division::DivisionCode::from_u64(code)
                .ok_or_else(|| r.damaged("a division code of 12 digits"))
        })?;
        let record = reader.when(flags & HAS_RECORD, Reader::signed)?;
        let value = reader.when(flags & HAS_VALUE, Reader::text)?;
        let amount = reader.when(flags & HAS_AMOUNT, Reader::signed)?;
        facts.push(Fact {
            id: fact_id,
            person: id,
            kind: fact_codec::kind_from(kind, unit, record, value, amount)?,
            from,
            to,
        });
    }
    if !reader.rest.is_empty() {
        return Err(reader.damaged("nothing after the last fact"));
    }
    Ok(CountedPerson {
        id,
        sex,
        birth_date,
        left_on,
        facts,
    })
}

fn put_unsigned(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn put_signed(out: &mut Vec<u8>, value: i64) {
    put_unsigned(out, ((value << 1) ^ (value >> 63)) as u64);
}

fn put_date(out: &mut Vec<u8>, date: Date) {
    put_signed(out, i64::from(date.year()));
    out.push(date.month() as u8);
    out.push(date.day() as u8);
}

/// The unread part of a pack.
struct Reader<'p> {
    rest: &'p [u8],
    person: PersonId,
}

impl<'p> Reader<'p> {
    fn damaged(&self, wanted: &str) -> StoreError {
        StoreError::Database(format!(
            "reading the pack of person {}: expected {wanted}",
            self.person
        ))
    }

    fn byte(&mut self) -> Result<u8, StoreError> {
        let (&first, rest) = self
            .rest
            .split_first()
            .ok_or_else(|| self.damaged("more bytes"))?;
        self.rest = rest;
        Ok(first)
    }

    fn unsigned(&mut self) -> Result<u64, StoreError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(self.damaged("a whole number of at most 64 bits"))
    }

    fn signed(&mut self) -> Result<i64, StoreError> {
        let zigzag = self.unsigned()?;
        Ok((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64))
    }

    fn date(&mut self) -> Result<Date, StoreError> {
        let year = i16::try_from(self.signed()?).map_err(|_| self.damaged("a year"))?;
        let month = self.byte()? as i8;
        let day = self.byte()? as i8;
        Date::new(year, month, day).map_err(|_| self.damaged("a date"))
    }

    fn text(&mut self) -> Result<&'p str, StoreError> {
        let length = usize::try_from(self.unsigned()?).map_err(|_| self.damaged("a length"))?;
        if length > self.rest.len() {
            return Err(self.damaged("as many bytes as the text's length"));
        }
        let (text, rest) = self.rest.split_at(length);
        self.rest = rest;
        std::str::from_utf8(text).map_err(|_| self.damaged("UTF-8 text"))
    }

    /// `read` when `flag` is set, else nothing.
    fn when<T>(
        &mut self,
        flag: u8,
        read: impl FnOnce(&mut Self) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        if flag == 0 {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fact_codec::tests::every_kind;

    fn day(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).unwrap()
    }

    #[test]
    fn every_kind_of_fact_comes_back() {
        let facts: Vec<Fact> = every_kind()
            .into_iter()
            .enumerate()
            .map(|(i, kind)| Fact {
                id: 1_000_000_007 + i as i64,
                person: 42,
                kind,
                from: day(2024, 2, 29),
                to: (i % 2 == 0).then(|| day(2026, 12, 31)),
            })
            .collect();
        for (sex, left_on) in [(Sex::Female, None), (Sex::Male, Some(day(2025, 1, 1)))] {
            let pack = encode(sex, day(1990, 7, 1), left_on, facts.iter());
            let back = decode(42, &pack).unwrap();
            assert_eq!(
                back,
                CountedPerson {
                    id: 42,
                    sex,
                    birth_date: day(1990, 7, 1),
                    left_on,
                    facts: facts.clone(),
                }
            );
        }
    }

    #[test]
    fn a_damaged_pack_is_an_error_not_a_panic() {
        let facts = [Fact {
            id: 9,
            person: 3,
            kind: FactKind::TemporaryResidencePermit {
                number: "暂住证-1".into(),
            },
            from: day(2020, 1, 1),
            to: None,
        }];
        let pack = encode(Sex::Male, day(2000, 1, 1), None, facts.iter());
        for end in 0..pack.len() {
            assert!(decode(3, &pack[..end]).is_err(), "cut at {end}");
        }
        let mut longer = pack.clone();
        longer.push(0);
        assert!(decode(3, &longer).is_err());
        let mut other_version = pack;
        other_version[0] = 2;
        let error = decode(3, &other_version).unwrap_err();
        assert!(error.to_string().contains("person 3"), "{error}");
    }
}
