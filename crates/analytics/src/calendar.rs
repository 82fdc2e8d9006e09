//! 日历 — days as small integers, and the calendar arithmetic the predicates need:
//! period ends, birthdays (周岁, with 29 February moving to 1 March in common years)
//! and the first day on which a run of facts has lasted a span.
//!
//! While a person's or a record's intervals are derived, a day is an `i32` counted
//! from [`EPOCH`] (negative before it), with [`NEG_INF`] and [`POS_INF`] standing for
//! "since ever" and "still holds". The index stores days as `u16` ([`Stored`]), which
//! covers [`EPOCH`] through [`last_supported`]; `u16::MAX` there means "still holds".
//! Nothing here knows persons, units or indicators.

use domain::policy::{Period, Span};
use jiff::civil::Date;

/// A day counted from [`EPOCH`], for computing intervals.
pub(crate) type Day = i32;

/// A day as the index stores it: `0` is [`EPOCH`], `u16::MAX` is "still holds".
pub(crate) type Stored = u16;

/// Day 0: 1 January 1950. Every as-of date must lie on or after it.
pub const EPOCH: Date = Date::constant(1950, 1, 1);

/// An unbounded start ("since ever").
pub(crate) const NEG_INF: Day = i32::MIN / 4;
/// An unbounded end ("still holds").
pub(crate) const POS_INF: Day = i32::MAX / 4;

/// The stored form of an open end.
pub(crate) const OPEN: Stored = u16::MAX;
/// The last day an as-of date may be (the day before the stored "open" marker).
const LAST_DAY: Day = OPEN as Day - 1;

/// Days from 1970-01-01 to [`EPOCH`], negated.
const EPOCH_FROM_UNIX: i32 = -7305;

/// The last as-of date the engine accepts (2129-06-05).
pub fn last_supported() -> Date {
    date_of(LAST_DAY)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a count of days since 1970-01-01.
fn civil_from_days(days: i32) -> (i32, i32, i32) {
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

/// The day number of `date`.
pub(crate) fn day_of(date: Date) -> Day {
    days_from_civil(
        i32::from(date.year()),
        i32::from(date.month()),
        i32::from(date.day()),
    ) - EPOCH_FROM_UNIX
}

/// The date of a (finite) day number, clamped to jiff's range.
pub(crate) fn date_of(day: Day) -> Date {
    let (year, month, day) = civil_from_days(day + EPOCH_FROM_UNIX);
    let year = year.clamp(-9999, 9999) as i16;
    Date::new(year, month as i8, day as i8).unwrap_or(if year < 0 { Date::MIN } else { Date::MAX })
}

/// The first and last day of an optional date range; `None` ends are unbounded.
pub(crate) fn span_of(from: Option<Date>, to: Option<Date>) -> (Day, Day) {
    (from.map_or(NEG_INF, day_of), to.map_or(POS_INF, day_of))
}

/// The stored form of an as-of date, if the engine supports it.
pub(crate) fn stored_as_of(date: Date) -> Option<Stored> {
    let day = day_of(date);
    (0..=LAST_DAY).contains(&day).then_some(day as Stored)
}

/// The stored form of an interval; `None` when it lies wholly outside the days an
/// as-of date may take (so it can never count).
pub(crate) fn stored_interval(start: Day, end: Day) -> Option<(Stored, Stored)> {
    if end < 0 || start > LAST_DAY || start > end {
        return None;
    }
    let start = start.max(0) as Stored;
    let end = if end > LAST_DAY { OPEN } else { end as Stored };
    Some((start, end))
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The last day of the period of `kind` that contains `day`; infinities stay. `Plan`
/// has no end: it gives [`POS_INF`].
pub(crate) fn period_end(day: Day, kind: Period) -> Day {
    if day <= NEG_INF || day >= POS_INF {
        return day;
    }
    let (year, month, _) = civil_from_days(day + EPOCH_FROM_UNIX);
    let last_month = match kind {
        Period::Month => month,
        Period::Quarter => (month - 1) / 3 * 3 + 3,
        Period::Year => 12,
        Period::Plan => return POS_INF,
    };
    // The day before the first of the following month.
    let (next_year, next_month) = if last_month == 12 {
        (year + 1, 1)
    } else {
        (year, last_month + 1)
    };
    days_from_civil(next_year, next_month, 1) - EPOCH_FROM_UNIX - 1
}

/// The first day of the period of `kind` that contains `date` (`Plan` is not a
/// calendar period: it gives `date` itself).
pub(crate) fn period_start(date: Date, kind: Period) -> Date {
    let month = match kind {
        Period::Month => date.month(),
        Period::Quarter => (date.month() - 1) / 3 * 3 + 1,
        Period::Year => 1,
        Period::Plan => return date,
    };
    Date::new(date.year(), month, 1).expect("the first of a month exists")
}

/// The day on which a person born on `birth` completes `years` years (周岁): the same
/// month and day, except that 29 February becomes 1 March in a common year.
pub(crate) fn birthday(birth: Date, years: i32) -> Day {
    let year = i32::from(birth.year()) + years;
    let (month, day) = match (birth.month(), birth.day()) {
        (2, 29) if !is_leap(year) => (3, 1),
        (month, day) => (i32::from(month), i32::from(day)),
    };
    days_from_civil(year, month, day) - EPOCH_FROM_UNIX
}

/// `date − span`, saturating at jiff's range.
fn minus(date: Date, span: Span) -> Date {
    let span = jiff::Span::new()
        .years(span.years)
        .months(span.months)
        .days(span.days);
    date.checked_sub(span).unwrap_or(Date::MIN)
}

/// For a run of facts beginning on `start`, the first day D on which it has covered
/// every day of `span` ending on D: the least D with `D − span ≥ start − 1`, i.e. the
/// span's days `D − span + 1 ..= D` all lie in the run. With calendar months the
/// inverse is not exact (31 January + 1 month = 28 February), so the candidate is
/// adjusted by stepping.
pub(crate) fn covered_from(start: Day, span: Span) -> Day {
    if start <= NEG_INF || start >= POS_INF {
        return start;
    }
    let before = date_of(start - 1);
    let covers = |day: Day| minus(date_of(day), span) >= before;
    let forward = jiff::Span::new()
        .years(span.years)
        .months(span.months)
        .days(span.days);
    let mut day = before.checked_add(forward).map_or(POS_INF, day_of);
    if day >= POS_INF {
        return POS_INF;
    }
    while !covers(day) {
        day += 1;
    }
    while covers(day - 1) {
        day -= 1;
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn days_round_trip() {
        for d in [
            date(1950, 1, 1),
            date(1949, 12, 31),
            date(2000, 2, 29),
            date(2025, 12, 31),
            date(2129, 6, 5),
            date(1900, 3, 1),
        ] {
            assert_eq!(date_of(day_of(d)), d);
        }
        assert_eq!(day_of(EPOCH), 0);
        assert_eq!(day_of(date(1950, 1, 2)), 1);
        assert_eq!(last_supported(), date(2129, 6, 5));
    }

    #[test]
    fn period_ends() {
        let d = day_of(date(2025, 2, 10));
        assert_eq!(date_of(period_end(d, Period::Month)), date(2025, 2, 28));
        assert_eq!(date_of(period_end(d, Period::Quarter)), date(2025, 3, 31));
        assert_eq!(date_of(period_end(d, Period::Year)), date(2025, 12, 31));
        let d = day_of(date(2024, 11, 30));
        assert_eq!(date_of(period_end(d, Period::Quarter)), date(2024, 12, 31));
        assert_eq!(period_end(d, Period::Plan), POS_INF);
        assert_eq!(period_end(POS_INF, Period::Year), POS_INF);
    }

    #[test]
    fn leap_day_birthdays() {
        let born = date(2000, 2, 29);
        assert_eq!(date_of(birthday(born, 1)), date(2001, 3, 1));
        assert_eq!(date_of(birthday(born, 4)), date(2004, 2, 29));
        assert_eq!(date_of(birthday(date(1990, 7, 15), 16)), date(2006, 7, 15));
    }

    #[test]
    fn covered_from_steps_over_short_months() {
        let month = Span {
            years: 0,
            months: 1,
            days: 0,
        };
        // A run from 1 February: the least D with D − 1 month ≥ 31 January. On 28
        // February that is 28 January (not yet); on 1 March it is 1 February.
        let start = day_of(date(2025, 2, 1));
        assert_eq!(date_of(covered_from(start, month)), date(2025, 3, 1));
        let year = Span {
            years: 1,
            months: 0,
            days: 0,
        };
        let start = day_of(date(2024, 1, 1));
        assert_eq!(date_of(covered_from(start, year)), date(2024, 12, 31));
        let days = Span {
            years: 0,
            months: 0,
            days: 10,
        };
        let start = day_of(date(2025, 1, 1));
        assert_eq!(date_of(covered_from(start, days)), date(2025, 1, 10));
    }
}
