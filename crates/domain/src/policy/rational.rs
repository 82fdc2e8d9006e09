//! Exact arithmetic on [`Rational`] for the parser: decimals as written in a policy
//! file (`2.5`, `0.001`), and the scales of terms (`/ 400`, `* 1.5`). Never a float.

use super::ast::Rational;

/// `numer / denom` in lowest terms with a positive denominator, if it fits in i64.
pub(super) fn ratio(numer: i128, denom: i128) -> Option<Rational> {
    if denom == 0 {
        return None;
    }
    let divisor = gcd(numer.unsigned_abs(), denom.unsigned_abs()).max(1) as i128;
    let sign = if denom < 0 { -1 } else { 1 };
    Some(Rational {
        numer: i64::try_from(sign * numer / divisor).ok()?,
        denom: i64::try_from(sign * denom / divisor).ok()?,
    })
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `a × b`.
pub(super) fn mul(a: Rational, b: Rational) -> Option<Rational> {
    ratio(
        i128::from(a.numer) * i128::from(b.numer),
        i128::from(a.denom) * i128::from(b.denom),
    )
}

/// `a ÷ b`; `None` when `b` is zero.
pub(super) fn div(a: Rational, b: Rational) -> Option<Rational> {
    ratio(
        i128::from(a.numer) * i128::from(b.denom),
        i128::from(a.denom) * i128::from(b.numer),
    )
}

/// A decimal as written: an optional sign, digits, optionally `.` and digits
/// (`_` between digits allowed, as TOML does). No exponent.
pub(super) fn decimal(text: &str) -> Option<Rational> {
    let text: String = text.chars().filter(|c| *c != '_').collect();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 18 {
        return None;
    }
    let numer: i128 = format!("{whole}{fraction}").parse().ok()?;
    let rational = ratio(numer, 10i128.pow(fraction.len() as u32))?;
    Some(if negative {
        Rational {
            numer: -rational.numer,
            ..rational
        }
    } else {
        rational
    })
}

/// Whether `r` is zero.
pub(super) fn is_zero(r: Rational) -> bool {
    r.numer == 0
}

/// The whole number `r` is, if it is one.
pub(super) fn whole(r: Rational) -> Option<i64> {
    (r.denom == 1).then_some(r.numer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimal("2.5"), Some(Rational { numer: 5, denom: 2 }));
        assert_eq!(
            decimal("-0.001"),
            Some(Rational {
                numer: -1,
                denom: 1000
            })
        );
        assert_eq!(decimal("500_000"), Some(Rational::whole(500_000)));
        assert_eq!(decimal("1e3"), None);
        assert_eq!(decimal(".5"), None);
        assert_eq!(decimal("nan"), None);
    }

    #[test]
    fn scales() {
        let third = div(Rational::ONE, Rational::whole(3)).unwrap();
        assert_eq!(third, Rational { numer: 1, denom: 3 });
        assert_eq!(mul(third, Rational::whole(-6)), Some(Rational::whole(-2)));
        assert_eq!(div(Rational::ONE, Rational::whole(0)), None);
        assert_eq!(
            ratio(2, -4),
            Some(Rational {
                numer: -1,
                denom: 2
            })
        );
    }
}
