//! 日期 — the days a query as of D compares with, worked out once from D: the start
//! of D's month, quarter, year or plan; the latest birth date of a person of a
//! given age (周岁) on D; the first day of a span ending on D. The SQL then only
//! compares dates, the same way in every dialect.

use domain::policy::{Period, Span};
use jiff::civil::Date;

/// The as-of date and the first day of the plan.
#[derive(Debug, Clone, Copy)]
pub(super) struct AsOf {
    pub date: Date,
    pub plan_start: Date,
}

fn is_leap(year: i16) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

impl AsOf {
    /// The first day of D's period (the plan's first day for `plan`).
    pub(super) fn period_start(&self, period: Period) -> Date {
        let d = self.date;
        let month = match period {
            Period::Month => d.month(),
            Period::Quarter => (d.month() - 1) / 3 * 3 + 1,
            Period::Year => 1,
            Period::Plan => return self.plan_start,
        };
        Date::new(d.year(), month, 1).expect("the first of a month exists")
    }

    /// The latest birth date of someone at least `years` old (周岁) on D, if any.
    ///
    /// A person born on (y, m, d) is `years` old on D when (y, m, d) ≤ (D's year −
    /// years, D's month and day), compared as tuples: a birthday on 29 February
    /// then falls on 1 March in a common year, because a common year has no
    /// 29 February for D to be. The cut-off is the latest real date not after that
    /// tuple.
    pub(super) fn born_by(&self, years: u16) -> Option<Date> {
        let year = i32::from(self.date.year()) - i32::from(years);
        let year = i16::try_from(year).ok().filter(|y| *y >= -9999)?;
        let (month, day) = match (self.date.month(), self.date.day()) {
            (2, 29) if !is_leap(year) => (2, 28),
            other => other,
        };
        Date::new(year, month, day).ok()
    }

    /// The first day of the span ending on D: D − span + 1 day (calendar months and
    /// years, a day of month past the month's end clamped to its last day).
    pub(super) fn span_start(&self, span: Span) -> Date {
        let back = jiff::Span::new()
            .years(span.years)
            .months(span.months)
            .days(span.days);
        self.date
            .checked_sub(back)
            .and_then(|d| d.tomorrow())
            .unwrap_or(Date::MIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn as_of(d: Date) -> AsOf {
        AsOf {
            date: d,
            plan_start: date(2024, 1, 1),
        }
    }

    #[test]
    fn ages_count_completed_years() {
        assert_eq!(
            as_of(date(2025, 12, 31)).born_by(16),
            Some(date(2009, 12, 31))
        );
        // On 29 February 2024 a person born on 28 February 2023 is one, one born on
        // 1 March 2023 is not.
        assert_eq!(as_of(date(2024, 2, 29)).born_by(1), Some(date(2023, 2, 28)));
        assert_eq!(as_of(date(2024, 2, 29)).born_by(4), Some(date(2020, 2, 29)));
    }

    #[test]
    fn spans_end_on_the_date() {
        let year = Span {
            years: 1,
            months: 0,
            days: 0,
        };
        assert_eq!(as_of(date(2025, 12, 31)).span_start(year), date(2025, 1, 1));
        let month = Span {
            years: 0,
            months: 1,
            days: 0,
        };
        assert_eq!(as_of(date(2025, 3, 31)).span_start(month), date(2025, 3, 1));
        assert_eq!(
            as_of(date(2025, 2, 28)).span_start(month),
            date(2025, 1, 29)
        );
        assert_eq!(
            as_of(date(2025, 8, 15)).period_start(Period::Quarter),
            date(2025, 7, 1)
        );
    }
}
