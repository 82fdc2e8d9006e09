//! 结果 — what an evaluation answers: per indicator and unit as of a date, the exact
//! numerator and denominator, the value for display, the plan year's target and the
//! colour band, decided exactly on the unrounded value (counting rules 5 and 6).
//!
//! A [`Cube`] holds every indicator for every unit valid on a date; it builds
//! [`IndicatorResult`]s on demand. Nothing here counts.

use domain::division::DivisionCode;
use domain::policy::{Direction, Indicator, Policy, ValueUnit};
use jiff::civil::Date;
use serde::{Serialize, Serializer};

use crate::exact::Exact;

/// 颜色分档 — how an indicator stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// The target is met.
    Green,
    /// Short of the target by at most the policy's `yellow_within`.
    Yellow,
    /// Short of the target by more.
    Red,
    /// A value, but no target for the date's plan year (or a tracked indicator).
    NoTarget,
    /// No value: a zero or missing denominator, or a missing reported value.
    NoData,
}

/// One indicator for one unit as of one date.
///
/// Serialises as `{"indicator":"E1","unit":"320211","as_of":"2025-12-31",
/// "numerator":"812","denominator":"1000","value":81.2,"target":"80","band":"green"}`;
/// exact numbers are strings (see [`Exact`]), `null` when missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorResult {
    /// The indicator's id, e.g. `E1`.
    pub indicator: String,
    pub unit: DivisionCode,
    pub as_of: Date,
    /// `None` when a reported value it needs is missing.
    pub numerator: Option<Exact>,
    /// `None` for a plain amount, or when a reported value it needs is missing.
    pub denominator: Option<Exact>,
    /// numerator / denominator × 100 (percent) or × 1000 (permille), or the plain
    /// amount; `None` is "no data". For display only: bands are decided exactly.
    pub value: Option<f64>,
    /// The target of the plan year that contains `as_of`, if any.
    pub target: Option<Exact>,
    pub band: Band,
}

/// A missing sum (a reported value it needs is missing, or no denominator).
pub(crate) const MISSING: i128 = i128::MIN;

/// The numbers of one indicator and unit, compactly: the sums of the numerator and
/// denominator over their common denominators (kept by the [`Judge`]), the value
/// (`NaN` for none) and the band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cell {
    numerator: i128,
    denominator: i128,
    value: f64,
    band: Band,
}

/// How to judge one indicator as of one date: its factor, the common denominators of
/// its numerator and denominator, and its target and the edge of the yellow band as
/// exact numbers, worked out once for all units.
#[derive(Debug, Clone)]
pub(crate) struct Judge {
    id: String,
    factor: i128,
    numerator_denom: i128,
    /// `None` for a plain amount.
    denominator_denom: Option<i128>,
    direction: Direction,
    target: Option<Exact>,
    /// The value below (at least) or above (at most) which the band turns red.
    edge: Option<Exact>,
}

fn exact(sum: i128, denom: Option<i128>) -> Option<Exact> {
    denom
        .filter(|_| sum != MISSING)
        .map(|denom| Exact::new(sum, denom))
}

impl Judge {
    /// The judge of `indicator` as of `as_of` (the target of the plan year that
    /// contains the date, if any), whose numerator's and denominator's sums are over
    /// `numerator_denom` and `denominator_denom`.
    pub(crate) fn new(
        policy: &Policy,
        indicator: &Indicator,
        numerator_denom: i128,
        denominator_denom: Option<i128>,
        as_of: Date,
    ) -> Judge {
        let factor = match indicator.unit {
            ValueUnit::Percent => 100,
            ValueUnit::Permille => 1000,
            ValueUnit::SquareMetres | ValueUnit::Count => 1,
        };
        let target = policy
            .plan_year_of(as_of)
            .and_then(|year| indicator.targets.get(year).copied().flatten())
            .map(Exact::from);
        let within = Exact::from(policy.bands.yellow_within);
        let edge = target.map(|target| match indicator.direction {
            Direction::AtMost => target.plus(within),
            Direction::AtLeast | Direction::Tracked => target.minus(within),
        });
        Judge {
            id: indicator.id.clone(),
            factor,
            numerator_denom,
            denominator_denom,
            direction: indicator.direction,
            target,
            edge,
        }
    }

    /// Judges the sums of a numerator and a denominator ([`MISSING`] when missing)
    /// exactly (counting rules 5 and 6).
    pub(crate) fn cell(&self, numerator: i128, denominator: i128) -> Cell {
        let value = match self.denominator_denom {
            None => exact(numerator, Some(self.numerator_denom)),
            Some(denominator_denom) => exact(numerator, Some(self.numerator_denom))
                .zip(exact(denominator, Some(denominator_denom)))
                .and_then(|(n, d)| n.times(self.factor).over(d)),
        };
        let band = match (value, self.target, self.edge, self.direction) {
            (None, _, _, _) => Band::NoData,
            (Some(_), _, _, Direction::Tracked) | (Some(_), None, _, _) | (Some(_), _, None, _) => {
                Band::NoTarget
            }
            (Some(value), Some(target), Some(edge), Direction::AtLeast) => {
                if value >= target {
                    Band::Green
                } else if value >= edge {
                    Band::Yellow
                } else {
                    Band::Red
                }
            }
            (Some(value), Some(target), Some(edge), Direction::AtMost) => {
                if value <= target {
                    Band::Green
                } else if value <= edge {
                    Band::Yellow
                } else {
                    Band::Red
                }
            }
        };
        Cell {
            numerator,
            denominator,
            value: value.map_or(f64::NAN, Exact::to_f64),
            band,
        }
    }

    /// The result of `cell` for `unit` as of `as_of`.
    pub(crate) fn result(&self, cell: &Cell, unit: DivisionCode, as_of: Date) -> IndicatorResult {
        IndicatorResult {
            indicator: self.id.clone(),
            unit,
            as_of,
            numerator: exact(cell.numerator, Some(self.numerator_denom)),
            denominator: exact(cell.denominator, self.denominator_denom),
            value: (!cell.value.is_nan()).then_some(cell.value),
            target: self.target,
            band: cell.band,
        }
    }

    /// The result for a unit that is not valid on the date: no data.
    pub(crate) fn absent(&self, unit: DivisionCode, as_of: Date) -> IndicatorResult {
        let cell = Cell {
            numerator: MISSING,
            denominator: MISSING,
            value: f64::NAN,
            band: Band::NoData,
        };
        self.result(&cell, unit, as_of)
    }
}

impl Default for Cell {
    fn default() -> Cell {
        Cell {
            numerator: MISSING,
            denominator: MISSING,
            value: f64::NAN,
            band: Band::NoData,
        }
    }
}

/// 指标立方 — every indicator for every unit valid on one date.
#[derive(Debug, Clone)]
pub struct Cube {
    /// One per indicator, in policy order.
    pub(crate) judges: Vec<Judge>,
    pub(crate) as_of: Date,
    pub(crate) units: Vec<DivisionCode>,
    /// Unit-major: `cells[unit × indicators + indicator]`.
    pub(crate) cells: Vec<Cell>,
}

impl Cube {
    /// The as-of date.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// The units, in code order (a parent before its children).
    pub fn units(&self) -> &[DivisionCode] {
        &self.units
    }

    /// How many results: units × indicators.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether it holds no result.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The result of `indicator` for `unit`, if both are in the cube.
    pub fn get(&self, unit: DivisionCode, indicator: &str) -> Option<IndicatorResult> {
        let row = self.units.binary_search(&unit).ok()?;
        let column = self.judges.iter().position(|j| j.id == indicator)?;
        let width = self.judges.len();
        Some(self.judges[column].result(&self.cells[row * width + column], unit, self.as_of))
    }

    /// Every result, unit by unit, each unit's indicators in policy order.
    pub fn results(&self) -> impl Iterator<Item = IndicatorResult> + '_ {
        let width = self.judges.len().max(1);
        self.cells.iter().enumerate().map(move |(index, cell)| {
            self.judges[index % width].result(cell, self.units[index / width], self.as_of)
        })
    }
}

impl Serialize for Cube {
    /// A sequence of [`IndicatorResult`]s, as [`Cube::results`] gives them.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.results())
    }
}

/// The length of the periods of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Month,
    Quarter,
    Year,
}
