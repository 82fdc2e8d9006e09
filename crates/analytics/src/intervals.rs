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
    normalize_from(set, 0);
}

/// [`normalize`]s `set[from..]`, leaving what comes before it alone.
pub(crate) fn normalize_from(set: &mut Vec<Interval>, from: usize) {
    let mut kept = from;
    for index in from..set.len() {
        let (start, end) = set[index];
        if start <= end {
            set[kept] = (start, end);
            kept += 1;
        }
    }
    set.truncate(kept);
    let tail = &mut set[from..];
    if tail.len() < 2 {
        return;
    }
    tail.sort_unstable();
    let mut out = 0;
    for index in 1..tail.len() {
        let (start, end) = tail[index];
        if start <= tail[out].1.saturating_add(1) {
            tail[out].1 = tail[out].1.max(end);
        } else {
            out += 1;
            tail[out] = (start, end);
        }
    }
    set.truncate(from + out + 1);
}

/// The days in both `a` and `b` (both normalized).
pub(crate) fn intersect(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::new();
    intersect_into(a, b, &mut out);
    out
}

/// Replaces `out` with the days in both `a` and `b` (both normalized).
pub(crate) fn intersect_into(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    out.clear();
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
}

/// The days in `a` or `b` (both normalized).
pub(crate) fn union(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    union_into(a, b, &mut out);
    out
}

/// Replaces `out` with the days in `a` or `b` (both normalized): a merge of the two
/// sorted lists, joining overlapping and adjacent intervals.
pub(crate) fn union_into(a: &[Interval], b: &[Interval], out: &mut Vec<Interval>) {
    out.clear();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = if j == b.len() || (i < a.len() && a[i] <= b[j]) {
            i += 1;
            a[i - 1]
        } else {
            j += 1;
            b[j - 1]
        };
        match out.last_mut() {
            Some(last) if next.0 <= last.1.saturating_add(1) => last.1 = last.1.max(next.1),
            _ => out.push(next),
        }
    }
}

/// The days not in `a` (normalized), between [`NEG_INF`] and [`POS_INF`].
pub(crate) fn complement(a: &[Interval]) -> Vec<Interval> {
    let mut out = Vec::with_capacity(a.len() + 1);
    complement_into(a, &mut out);
    out
}

/// Replaces `out` with the days not in `a` (normalized).
pub(crate) fn complement_into(a: &[Interval], out: &mut Vec<Interval>) {
    out.clear();
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

    #[test]
    fn union_merges_like_normalize() {
        let cases: [(&[Interval], &[Interval]); 5] = [
            (&[(1, 5), (10, 20)], &[(6, 9)]),
            (&[(1, 5)], &[]),
            (&[], &[(3, 4), (8, 8)]),
            (&[(1, 2), (30, 40)], &[(3, 3), (5, 31), (42, 50)]),
            (&ALWAYS, &[(0, 0)]),
        ];
        for (a, b) in cases {
            let mut expected = [a, b].concat();
            normalize(&mut expected);
            assert_eq!(union(a, b), expected, "{a:?} ∪ {b:?}");
        }
    }
}
