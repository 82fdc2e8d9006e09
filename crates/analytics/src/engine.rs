//! 引擎 — the engine's public face: built from a policy and a hierarchy, fed persons,
//! records and reported values by its caller (it reads no store), asked for
//! indicators as of a date.
//!
//! Writes keep the index exact: a person's old contribution is derived again from
//! the state before the write and removed, the new one derived from the state after
//! and inserted; only the difference touches the index.

use std::sync::Arc;

use domain::division::{DivisionCode, Hierarchy};
use domain::policy::Policy;
use domain::registry::{Record, RecordId};
use jiff::civil::Date;

use crate::aggregate::Aggregates;
use crate::calendar::{Stored, day_of, stored_as_of};
use crate::compile::{Compiled, compile};
use crate::error::EngineError;
use crate::index::{CountBucket, SideIndex, SumBucket};
use crate::person::{Context, PersonPiece, PersonState, Scratch, contributions};
use crate::record::{self, RecordPiece, Records};
use crate::result::{Cell, Cube, IndicatorResult, Judge, MISSING};
use crate::rollup::{Parts, Snapshot};
use crate::tree::{Tree, UnitIndex};

/// The in-memory indicator engine of one city and one policy.
#[derive(Debug)]
pub struct Engine {
    pub(crate) policy: Arc<Policy>,
    pub(crate) compiled: Compiled,
    pub(crate) tree: Tree,
    /// Per person side (count buckets).
    pub(crate) persons: Vec<SideIndex>,
    /// Per record side (count or sum buckets).
    pub(crate) record_index: Vec<SideIndex>,
    pub(crate) records: Records,
    pub(crate) aggregates: Aggregates,
    pub(crate) scratch: Scratch,
}

/// Bytes the engine holds, by part (heap capacities, not the allocator's view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryUse {
    /// The person sides' buckets: the per-person cost.
    pub person_index: usize,
    /// Intervals in the person sides.
    pub person_intervals: usize,
    /// The record sides' buckets.
    pub record_index: usize,
    /// The kept records.
    pub records: usize,
    /// How many records are kept.
    pub record_count: usize,
}

impl Engine {
    /// An empty engine for `policy` over `hierarchy`.
    pub fn new(policy: Arc<Policy>, hierarchy: Hierarchy) -> Engine {
        let compiled = compile(&policy);
        let tree = Tree::new(hierarchy);
        let persons = (0..compiled.person_sides.len())
            .map(|_| SideIndex::Count(vec![CountBucket::default(); tree.len()]))
            .collect();
        let record_index = compiled
            .record_sides
            .iter()
            .map(|side| match side.field {
                None => SideIndex::Count(vec![CountBucket::default(); tree.len()]),
                Some(_) => SideIndex::Sum(vec![SumBucket::default(); tree.len()]),
            })
            .collect();
        Engine {
            policy,
            compiled,
            tree,
            persons,
            record_index,
            records: Records::default(),
            aggregates: Aggregates::default(),
            scratch: Scratch::default(),
        }
    }

    /// The policy evaluated.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// The hierarchy counted under.
    pub fn hierarchy(&self) -> &Hierarchy {
        self.tree.hierarchy()
    }

    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            compiled: &self.compiled,
            tree: &self.tree,
            records: &self.records,
        }
    }

    /// Adds a person not yet in the engine (for many at start-up, [`Engine::loader`]
    /// is faster). Records their facts name should be put first.
    pub fn add_person(&mut self, state: PersonState<'_>) {
        let _ = self.replace_person(None, Some(state));
    }

    /// Applies a committed change to one person: `before` is their state before the
    /// event (`None` for a new person), `after` the state after (`None` when removed).
    ///
    /// # Errors
    ///
    /// [`EngineError::Stale`] when `before` is not what the engine was given; `after`
    /// is applied all the same.
    pub fn replace_person(
        &mut self,
        before: Option<PersonState<'_>>,
        after: Option<PersonState<'_>>,
    ) -> Result<(), EngineError> {
        let mut old = Vec::new();
        let mut new = Vec::new();
        let mut scratch = std::mem::take(&mut self.scratch);
        let context = self.context();
        if let Some(state) = before {
            contributions(context, state, &mut scratch, &mut old);
        }
        if let Some(state) = after {
            contributions(context, state, &mut scratch, &mut new);
        }
        self.scratch = scratch;
        self.apply_persons(old, new)
    }

    /// Removes the pieces only in `old` and inserts those only in `new`.
    fn apply_persons(
        &mut self,
        mut old: Vec<PersonPiece>,
        mut new: Vec<PersonPiece>,
    ) -> Result<(), EngineError> {
        old.sort_unstable();
        new.sort_unstable();
        let (removed, added) = difference(&old, &new);
        let mut missing = 0;
        for piece in removed {
            if !self
                .person_bucket(piece.side, piece.bucket)
                .remove(piece.start, piece.end)
            {
                missing += 1;
            }
        }
        for piece in added {
            self.person_bucket(piece.side, piece.bucket)
                .insert(piece.start, piece.end);
        }
        if missing > 0 {
            Err(EngineError::Stale { missing })
        } else {
            Ok(())
        }
    }

    pub(crate) fn person_bucket(&mut self, side: u16, bucket: UnitIndex) -> &mut CountBucket {
        match &mut self.persons[usize::from(side)] {
            SideIndex::Count(buckets) => &mut buckets[usize::from(bucket)],
            SideIndex::Sum(_) => unreachable!("person sides count"),
        }
    }

    /// Keeps `record` (new or changed) and recounts it, and recounts `dependents`: the
    /// persons whose facts name it (an employer's employees), under the old record
    /// and the new.
    ///
    /// # Errors
    ///
    /// [`EngineError::Stale`] when a dependent's state is not what the engine holds.
    pub fn put_record(
        &mut self,
        record: &Record,
        dependents: &[PersonState<'_>],
    ) -> Result<(), EngineError> {
        self.change_record(record.id, Some(record), dependents)
    }

    /// Forgets the record of `id` (a correction that deletes it; a closed record is
    /// put with its last day instead), recounting `dependents`.
    ///
    /// # Errors
    ///
    /// [`EngineError::Stale`] when a dependent's state is not what the engine holds.
    pub fn remove_record(
        &mut self,
        id: RecordId,
        dependents: &[PersonState<'_>],
    ) -> Result<(), EngineError> {
        self.change_record(id, None, dependents)
    }

    fn change_record(
        &mut self,
        id: RecordId,
        record: Option<&Record>,
        dependents: &[PersonState<'_>],
    ) -> Result<(), EngineError> {
        let mut scratch = std::mem::take(&mut self.scratch);
        let mut old_persons = Vec::new();
        for state in dependents {
            contributions(self.context(), *state, &mut scratch, &mut old_persons);
        }
        let mut old_record = Vec::new();
        if let Some(old) = self.records.get(id) {
            record::contributions(&self.compiled, &self.tree, old, |p| old_record.push(p));
        }
        match record {
            Some(record) => {
                self.records.put(record);
            }
            None => {
                self.records.remove(id);
            }
        }
        let mut new_persons = Vec::new();
        for state in dependents {
            contributions(self.context(), *state, &mut scratch, &mut new_persons);
        }
        let mut new_record = Vec::new();
        if let Some(new) = self.records.get(id) {
            record::contributions(&self.compiled, &self.tree, new, |p| new_record.push(p));
        }
        self.scratch = scratch;
        self.apply_records(old_record, new_record);
        self.apply_persons(old_persons, new_persons)
    }

    fn apply_records(&mut self, mut old: Vec<RecordPiece>, mut new: Vec<RecordPiece>) {
        old.sort_unstable();
        new.sort_unstable();
        let (removed, added) = difference(&old, &new);
        for piece in removed {
            let bucket = usize::from(piece.bucket);
            match &mut self.record_index[usize::from(piece.side)] {
                SideIndex::Count(buckets) => buckets[bucket].remove(piece.start, piece.end),
                SideIndex::Sum(buckets) => {
                    buckets[bucket].remove(piece.start, piece.end, piece.weight)
                }
            };
        }
        for piece in added {
            let bucket = usize::from(piece.bucket);
            match &mut self.record_index[usize::from(piece.side)] {
                SideIndex::Count(buckets) => buckets[bucket].insert(piece.start, piece.end),
                SideIndex::Sum(buckets) => {
                    buckets[bucket].insert(piece.start, piece.end, piece.weight)
                }
            }
        }
    }

    /// Records the value `name` reported for `unit` for the days `from` through `to`,
    /// replacing an earlier report for the same unit and days.
    ///
    /// # Errors
    ///
    /// [`EngineError::UnknownUnit`] or [`EngineError::BadPeriod`].
    pub fn set_aggregate(
        &mut self,
        unit: DivisionCode,
        name: &str,
        from: Date,
        to: Date,
        value: i64,
    ) -> Result<(), EngineError> {
        let index = self.unit_index(unit)?;
        if to < from {
            return Err(EngineError::BadPeriod { from, to });
        }
        self.aggregates
            .set(name, index, day_of(from), day_of(to), value);
        Ok(())
    }

    /// Withdraws the report of `name` for `unit` and exactly those days; whether
    /// there was one.
    ///
    /// # Errors
    ///
    /// [`EngineError::UnknownUnit`].
    pub fn clear_aggregate(
        &mut self,
        unit: DivisionCode,
        name: &str,
        from: Date,
        to: Date,
    ) -> Result<bool, EngineError> {
        let index = self.unit_index(unit)?;
        Ok(self.aggregates.clear(name, index, day_of(from), day_of(to)))
    }

    fn unit_index(&self, unit: DivisionCode) -> Result<UnitIndex, EngineError> {
        self.tree
            .index_of(unit)
            .ok_or(EngineError::UnknownUnit { unit })
    }

    pub(crate) fn parts(&self) -> Parts<'_> {
        Parts {
            compiled: &self.compiled,
            tree: &self.tree,
            persons: &self.persons,
            records: &self.record_index,
            aggregates: &self.aggregates,
        }
    }

    pub(crate) fn day(date: Date) -> Result<Stored, EngineError> {
        stored_as_of(date).ok_or(EngineError::DateOutOfRange { date })
    }

    /// Every indicator for `unit` and for each of its children valid on `as_of`: the
    /// unit's results first, then each child's, by code; indicators in policy order.
    ///
    /// # Errors
    ///
    /// When the unit is unknown or not valid on `as_of`, or the date is out of range.
    pub fn evaluate(
        &self,
        unit: DivisionCode,
        as_of: Date,
    ) -> Result<Vec<IndicatorResult>, EngineError> {
        let day = Engine::day(as_of)?;
        let index = usize::from(self.unit_index(unit)?);
        let valid = self.tree.valid_in(self.tree.segment_of(i32::from(day)));
        if !valid[index] {
            return Err(EngineError::UnitNotValid { unit, date: as_of });
        }
        let all: Vec<usize> = (0..self.compiled.indicators.len()).collect();
        let range = self.tree.subtree(index);
        let snapshot = Snapshot::compute(self.parts(), day, range.clone(), &all);
        let units = std::iter::once(index).chain(
            range
                .skip(1)
                .filter(|&u| valid[u] && self.tree.parent(u) == Some(index)),
        );
        let judges = self.judges(as_of);
        let mut results = Vec::new();
        for u in units {
            for &i in &all {
                let cell = self.cell(&snapshot, &judges[i], i, u);
                results.push(judges[i].result(&cell, self.tree.code(u), as_of));
            }
        }
        Ok(results)
    }

    /// The judges of every indicator as of `as_of`.
    pub(crate) fn judges(&self, as_of: Date) -> Vec<Judge> {
        self.policy
            .indicators
            .iter()
            .zip(&self.compiled.indicators)
            .map(|(indicator, compiled)| {
                Judge::new(
                    &self.policy,
                    indicator,
                    compiled.numerator.denom,
                    compiled.denominator.as_ref().map(|d| d.denom),
                    as_of,
                )
            })
            .collect()
    }

    /// Judges indicator `i` for unit `u` from a snapshot.
    pub(crate) fn cell(&self, snapshot: &Snapshot, judge: &Judge, i: usize, u: usize) -> Cell {
        let compiled = &self.compiled.indicators[i];
        let numerator = snapshot.combine(&compiled.numerator, u);
        let denominator = compiled
            .denominator
            .as_ref()
            .map_or(MISSING, |d| snapshot.combine(d, u));
        judge.cell(numerator, denominator)
    }

    /// Every indicator for every unit valid on `as_of`.
    ///
    /// # Errors
    ///
    /// When the date is out of range.
    pub fn cube(&self, as_of: Date) -> Result<Cube, EngineError> {
        use rayon::prelude::*;
        let day = Engine::day(as_of)?;
        let valid = self.tree.valid_in(self.tree.segment_of(i32::from(day)));
        let all: Vec<usize> = (0..self.compiled.indicators.len()).collect();
        let snapshot = Snapshot::compute(self.parts(), day, 0..self.tree.len(), &all);
        let units: Vec<usize> = (0..self.tree.len()).filter(|&u| valid[u]).collect();
        let judges = self.judges(as_of);
        let width = all.len().max(1);
        let mut cells = vec![Cell::default(); units.len() * all.len()];
        cells
            .par_chunks_mut(width * 16)
            .enumerate()
            .for_each(|(chunk, cells)| {
                for (k, cell) in cells.iter_mut().enumerate() {
                    let index = chunk * width * 16 + k;
                    let (u, i) = (units[index / width], index % width);
                    *cell = self.cell(&snapshot, &judges[i], i, u);
                }
            });
        Ok(Cube {
            judges,
            as_of,
            units: units.iter().map(|&u| self.tree.code(u)).collect(),
            cells,
        })
    }

    /// What the engine holds, in bytes.
    pub fn memory(&self) -> MemoryUse {
        let person_intervals = self
            .persons
            .iter()
            .map(|side| match side {
                SideIndex::Count(buckets) => buckets.iter().map(CountBucket::len).sum(),
                SideIndex::Sum(_) => 0,
            })
            .sum();
        MemoryUse {
            person_index: self.persons.iter().map(SideIndex::bytes).sum(),
            person_intervals,
            record_index: self.record_index.iter().map(SideIndex::bytes).sum(),
            records: self.records.bytes(),
            record_count: self.records.len(),
        }
    }

    /// How many reported values are kept.
    pub fn aggregate_count(&self) -> usize {
        self.aggregates.len()
    }
}

/// The items only in `old` and those only in `new` (both sorted; multisets).
fn difference<T: Ord + Copy>(old: &[T], new: &[T]) -> (Vec<T>, Vec<T>) {
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                removed.push(*a);
                i += 1;
            }
            (Some(_), Some(b)) => {
                added.push(*b);
                j += 1;
            }
            (Some(a), None) => {
                removed.push(*a);
                i += 1;
            }
            (None, Some(b)) => {
                added.push(*b);
                j += 1;
            }
            (None, None) => break,
        }
    }
    (removed, added)
}
