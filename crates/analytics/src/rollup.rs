//! 汇总 — evaluation as of one date over a subtree: each side's value in each bucket
//! (two binary searches), added up the hierarchy valid on that date (counting rule 5:
//! numerators and denominators add, ratios are never averaged), then each
//! indicator's numerator and denominator as exact integer combinations.
//!
//! Sides are independent, so they are counted in parallel when the subtree is big.

use std::ops::Range;

use domain::division::CodeLevel;
use rayon::prelude::*;

use crate::aggregate::Aggregates;
use crate::calendar::{Day, Stored};
use crate::compile::{Combination, Compiled, TermRef};
use crate::index::SideIndex;
use crate::result::MISSING;
use crate::tree::Tree;

/// What an evaluation reads.
#[derive(Clone, Copy)]
pub(crate) struct Parts<'a> {
    pub compiled: &'a Compiled,
    pub tree: &'a Tree,
    pub persons: &'a [SideIndex],
    pub records: &'a [SideIndex],
    pub aggregates: &'a Aggregates,
}

/// Every needed side's total per unit of a subtree, as of one date.
pub(crate) struct Snapshot {
    range: Range<usize>,
    persons: Vec<Vec<i64>>,
    records: Vec<Vec<i64>>,
    /// Per towns term (`has` record side or none).
    towns: Vec<(Option<usize>, Vec<i64>)>,
    values: Vec<Vec<Option<i64>>>,
}

/// Subtrees with at least this many units count their sides in parallel.
const PARALLEL_UNITS: usize = 64;

impl Snapshot {
    /// Counts, for the units of `range` (a subtree) valid on `day`, the sides that
    /// `indicators` need.
    pub(crate) fn compute(
        parts: Parts<'_>,
        day: Stored,
        range: Range<usize>,
        indicators: &[usize],
    ) -> Snapshot {
        let compiled = parts.compiled;
        let mut need_persons = vec![false; compiled.person_sides.len()];
        let mut need_records = vec![false; compiled.record_sides.len()];
        let mut need_values = vec![false; compiled.values.len()];
        let mut towns: Vec<(Option<usize>, Vec<i64>)> = Vec::new();
        for &i in indicators {
            let indicator = &compiled.indicators[i];
            let combinations =
                std::iter::once(&indicator.numerator).chain(indicator.denominator.as_ref());
            for (_, term) in combinations.flat_map(|c| &c.terms) {
                match *term {
                    TermRef::Persons(s) => need_persons[s] = true,
                    TermRef::Records(s) => need_records[s] = true,
                    TermRef::Towns(has) => {
                        if let Some(s) = has {
                            need_records[s] = true;
                        }
                        if !towns.iter().any(|(h, _)| *h == has) {
                            towns.push((has, Vec::new()));
                        }
                    }
                    TermRef::Value(v) => need_values[v] = true,
                }
            }
        }
        let valid = parts.tree.valid_in(parts.tree.segment_of(Day::from(day)));
        let persons = side_totals(parts.tree, parts.persons, &need_persons, day, range.clone());
        let records = side_totals(parts.tree, parts.records, &need_records, day, range.clone());

        for (has, totals) in &mut towns {
            let mut own = vec![0i64; range.len()];
            for unit in range.clone() {
                let is_town = valid[unit] && parts.tree.level(unit) == CodeLevel::Town;
                let qualifies = has.is_none_or(|s| records[s][unit - range.start] > 0);
                own[unit - range.start] = i64::from(is_town && qualifies);
            }
            roll_up(parts.tree, valid, &range, &mut own);
            *totals = own;
        }
        let mut own = vec![None; parts.tree.len()];
        let values = compiled
            .values
            .iter()
            .zip(&need_values)
            .map(|(name, needed)| {
                if !*needed {
                    return Vec::new();
                }
                parts.aggregates.own_values(name, Day::from(day), &mut own);
                roll_up_values(parts.tree, valid, &range, &own)
            })
            .collect();

        Snapshot {
            range,
            persons,
            records,
            towns,
            values,
        }
    }

    /// A combination's sum for `unit` (an index in the snapshot's range, valid on
    /// its date), over the combination's denominator; [`MISSING`] when a reported
    /// value it needs is missing.
    pub(crate) fn combine(&self, combination: &Combination, unit: usize) -> i128 {
        let at = unit - self.range.start;
        let mut sum: i128 = 0;
        for &(coefficient, term) in &combination.terms {
            let x = match term {
                TermRef::Persons(s) => self.persons[s][at],
                TermRef::Records(s) => self.records[s][at],
                TermRef::Towns(has) => {
                    self.towns
                        .iter()
                        .find(|(h, _)| *h == has)
                        .expect("every towns term is counted")
                        .1[at]
                }
                TermRef::Value(v) => match self.values[v][at] {
                    Some(x) => x,
                    None => return MISSING,
                },
            };
            sum += coefficient * i128::from(x);
        }
        sum
    }
}

/// Per side, its total on `day` in each unit of the subtree `range` (empty for the
/// sides not `needed`), counted in parallel when the subtree is big.
pub(crate) fn side_totals(
    tree: &Tree,
    sides: &[SideIndex],
    needed: &[bool],
    day: Stored,
    range: Range<usize>,
) -> Vec<Vec<i64>> {
    let valid = tree.valid_in(tree.segment_of(Day::from(day)));
    let valid_units: Vec<usize> = range.clone().filter(|&u| valid[u]).collect();
    let count = |(side, needed): (&SideIndex, &bool)| -> Vec<i64> {
        if !*needed {
            return Vec::new();
        }
        let mut totals = vec![0i64; range.len()];
        side.values(&valid_units, day, range.start, &mut totals);
        roll_up(tree, valid, &range, &mut totals);
        totals
    };
    if range.len() >= PARALLEL_UNITS {
        sides.par_iter().zip(needed).map(count).collect()
    } else {
        sides.iter().zip(needed).map(count).collect()
    }
}

/// Adds each valid unit's total into its parent's, children before parents, within
/// the subtree `range` (whose first unit is its root).
fn roll_up(tree: &Tree, valid: &[bool], range: &Range<usize>, totals: &mut [i64]) {
    for unit in (range.start + 1..range.end).rev() {
        if !valid[unit] {
            continue;
        }
        if let Some(parent) = tree.parent(unit) {
            totals[parent - range.start] += totals[unit - range.start];
        }
    }
}

/// Each valid unit's value: its own report, else the sum of its children's values
/// (missing when none of them has one).
fn roll_up_values(
    tree: &Tree,
    valid: &[bool],
    range: &Range<usize>,
    own: &[Option<i64>],
) -> Vec<Option<i64>> {
    let mut from_children: Vec<Option<i64>> = vec![None; range.len()];
    let mut rolled: Vec<Option<i64>> = vec![None; range.len()];
    for unit in range.clone().rev() {
        if !valid[unit] {
            continue;
        }
        let at = unit - range.start;
        let value = own[unit].or(from_children[at]);
        rolled[at] = value;
        if unit == range.start {
            continue;
        }
        if let (Some(parent), Some(value)) = (tree.parent(unit), value) {
            let slot = &mut from_children[parent - range.start];
            *slot = Some(slot.unwrap_or(0) + value);
        }
    }
    rolled
}
