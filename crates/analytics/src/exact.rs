//! 精确数 — exact rational numbers for numerators, denominators and targets, so that
//! roll-ups add exactly and "met or missed" is decided on the unrounded value
//! (counting rule 5), never on a float.
//!
//! An [`Exact`] is kept unreduced while it is computed (no gcd on the hot path) and
//! compared by cross-multiplication; it is reduced only when shown.

use std::cmp::Ordering;
use std::fmt;

use domain::policy::Rational;
use serde::{Serialize, Serializer};

/// An exact number `numer / denom` with `denom > 0`, not necessarily reduced.
///
/// It serialises as a string: an integer (`"2537"`), a terminating decimal written
/// out exactly (`"5.537"`), or else a fraction (`"1/3"`); JSON numbers could not
/// carry the last exactly.
#[derive(Debug, Clone, Copy)]
pub struct Exact {
    numer: i128,
    denom: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Exact {
    /// Zero.
    pub const ZERO: Exact = Exact { numer: 0, denom: 1 };

    /// `numer / denom`.
    ///
    /// # Panics
    ///
    /// When `denom` is zero.
    pub fn new(numer: i128, denom: i128) -> Exact {
        assert!(denom != 0, "expected a non-zero denominator, but found 0");
        if denom < 0 {
            Exact {
                numer: -numer,
                denom: -denom,
            }
        } else {
            Exact { numer, denom }
        }
    }

    /// A whole number.
    pub fn whole(n: i64) -> Exact {
        Exact {
            numer: i128::from(n),
            denom: 1,
        }
    }

    /// The same number in lowest terms.
    pub fn reduced(self) -> Exact {
        let g = gcd(self.numer, self.denom).max(1);
        Exact {
            numer: self.numer / g,
            denom: self.denom / g,
        }
    }

    /// The numerator in lowest terms.
    pub fn numer(self) -> i128 {
        self.reduced().numer
    }

    /// The denominator in lowest terms (positive).
    pub fn denom(self) -> i128 {
        self.reduced().denom
    }

    /// Whether it is zero.
    pub fn is_zero(self) -> bool {
        self.numer == 0
    }

    /// The nearest `f64`, for display only.
    pub fn to_f64(self) -> f64 {
        self.numer as f64 / self.denom as f64
    }

    /// `self × factor`.
    pub(crate) fn times(self, factor: i128) -> Exact {
        Exact {
            numer: self.numer * factor,
            denom: self.denom,
        }
    }

    /// `self / other`, `None` when `other` is zero.
    pub(crate) fn over(self, other: Exact) -> Option<Exact> {
        (other.numer != 0).then(|| Exact::new(self.numer * other.denom, self.denom * other.numer))
    }

    /// `self − other`.
    pub(crate) fn minus(self, other: Exact) -> Exact {
        Exact {
            numer: self.numer * other.denom - other.numer * self.denom,
            denom: self.denom * other.denom,
        }
        .reduced()
    }

    /// `self + other`.
    pub(crate) fn plus(self, other: Exact) -> Exact {
        Exact {
            numer: self.numer * other.denom + other.numer * self.denom,
            denom: self.denom * other.denom,
        }
        .reduced()
    }
}

impl From<Rational> for Exact {
    fn from(value: Rational) -> Exact {
        Exact::new(i128::from(value.numer), i128::from(value.denom))
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> Ordering {
        (self.numer * other.denom).cmp(&(other.numer * self.denom))
    }
}

impl fmt::Display for Exact {
    /// `2537`, `5.537`, `-0.25` or `1/3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Exact { numer, denom } = self.reduced();
        if denom == 1 {
            return write!(f, "{numer}");
        }
        // A terminating decimal when the denominator has no prime factors but 2 and 5.
        let (mut rest, mut twos, mut fives) = (denom, 0u32, 0u32);
        while rest % 2 == 0 {
            rest /= 2;
            twos += 1;
        }
        while rest % 5 == 0 {
            rest /= 5;
            fives += 1;
        }
        if rest != 1 {
            return write!(f, "{numer}/{denom}");
        }
        let places = twos.max(fives);
        let scaled = numer * (10i128.pow(places) / denom);
        let sign = if scaled < 0 { "-" } else { "" };
        let scaled = scaled.unsigned_abs();
        let unit = 10u128.pow(places);
        write!(
            f,
            "{sign}{}.{:0width$}",
            scaled / unit,
            scaled % unit,
            width = places as usize
        )
    }
}

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_exactly() {
        assert_eq!(Exact::new(2537, 1).to_string(), "2537");
        assert_eq!(Exact::new(5537, 1000).to_string(), "5.537");
        assert_eq!(Exact::new(-1, 4).to_string(), "-0.25");
        assert_eq!(Exact::new(2, 6).to_string(), "1/3");
        assert_eq!(Exact::new(10, -4).to_string(), "-2.5");
        assert_eq!(Exact::new(3, 400).to_string(), "0.0075");
    }

    #[test]
    fn compares_exactly() {
        assert_eq!(Exact::new(1, 3), Exact::new(2, 6));
        assert!(Exact::new(2, 3) > Exact::new(666_666, 1_000_000));
        assert_eq!(Exact::new(1, 2).minus(Exact::new(1, 6)), Exact::new(1, 3));
        assert_eq!(Exact::new(1, 2).over(Exact::ZERO), None);
    }
}
