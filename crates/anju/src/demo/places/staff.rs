//! 聚居点与工作人员 — a village's settlements and their mediation organisations,
//! and the staff of its station, from who lives there today.

use domain::registry::{Record, RecordDetail, RecordId, StaffRole};
use domain::resident_id::Sex;
use rand::Rng;

use super::records::{entered, opening_day, random_day};
use super::{City, short_name};
use crate::demo::calibration::{Day, Measure, REGISTRY_START, TODAY, date, day, year_end, ymd};
use crate::demo::lognormal;
use crate::demo::people::Names;

/// What a village's persons look like on today's date, for its settlements and staff.
#[derive(Debug, Default, Clone, Copy)]
pub struct Headcount {
    /// Present today in zones and dormitories (两集中).
    pub concentrated: u32,
    /// Present today in rented houses.
    pub rented: u32,
    /// Present today in own homes.
    pub own: u32,
}

/// The settlements (聚居点) of a village with many migrants in rented houses, and
/// their mediation organisations. Ids from `next_id`.
pub fn settlements(
    city: &City,
    v: usize,
    count: Headcount,
    rng: &mut impl Rng,
    next_id: &mut impl FnMut() -> RecordId,
) -> Vec<(Day, Record)> {
    let village = &city.villages[v];
    let rented = f64::from(count.rented);
    let n = if rented >= 150.0 {
        ((rented / 700.0).round() as usize).max(1)
    } else if rented >= 80.0 && rng.r#gen::<f64>() < 0.5 {
        1
    } else {
        0
    };
    let curve = city.curve(v, Measure::Mediation);
    (0..n.min(8))
        .map(|k| {
            let migrants = (rented * 0.8 / n as f64 * rng.gen_range(0.85..1.15)).round() as i64;
            let from = opening_day(rng, 2005, 0.6, 0.2);
            let mediation = (migrants >= 200)
                .then(|| {
                    let u: f64 = rng.r#gen();
                    if u < curve.at(day(REGISTRY_START)) {
                        Some(random_day(rng, from, entered(from) + 1))
                    } else {
                        curve.reached(u, entered(from), day(TODAY) + 1)
                    }
                })
                .flatten()
                .or_else(|| (migrants < 200 && rng.r#gen::<f64>() < 0.3).then(|| entered(from)));
            let record = Record {
                id: next_id(),
                name: format!("{}外来人口聚居点{}", short_name(&village.name), k + 1),
                unit: village.code,
                from: date(from),
                to: None,
                detail: RecordDetail::Settlement {
                    migrants,
                    mediation_since: mediation.map(date),
                },
            };
            (entered(from), record)
        })
        .collect()
}

/// Training days of a staff member hired on `hired`, one in most years.
fn trainings(rng: &mut impl Rng, hired: Day, chance: impl Fn(i32) -> f64) -> Vec<domain::Date> {
    let today = day(TODAY);
    let first = crate::demo::calibration::year_of(hired.max(day(REGISTRY_START)));
    (first..=crate::demo::calibration::year_of(today))
        .filter_map(|year| {
            let (from, until) = (
                ymd(year, 1, 1).max(hired + 1),
                year_end(year).min(today) + 1,
            );
            (from < until && rng.r#gen::<f64>() < chance(year))
                .then(|| date(rng.gen_range(from..until)))
        })
        .collect()
}

/// The staff of a village's station: household-registration assistants at about
/// 1 per 1,000 migrants in concentrated housing and 1 per 400 dispersed (some
/// stations below), and information officers, about 30% of them migrants.
pub fn staff(
    city: &City,
    v: usize,
    count: Headcount,
    names: &Names,
    rng: &mut impl Rng,
    next_id: &mut impl FnMut() -> RecordId,
) -> Vec<(Day, Record)> {
    let village = &city.villages[v];
    let required =
        f64::from(count.concentrated) / 1000.0 + f64::from(count.rented + count.own) / 400.0;
    let staffing = city.curve(v, Measure::Staffing).at(day(TODAY)) * lognormal(rng, 0.0, 0.15);
    let assistants = stochastic_round(required * staffing, rng);
    let total = count.concentrated + count.rented + count.own;
    let officers = if total == 0 {
        0
    } else {
        1 + stochastic_round(f64::from(total) / 500.0, rng)
    };
    let training = city.curve(v, Measure::StaffTraining);
    let migrant_chance = {
        let base = city.curve(v, Measure::OfficerIsMigrant).at(day(TODAY));
        if village.park { base.max(0.45) } else { base }
    };
    let mut out = Vec::with_capacity(assistants + officers);
    for k in 0..assistants + officers {
        let role = if k < assistants {
            StaffRole::RegistrationAssistant
        } else {
            StaffRole::InformationOfficer
        };
        let hired = opening_day(rng, 2012, 0.4, 0.3);
        let is_migrant =
            role == StaffRole::InformationOfficer && rng.r#gen::<f64>() < migrant_chance;
        let trained_on = match role {
            StaffRole::RegistrationAssistant => trainings(rng, hired, |y| training.in_year(y)),
            StaffRole::InformationOfficer => trainings(rng, hired, |_| 0.8),
        };
        let sex = if rng.r#gen::<f64>() < 0.5 {
            Sex::Male
        } else {
            Sex::Female
        };
        let surname = names.surname(rng);
        let record = Record {
            id: next_id(),
            name: names.name(surname, sex, false, rng),
            unit: village.code,
            from: date(hired),
            to: None,
            detail: RecordDetail::Staff {
                role,
                is_migrant,
                trained_on,
            },
        };
        out.push((entered(hired), record));
    }
    out
}

fn stochastic_round(x: f64, rng: &mut impl Rng) -> usize {
    let floor = x.floor();
    floor as usize + usize::from(rng.r#gen::<f64>() < x - floor)
}
