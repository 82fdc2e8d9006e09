//! 有效期 — the last day of a permit issued or renewed from a given day, by the
//! policy's `[permit] validity` (a length such as `1 year`): the day before the
//! same calendar day one length later. Officers do not type it.

use jiff::civil::Date;

use super::ast::Policy;
use crate::message::FieldError;

impl Policy {
    /// The last day of a permit valid from `first_day` (inclusive), or why there is
    /// none: no `[permit]`, or a day too near the end of the calendar.
    pub fn permit_valid_through(&self, first_day: Date) -> Result<Date, FieldError> {
        let Some(permit) = &self.permit else {
            return Err(FieldError::new(
                "validity",
                "政策文件没有居住证有效期",
                "expected a policy with the permit's validity, but found no [permit]",
            ));
        };
        let length = permit.validity;
        let span = jiff::Span::new()
            .years(length.years)
            .months(length.months)
            .days(length.days);
        first_day
            .checked_add(span)
            .and_then(|end| end.yesterday())
            .map_err(|_| {
                FieldError::new(
                    "validity",
                    format!("{first_day} 起的有效期超出日历范围"),
                    format!("expected a validity ending within the calendar, but {first_day} plus it does not"),
                )
            })
    }
}
