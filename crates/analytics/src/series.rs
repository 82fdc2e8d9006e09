//! 时间序列 — one indicator for one unit over consecutive months, quarters or years,
//! each period evaluated as of its last day (counting rule 4), or as of the series'
//! last day for a period that is still running then.

use domain::division::DivisionCode;
use domain::policy::Period;
use jiff::civil::Date;

use crate::calendar::{date_of, day_of, period_end, period_start};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::result::{IndicatorResult, Step};
use crate::rollup::Snapshot;

impl Engine {
    /// `indicator` for `unit` for every period of length `step` from the one that
    /// contains `from` through the one that contains `to`. A period is evaluated as
    /// of its last day, or as of `to` when that comes first. A period on whose date
    /// the unit is not valid (a district before it was created) gives "no data".
    ///
    /// # Errors
    ///
    /// When the unit or the indicator is unknown, `to` is before `from`, or a date
    /// is out of range.
    pub fn series(
        &self,
        unit: DivisionCode,
        indicator: &str,
        from: Date,
        to: Date,
        step: Step,
    ) -> Result<Vec<IndicatorResult>, EngineError> {
        let Some(i) = self
            .policy
            .indicators
            .iter()
            .position(|x| x.id == indicator)
        else {
            return Err(EngineError::UnknownIndicator {
                id: indicator.to_string(),
            });
        };
        let index = usize::from(
            self.tree
                .index_of(unit)
                .ok_or(EngineError::UnknownUnit { unit })?,
        );
        if to < from {
            return Err(EngineError::BadPeriod { from, to });
        }
        Engine::day(from)?;
        Engine::day(to)?;
        let period = match step {
            Step::Month => Period::Month,
            Step::Quarter => Period::Quarter,
            Step::Year => Period::Year,
        };
        let mut results = Vec::new();
        let mut start = period_start(from, period);
        loop {
            let end = date_of(period_end(day_of(start), period));
            let as_of = end.min(to);
            let day = Engine::day(as_of)?;
            let valid = self.tree.valid_in(self.tree.segment_of(i32::from(day)));
            let judge = self.judges(as_of).swap_remove(i);
            let result = if valid[index] {
                let snapshot = Snapshot::compute(self.parts(), day, self.tree.subtree(index), &[i]);
                judge.result(&self.cell(&snapshot, &judge, i, index), unit, as_of)
            } else {
                judge.absent(unit, as_of)
            };
            results.push(result);
            if end >= to {
                break;
            }
            start = end.tomorrow().expect("a supported date has a next day");
        }
        Ok(results)
    }
}
