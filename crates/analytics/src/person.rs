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
use crate::intervals::{ALWAYS, Interval, complement, intersect, normalize, union};
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

/// Reusable buffers, so that deriving a person allocates little.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    memo: Vec<Option<Vec<Interval>>>,
    residence: Vec<(Interval, UnitIndex)>,
}

/// Appends to `out` every piece `state` contributes.
pub(crate) fn contributions(
    context: Context<'_>,
    state: PersonState<'_>,
    scratch: &mut Scratch,
    out: &mut Vec<PersonPiece>,
) {
    residence_pieces(context.tree, state, &mut scratch.residence);
    if scratch.residence.is_empty() {
        return;
    }
    let mut evaluator = Evaluator::new(context, state, &mut scratch.memo);
    for (side, node) in context.compiled.person_sides.iter().enumerate() {
        let days = match node {
            None => ALWAYS.to_vec(),
            Some(node) => evaluator.eval(node),
        };
        if days.is_empty() {
            continue;
        }
        for &((start, end), bucket) in &scratch.residence {
            for (start, end) in intersect(&days, &[(start, end)]) {
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
fn residence_pieces(tree: &Tree, state: PersonState<'_>, out: &mut Vec<(Interval, UnitIndex)>) {
    out.clear();
    let mut residences: Vec<(Day, i64, Day, domain::division::DivisionCode)> = state
        .facts
        .iter()
        .filter_map(|fact| match &fact.kind {
            FactKind::Residence { unit, .. } => {
                let (from, to) = span_of(Some(fact.from), fact.to);
                Some((from, fact.id, to, *unit))
            }
            _ => None,
        })
        .collect();
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

/// The days on which nodes and leaves hold for one person (whether present or not),
/// each leaf computed once.
pub(crate) struct Evaluator<'a, 'b> {
    context: Context<'a>,
    state: PersonState<'a>,
    memo: &'b mut Vec<Option<Vec<Interval>>>,
}

impl<'a, 'b> Evaluator<'a, 'b> {
    /// An evaluator of `state`; `memo` is cleared and sized to the leaves.
    pub(crate) fn new(
        context: Context<'a>,
        state: PersonState<'a>,
        memo: &'b mut Vec<Option<Vec<Interval>>>,
    ) -> Evaluator<'a, 'b> {
        memo.clear();
        memo.resize(context.compiled.leaves.len(), None);
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
        match node {
            Node::Leaf(index) => {
                if self.memo[*index].is_none() {
                    let days = self.leaf(&self.context.compiled.leaves[*index]);
                    self.memo[*index] = Some(days);
                }
                self.memo[*index].clone().unwrap_or_default()
            }
            Node::All(children) => {
                let mut acc = ALWAYS.to_vec();
                for child in children {
                    if acc.is_empty() {
                        break;
                    }
                    acc = intersect(&acc, &self.eval(child));
                }
                acc
            }
            Node::Any(children) => {
                let mut acc = Vec::new();
                for child in children {
                    acc = union(&acc, &self.eval(child));
                }
                acc
            }
            Node::Not(inner) => complement(&self.eval(inner)),
        }
    }

    fn leaf(&self, leaf: &Leaf) -> Vec<Interval> {
        match leaf {
            Leaf::Fact(test) => self.facts(test),
            Leaf::Age { min, max } => {
                let birth = self.state.birth_date;
                let from = min.map_or(NEG_INF, |min| birthday(birth, i32::from(min)));
                let to = max.map_or(POS_INF, |max| birthday(birth, i32::from(max) + 1) - 1);
                if from <= to {
                    vec![(from, to)]
                } else {
                    Vec::new()
                }
            }
            Leaf::Sex(sex) => {
                if self.state.sex == *sex {
                    ALWAYS.to_vec()
                } else {
                    Vec::new()
                }
            }
            Leaf::Rollout => self.rollout(),
        }
    }

    /// The days of a residence in a district the rollout has reached that year.
    fn rollout(&self) -> Vec<Interval> {
        let mut days = Vec::new();
        for fact in self.state.facts {
            let FactKind::Residence { unit, .. } = &fact.kind else {
                continue;
            };
            let district = unit.truncate(CodeLevel::District);
            let lived = [span_of(Some(fact.from), fact.to)];
            for (first, last, districts) in &self.context.compiled.rollout {
                if districts.as_ref().is_none_or(|d| d.contains(&district)) {
                    days.extend(intersect(&lived, &[(*first, *last)]));
                }
            }
        }
        normalize(&mut days);
        days
    }

    /// The days a fact test holds.
    fn facts(&self, test: &FactTest) -> Vec<Interval> {
        let mut pieces = Vec::new();
        for fact in self.state.facts {
            if fact.kind.name() != test.kind
                || !test.filters.iter().all(|f| filter_matches(f, &fact.kind))
            {
                continue;
            }
            let mut days = vec![span_of(Some(fact.from), fact.to)];
            if test.employer_has_union {
                let employer = match fact.kind {
                    FactKind::Employment { employer, .. }
                    | FactKind::LabourContract { employer } => Some(employer),
                    _ => None,
                };
                let union_days = employer.and_then(|id| self.context.records.union_days(id));
                days = match union_days {
                    Some(union_days) => intersect(&days, &[union_days]),
                    None => Vec::new(),
                };
            }
            if let Some(minimums) = &test.wage_at_least {
                let wage = match fact.kind {
                    FactKind::Employment {
                        monthly_wage_fen, ..
                    } => Some(monthly_wage_fen),
                    _ => None,
                };
                days = match wage {
                    Some(wage) => intersect(&days, &wage_days(minimums, wage)),
                    None => Vec::new(),
                };
            }
            pieces.extend(days);
        }
        let plan_start = self.context.compiled.plan_start;
        match test.window {
            Window::On => normalize(&mut pieces),
            Window::In { period } => {
                for piece in &mut pieces {
                    *piece = match period {
                        Period::Plan if piece.1 >= plan_start => (piece.0.max(plan_start), POS_INF),
                        Period::Plan => (1, 0),
                        _ => (piece.0, period_end(piece.1, period)),
                    };
                }
                normalize(&mut pieces);
            }
            Window::BeganIn { period } => {
                for piece in &mut pieces {
                    *piece = match period {
                        Period::Plan if piece.0 >= plan_start => (piece.0, POS_INF),
                        Period::Plan => (1, 0),
                        _ => (piece.0, period_end(piece.0, period)),
                    };
                }
                normalize(&mut pieces);
            }
            Window::ContinuousFor { span } => {
                normalize(&mut pieces);
                for piece in &mut pieces {
                    piece.0 = covered_from(piece.0, span);
                }
                normalize(&mut pieces);
            }
        }
        pieces
    }
}

/// The days on which `wage` reaches the minimum in force: each listed year's minimum
/// holds from its 1 January until the next listed year; before the first listed
/// year no minimum is known and the test does not hold.
fn wage_days(minimums: &[(Day, i64)], wage: i64) -> Vec<Interval> {
    let mut days = Vec::new();
    for (index, &(first, minimum)) in minimums.iter().enumerate() {
        if wage >= minimum {
            let last = minimums.get(index + 1).map_or(POS_INF, |next| next.0 - 1);
            days.push((first, last));
        }
    }
    normalize(&mut days);
    days
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
