//! 非人员对象 — the records the engine keeps (employers, rental houses, zones, staff,
//! …, stripped of names and addresses) and what each contributes to the record
//! sides: for a record and a side, the days on which the record exists and the
//! side's predicate holds, split into pieces that each fall in one bucket.
//!
//! A record's date attribute reads "set on or before D" while the record exists:
//! `letter_signed` is `[letter_signed_on, last day]`; `entrusted` is the entrustment;
//! `trained in year` holds from a training day through the end of its year;
//! `opened in plan` from the record's first day on when that day is in the plan.

use std::collections::HashMap;

use domain::policy::{Comparison, Period, RecordAttribute, RecordField, RecordPredicate};
use domain::registry::{Record, RecordDetail, RecordId};

use crate::calendar::{Day, POS_INF, day_of, period_end, span_of, stored_interval};
use crate::compile::{Compiled, RecordSide};
use crate::intervals::{ALWAYS, Interval, complement, intersect, normalize, union};
use crate::tree::{Tree, UnitIndex};

/// One piece of a record's contribution: `weight` (1 for a count, the field for a
/// sum) from `start` through `end` in `bucket` of record side `side`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RecordPiece {
    pub side: u16,
    pub bucket: UnitIndex,
    pub start: u16,
    pub end: u16,
    pub weight: i64,
}

/// The records, by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Records {
    by_id: HashMap<RecordId, Record>,
}

impl Records {
    /// The record of `id`, if kept.
    pub(crate) fn get(&self, id: RecordId) -> Option<&Record> {
        self.by_id.get(&id)
    }

    /// Keeps `record` (without its name and address); returns the one it replaces.
    pub(crate) fn put(&mut self, record: &Record) -> Option<Record> {
        let mut kept = record.clone();
        kept.name = String::new();
        if let RecordDetail::RentalHouse { address, .. } = &mut kept.detail {
            *address = String::new();
        }
        self.by_id.insert(record.id, kept)
    }

    /// Forgets the record of `id`; returns it.
    pub(crate) fn remove(&mut self, id: RecordId) -> Option<Record> {
        self.by_id.remove(&id)
    }

    /// How many records are kept.
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// The days on which employer `id` exists and has a union.
    pub(crate) fn union_days(&self, id: RecordId) -> Option<Interval> {
        let record = self.get(id)?;
        let RecordDetail::Employer {
            union_since: Some(since),
            ..
        } = record.detail
        else {
            return None;
        };
        let (from, to) = existence(record);
        Some((from.max(day_of(since)), to))
    }

    /// An estimate of the bytes held: the table and each record's own allocations.
    pub(crate) fn bytes(&self) -> usize {
        let entry = std::mem::size_of::<(RecordId, Record)>() + 1;
        self.by_id.capacity() * entry
            + self
                .by_id
                .values()
                .map(|record| match &record.detail {
                    RecordDetail::Staff { trained_on, .. } => {
                        trained_on.capacity() * std::mem::size_of::<jiff::civil::Date>()
                    }
                    _ => 0,
                })
                .sum::<usize>()
    }
}

/// The days on which `record` exists: from its first day through its last.
fn existence(record: &Record) -> Interval {
    span_of(Some(record.from), record.to)
}

/// The kind of record a side counts matches `record`.
fn matches_kind(side: &RecordSide, record: &Record) -> bool {
    side.kind.detail_kind() == record.detail.kind()
}

/// Calls `emit` for every piece `record` contributes to the record sides.
pub(crate) fn contributions(
    compiled: &Compiled,
    tree: &Tree,
    record: &Record,
    mut emit: impl FnMut(RecordPiece),
) {
    let exists = [existence(record)];
    for (side_index, side) in compiled.record_sides.iter().enumerate() {
        if !matches_kind(side, record) {
            continue;
        }
        let weight = match side.field {
            None => 1,
            Some(field) => match field_value(record, field) {
                Some(value) => value,
                None => continue,
            },
        };
        let days = match &side.filter {
            None => exists.to_vec(),
            Some(predicate) => intersect(&holds(compiled, record, predicate), &exists),
        };
        for interval in days {
            tree.split(record.unit, interval, |(start, end), bucket| {
                if let Some((start, end)) = stored_interval(start, end) {
                    emit(RecordPiece {
                        side: side_index as u16,
                        bucket,
                        start,
                        end,
                        weight,
                    });
                }
            });
        }
    }
}

/// A numeric field of a record, if its kind has it.
fn field_value(record: &Record, field: RecordField) -> Option<i64> {
    match (&record.detail, field) {
        (RecordDetail::ConcentratedZone { area_m2, .. }, RecordField::AreaM2) => Some(*area_m2),
        (RecordDetail::ConcentratedZone { capacity, .. }, RecordField::Capacity) => Some(*capacity),
        (RecordDetail::Settlement { migrants, .. }, RecordField::Migrants) => Some(*migrants),
        _ => None,
    }
}

/// The days from `day` to the end of its `period` (or, for the plan, from `day` on
/// when `day` lies in the plan): "it happened in D's period, on or before D".
fn within_period(day: Day, period: Period, plan_start: Day) -> Option<Interval> {
    match period {
        Period::Plan => (day >= plan_start).then_some((day, POS_INF)),
        _ => Some((day, period_end(day, period))),
    }
}

/// The days on which `predicate` holds of `record` (existence not applied).
fn holds(compiled: &Compiled, record: &Record, predicate: &RecordPredicate) -> Vec<Interval> {
    let since = |date: Option<jiff::civil::Date>| match date {
        Some(date) => vec![(day_of(date), POS_INF)],
        None => Vec::new(),
    };
    let all_or_none = |yes: bool| if yes { ALWAYS.to_vec() } else { Vec::new() };
    match predicate {
        RecordPredicate::And { all } => {
            let mut acc = ALWAYS.to_vec();
            for p in all {
                if acc.is_empty() {
                    break;
                }
                acc = intersect(&acc, &holds(compiled, record, p));
            }
            acc
        }
        RecordPredicate::Or { any } => any.iter().fold(Vec::new(), |acc, p| {
            union(&acc, &holds(compiled, record, p))
        }),
        RecordPredicate::Not { inner } => complement(&holds(compiled, record, inner)),
        RecordPredicate::Attribute { attribute } => match (attribute, &record.detail) {
            (RecordAttribute::Registered, RecordDetail::RentalHouse { registered_on, .. }) => {
                since(*registered_on)
            }
            (
                RecordAttribute::LetterSigned,
                RecordDetail::Employer {
                    letter_signed_on, ..
                }
                | RecordDetail::Landlord { letter_signed_on }
                | RecordDetail::Agency { letter_signed_on },
            ) => since(*letter_signed_on),
            (
                RecordAttribute::Entrusted,
                RecordDetail::RentalHouse {
                    entrusted_from: Some(from),
                    entrusted_to,
                    ..
                },
            ) => {
                let mut days = vec![span_of(Some(*from), *entrusted_to)];
                normalize(&mut days);
                days
            }
            (RecordAttribute::HasUnion, RecordDetail::Employer { union_since, .. }) => {
                since(*union_since)
            }
            (
                RecordAttribute::HasMediation,
                RecordDetail::Settlement {
                    mediation_since, ..
                },
            ) => since(*mediation_since),
            _ => Vec::new(),
        },
        RecordPredicate::TrainedIn { period } => match &record.detail {
            RecordDetail::Staff { trained_on, .. } => {
                let mut days: Vec<Interval> = trained_on
                    .iter()
                    .filter_map(|day| within_period(day_of(*day), *period, compiled.plan_start))
                    .collect();
                normalize(&mut days);
                days
            }
            _ => Vec::new(),
        },
        RecordPredicate::OpenedIn { period } => {
            within_period(day_of(record.from), *period, compiled.plan_start)
                .into_iter()
                .collect()
        }
        RecordPredicate::Compare {
            field,
            comparison,
            value,
        } => all_or_none(
            field_value(record, *field).is_some_and(|actual| match comparison {
                Comparison::Eq => actual == *value,
                Comparison::Ne => actual != *value,
                Comparison::Lt => actual < *value,
                Comparison::Le => actual <= *value,
                Comparison::Gt => actual > *value,
                Comparison::Ge => actual >= *value,
            }),
        ),
        RecordPredicate::Role { role } => all_or_none(matches!(
            &record.detail,
            RecordDetail::Staff { role: r, .. } if r == role
        )),
        RecordPredicate::IsMigrant => all_or_none(matches!(
            &record.detail,
            RecordDetail::Staff {
                is_migrant: true,
                ..
            }
        )),
    }
}
