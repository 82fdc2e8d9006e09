//! 工作 — a worker's jobs: the employers of the village's town (or district) open
//! on a day, monthly wages, and the spells of work between changes of employer.

use rand::Rng;

use super::Village;
use crate::demo::calibration::Day;
use crate::demo::lognormal;

/// Changes of employer per worker-year.
const JOB_CHANGE_RATE: f64 = 0.15;

/// A job: from `start` to the day before `end`, at an employer (index into
/// [`Places::employers`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Spell {
    pub(super) start: Day,
    pub(super) end: Day,
    pub(super) employer: usize,
    pub(super) wage: i64,
}

/// Days until the next of something that happens `per_year` times a year.
pub(super) fn wait(rng: &mut impl Rng, per_year: f64) -> Day {
    let u: f64 = rng.r#gen();
    (((-(1.0 - u).ln() / per_year) * 365.25).ceil() as Day).max(1)
}

impl Village<'_, '_> {
    /// An employer of the village's town (or else its district) open on `on`.
    pub(super) fn employer(
        &self,
        on: Day,
        exclude: Option<usize>,
        dorm: bool,
        rng: &mut impl Rng,
    ) -> Option<usize> {
        let city = self.world.city;
        let places = self.world.places;
        let town = city.villages[self.v].town;
        let ok = |e: usize| places.employers[e].from <= on && Some(e) != exclude;
        let pools = if dorm {
            &places.dorms_by_town
        } else {
            &places.employers_by_town
        };
        if let Some(e) = pools[town].draw(rng, ok) {
            return Some(e);
        }
        let towns = &city.districts[city.villages[self.v].district].towns;
        let start = rng.gen_range(0..towns.len());
        (0..towns.len()).find_map(|k| pools[towns[(start + k) % towns.len()]].draw(rng, ok))
    }

    pub(super) fn wage(rng: &mut impl Rng) -> i64 {
        ((lognormal(rng, (520_000f64).ln(), 0.35) / 100.0).round() as i64 * 100)
            .clamp(120_000, 5_000_000)
    }

    /// A worker's jobs within `[start, end)`, the first at `first` if given.
    pub(super) fn spells(
        &self,
        start: Day,
        end: Day,
        first: Option<usize>,
        rng: &mut impl Rng,
    ) -> Vec<Spell> {
        let mut spells = Vec::new();
        let Some(mut employer) = first.or_else(|| self.employer(start, None, false, rng)) else {
            return spells;
        };
        let mut from = start;
        loop {
            let next = from + wait(rng, JOB_CHANGE_RATE);
            let changed = if next < end {
                self.employer(next, Some(employer), false, rng)
            } else {
                None
            };
            let until = if changed.is_some() { next } else { end };
            spells.push(Spell {
                start: from,
                end: until,
                employer,
                wage: Self::wage(rng),
            });
            match changed {
                Some(e) => {
                    employer = e;
                    from = next;
                }
                None => break,
            }
        }
        spells
    }
}
