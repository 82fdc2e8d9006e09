//! 汇总值 — the values the demo's offices and departments report for each plan year,
//! so that every `value(NAME)` indicator of the seed policy has data: per village the
//! estimated actual migrants and school-age children (the registered counts over a
//! registration rate mostly between 90 % and 97 %, a few villages below 90 %); per
//! district the police's hotel guests and migrant offenders, the labour bureau's wage
//! arrears cases and amounts, and the justice bureau's legal-aid applications, in
//! proportion to the registered migrants.
//!
//! Each is a [`Change::ReportValue`](domain::event::Change::ReportValue) planned
//! through the [`Ledger`] like every other change. Draws come from streams seeded by
//! the demo's seed and the unit, so the same city reports the same values.

use std::collections::BTreeMap;

use anyhow::Result;
use domain::division::{CodeLevel, DivisionCode};
use domain::reported_value::ReportedValue;
use rand::Rng;

use super::calibration::{Day, TODAY, day, year_end, ymd};
use super::ledger::{Ledger, PLAN_YEARS, Present};
use super::{normal, seeded};

/// The random stream of the reported values (see [`seeded`]).
const STREAM: u64 = 4;

/// `x` rounded to a whole number, not negative.
fn whole(x: f64) -> i64 {
    x.round().max(0.0) as i64
}

/// `x` rounded down or up at random, in proportion to its fraction, so that the
/// small counts of a village do not all round the same way.
fn dithered(rng: &mut impl Rng, x: f64) -> i64 {
    let floor = x.floor();
    floor as i64 + i64::from(rng.r#gen::<f64>() < x - floor)
}

/// A rate around `mean` with spread `sd`, kept within `low..=high`.
fn rate(rng: &mut impl Rng, mean: f64, sd: f64, low: f64, high: f64) -> f64 {
    (mean + sd * normal(rng)).clamp(low, high)
}

/// The day a year's figures are reported: in the year's last weeks or, for a year
/// not over by the demo's today, on today.
fn reported_on(year: i32) -> Day {
    ymd(year, 12, 20).min(day(TODAY))
}

/// Reports every plan year's values for the villages in `ledger.present` and their
/// districts.
pub fn report(ledger: &mut Ledger, seed: u64) -> Result<()> {
    let present: Vec<((DivisionCode, i32), Present)> =
        ledger.present.iter().map(|(k, v)| (*k, *v)).collect();
    let mut districts: BTreeMap<(DivisionCode, i32), i64> = BTreeMap::new();
    for ((village, year), counted) in present {
        if counted.persons == 0 {
            continue;
        }
        *districts
            .entry((village.truncate(CodeLevel::District), year))
            .or_default() += i64::from(counted.persons);
        let mut rng = seeded(seed, STREAM, village.as_u64() ^ ((year as u64) << 40));
        // A village's rate, a little better each plan year.
        let step = f64::from(year - PLAN_YEARS[0]) * 0.005;
        let registered = rate(&mut rng, 0.93 + step, 0.025, 0.84, 0.995);
        let children = rate(&mut rng, 0.955 + step, 0.02, 0.88, 1.0);
        let estimated =
            dithered(&mut rng, f64::from(counted.persons) / registered).max(counted.persons.into());
        let school_age = dithered(&mut rng, f64::from(counted.school_age) / children)
            .max(counted.school_age.into());
        let town = village.truncate(CodeLevel::Town);
        let on = ymd(year, 1, 20);
        for (name, value) in [
            ("estimated_migrants", estimated),
            ("estimated_school_age_children", school_age),
        ] {
            ledger.report_value(on, town, yearly(village, name, year, value))?;
        }
    }
    for ((district, year), migrants) in districts {
        let mut rng = seeded(seed, STREAM + 1, district.as_u64() ^ ((year as u64) << 40));
        let m = migrants as f64;
        let guests = whole(m * rate(&mut rng, 3.0, 0.4, 2.0, 4.0)).max(1);
        let verified = whole(guests as f64 * rate(&mut rng, 0.985, 0.012, 0.95, 1.0));
        let cases = whole(m / 400.0 * rate(&mut rng, 1.0, 0.25, 0.5, 1.6)).max(1);
        let cases_cleared = whole(cases as f64 * rate(&mut rng, 0.92, 0.04, 0.8, 1.0));
        let owed = cases
            * whole(rate(
                &mut rng,
                1_200_000.0,
                300_000.0,
                500_000.0,
                2_500_000.0,
            ));
        let owed_cleared = whole(owed as f64 * rate(&mut rng, 0.9, 0.05, 0.75, 1.0));
        let eligible = whole(m / 300.0 * rate(&mut rng, 1.0, 0.2, 0.6, 1.5)).max(1);
        let granted = whole(eligible as f64 * rate(&mut rng, 0.985, 0.015, 0.93, 1.0));
        let offenders = whole(m * rate(&mut rng, 3.0, 0.5, 2.0, 4.0) / 1000.0);
        let on = reported_on(year);
        for (name, value) in [
            ("hotel_guests", guests),
            ("hotel_guests_verified", verified),
            ("wage_arrears_cases", cases),
            ("wage_arrears_cases_cleared", cases_cleared),
            ("wage_arrears_owed_fen", owed),
            ("wage_arrears_cleared_fen", owed_cleared),
            ("legal_aid_eligible", eligible),
            ("legal_aid_granted", granted),
            ("migrant_offenders", offenders),
        ] {
            ledger.report_value(on, district, yearly(district, name, year, value))?;
        }
    }
    Ok(())
}

/// `value` of `name` for `unit` for the whole of `year`.
fn yearly(unit: DivisionCode, name: &str, year: i32, value: i64) -> ReportedValue {
    ReportedValue {
        unit,
        name: name.to_owned(),
        from: super::calibration::date(ymd(year, 1, 1)),
        to: super::calibration::date(year_end(year)),
        value,
    }
}
