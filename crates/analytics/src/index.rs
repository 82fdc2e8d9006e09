//! 区间索引 — per side and per bucket (unit), the intervals counted there, kept as
//! two sorted arrays of days: starts, and the ends of the intervals that end (an
//! open interval needs none). How many intervals contain D is
//! `#(starts ≤ D) − #(ends < D)`: two counts in sorted arrays, whatever the number
//! of persons. Sums over records keep a weight with each day instead.
//!
//! Intervals of one person in one side never overlap, so a count is a number of
//! persons. Days are [`Stored`] (`u16`): 2 bytes for an open interval, 4 for a
//! closed one, plus 60 bytes of samples per bucket. Growth is by an eighth, not
//! doubling, to keep slack small; bulk loading appends and sorts once.

use crate::calendar::{OPEN, Stored};

/// Samples kept per array: the values at 1/16, 2/16, … of it.
const SAMPLES: usize = 15;

/// A sorted array of days with samples of it kept beside the bucket (in the side's
/// contiguous table), so that counting the days `≤ D` reads the samples, then one
/// sixteenth of the array by a vectorised scan: two or three cache lines where a
/// binary search over thousands of days misses the cache at every step.
#[derive(Debug, Clone, Default)]
pub(crate) struct Days {
    values: Vec<Stored>,
    /// `values[(k + 1) × len / 16]` for k in 0..15, when `len ≥ 16`.
    samples: [Stored; SAMPLES],
}

/// How many of `values` are `≤ key`: a branch-free count that vectorises (in `u16`
/// lanes, so chunks stay below 65,536).
#[inline]
fn count_le(values: &[Stored], key: Stored) -> usize {
    values
        .chunks(32_768)
        .map(|chunk| {
            let n: u16 = chunk
                .iter()
                .fold(0u16, |n, &v| n.wrapping_add(u16::from(v <= key)));
            usize::from(n)
        })
        .sum()
}

/// A hint to bring the cache line holding `at` closer (a no-op where there is none).
#[inline]
fn prefetch(at: *const Stored) {
    // SAFETY: a prefetch reads nothing (any address is allowed, none is
    // dereferenced), and SSE, its target feature, is part of every x86_64.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

impl Days {
    /// The position of sample `k`.
    #[inline]
    fn at(len: usize, k: usize) -> usize {
        (k + 1) * len / (SAMPLES + 1)
    }

    /// The part of the array where the last day `≤ key` may be: everything before
    /// it is `≤ key`, nothing after it is.
    #[inline]
    fn region(&self, key: Stored) -> (usize, usize) {
        let len = self.values.len();
        if len <= 2 * (SAMPLES + 1) {
            return (0, len);
        }
        // Samples ≤ key: everything up to the last such sample is ≤ key; from the
        // first sample > key on, nothing is.
        let j = self
            .samples
            .iter()
            .map(|&s| usize::from(s <= key))
            .sum::<usize>();
        let first = if j == 0 { 0 } else { Days::at(len, j - 1) + 1 };
        let last = if j == SAMPLES { len } else { Days::at(len, j) };
        (first, last)
    }

    /// How many days are `≤ key`.
    #[inline]
    pub(crate) fn count_at_most(&self, key: Stored) -> usize {
        let (first, last) = self.region(key);
        first + count_le(&self.values[first..last], key)
    }

    /// Asks the processor to fetch the part of the array that counting `key` reads,
    /// so that a loop over many buckets waits for several cache misses at once
    /// instead of one after another.
    #[inline]
    pub(crate) fn prefetch(&self, key: Stored) {
        let (first, last) = self.region(key);
        if first < last {
            prefetch(self.values[first..].as_ptr());
            prefetch(self.values[last - 1..].as_ptr());
        }
    }

    /// How many days are `< key`.
    #[inline]
    pub(crate) fn count_below(&self, key: Stored) -> usize {
        key.checked_sub(1).map_or(0, |key| self.count_at_most(key))
    }

    fn resample(&mut self) {
        let len = self.values.len();
        if len > 2 * (SAMPLES + 1) {
            for k in 0..SAMPLES {
                self.samples[k] = self.values[Days::at(len, k)];
            }
        }
    }

    /// Adds `day`.
    pub(crate) fn insert(&mut self, day: Stored) {
        insert_sorted(&mut self.values, day);
        self.resample();
    }

    /// Where one `day` is, if it is there.
    pub(crate) fn find(&self, day: Stored) -> Option<usize> {
        find_sorted(&self.values, day)
    }

    /// Removes the day at `at` (from [`Days::find`]).
    pub(crate) fn remove_at(&mut self, at: usize) {
        self.values.remove(at);
        self.resample();
    }

    /// Appends without sorting; [`Days::sort`] must follow before counting.
    pub(crate) fn push(&mut self, day: Stored) {
        self.values.push(day);
    }

    /// Sorts after [`Days::push`] and drops spare capacity.
    pub(crate) fn sort(&mut self) {
        self.values.sort_unstable();
        self.values.shrink_to_fit();
        self.resample();
    }

    /// How many days.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// Bytes held on the heap.
    pub(crate) fn bytes(&self) -> usize {
        self.values.capacity() * std::mem::size_of::<Stored>()
    }
}

/// The intervals of one side in one bucket.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountBucket {
    starts: Days,
    /// The ends of the closed intervals only.
    ends: Days,
}

/// Inserts `value` into the sorted `values`, growing by an eighth when full.
fn insert_sorted<T: Ord + Copy>(values: &mut Vec<T>, value: T) {
    let at = values.partition_point(|v| *v <= value);
    if values.len() == values.capacity() {
        values.reserve_exact(values.len() / 8 + 4);
    }
    values.insert(at, value);
}

/// Where one `value` is in the sorted `values`, if it is there.
fn find_sorted<T: Ord + Copy>(values: &[T], value: T) -> Option<usize> {
    let at = values.partition_point(|v| *v < value);
    (values.get(at) == Some(&value)).then_some(at)
}

/// Removes one `value` from the sorted `values`; false when it is not there.
fn remove_sorted<T: Ord + Copy>(values: &mut Vec<T>, value: T) -> bool {
    match find_sorted(values, value) {
        Some(at) => {
            values.remove(at);
            true
        }
        None => false,
    }
}

impl CountBucket {
    /// Prefetches what [`CountBucket::count`] of `day` reads.
    #[inline]
    pub(crate) fn prefetch(&self, day: Stored) {
        self.starts.prefetch(day);
        if let Some(before) = day.checked_sub(1) {
            self.ends.prefetch(before);
        }
    }

    /// How many intervals contain `day` (below [`OPEN`]).
    #[inline]
    pub(crate) fn count(&self, day: Stored) -> i64 {
        self.starts.count_at_most(day) as i64 - self.ends.count_below(day) as i64
    }

    /// Adds an interval; an `end` of [`OPEN`] is an open one.
    pub(crate) fn insert(&mut self, start: Stored, end: Stored) {
        self.starts.insert(start);
        if end != OPEN {
            self.ends.insert(end);
        }
    }

    /// Removes an interval; false when it was not there (the index is then unchanged).
    pub(crate) fn remove(&mut self, start: Stored, end: Stored) -> bool {
        let start_at = self.starts.find(start);
        let end_at = if end == OPEN {
            Some(usize::MAX)
        } else {
            self.ends.find(end)
        };
        let (Some(start_at), Some(end_at)) = (start_at, end_at) else {
            return false;
        };
        self.starts.remove_at(start_at);
        if end != OPEN {
            self.ends.remove_at(end_at);
        }
        true
    }

    /// Appends an interval without sorting; [`CountBucket::sort`] must follow.
    pub(crate) fn push(&mut self, start: Stored, end: Stored) {
        self.starts.push(start);
        if end != OPEN {
            self.ends.push(end);
        }
    }

    /// Sorts after [`CountBucket::push`] and drops spare capacity.
    pub(crate) fn sort(&mut self) {
        self.starts.sort();
        self.ends.sort();
    }

    /// How many intervals it holds.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Bytes held on the heap.
    pub(crate) fn bytes(&self) -> usize {
        self.starts.bytes() + self.ends.bytes()
    }
}

/// The weighted intervals of one record side in one bucket.
#[derive(Debug, Clone, Default)]
pub(crate) struct SumBucket {
    starts: Vec<(Stored, i64)>,
    ends: Vec<(Stored, i64)>,
}

impl SumBucket {
    /// The total weight of the intervals that contain `day`.
    pub(crate) fn sum(&self, day: Stored) -> i64 {
        let started: i64 = self
            .starts
            .iter()
            .take_while(|(s, _)| *s <= day)
            .map(|(_, w)| w)
            .sum();
        let ended: i64 = self
            .ends
            .iter()
            .take_while(|(e, _)| *e < day)
            .map(|(_, w)| w)
            .sum();
        started - ended
    }

    /// Adds a weighted interval.
    pub(crate) fn insert(&mut self, start: Stored, end: Stored, weight: i64) {
        insert_sorted(&mut self.starts, (start, weight));
        insert_sorted(&mut self.ends, (end, weight));
    }

    /// Removes a weighted interval; false when it was not there.
    pub(crate) fn remove(&mut self, start: Stored, end: Stored, weight: i64) -> bool {
        let had_start = self.starts.binary_search(&(start, weight)).is_ok();
        let had_end = self.ends.binary_search(&(end, weight)).is_ok();
        if !(had_start && had_end) {
            return false;
        }
        remove_sorted(&mut self.starts, (start, weight));
        remove_sorted(&mut self.ends, (end, weight));
        true
    }

    /// Bytes held on the heap.
    pub(crate) fn bytes(&self) -> usize {
        (self.starts.capacity() + self.ends.capacity()) * std::mem::size_of::<(Stored, i64)>()
    }
}

/// How many buckets ahead of the one counted [`SideIndex::values`] prefetches.
const PREFETCH_AHEAD: usize = 8;

/// One side's buckets, one per unit of the tree.
#[derive(Debug, Clone)]
pub(crate) enum SideIndex {
    Count(Vec<CountBucket>),
    Sum(Vec<SumBucket>),
}

impl SideIndex {
    /// The side's value on `day` in each bucket of `units`, to `out[unit − offset]`.
    pub(crate) fn values(&self, units: &[usize], day: Stored, offset: usize, out: &mut [i64]) {
        match self {
            SideIndex::Count(buckets) => {
                for (k, &unit) in units.iter().enumerate() {
                    if let Some(&ahead) = units.get(k + PREFETCH_AHEAD) {
                        buckets[ahead].prefetch(day);
                    }
                    out[unit - offset] = buckets[unit].count(day);
                }
            }
            SideIndex::Sum(buckets) => {
                for &unit in units {
                    out[unit - offset] = buckets[unit].sum(day);
                }
            }
        }
    }

    /// Bytes held, the bucket tables included.
    pub(crate) fn bytes(&self) -> usize {
        match self {
            SideIndex::Count(buckets) => {
                buckets.capacity() * std::mem::size_of::<CountBucket>()
                    + buckets.iter().map(CountBucket::bytes).sum::<usize>()
            }
            SideIndex::Sum(buckets) => {
                buckets.capacity() * std::mem::size_of::<SumBucket>()
                    + buckets.iter().map(SumBucket::bytes).sum::<usize>()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_intervals_containing_a_day() {
        let mut bucket = CountBucket::default();
        bucket.insert(10, 20);
        bucket.insert(15, 15);
        bucket.insert(21, u16::MAX);
        assert_eq!(bucket.count(9), 0);
        assert_eq!(bucket.count(10), 1);
        assert_eq!(bucket.count(15), 2);
        assert_eq!(bucket.count(16), 1);
        assert_eq!(bucket.count(20), 1);
        assert_eq!(bucket.count(21), 1);
        assert_eq!(bucket.count(60_000), 1);
        assert!(bucket.remove(15, 15));
        assert!(!bucket.remove(15, 15));
        assert_eq!(bucket.count(15), 1);
    }

    #[test]
    fn sampled_counts_match_a_scan() {
        let mut days = Days::default();
        let mut plain: Vec<Stored> = Vec::new();
        let mut x: u32 = 7;
        for round in 0..3000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let day = (x >> 16) as Stored % 700;
            days.insert(day);
            plain.push(day);
            if round % 5 == 0 {
                let gone = plain.swap_remove((x as usize >> 3) % plain.len());
                let at = days.find(gone).unwrap();
                days.remove_at(at);
            }
            if round % 97 == 0 {
                for key in [0, 1, 99, 350, 698, 699, 700, Stored::MAX - 1] {
                    let expected = plain.iter().filter(|&&v| v <= key).count();
                    assert_eq!(days.count_at_most(key), expected, "key {key}");
                }
            }
        }
        let mut bulk = Days::default();
        plain.iter().for_each(|&d| bulk.push(d));
        bulk.sort();
        for key in [0, 64, 300, 699] {
            let expected = plain.iter().filter(|&&v| v <= key).count();
            assert_eq!(bulk.count_at_most(key), expected);
        }
    }

    #[test]
    fn sums_weights() {
        let mut bucket = SumBucket::default();
        bucket.insert(10, 20, 500);
        bucket.insert(12, u16::MAX, 7);
        assert_eq!(bucket.sum(11), 500);
        assert_eq!(bucket.sum(12), 507);
        assert_eq!(bucket.sum(21), 7);
        assert!(bucket.remove(10, 20, 500));
        assert_eq!(bucket.sum(12), 7);
    }
}
