//! 单位树 — the dated hierarchy as the engine reads it: units by index in code order
//! (so a unit's subtree is a contiguous range), each unit's parent, and the
//! *segments*: the spans of days between two changes of the hierarchy, within which
//! the set of valid units is constant.
//!
//! A residence or a record names a unit; on a day D it is counted in its *bucket*:
//! the unit itself when valid on D, else the unit that stands for it on D
//! ([`Hierarchy::current_successor`]: the successor of a merged unit, or the nearest
//! valid ancestor). Splitting intervals at segment bounds makes each piece fall in
//! one bucket. Nothing here counts.

use domain::division::{CodeLevel, DivisionCode, Hierarchy};

use crate::calendar::{Day, NEG_INF, POS_INF, date_of, span_of};
use crate::intervals::Interval;

/// The index of a unit in the tree (code order).
pub(crate) type UnitIndex = u16;

/// No parent (the city).
const ROOT: u32 = u32::MAX;

/// The hierarchy, indexed for counting.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    hierarchy: Hierarchy,
    codes: Vec<DivisionCode>,
    parents: Vec<u32>,
    levels: Vec<CodeLevel>,
    /// The end (exclusive) of each unit's subtree range.
    subtree_ends: Vec<u32>,
    /// The first day of each segment after the first (which starts at [`NEG_INF`]).
    breaks: Vec<Day>,
    /// Per segment, per unit: valid then (itself and every ancestor).
    valid: Vec<Vec<bool>>,
    /// Per segment, per unit: the bucket its persons and records count in then.
    buckets: Vec<Vec<Option<UnitIndex>>>,
}

impl Tree {
    /// Indexes `hierarchy`.
    ///
    /// # Panics
    ///
    /// When the hierarchy has 65,536 units or more.
    pub(crate) fn new(hierarchy: Hierarchy) -> Tree {
        let units = hierarchy.units();
        assert!(
            units.len() < usize::from(UnitIndex::MAX),
            "expected fewer than 65,535 units, but found {}",
            units.len()
        );
        let codes: Vec<DivisionCode> = units.iter().map(|unit| unit.code).collect();
        let index = |code: DivisionCode| codes.binary_search(&code).ok();
        let parents = units
            .iter()
            .map(|unit| unit.parent.and_then(index).map_or(ROOT, |i| i as u32))
            .collect();
        let levels = codes.iter().map(|code| code.level()).collect();
        let subtree_ends = (0..codes.len())
            .map(|i| {
                let (_, last) = codes[i].subtree_range();
                codes.partition_point(|code| code.as_u64() <= last) as u32
            })
            .collect();
        let mut breaks: Vec<Day> = units
            .iter()
            .flat_map(|unit| {
                let (from, to) = span_of(unit.valid_from, unit.valid_to);
                [from, to.saturating_add(1)]
            })
            .filter(|day| *day > NEG_INF && *day <= POS_INF)
            .collect();
        breaks.sort_unstable();
        breaks.dedup();
        let mut tree = Tree {
            hierarchy,
            codes,
            parents,
            levels,
            subtree_ends,
            breaks,
            valid: Vec::new(),
            buckets: Vec::new(),
        };
        for segment in 0..=tree.breaks.len() {
            let day = tree.segment_start(segment);
            let date = date_of(day.max(crate::calendar::day_of(jiff::civil::Date::MIN)));
            let valid: Vec<bool> = tree
                .codes
                .iter()
                .map(|code| tree.hierarchy.valid_on(*code, date))
                .collect();
            let buckets = tree
                .codes
                .iter()
                .map(|code| {
                    let standing = tree.hierarchy.current_successor(*code, date);
                    tree.index_of(standing).filter(|&i| valid[usize::from(i)])
                })
                .collect();
            tree.valid.push(valid);
            tree.buckets.push(buckets);
        }
        tree
    }

    /// The hierarchy as given.
    pub(crate) fn hierarchy(&self) -> &Hierarchy {
        &self.hierarchy
    }

    /// How many units, historical ones included.
    pub(crate) fn len(&self) -> usize {
        self.codes.len()
    }

    /// The code of unit `index`.
    pub(crate) fn code(&self, index: usize) -> DivisionCode {
        self.codes[index]
    }

    /// The level of unit `index`.
    pub(crate) fn level(&self, index: usize) -> CodeLevel {
        self.levels[index]
    }

    /// The parent of unit `index`, if any.
    pub(crate) fn parent(&self, index: usize) -> Option<usize> {
        let parent = self.parents[index];
        (parent != ROOT).then_some(parent as usize)
    }

    /// The units of the subtree of `index` (itself first), as an index range.
    pub(crate) fn subtree(&self, index: usize) -> std::ops::Range<usize> {
        index..self.subtree_ends[index] as usize
    }

    /// The index of `code`, if the hierarchy has it.
    pub(crate) fn index_of(&self, code: DivisionCode) -> Option<UnitIndex> {
        self.codes.binary_search(&code).ok().map(|i| i as UnitIndex)
    }

    /// The segment that contains `day`.
    pub(crate) fn segment_of(&self, day: Day) -> usize {
        self.breaks.partition_point(|&start| start <= day)
    }

    fn segment_start(&self, segment: usize) -> Day {
        if segment == 0 {
            NEG_INF
        } else {
            self.breaks[segment - 1]
        }
    }

    fn segment_end(&self, segment: usize) -> Day {
        self.breaks.get(segment).map_or(POS_INF, |next| next - 1)
    }

    /// Per unit, whether it is valid in `segment`.
    pub(crate) fn valid_in(&self, segment: usize) -> &[bool] {
        &self.valid[segment]
    }

    /// The unit index that `code` is recorded under: the code itself, or for a code
    /// the hierarchy does not know, its nearest known enclosing code.
    fn known(&self, code: DivisionCode) -> Option<UnitIndex> {
        let mut level = code.level();
        loop {
            if let Some(index) = self.index_of(code.truncate(level)) {
                return Some(index);
            }
            level = match level {
                CodeLevel::Village => CodeLevel::Town,
                CodeLevel::Town => CodeLevel::District,
                CodeLevel::District => CodeLevel::City,
                CodeLevel::City | CodeLevel::Province => return None,
            };
        }
    }

    /// Splits `interval`, in which something sits in unit `code`, into pieces that
    /// each count in one bucket, and calls `emit(piece, bucket)` for each. Days on
    /// which no valid unit stands for `code` are dropped.
    pub(crate) fn split(
        &self,
        code: DivisionCode,
        interval: Interval,
        mut emit: impl FnMut(Interval, UnitIndex),
    ) {
        let Some(unit) = self.known(code) else {
            return;
        };
        let (start, end) = interval;
        if start > end {
            return;
        }
        let first = self.segment_of(start);
        let last = self.segment_of(end);
        for segment in first..=last {
            let piece = (
                start.max(self.segment_start(segment)),
                end.min(self.segment_end(segment)),
            );
            if let Some(bucket) = self.buckets[segment][usize::from(unit)] {
                emit(piece, bucket);
            }
        }
    }
}
