//! 编译 — turns a policy's indicators into what the engine counts: the distinct
//! person predicates ("person sides"), record predicates ("record sides"), town
//! terms and reported value names, each indicator's numerator and denominator as an
//! integer combination of them over one common denominator, and the predicates'
//! leaves (one fact test, age or sex each), shared between sides so that a person's
//! leaf is computed once.
//!
//! Compiling decides nothing about persons; see `person` and `record` for that.

use domain::division::DivisionCode;
use domain::policy::{
    Expr, FactFilter, Indicator, PersonPredicate, Policy, RecordField, RecordKind, RecordPredicate,
    Term, Window,
};
use domain::registry::FactKind;
use domain::resident_id::Sex;

use crate::calendar::{Day, NEG_INF, POS_INF, day_of};

/// A compiled person predicate: leaves are indices into [`Compiled::leaves`].
#[derive(Debug, Clone)]
pub(crate) enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
    Leaf(usize),
}

/// One test on a person, as a set of days.
#[derive(Debug, Clone)]
pub(crate) enum Leaf {
    /// Facts of a kind, filtered, within a window.
    Fact(FactTest),
    /// 周岁 between the bounds, inclusive.
    Age {
        min: Option<u16>,
        max: Option<u16>,
    },
    Sex(Sex),
    /// The days of a residence in a district the rollout has reached.
    Rollout,
}

/// Which facts a leaf looks at and when they must hold.
#[derive(Debug, Clone)]
pub(crate) struct FactTest {
    /// A `FactKind::name()`.
    pub kind: String,
    /// Its `FactKind::index()`; past the last kind for a name no kind has.
    pub kind_index: usize,
    /// Conditions on the fact's own values (housing, scheme, school).
    pub filters: Vec<FactFilter>,
    /// Only while the fact's employer has a union.
    pub employer_has_union: bool,
    /// Only while the wage reaches the minimum in force: `(first day, minimum)` from
    /// each listed year on, until the next listed year.
    pub wage_at_least: Option<Vec<(Day, i64)>>,
    pub window: Window,
}

/// What a record side counts or sums.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RecordSide {
    pub kind: RecordKind,
    pub filter: Option<RecordPredicate>,
    /// `None` counts records; a field sums it.
    pub field: Option<RecordField>,
}

/// A term of a compiled expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TermRef {
    /// A person side.
    Persons(usize),
    /// A record side.
    Records(usize),
    /// Towns valid on the date; with a record side, only those where it counts > 0.
    Towns(Option<usize>),
    /// A reported value, by index into [`Compiled::values`].
    Value(usize),
}

/// `Σ coefficient × term / denom`, integers throughout.
#[derive(Debug, Clone)]
pub(crate) struct Combination {
    pub terms: Vec<(i128, TermRef)>,
    pub denom: i128,
}

/// An indicator ready to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct CompiledIndicator {
    pub numerator: Combination,
    pub denominator: Option<Combination>,
}

/// The permit's new-citizen criteria as person sides (新市民条件).
#[derive(Debug, Clone)]
pub(crate) struct CompiledCriteria {
    /// Every present person.
    pub present: usize,
    /// Per criterion, in policy order, the side of its test.
    pub each: Vec<usize>,
    /// All criteria together.
    pub all: usize,
}

/// The policy, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub leaves: Vec<Leaf>,
    /// Per leaf, the predicate it was compiled from.
    pub leaf_sources: Vec<PersonPredicate>,
    /// Per person side: `None` counts every present person.
    pub person_sides: Vec<Option<Node>>,
    pub record_sides: Vec<RecordSide>,
    pub values: Vec<String>,
    pub indicators: Vec<CompiledIndicator>,
    /// `None` when the policy has no `[permit]`.
    pub criteria: Option<CompiledCriteria>,
    /// Per entitlement of the permit, its test (`None`: every holder).
    pub entitlements: Vec<Option<Node>>,
    /// 1 January of Y1.
    pub plan_start: Day,
    /// The permit's rollout: per plan year whose stage accepts applications, its
    /// first and last day and the districts reached (`None`: all).
    pub rollout: Vec<(Day, Day, Option<Vec<DivisionCode>>)>,
}

/// Collects distinct sides while compiling.
struct Builder {
    /// What `new_citizen` stands for: every criterion (none without a `[permit]`).
    new_citizen: PersonPredicate,
    leaf_sources: Vec<PersonPredicate>,
    leaves: Vec<Leaf>,
    person_sources: Vec<Option<PersonPredicate>>,
    person_sides: Vec<Option<Node>>,
    record_sides: Vec<RecordSide>,
    values: Vec<String>,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// Compiles `policy`.
pub(crate) fn compile(policy: &Policy) -> Compiled {
    let mut builder = Builder {
        new_citizen: PersonPredicate::And {
            all: policy
                .permit
                .iter()
                .flat_map(|permit| permit.criteria.iter().map(|c| c.test.clone()))
                .collect(),
        },
        leaf_sources: Vec::new(),
        leaves: Vec::new(),
        person_sources: Vec::new(),
        person_sides: Vec::new(),
        record_sides: Vec::new(),
        values: Vec::new(),
    };
    let indicators = policy
        .indicators
        .iter()
        .map(|indicator: &Indicator| CompiledIndicator {
            numerator: builder.expr(&indicator.numerator),
            denominator: indicator.denominator.as_ref().map(|e| builder.expr(e)),
        })
        .collect();
    let criteria = policy.permit.as_ref().map(|permit| CompiledCriteria {
        present: builder.person_side(&None),
        each: permit
            .criteria
            .iter()
            .map(|criterion| builder.person_side(&Some(criterion.test.clone())))
            .collect(),
        all: builder.person_side(&Some(PersonPredicate::And {
            all: permit.criteria.iter().map(|c| c.test.clone()).collect(),
        })),
    });
    let plan_start = policy
        .plan_years
        .first()
        .map_or(NEG_INF, |_| day_of(policy.plan_start()));
    let entitlements = policy
        .permit
        .iter()
        .flat_map(|permit| &permit.entitlements)
        .map(|entitlement| entitlement.test.as_ref().map(|test| builder.node(test)))
        .collect();
    let rollout = rollout_days(policy);
    Compiled {
        entitlements,
        rollout,
        leaves: builder.leaves,
        leaf_sources: builder.leaf_sources,
        person_sides: builder.person_sides,
        record_sides: builder.record_sides,
        values: builder.values,
        indicators,
        criteria,
        plan_start,
    }
}

impl Builder {
    fn expr(&mut self, expr: &Expr) -> Combination {
        let denom = expr.terms.iter().fold(1i128, |l, t| {
            let d = i128::from(t.scale.denom).abs().max(1);
            l / gcd(l, d) * d
        });
        let terms = expr
            .terms
            .iter()
            .map(|scaled| {
                let scale = scaled.scale;
                let mut coefficient =
                    i128::from(scale.numer) * (denom / i128::from(scale.denom).abs().max(1));
                if scale.denom < 0 {
                    coefficient = -coefficient;
                }
                (coefficient, self.term(&scaled.term))
            })
            .collect();
        Combination { terms, denom }
    }

    fn term(&mut self, term: &Term) -> TermRef {
        match term {
            Term::CountPersons { filter } => TermRef::Persons(self.person_side(filter)),
            Term::CountRecords { kind, filter } => TermRef::Records(self.record_side(RecordSide {
                kind: *kind,
                filter: filter.clone(),
                field: None,
            })),
            Term::SumRecords {
                kind,
                field,
                filter,
            } => TermRef::Records(self.record_side(RecordSide {
                kind: *kind,
                filter: filter.clone(),
                field: Some(*field),
            })),
            Term::CountTowns { has } => TermRef::Towns(has.map(|kind| {
                self.record_side(RecordSide {
                    kind,
                    filter: None,
                    field: None,
                })
            })),
            Term::Value { name } => {
                TermRef::Value(match self.values.iter().position(|n| n == name) {
                    Some(index) => index,
                    None => {
                        self.values.push(name.clone());
                        self.values.len() - 1
                    }
                })
            }
        }
    }

    fn record_side(&mut self, side: RecordSide) -> usize {
        if let Some(index) = self.record_sides.iter().position(|s| *s == side) {
            return index;
        }
        self.record_sides.push(side);
        self.record_sides.len() - 1
    }

    fn person_side(&mut self, filter: &Option<PersonPredicate>) -> usize {
        if let Some(index) = self.person_sources.iter().position(|s| s == filter) {
            return index;
        }
        let node = filter.as_ref().map(|p| self.node(p));
        self.person_sources.push(filter.clone());
        self.person_sides.push(node);
        self.person_sides.len() - 1
    }

    fn node(&mut self, predicate: &PersonPredicate) -> Node {
        match predicate {
            PersonPredicate::And { all } => Node::All(all.iter().map(|p| self.node(p)).collect()),
            PersonPredicate::Or { any } => Node::Any(any.iter().map(|p| self.node(p)).collect()),
            PersonPredicate::Not { inner } => Node::Not(Box::new(self.node(inner))),
            PersonPredicate::NewCitizen => match self.new_citizen.clone() {
                PersonPredicate::And { all } if all.is_empty() => Node::Any(Vec::new()),
                every => self.node(&every),
            },
            leaf => Node::Leaf(self.leaf(leaf)),
        }
    }

    fn leaf(&mut self, predicate: &PersonPredicate) -> usize {
        if let Some(index) = self.leaf_sources.iter().position(|s| s == predicate) {
            return index;
        }
        let leaf = match predicate {
            PersonPredicate::Fact {
                kind,
                filters,
                window,
            } => {
                let mut test = FactTest {
                    kind: kind.clone(),
                    kind_index: FactKind::NAMES
                        .iter()
                        .position(|name| name == kind)
                        .unwrap_or(FactKind::NAMES.len()),
                    filters: Vec::new(),
                    employer_has_union: false,
                    wage_at_least: None,
                    window: *window,
                };
                for filter in filters {
                    match filter {
                        FactFilter::EmployerHasUnion => test.employer_has_union = true,
                        FactFilter::WageAtLeast { by_year } => {
                            let mut years = by_year.clone();
                            years.sort_unstable();
                            test.wage_at_least = Some(
                                years
                                    .iter()
                                    .map(|&(year, fen)| {
                                        let first = jiff::civil::Date::new(year, 1, 1)
                                            .map_or(POS_INF, day_of);
                                        (first, fen)
                                    })
                                    .collect(),
                            );
                        }
                        other => test.filters.push(other.clone()),
                    }
                }
                Leaf::Fact(test)
            }
            PersonPredicate::Age { min, max } => Leaf::Age {
                min: *min,
                max: *max,
            },
            PersonPredicate::Sex { sex } => Leaf::Sex(*sex),
            PersonPredicate::RolloutReached => Leaf::Rollout,
            PersonPredicate::And { .. }
            | PersonPredicate::Or { .. }
            | PersonPredicate::Not { .. }
            | PersonPredicate::NewCitizen => {
                unreachable!("connectives are nodes, not leaves")
            }
        };
        self.leaf_sources.push(predicate.clone());
        self.leaves.push(leaf);
        self.leaves.len() - 1
    }
}

/// The days on which the permit's rollout accepts applications, per plan year, with
/// the districts it has reached (`None`: all), as [`Policy::rollout_reaches`] reads
/// the stages.
fn rollout_days(policy: &Policy) -> Vec<(Day, Day, Option<Vec<DivisionCode>>)> {
    let Some(permit) = &policy.permit else {
        return Vec::new();
    };
    let mut days = Vec::new();
    for (index, &year) in policy.plan_years.iter().enumerate() {
        let Some(stage) = permit.rollout.iter().rev().find(|s| s.plan_year <= index) else {
            continue;
        };
        if !stage.accepts_applications {
            continue;
        }
        let (Ok(first), Ok(last)) = (
            jiff::civil::Date::new(year, 1, 1),
            jiff::civil::Date::new(year, 12, 31),
        ) else {
            continue;
        };
        let districts = (!stage.all).then(|| stage.districts.clone());
        days.push((day_of(first), day_of(last), districts));
    }
    days
}
