//! 有效期 — the last day of a permit issued or renewed from a given day, by the
//! policy's `[permit] validity` (a length such as `1 year`): the day before the
//! same calendar day one length later (29 February's is 1 March in a common year,
//! so a permit issued on 29 February 2024 for a year holds through 28 February
//! 2025). Officers do not type it.

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
        let out_of_range = |_| {
            FieldError::new(
                "validity",
                format!("{first_day} 起的有效期超出日历范围"),
                format!(
                    "expected a validity ending within the calendar, but {first_day} plus it does not"
                ),
            )
        };
        // Years and months first: a day the target month lacks (29 February in a
        // common year) moves to the next day, as birthdays do in the counting rules.
        let whole = jiff::Span::new().years(length.years).months(length.months);
        let mut anniversary = first_day.checked_add(whole).map_err(out_of_range)?;
        if anniversary.day() < first_day.day() {
            anniversary = anniversary.tomorrow().map_err(out_of_range)?;
        }
        anniversary
            .checked_add(jiff::Span::new().days(length.days))
            .and_then(|end| end.yesterday())
            .map_err(out_of_range)
    }
}
