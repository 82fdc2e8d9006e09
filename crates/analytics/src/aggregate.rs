//! 汇总值 — aggregate values reported for a unit and a period (estimated migrants of a
//! village for a year, hotel guests verified by the police for a quarter, …), and
//! `value(NAME)` as of a date: the unit's own report for a period containing the
//! date, else the sum over its valid children (recursively), else missing.
//!
//! When several of a unit's reports contain the date, the shortest period wins (a
//! month's figure is more specific than the year's); between equal lengths, the one
//! that starts later.

use std::collections::HashMap;

use crate::calendar::Day;
use crate::tree::UnitIndex;

/// One report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Report {
    unit: UnitIndex,
    from: Day,
    to: Day,
    value: i64,
}

/// Every report, by value name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Aggregates {
    by_name: HashMap<String, Vec<Report>>,
}

impl Aggregates {
    /// Records a report, replacing one for the same unit and period.
    pub(crate) fn set(&mut self, name: &str, unit: UnitIndex, from: Day, to: Day, value: i64) {
        let reports = self.by_name.entry(name.to_string()).or_default();
        match reports
            .iter_mut()
            .find(|r| r.unit == unit && r.from == from && r.to == to)
        {
            Some(report) => report.value = value,
            None => reports.push(Report {
                unit,
                from,
                to,
                value,
            }),
        }
    }

    /// Withdraws the report for a unit and period; false when there was none.
    pub(crate) fn clear(&mut self, name: &str, unit: UnitIndex, from: Day, to: Day) -> bool {
        let Some(reports) = self.by_name.get_mut(name) else {
            return false;
        };
        let before = reports.len();
        reports.retain(|r| !(r.unit == unit && r.from == from && r.to == to));
        reports.len() != before
    }

    /// Per unit, the unit's own value for `name` on `day`, in `out` (indexed by unit).
    pub(crate) fn own_values(&self, name: &str, day: Day, out: &mut [Option<i64>]) {
        out.fill(None);
        let Some(reports) = self.by_name.get(name) else {
            return;
        };
        let mut chosen: Vec<Option<Report>> = Vec::new();
        for report in reports.iter().filter(|r| r.from <= day && day <= r.to) {
            let unit = usize::from(report.unit);
            if unit >= out.len() {
                continue;
            }
            if chosen.len() < out.len() {
                chosen.resize(out.len(), None);
            }
            let better = match chosen[unit] {
                None => true,
                Some(current) => {
                    let (length, current_length) =
                        (report.to - report.from, current.to - current.from);
                    length < current_length
                        || (length == current_length && report.from > current.from)
                }
            };
            if better {
                chosen[unit] = Some(*report);
                out[unit] = Some(report.value);
            }
        }
    }

    /// How many reports are kept.
    pub(crate) fn len(&self) -> usize {
        self.by_name.values().map(Vec::len).sum()
    }
}
