//! 人员 — what one person contributes to the person sides, derived from the state the
//! caller gives (the person and their facts); the engine keeps no facts.
//!
//! For each side the predicate, as a function of the as-of date D, is a set of days;
//! intersected with the days on which a residence holds (each residence piece lying
//! in one bucket, under the hierarchy of its days) it gives the intervals to index.
//! Leaves follow docs/policy.md: a fact holds from its first through its last day;
//! `in PERIOD` holds from the fact's first day through the end of the period of its
//! last day; `began in PERIOD` from its first day through the end of that day's
//! period; `for SPAN` from the day a run of joined facts has covered the span through
//! the run's end; `age in A..B` from the A-th birthday through the day before the
//! (B+1)-th.

use domain::division::CodeLevel;
use domain::policy::{FactFilter, Period, Window};
use domain::registry::{Fact, FactKind, Person};
use domain::resident_id::Sex;
use jiff::civil::Date;

use crate::calendar::{
    Day, NEG_INF, POS_INF, birthday, covered_from, day_of, period_end, span_of, stored_interval,
};
use crate::compile::{Compiled, FactTest, Leaf, Node};
use crate::intervals::{
    ALWAYS, Interval, complement_into, intersect_into, normalize_from, union_into,
};
use crate::record::Records;
use crate::tree::{Tree, UnitIndex};

/// A person as the registry knows them at one moment, as far as any indicator reads
/// them: sex, birth date, departure and every one of their facts (ended ones
/// included).
#[derive(Debug, Clone, Copy)]
pub struct PersonState<'a> {
    pub sex: Sex,
    pub birth_date: Date,
    /// 离开日期 — no longer present from this day.
    pub left_on: Option<Date>,
    pub facts: &'a [Fact],
}

impl<'a> PersonState<'a> {
    /// The state of `person` with `facts`.
    pub fn of(person: &Person, facts: &'a [Fact]) -> Self {
        PersonState {
            sex: person.sex,
            birth_date: person.birth_date,
            left_on: person.left_on,
            facts,
        }
    }

    /// Whether the person is present on `date`: a residence holds then and they
    /// have not left.
    pub fn present_on(&self, date: Date) -> bool {
        self.left_on.is_none_or(|left| date < left)
            && self.facts.iter().any(|fact| {
                matches!(fact.kind, FactKind::Residence { .. })
                    && fact.from <= date
                    && fact.to.is_none_or(|to| date <= to)
            })
    }
}

/// One interval of a person's contribution: counted from `start` through `end` in
/// `bucket` of person side `side`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PersonPiece {
    pub side: u16,
    pub bucket: UnitIndex,
    pub start: u16,
    pub end: u16,
}

/// What the derivation reads besides the person.
#[derive(Clone, Copy)]
pub(crate) struct Context<'a> {
    pub compiled: &'a Compiled,
    pub tree: &'a Tree,
    pub records: &'a Records,
}

/// Reusable buffers, so that deriving a person allocates nothing once they have
/// grown to the largest person seen.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    memo: Memo,
    residence: Vec<(Interval, UnitIndex)>,
    residences: Vec<(Day, i64, Day, domain::division::DivisionCode)>,
    days: Vec<Interval>,
}

/// Appends to `out` every piece `state` contributes.
pub(crate) fn contributions(
    context: Context<'_>,
    state: PersonState<'_>,
    scratch: &mut Scratch,
    out: &mut Vec<PersonPiece>,
) {
    residence_pieces(
        context.tree,
        state,
        &mut scratch.residences,
        &mut scratch.residence,
    );
    if scratch.residence.is_empty() {
        return;
    }
    let mut evaluator = Evaluator::new(context, state, &mut scratch.memo);
    let days = &mut scratch.days;
    for (side, node) in context.compiled.person_sides.iter().enumerate() {
        match node {
            None => {
                days.clear();
                days.extend_from_slice(&ALWAYS);
            }
            Some(node) => evaluator.eval_into(node, days),
        }
        for &((start, end), bucket) in &scratch.residence {
            for &(first, last) in days.iter() {
                let (start, end) = (first.max(start), last.min(end));
                if start > end {
                    continue;
                }
                if let Some((start, end)) = stored_interval(start, end) {
                    out.push(PersonPiece {
                        side: side as u16,
                        bucket,
                        start,
                        end,
                    });
                }
            }
        }
    }
}

/// The days on which the person is present, as pieces each in one bucket, in order.
/// Overlapping residences (which the planner does not produce) resolve to the one
/// that began later; a departure dated D ends presence on D − 1.
fn residence_pieces(
    tree: &Tree,
    state: PersonState<'_>,
    residences: &mut Vec<(Day, i64, Day, domain::division::DivisionCode)>,
    out: &mut Vec<(Interval, UnitIndex)>,
) {
    out.clear();
    residences.clear();
    residences.extend(state.facts.iter().filter_map(|fact| match &fact.kind {
        FactKind::Residence { unit, .. } => {
            let (from, to) = span_of(Some(fact.from), fact.to);
            Some((from, fact.id, to, *unit))
        }
        _ => None,
    }));
    residences.sort_unstable();
    let gone = state.left_on.map_or(POS_INF, |left| day_of(left) - 1);
    for index in 0..residences.len() {
        let (from, _, to, unit) = residences[index];
        let next = residences[index + 1..]
            .iter()
            .map(|r| r.0)
            .find(|&next_from| next_from > from);
        if residences.get(index + 1).is_some_and(|r| r.0 == from) {
            continue; // a later-recorded residence from the same day wins
        }
        let end = to.min(gone).min(next.map_or(POS_INF, |n| n - 1));
        tree.split(unit, (from, end), |piece, bucket| match out.last_mut() {
            Some((last, last_bucket)) if *last_bucket == bucket && last.1 + 1 == piece.0 => {
                last.1 = piece.1;
            }
            _ => out.push((piece, bucket)),
        });
    }
}

/// How many kinds of fact there are.
const KINDS: usize = FactKind::NAMES.len();

/// The leaves computed for one person, their facts by kind, and spare buffers for
/// the nodes above the leaves, kept across persons so that evaluating allocates
/// only while they grow.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// The person's facts' positions, grouped by kind (a kind's in their order).
    by_kind: Vec<u32>,
    /// Where each kind's group starts in `by_kind` (and, last, where it ends).
    kind_starts: [u32; KINDS + 1],
    /// The days of each fact, by position.
    fact_days: Vec<Interval>,
    /// The days of every leaf computed so far, one leaf after another.
    days: Vec<Interval>,
    /// Per leaf, where its days lie in `days` once computed.
    spans: Vec<Option<(u32, u32)>>,
    /// Buffers not in use, for nodes' partial results.
    spare: Vec<Vec<Interval>>,
}

impl Memo {
    /// Groups `facts` by kind (a counting sort) and notes their days.
    fn group(&mut self, facts: &[Fact]) {
        let mut starts = [0u32; KINDS + 1];
        for fact in facts {
            starts[fact.kind.index() + 1] += 1;
        }
        for kind in 0..KINDS {
            starts[kind + 1] += starts[kind];
        }
        self.kind_starts = starts;
        self.by_kind.clear();
        self.by_kind.resize(facts.len(), 0);
        self.fact_days.clear();
        for (at, fact) in facts.iter().enumerate() {
            let slot = &mut starts[fact.kind.index()];
            self.by_kind[*slot as usize] = at as u32;
            *slot += 1;
            self.fact_days.push(span_of(Some(fact.from), fact.to));
        }
    }

    /// The positions of the facts of kind `index` (none past the last kind).
    fn of_kind(&self, index: usize) -> &[u32] {
        match (self.kind_starts.get(index), self.kind_starts.get(index + 1)) {
            (Some(&from), Some(&to)) => &self.by_kind[from as usize..to as usize],
            _ => &[],
        }
    }

    fn buffer(&mut self) -> Vec<Interval> {
        self.spare.pop().unwrap_or_default()
    }

    fn give_back(&mut self, mut buffer: Vec<Interval>) {
        buffer.clear();
        self.spare.push(buffer);
    }
}

/// The days on which nodes and leaves hold for one person (whether present or not),
/// each leaf computed once.
pub(crate) struct Evaluator<'a, 'b> {
    context: Context<'a>,
    state: PersonState<'a>,
    memo: &'b mut Memo,
}

impl<'a, 'b> Evaluator<'a, 'b> {
    /// An evaluator of `state`; `memo` forgets the leaves of the person before.
    pub(crate) fn new(
        context: Context<'a>,
        state: PersonState<'a>,
        memo: &'b mut Memo,
    ) -> Evaluator<'a, 'b> {
        memo.days.clear();
        memo.spans.clear();
        memo.spans.resize(context.compiled.leaves.len(), None);
        memo.group(state.facts);
        Evaluator {
            context,
            state,
            memo,
        }
    }
}

impl Evaluator<'_, '_> {
    /// The days on which `node` holds.
    pub(crate) fn eval(&mut self, node: &Node) -> Vec<Interval> {
        let mut out = Vec::new();
        self.eval_into(node, &mut out);
        out
    }

    /// Replaces `out` with the days on which `node` holds.
    pub(crate) fn eval_into(&mut self, node: &Node, out: &mut Vec<Interval>) {
        out.clear();
        match node {
            Node::Leaf(index) => {
                let (from, to) = self.leaf_span(*index);
                out.extend_from_slice(&self.memo.days[from as usize..to as usize]);
            }
            Node::All(children) => {
                out.extend_from_slice(&ALWAYS);
                self.fold(children, out, intersect_into, true);
            }
            Node::Any(children) => self.fold(children, out, union_into, false),
            Node::Not(inner) => {
                let mut days = self.memo.buffer();
                self.eval_into(inner, &mut days);
                complement_into(&days, out);
                self.memo.give_back(days);
            }
        }
    }

    /// Combines each of `children`'s days into `out` (holding the starting set);
    /// with `stop_when_empty` (an `and`), stops once `out` is empty.
    fn fold(
        &mut self,
        children: &[Node],
        out: &mut Vec<Interval>,
        combine: fn(&[Interval], &[Interval], &mut Vec<Interval>),
        stop_when_empty: bool,
    ) {
        let mut child = self.memo.buffer();
        let mut combined = self.memo.buffer();
        for node in children {
            if stop_when_empty && out.is_empty() {
                break;
            }
            self.eval_into(node, &mut child);
            combine(out, &child, &mut combined);
            std::mem::swap(out, &mut combined);
        }
        self.memo.give_back(child);
        self.memo.give_back(combined);
    }

    /// Where leaf `index`'s days lie in the memo, computing them the first time.
    fn leaf_span(&mut self, index: usize) -> (u32, u32) {
        if let Some(span) = self.memo.spans[index] {
            return span;
        }
        let from = self.memo.days.len();
        let mut days = std::mem::take(&mut self.memo.days);
        self.leaf(&self.context.compiled.leaves[index], &mut days);
        normalize_from(&mut days, from);
        self.memo.days = days;
        let span = (from as u32, self.memo.days.len() as u32);
        self.memo.spans[index] = Some(span);
        span
    }

    /// Appends the days `leaf` holds, not yet normalized.
    fn leaf(&self, leaf: &Leaf, days: &mut Vec<Interval>) {
        match leaf {
            Leaf::Fact(test) => self.facts(test, days),
            Leaf::Age { min, max } => {
                let birth = self.state.birth_date;
                let from = min.map_or(NEG_INF, |min| birthday(birth, i32::from(min)));
                let to = max.map_or(POS_INF, |max| birthday(birth, i32::from(max) + 1) - 1);
                days.push((from, to));
            }
            Leaf::Sex(sex) => {
                if self.state.sex == *sex {
                    days.extend_from_slice(&ALWAYS);
                }
            }
            Leaf::Rollout => self.rollout(days),
        }
    }

    /// The days of a residence in a district the rollout has reached that year.
    fn rollout(&self, days: &mut Vec<Interval>) {
        for fact in self.state.facts {
            let FactKind::Residence { unit, .. } = &fact.kind else {
                continue;
            };
            let district = unit.truncate(CodeLevel::District);
            let (from, to) = span_of(Some(fact.from), fact.to);
            for (first, last, districts) in &self.context.compiled.rollout {
                if districts.as_ref().is_none_or(|d| d.contains(&district)) {
                    days.push((from.max(*first), to.min(*last)));
                }
            }
        }
    }

    /// The days a fact test holds.
    fn facts(&self, test: &FactTest, pieces: &mut Vec<Interval>) {
        let from = pieces.len();
        for &at in self.memo.of_kind(test.kind_index) {
            let fact = &self.state.facts[at as usize];
            if !test.filters.iter().all(|f| filter_matches(f, &fact.kind)) {
                continue;
            }
            let mut days = self.memo.fact_days[at as usize];
            if test.employer_has_union {
                let employer = match fact.kind {
                    FactKind::Employment { employer, .. }
                    | FactKind::LabourContract { employer } => Some(employer),
                    _ => None,
                };
                let union_days = employer.and_then(|id| self.context.records.union_days(id));
                match union_days {
                    Some((first, last)) if days.0.max(first) <= days.1.min(last) => {
                        days = (days.0.max(first), days.1.min(last));
                    }
                    _ => continue,
                }
            }
            match &test.wage_at_least {
                Some(minimums) => {
                    let FactKind::Employment {
                        monthly_wage_fen, ..
                    } = fact.kind
                    else {
                        continue;
                    };
                    wage_days(minimums, monthly_wage_fen, |(first, last)| {
                        let (first, last) = (days.0.max(first), days.1.min(last));
                        if first <= last {
                            pieces.push((first, last));
                        }
                    });
                }
                None => pieces.push(days),
            }
        }
        let plan_start = self.context.compiled.plan_start;
        match test.window {
            Window::On => {}
            Window::In { period } => {
                for piece in &mut pieces[from..] {
                    *piece = match period {
                        Period::Plan if piece.1 >= plan_start => (piece.0.max(plan_start), POS_INF),
                        Period::Plan => (1, 0),
                        _ => (piece.0, period_end(piece.1, period)),
                    };
                }
            }
            Window::BeganIn { period } => {
                for piece in &mut pieces[from..] {
                    *piece = match period {
                        Period::Plan if piece.0 >= plan_start => (piece.0, POS_INF),
                        Period::Plan => (1, 0),
                        _ => (piece.0, period_end(piece.0, period)),
                    };
                }
            }
            Window::ContinuousFor { span } => {
                normalize_from(pieces, from);
                for piece in &mut pieces[from..] {
                    piece.0 = covered_from(piece.0, span);
                }
            }
        }
    }
}

/// Calls `emit` with the days on which `wage` reaches the minimum in force, merged
/// and in order (`minimums` is sorted by day): each listed year's minimum holds from
/// its 1 January until the next listed year; before the first listed year no
/// minimum is known and the test does not hold.
fn wage_days(minimums: &[(Day, i64)], wage: i64, mut emit: impl FnMut(Interval)) {
    let mut run: Option<Interval> = None;
    for (index, &(first, minimum)) in minimums.iter().enumerate() {
        let last = minimums.get(index + 1).map_or(POS_INF, |next| next.0 - 1);
        if wage < minimum || first > last {
            continue;
        }
        match &mut run {
            Some(run) if first <= run.1.saturating_add(1) => run.1 = run.1.max(last),
            _ => {
                if let Some(done) = run.replace((first, last)) {
                    emit(done);
                }
            }
        }
    }
    if let Some(done) = run {
        emit(done);
    }
}

/// Whether a fact's own values pass a filter.
fn filter_matches(filter: &FactFilter, kind: &FactKind) -> bool {
    match (filter, kind) {
        (FactFilter::Housing { housing }, FactKind::Residence { housing: h, .. }) => h == housing,
        (FactFilter::Scheme { scheme }, FactKind::Insurance { scheme: s }) => s == scheme,
        (FactFilter::School { school }, FactKind::Schooling { school: s }) => s == school,
        // Union and wage are applied as day sets, not here.
        (FactFilter::EmployerHasUnion | FactFilter::WageAtLeast { .. }, _) => true,
        _ => false,
    }
}
