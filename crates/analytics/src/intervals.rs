//! 区间集 — sets of days as sorted, disjoint, non-adjacent inclusive intervals, with
//! the set operations that predicates compile to: `and` is intersection, `or` is
//! union, `not` is complement.
//!
//! Every person or record predicate, as a function of the as-of date, is such a set.
//! Nothing here knows what the days mean.

use crate::calendar::{Day, NEG_INF, POS_INF};

/// An inclusive interval of days `(first, last)`.
pub(crate) type Interval = (Day, Day);

/// Sorts `set`, drops empty intervals and merges overlapping or adjacent ones.
pub(crate) fn normalize(set: &mut Vec<Interval>) {
    set.retain(|&(start, end)| start <= end);
    if set.len() < 2 {
        return;
    }
    set.sort_unstable();
    let mut out = 0;
    for index in 1..set.len() {
        let (start, end) = set[index];
        if start <= set[out].1.saturating_add(1) {
            set[out].1 = set[out].1.max(end);
        } else {
            out += 1;
            set[out] = (start, end);
        }
    }
    set.truncate(out + 1);
}

/// The days in both `a` and `b` (both normalized).
pub(crate) fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let start = a[i].0.max(b[j].0);
        let end = a[i].1.min(b[j].1);
        if start <= end {
            out.push((start, end));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The days in `a` or `b` (both normalized).
pub(crate) fn union(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend_from_slice(a);
    out.extend_from_slice(b);
    normalize(&mut out);
    out
}

/// The days not in `a` (normalized), between [`NEG_INF`] and [`POS_INF`].
pub(crate) fn complement(a: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::with_capacity(a.len() + 1);
    let mut next = NEG_INF;
    for &(start, end) in a {
        if start > next {
            out.push((next, start - 1));
        }
        next = end.saturating_add(1);
    }
    if next <= POS_INF {
        out.push((next, POS_INF));
    }
    out
}

/// Every day.
pub(crate) const ALWAYS: [Interval; 1] = [(NEG_INF, POS_INF)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_merges_adjacent_and_overlapping() {
        let mut set = vec![(10, 12), (1, 3), (4, 5), (11, 20), (30, 29)];
        normalize(&mut set);
        assert_eq!(set, vec![(1, 5), (10, 20)]);
    }

    #[test]
    fn operations() {
        let a = [(1, 5), (10, 20)];
        let b = [(4, 12), (20, 25)];
        assert_eq!(intersect(&a, &b), vec![(4, 5), (10, 12), (20, 20)]);
        assert_eq!(union(&a, &b), vec![(1, 25)]);
        assert_eq!(complement(&a), vec![(NEG_INF, 0), (6, 9), (21, POS_INF)]);
        assert_eq!(complement(&ALWAYS), vec![]);
        assert_eq!(complement(&[]), ALWAYS.to_vec());
        assert_eq!(complement(&complement(&a)), a.to_vec());
    }
}
