//! 指标表 — the engine's results for units as of a date, as the rows a table shows:
//! indicator, unit, numerator, denominator, value, target, band. For publication,
//! a numerator or denominator from 1 up to below the policy's `min_count` is
//! suppressed, and so is the value computed from it.

use analytics::{Band, Exact, IndicatorResult};
use domain::division::{DivisionCode, Hierarchy};
use domain::policy::Policy;
use jiff::civil::Date;

/// A number as a table shows it: a figure, suppressed, or none.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    Number(f64),
    /// A small count not shown (publication): "<N".
    Suppressed(u64),
    Missing,
}

impl Figure {
    /// The text of the figure (`""` for none).
    pub fn text(&self) -> String {
        match self {
            Figure::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Figure::Number(n) => format!("{n:.2}"),
            Figure::Suppressed(min) => format!("<{min}"),
            Figure::Missing => String::new(),
        }
    }

    /// The number, unless suppressed or missing.
    pub fn number(&self) -> Option<f64> {
        match self {
            Figure::Number(n) => Some(*n),
            _ => None,
        }
    }
}

/// One row: one indicator for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub indicator: String,
    pub name: String,
    pub unit: DivisionCode,
    pub unit_name: String,
    pub numerator: Figure,
    pub denominator: Figure,
    pub value: Figure,
    pub target: Figure,
    pub band: Band,
}

/// The table of a set of results.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorTable {
    pub as_of: Date,
    /// Whether small counts were suppressed.
    pub published: bool,
    pub rows: Vec<Row>,
}

impl IndicatorTable {
    /// The table of `results`, suppressing small counts when `publish`.
    pub fn new(
        results: &[IndicatorResult],
        as_of: Date,
        policy: &Policy,
        hierarchy: &Hierarchy,
        publish: bool,
    ) -> IndicatorTable {
        let min = if publish {
            policy.publication.min_count
        } else {
            0
        };
        let rows = results
            .iter()
            .map(|result| {
                let name = policy
                    .indicators
                    .iter()
                    .find(|i| i.id == result.indicator)
                    .map_or_else(String::new, |i| i.zh.clone());
                let numerator = figure(result.numerator, min);
                let denominator = figure(result.denominator, min);
                let hidden = matches!(numerator, Figure::Suppressed(_))
                    || matches!(denominator, Figure::Suppressed(_));
                let value = match result.value {
                    Some(_) if hidden => Figure::Suppressed(min),
                    Some(value) => Figure::Number(value),
                    None => Figure::Missing,
                };
                Row {
                    indicator: result.indicator.clone(),
                    name,
                    unit: result.unit,
                    unit_name: hierarchy
                        .unit(result.unit)
                        .map_or_else(String::new, |u| u.name.clone()),
                    numerator,
                    denominator,
                    value,
                    target: result
                        .target
                        .map_or(Figure::Missing, |t| Figure::Number(t.to_f64())),
                    band: result.band,
                }
            })
            .collect();
        IndicatorTable {
            as_of,
            published: publish,
            rows,
        }
    }
}

/// A count as a figure: suppressed when from 1 up to below `min`.
fn figure(count: Option<Exact>, min: u64) -> Figure {
    match count {
        None => Figure::Missing,
        Some(count) => {
            let n = count.to_f64();
            if n >= 1.0 && n < min as f64 {
                Figure::Suppressed(min)
            } else {
                Figure::Number(n)
            }
        }
    }
}

/// The band's name in a table.
pub(crate) fn band_text(band: Band) -> &'static str {
    match band {
        Band::Green => "绿 green",
        Band::Yellow => "黄 yellow",
        Band::Red => "红 red",
        Band::NoTarget => "无目标 no target",
        Band::NoData => "无数据 no data",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed_and_zero_and_large_ones_shown() {
        assert_eq!(figure(Some(Exact::whole(3)), 5), Figure::Suppressed(5));
        assert_eq!(figure(Some(Exact::whole(0)), 5), Figure::Number(0.0));
        assert_eq!(figure(Some(Exact::whole(5)), 5), Figure::Number(5.0));
        assert_eq!(figure(Some(Exact::whole(3)), 0), Figure::Number(3.0));
        assert_eq!(Figure::Suppressed(5).text(), "<5");
    }
}
