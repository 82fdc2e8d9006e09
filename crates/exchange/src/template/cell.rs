//! 单元格 — a cell's text as a date, a whole number or an ID number, read the
//! ways department systems and Excel write them, or the reason it is not one,
//! in both languages.

use domain::message::{FieldError, Message};
use domain::resident_id::ResidentId;
use jiff::civil::Date;

/// A date, year first, written `YYYY-MM-DD`, `YYYY/M/D` (Excel in a Chinese
/// locale), `YYYY.M.D`, `YYYY年M月D日` or `YYYYMMDD` (many department systems); a
/// time of day after it (`2024-03-01 00:00:00`, as a database export writes a
/// date column; `2024/3/1 8:30`, as Excel does) is read and dropped. Five
/// digits are an Excel day number (`45352`, what a date cell shows once its
/// format is cleared): 1927-05-18 to 2173-10-13.
pub(super) fn date(text: &str) -> Result<Date, Message> {
    excel_day(text).or_else(|| parse_date(text)).ok_or_else(|| {
        Message::new(
            format!(
                "日期应为 YYYY-MM-DD 格式（或 YYYY/M/D、YYYYMMDD、YYYY年M月D日）的有效日期，实为“{text}”"
            ),
            format!(
                "expected a valid date as YYYY-MM-DD (or YYYY/M/D, YYYYMMDD, YYYY年M月D日), but found {text:?}"
            ),
        )
    })
}

/// Five digits as the day Excel numbers so, counting from 1899-12-30.
fn excel_day(text: &str) -> Option<Date> {
    let day = i64::from(digits(text, 5, 5)?);
    jiff::civil::date(1899, 12, 30)
        .checked_add(jiff::Span::new().days(day))
        .ok()
}

fn parse_date(text: &str) -> Option<Date> {
    let (day, time) = match text.split_once([' ', 'T']) {
        Some((day, time)) => (day, Some(time.trim_start())),
        None => (text, None),
    };
    if time.is_some_and(|time| !is_time_of_day(time)) {
        return None;
    }
    let (year, month, day) = if day.len() == 8 && day.bytes().all(|b| b.is_ascii_digit()) {
        (&day[..4], &day[4..6], &day[6..])
    } else if let Some(rest) = day.strip_suffix('日') {
        let (year, rest) = rest.split_once('年')?;
        let (month, day) = rest.split_once('月')?;
        (year, month, day)
    } else {
        let separator = day.chars().find(|c| matches!(c, '-' | '/' | '.'))?;
        let mut parts = day.split(separator);
        let (Some(year), Some(month), Some(day), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        (year, month, day)
    };
    let year = digits(year, 4, 4)? as i16;
    Date::new(year, digits(month, 1, 2)? as i8, digits(day, 1, 2)? as i8).ok()
}

/// `text` as a number of `min` to `max` (at most 9) ASCII digits.
fn digits(text: &str, min: usize, max: usize) -> Option<u32> {
    let fits = (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    fits.then(|| text.parse().ok()).flatten()
}

/// `H:MM`, `H:MM:SS` or `H:MM:SS.fff`, the hour of one or two digits.
fn is_time_of_day(text: &str) -> bool {
    let (clock, fraction) = match text.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let below = |text: &str, widths: (usize, usize), limit: u32| {
        digits(text, widths.0, widths.1).is_some_and(|n| n < limit)
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (hour, minute) = match parts[..] {
        [hour, minute] if fraction.is_none() => (hour, minute),
        [hour, minute, second] if below(second, (2, 2), 60) => (hour, minute),
        _ => return false,
    };
    let fraction_fits =
        fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    fraction_fits && below(hour, (1, 2), 24) && below(minute, (2, 2), 60)
}

/// A whole number as a spreadsheet may write it: `1200`, `1,200` (a number
/// cell formatted with separators, saved as CSV) or `1200.0`.
pub(super) fn whole_number(text: &str) -> Option<i64> {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let whole = match unsigned.split_once('.') {
        Some((whole, zeros)) if !zeros.is_empty() && zeros.bytes().all(|b| b == b'0') => whole,
        Some(_) => return None,
        None => unsigned,
    };
    let mut groups = whole.split(',');
    let first = groups.next()?;
    let grouped = whole.contains(',');
    if grouped && (!(1..=3).contains(&first.len()) || groups.any(|group| group.len() != 3)) {
        return None;
    }
    let digits: String = whole.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// An ID number. One that Excel turned into a number (it shows `4.20102E+17`
/// and keeps 15 digits) is told apart from a mistyped one: its last digits are
/// gone, and the fix is in the spreadsheet, not in the number.
pub(super) fn resident_id(text: &str) -> Result<ResidentId, Message> {
    if text.contains(['E', 'e']) && text.parse::<f64>().is_ok() {
        return Err(Message::new(
            format!(
                "身份证号被存成了数字（{text}），Excel 只保留 15 位有效数字，后几位已丢失：请将该列设为文本格式，从原系统重新导出"
            ),
            format!(
                "expected an ID number as text, but found a number ({text}), of which Excel keeps 15 digits and the last are lost: format the column as text and export it again"
            ),
        ));
    }
    text.parse().map_err(|e: FieldError| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_as_departments_and_excel_write_them() {
        let day = Date::new(2024, 3, 1).unwrap();
        for text in [
            "2024-03-01",
            "2024/3/1",
            "2024.3.1",
            "2024年3月1日",
            "20240301",
            "2024-03-01 00:00:00",
            "2024-03-01T08:30:00.250",
            "2024/3/1 8:30",
            "2024年3月1日 23:59",
            "45352",
        ] {
            assert_eq!(date(text), Ok(day), "{text}");
        }
    }

    #[test]
    fn what_is_not_a_date_says_which_ways_are() {
        for text in [
            "2024-13-01",
            "2024-02-30",
            "24-3-1",
            "2024-3/1",
            "2024-03-01-02",
            "202431",
            "4535",
            "453520",
            "3月",
            "2024-03-01 24:00",
            "2024-03-01 8:3",
            "2024-03-01 08:30:00.",
            "2024-03-01 noon",
        ] {
            assert!(date(text).is_err(), "{text}");
        }
        insta::assert_snapshot!(date("2024.13.1").unwrap_err().to_string(), @"日期应为 YYYY-MM-DD 格式（或 YYYY/M/D、YYYYMMDD、YYYY年M月D日）的有效日期，实为“2024.13.1” / expected a valid date as YYYY-MM-DD (or YYYY/M/D, YYYYMMDD, YYYY年M月D日), but found \"2024.13.1\"");
    }

    #[test]
    fn whole_numbers_are_read_with_separators_and_a_zero_fraction() {
        for (text, number) in [
            ("1200", 1200),
            ("1,200", 1200),
            ("1,234,567", 1234567),
            ("12.0", 12),
            ("1,200.00", 1200),
            ("-3", -3),
            ("0", 0),
        ] {
            assert_eq!(whole_number(text), Some(number), "{text}");
        }
        for text in [
            "", "-", "12.5", "12.", "1,20", "1200,000", ",200", "1,,200", "1e3", "一",
        ] {
            assert_eq!(whole_number(text), None, "{text}");
        }
    }

    #[test]
    fn an_id_number_excel_made_a_number_is_told_apart() {
        insta::assert_snapshot!(resident_id("4.20102E+17").unwrap_err().to_string(), @"身份证号被存成了数字（4.20102E+17），Excel 只保留 15 位有效数字，后几位已丢失：请将该列设为文本格式，从原系统重新导出 / expected an ID number as text, but found a number (4.20102E+17), of which Excel keeps 15 digits and the last are lost: format the column as text and export it again");
        insta::assert_snapshot!(resident_id("420102198705063010").unwrap_err().to_string(), @"校验码应为 3，实为 0 / expected check digit 3, but found 0");
        assert!(resident_id("420102198705063013").is_ok());
    }
}
