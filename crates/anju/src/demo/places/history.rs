//! 记录的变迁 — the states a record passes through (each dated attribute coming
//! into force) and the record as it was known on a day.

use domain::registry::{Record, RecordDetail};

use crate::demo::calibration::{Day, TODAY, day};

/// The states a record passes through, each with its day: the state when entered,
/// then one more each time a dated attribute (a union, a letter, a registration, an
/// entrustment, a mediation organisation, a training) comes into force, up to today.
pub fn states(record: &Record, entered_on: Day) -> Vec<(Day, Record)> {
    let today = day(TODAY);
    let mut days: Vec<Day> = vec![entered_on];
    let mut add = |d: Option<domain::Date>| {
        if let Some(d) = d {
            let d = day(d);
            if d > entered_on && d <= today {
                days.push(d);
            }
        }
    };
    match &record.detail {
        RecordDetail::Employer {
            union_since,
            letter_signed_on,
        } => {
            add(*union_since);
            add(*letter_signed_on);
        }
        RecordDetail::Landlord { letter_signed_on } | RecordDetail::Agency { letter_signed_on } => {
            add(*letter_signed_on)
        }
        RecordDetail::RentalHouse {
            registered_on,
            entrusted_from,
            ..
        } => {
            add(*registered_on);
            add(*entrusted_from);
        }
        RecordDetail::Settlement {
            mediation_since, ..
        } => add(*mediation_since),
        RecordDetail::Staff { trained_on, .. } => trained_on.iter().for_each(|d| add(Some(*d))),
        _ => {}
    }
    days.sort_unstable();
    days.dedup();
    days.into_iter().map(|d| (d, as_of(record, d))).collect()
}

/// The record as it was known on day `d`: dated attributes after `d` not yet there.
pub fn as_of(record: &Record, d: Day) -> Record {
    let keep = |x: Option<domain::Date>| x.filter(|x| day(*x) <= d);
    let detail = match &record.detail {
        RecordDetail::Employer {
            union_since,
            letter_signed_on,
        } => RecordDetail::Employer {
            union_since: keep(*union_since),
            letter_signed_on: keep(*letter_signed_on),
        },
        RecordDetail::Landlord { letter_signed_on } => RecordDetail::Landlord {
            letter_signed_on: keep(*letter_signed_on),
        },
        RecordDetail::Agency { letter_signed_on } => RecordDetail::Agency {
            letter_signed_on: keep(*letter_signed_on),
        },
        RecordDetail::RentalHouse {
            landlord,
            address,
            registered_on,
            entrusted_from,
            entrusted_to,
        } => {
            let from = keep(*entrusted_from);
            RecordDetail::RentalHouse {
                landlord: *landlord,
                address: address.clone(),
                registered_on: keep(*registered_on),
                entrusted_from: from,
                entrusted_to: from.and(keep(*entrusted_to)),
            }
        }
        RecordDetail::Settlement {
            migrants,
            mediation_since,
        } => RecordDetail::Settlement {
            migrants: *migrants,
            mediation_since: keep(*mediation_since),
        },
        RecordDetail::Staff {
            role,
            is_migrant,
            trained_on,
        } => RecordDetail::Staff {
            role: *role,
            is_migrant: *is_migrant,
            trained_on: trained_on
                .iter()
                .copied()
                .filter(|t| day(*t) <= d)
                .collect(),
        },
        other => other.clone(),
    };
    Record {
        detail,
        ..record.clone()
    }
}
