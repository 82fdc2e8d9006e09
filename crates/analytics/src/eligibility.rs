//! 新市民资格 — whether a person meets the permit's new-citizen criteria (the policy's
//! `[[permit.criterion]]`) as of a date, criterion by criterion, each test with the
//! facts it read and the days it holds; and how many present persons meet them in a
//! unit, read from the engine's index like any indicator.
//!
//! One evaluator serves both: a criterion is compiled into a person side, so the
//! index counts it, and the explanation evaluates the same compiled leaves for the
//! one person asked about.

use domain::division::DivisionCode;
use domain::message::Message;
use domain::policy::Criterion;
use domain::registry::{FactId, FactKind};
use domain::resident_id::Sex;
use jiff::civil::Date;
use serde::Serialize;

use crate::calendar::{Day, NEG_INF, POS_INF, date_of, day_of};
use crate::compile::{Leaf, Node};
use crate::engine::Engine;
use crate::error::EngineError;
use crate::intervals::Interval;
use crate::person::{Evaluator, Memo, PersonState};
use crate::rollup::side_totals;

/// 资格审查结果 — a person's eligibility as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eligibility {
    pub as_of: Date,
    /// Registered and not departed on the date.
    pub present: bool,
    /// Present, and every criterion passed.
    pub eligible: bool,
    /// In the policy's order.
    pub criteria: Vec<CriterionOutcome>,
}

impl Eligibility {
    /// Why the person is not a new citizen on the date, in both languages: absent,
    /// or the criteria failed with their text; `None` when eligible.
    pub fn refusal(&self) -> Option<Message> {
        if self.eligible {
            return None;
        }
        let on = self.as_of;
        if !self.present {
            return Some(Message::new(
                format!("{on} 不在本市居住，不是新市民"),
                format!("expected a person living in the city on {on}, but found none"),
            ));
        }
        let failed: Vec<&CriterionOutcome> = self.criteria.iter().filter(|c| !c.passed).collect();
        let zh: Vec<String> = failed
            .iter()
            .map(|c| format!("{}（{}）", c.id, c.zh))
            .collect();
        let en: Vec<String> = failed
            .iter()
            .map(|c| format!("{} ({})", c.id, c.en))
            .collect();
        Some(Message::new(
            format!("{on} 不符合新市民条件：{}", zh.join("；")),
            format!(
                "expected a person meeting every new-citizen criterion on {on}, but found {} not met",
                en.join("; ")
            ),
        ))
    }
}

/// One criterion, passed or failed, with the policy clause it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionOutcome {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub clause: String,
    /// The criterion's test in the policy language.
    pub test: String,
    pub passed: bool,
    /// Each elementary test in it (a fact, age or sex), with what it read.
    pub tests: Vec<TestOutcome>,
}

/// One elementary test: whether it holds on the date, the days around the date on
/// which it holds, and the facts or personal data it read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestOutcome {
    /// In the policy language, e.g. `residence for 1 year`.
    pub test: String,
    pub holds: bool,
    /// The stretch of days containing the date, when it holds.
    pub during: Option<Stretch>,
    /// The last stretch that ended before the date.
    pub before: Option<Stretch>,
    /// The first stretch that begins after the date, as the registry stands.
    pub after: Option<Stretch>,
    pub used: Vec<Used>,
}

/// Consecutive days on which a test holds; a missing end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Stretch {
    /// `None`: since ever.
    pub from: Option<Date>,
    /// `None`: still holds.
    pub through: Option<Date>,
}

/// What a test read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "used", rename_all = "snake_case")]
pub enum Used {
    /// A fact of the kind tested (whatever its values), with its dates.
    Fact {
        fact: FactId,
        #[serde(flatten)]
        kind: FactKind,
        from: Date,
        to: Option<Date>,
    },
    BirthDate {
        birth_date: Date,
    },
    Sex {
        sex: Sex,
    },
}

/// How many of a unit's present persons meet each criterion, and all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCitizenCount {
    pub unit: DivisionCode,
    pub as_of: Date,
    pub present: i64,
    /// `(criterion id, persons passing it)`, in the policy's order.
    pub passing: Vec<(String, i64)>,
    /// Persons passing every criterion: the new citizens.
    pub eligible: i64,
}

impl Engine {
    /// Whether `state`'s person meets the new-citizen criteria on `as_of`, and why.
    ///
    /// # Errors
    ///
    /// [`EngineError::NoPermit`] when the policy has no `[permit]`.
    pub fn eligibility(
        &self,
        state: PersonState<'_>,
        as_of: Date,
    ) -> Result<Eligibility, EngineError> {
        let (permit, compiled) = self.permit_criteria()?;
        let day = day_of(as_of);
        let mut memo = Memo::default();
        let mut evaluator = Evaluator::new(self.context(), state, &mut memo);
        let criteria: Vec<CriterionOutcome> = permit
            .iter()
            .zip(&compiled.each)
            .map(|(criterion, &side)| {
                let node = self.compiled.person_sides[side]
                    .as_ref()
                    .expect("a criterion's side has a test");
                let passed = holds_on(&evaluator.eval(node), day);
                let mut leaves = Vec::new();
                leaf_indices(node, &mut leaves);
                let tests = leaves
                    .into_iter()
                    .map(|leaf| self.test_outcome(&mut evaluator, state, leaf, day))
                    .collect();
                outcome(criterion, passed, tests)
            })
            .collect();
        let present = state.present_on(as_of);
        Ok(Eligibility {
            as_of,
            present,
            eligible: present && criteria.iter().all(|c| c.passed),
            criteria,
        })
    }

    /// For `unit` and each of its children valid on `as_of`: present persons, those
    /// passing each criterion, and those passing all — counted from the index.
    ///
    /// # Errors
    ///
    /// When the policy has no `[permit]`, the unit is unknown or not valid on the
    /// date, or the date is out of range.
    pub fn new_citizens(
        &self,
        unit: DivisionCode,
        as_of: Date,
    ) -> Result<Vec<NewCitizenCount>, EngineError> {
        let (permit, compiled) = self.permit_criteria()?;
        let day = Engine::day(as_of)?;
        let index = self
            .tree
            .index_of(unit)
            .ok_or(EngineError::UnknownUnit { unit })?;
        let valid = self.tree.valid_in(self.tree.segment_of(Day::from(day)));
        if !valid[usize::from(index)] {
            return Err(EngineError::UnitNotValid { unit, date: as_of });
        }
        let index = usize::from(index);
        let range = self.tree.subtree(index);
        let mut needed = vec![false; self.persons.len()];
        for &side in compiled
            .each
            .iter()
            .chain([&compiled.present, &compiled.all])
        {
            needed[side] = true;
        }
        let totals = side_totals(&self.tree, &self.persons, &needed, day, range.clone());
        let units = std::iter::once(index).chain(
            range
                .clone()
                .skip(1)
                .filter(|&u| valid[u] && self.tree.parent(u) == Some(index)),
        );
        Ok(units
            .map(|u| {
                let at = u - range.start;
                NewCitizenCount {
                    unit: self.tree.code(u),
                    as_of,
                    present: totals[compiled.present][at],
                    passing: permit
                        .iter()
                        .zip(&compiled.each)
                        .map(|(criterion, &side)| (criterion.id.clone(), totals[side][at]))
                        .collect(),
                    eligible: totals[compiled.all][at],
                }
            })
            .collect())
    }

    fn permit_criteria(
        &self,
    ) -> Result<(&[Criterion], &crate::compile::CompiledCriteria), EngineError> {
        match (&self.policy.permit, &self.compiled.criteria) {
            (Some(permit), Some(compiled)) => Ok((&permit.criteria, compiled)),
            _ => Err(EngineError::NoPermit),
        }
    }

    fn test_outcome(
        &self,
        evaluator: &mut Evaluator<'_, '_>,
        state: PersonState<'_>,
        leaf: usize,
        day: Day,
    ) -> TestOutcome {
        let days = evaluator.eval(&Node::Leaf(leaf));
        let used = match &self.compiled.leaves[leaf] {
            Leaf::Fact(test) => self.facts_of(state, &test.kind),
            Leaf::Age { .. } => vec![Used::BirthDate {
                birth_date: state.birth_date,
            }],
            Leaf::Sex(_) => vec![Used::Sex { sex: state.sex }],
            Leaf::Rollout => self.facts_of(state, "residence"),
        };
        TestOutcome {
            test: self.compiled.leaf_sources[leaf].to_string(),
            holds: holds_on(&days, day),
            during: days
                .iter()
                .find(|(from, through)| (*from..=*through).contains(&day))
                .map(stretch),
            before: days
                .iter()
                .rev()
                .find(|(_, through)| *through < day)
                .map(stretch),
            after: days.iter().find(|(from, _)| *from > day).map(stretch),
            used,
        }
    }
}

impl Engine {
    /// The person's facts of `kind`, oldest first, as a test used them.
    fn facts_of(&self, state: PersonState<'_>, kind: &str) -> Vec<Used> {
        let mut facts: Vec<&domain::registry::Fact> = state
            .facts
            .iter()
            .filter(|f| f.kind.name() == kind)
            .collect();
        facts.sort_by_key(|fact| (fact.from, fact.id));
        facts
            .into_iter()
            .map(|fact| Used::Fact {
                fact: fact.id,
                kind: fact.kind.clone(),
                from: fact.from,
                to: fact.to,
            })
            .collect()
    }
}

fn outcome(criterion: &Criterion, passed: bool, tests: Vec<TestOutcome>) -> CriterionOutcome {
    CriterionOutcome {
        id: criterion.id.clone(),
        zh: criterion.zh.clone(),
        en: criterion.en.clone(),
        clause: criterion.clause.clone(),
        test: criterion.test.to_string(),
        passed,
        tests,
    }
}

/// Whether `day` lies in one of `days` (sorted, disjoint).
pub(crate) fn holds_on(days: &[Interval], day: Day) -> bool {
    let at = days.partition_point(|(_, through)| *through < day);
    days.get(at).is_some_and(|(from, _)| *from <= day)
}

/// The leaves of `node`, each once, in the order written.
fn leaf_indices(node: &Node, out: &mut Vec<usize>) {
    match node {
        Node::Leaf(index) if !out.contains(index) => out.push(*index),
        Node::Leaf(_) => {}
        Node::All(children) | Node::Any(children) => {
            children.iter().for_each(|child| leaf_indices(child, out))
        }
        Node::Not(inner) => leaf_indices(inner, out),
    }
}

fn stretch(&(from, through): &Interval) -> Stretch {
    let date = |day: Day| (day > NEG_INF && day < POS_INF).then(|| date_of(day));
    Stretch {
        from: date(from),
        through: date(through),
    }
}
