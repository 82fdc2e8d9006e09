//! 人员条件 — a predicate on persons as SQL, read from docs/policy.md: a fact test
//! becomes a flag of the `leaves` aggregate over the person's facts (`l.lN`), a
//! continuous-holding test (`for 1 year`) a list of persons whose joined facts
//! cover the span (`runN`), age and sex comparisons of the person's row (`p`).
//!
//! A fact with filters is read as the days on which it holds and passes them: a
//! job at an employer with a union from the day both the job and the union exist;
//! a wage from the first day of a year whose minimum it reaches. Its window is then
//! judged on those days: `in PERIOD` when some of them lie from the period's start
//! through D, `began in PERIOD` when their first day does.

use domain::policy::{FactFilter, PersonPredicate, Policy, Window};
use jiff::civil::Date;

use super::dates::AsOf;
use super::dialect::{Dialect, FAR};
use super::schema::word;

/// The person conditions of one query, and the fact tests they need.
pub(super) struct Persons<'a> {
    dialect: Dialect,
    as_of: &'a AsOf,
    /// For `new_citizen` (the permit's criteria) and `rollout_reached`.
    policy: &'a Policy,
    /// Fact tests on one fact row (`f`, and its employer `e`): the `leaves` flags.
    leaves: Vec<(&'a PersonPredicate, String)>,
    /// Whether a flag reads the fact's employer.
    pub employer: bool,
    /// `for` tests: the body of a query of the persons that pass.
    runs: Vec<(&'a PersonPredicate, String)>,
}

/// The minimum wage in force from each listed year's 1 January until the next.
struct WageStep {
    first: Date,
    last: Date,
    minimum: i64,
}

fn wage_steps(by_year: &[(i16, i64)]) -> Vec<WageStep> {
    let mut years = by_year.to_vec();
    years.sort_unstable();
    years
        .iter()
        .enumerate()
        .map(|(i, &(year, minimum))| WageStep {
            first: Date::new(year, 1, 1).unwrap_or(Date::MAX),
            last: years
                .get(i + 1)
                .and_then(|&(next, _)| Date::new(next, 1, 1).ok()?.yesterday().ok())
                .unwrap_or(FAR),
            minimum,
        })
        .collect()
}

/// The days a fact row passes its filters, before the wage: first day `s`, last
/// day `t`, and the condition on the row.
struct Days {
    s: String,
    t: String,
    row: Vec<String>,
    wage: Option<Vec<WageStep>>,
}

impl<'a> Persons<'a> {
    pub(super) fn new(dialect: Dialect, as_of: &'a AsOf, policy: &'a Policy) -> Persons<'a> {
        Persons {
            dialect,
            as_of,
            policy,
            leaves: Vec::new(),
            employer: false,
            runs: Vec::new(),
        }
    }

    /// Whether the residence on D (`pr.home`) lies in a district where the stage of
    /// D's plan year (or the last stage before it) accepts applications.
    fn rollout_reached(&self) -> String {
        let stage = self.policy.permit.as_ref().and_then(|permit| {
            let year = self.policy.plan_year_of(self.as_of.date)?;
            permit.rollout.iter().rev().find(|s| s.plan_year <= year)
        });
        match stage {
            Some(stage) if stage.accepts_applications && stage.all => "1 = 1".to_string(),
            Some(stage) if stage.accepts_applications && !stage.districts.is_empty() => {
                let districts: Vec<String> = stage
                    .districts
                    .iter()
                    .map(|code| code.as_u64().to_string())
                    .collect();
                // A 12-digit code's district: all but its last six digits.
                format!(
                    "(pr.home - pr.home % 1000000) IN ({})",
                    districts.join(", ")
                )
            }
            _ => "1 = 0".to_string(),
        }
    }

    fn date(&self, date: Date) -> String {
        self.dialect.date(date)
    }

    /// The condition, over `p`, `l` and the `runN` joins, that `predicate` holds on D.
    pub(super) fn condition(&mut self, predicate: &'a PersonPredicate) -> String {
        match predicate {
            PersonPredicate::And { all } => {
                let parts: Vec<String> = all.iter().map(|p| self.condition(p)).collect();
                format!("({})", parts.join(" AND "))
            }
            PersonPredicate::Or { any } => {
                let parts: Vec<String> = any.iter().map(|p| self.condition(p)).collect();
                format!("({})", parts.join(" OR "))
            }
            PersonPredicate::Not { inner } => format!("(NOT {})", self.condition(inner)),
            PersonPredicate::NewCitizen => match &self.policy.permit {
                Some(permit) => {
                    let parts: Vec<String> = permit
                        .criteria
                        .iter()
                        .map(|criterion| self.condition(&criterion.test))
                        .collect();
                    format!("({})", parts.join(" AND "))
                }
                None => "1 = 0".to_string(),
            },
            PersonPredicate::RolloutReached => self.rollout_reached(),
            PersonPredicate::Age { min, max } => {
                let mut parts = Vec::new();
                if let Some(min) = min {
                    parts.push(match self.as_of.born_by(*min) {
                        Some(day) => format!("p.birth_date <= {}", self.date(day)),
                        None => "1 = 0".to_string(),
                    });
                }
                if let Some(max) = max {
                    // Younger than max + 1.
                    if let Some(day) = self.as_of.born_by(max + 1) {
                        parts.push(format!("p.birth_date > {}", self.date(day)));
                    }
                }
                if parts.is_empty() {
                    "1 = 1".to_string()
                } else {
                    format!("({})", parts.join(" AND "))
                }
            }
            PersonPredicate::Sex { sex } => format!("p.sex = '{}'", word(sex)),
            PersonPredicate::Fact {
                kind,
                filters,
                window: Window::ContinuousFor { span },
            } => {
                let index = match self.runs.iter().position(|(p, _)| *p == predicate) {
                    Some(index) => index,
                    None => {
                        let days = self.days(kind, filters);
                        let body = self.run(&days, self.as_of.span_start(*span));
                        self.runs.push((predicate, body));
                        self.runs.len() - 1
                    }
                };
                format!("run{index}.person IS NOT NULL")
            }
            PersonPredicate::Fact {
                kind,
                filters,
                window,
            } => {
                let index = match self.leaves.iter().position(|(p, _)| *p == predicate) {
                    Some(index) => index,
                    None => {
                        let days = self.days(kind, filters);
                        let mut parts = days.row.clone();
                        parts.push(self.window(&days, *window));
                        self.leaves.push((predicate, parts.join(" AND ")));
                        self.leaves.len() - 1
                    }
                };
                format!("COALESCE(l.l{index}, 0) = 1")
            }
        }
    }

    fn days(&mut self, kind: &str, filters: &[FactFilter]) -> Days {
        let d = self.dialect;
        let mut days = Days {
            s: "f.from_day".to_string(),
            t: d.end("f.to_day"),
            row: vec![format!("f.kind = '{kind}'")],
            wage: None,
        };
        for filter in filters {
            match filter {
                FactFilter::Housing { housing } => {
                    days.row.push(format!("f.housing = '{}'", word(housing)))
                }
                FactFilter::Scheme { scheme } => {
                    days.row.push(format!("f.scheme = '{}'", word(scheme)))
                }
                FactFilter::School { school } => {
                    days.row.push(format!("f.school = '{}'", word(school)))
                }
                FactFilter::EmployerHasUnion => {
                    self.employer = true;
                    days.row.push("e.union_since IS NOT NULL".to_string());
                    days.s = d.greatest(&[
                        days.s.clone(),
                        "e.from_day".to_string(),
                        "e.union_since".to_string(),
                    ]);
                    days.t = d.least(&[days.t.clone(), d.end("e.to_day")]);
                }
                FactFilter::WageAtLeast { by_year } => days.wage = Some(wage_steps(by_year)),
            }
        }
        days
    }

    /// Whether the days pass `window` (not `for`) as of D.
    fn window(&self, days: &Days, window: Window) -> String {
        let d = self.dialect;
        let on = self.date(self.as_of.date);
        let (s, t) = (&days.s, &days.t);
        let Some(steps) = &days.wage else {
            return match window {
                Window::On => format!("{s} <= {on} AND {t} >= {on}"),
                Window::In { period } => {
                    let start = self.date(self.as_of.period_start(period));
                    format!("{s} <= {on} AND {t} >= {start} AND {s} <= {t}")
                }
                Window::BeganIn { period } => {
                    let start = self.date(self.as_of.period_start(period));
                    format!("{s} >= {start} AND {s} <= {on} AND {s} <= {t}")
                }
                Window::ContinuousFor { .. } => unreachable!("`for` is a run, not a flag"),
            };
        };
        let mut any = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let (first, last) = (self.date(step.first), self.date(step.last));
            let paid = format!("f.wage >= {}", step.minimum);
            let from = d.greatest(&[s.clone(), first.clone()]);
            let to = d.least(&[t.clone(), last.clone()]);
            any.push(match window {
                Window::On => {
                    if step.first <= self.as_of.date && self.as_of.date <= step.last {
                        format!("{paid} AND {s} <= {on} AND {t} >= {on}")
                    } else {
                        continue;
                    }
                }
                Window::In { period } => {
                    let start = self.date(self.as_of.period_start(period));
                    format!(
                        "{paid} AND {} <= {}",
                        d.greatest(&[from, start]),
                        d.least(&[to, on.clone()])
                    )
                }
                Window::BeganIn { period } => {
                    let start = self.date(self.as_of.period_start(period));
                    // The days begin in this step unless the step before paid too
                    // and the fact had begun by then.
                    let begins = match i {
                        0 => "1 = 1".to_string(),
                        _ => format!("(f.wage < {} OR {s} >= {first})", steps[i - 1].minimum),
                    };
                    format!(
                        "{paid} AND {begins} AND {from} >= {start} AND {from} <= {on} AND {from} <= {to}"
                    )
                }
                Window::ContinuousFor { .. } => unreachable!("`for` is a run, not a flag"),
            });
        }
        if any.is_empty() {
            "1 = 0".to_string()
        } else {
            format!("(({}))", any.join(") OR ("))
        }
    }

    /// The persons whose facts, joined where one ends the day before the next
    /// begins, cover every day from `start` through D.
    fn run(&self, days: &Days, start: Date) -> String {
        let d = self.dialect;
        let on = self.date(self.as_of.date);
        let from_employer = if days.s.contains("e.") {
            " JOIN records e ON e.id = f.employer"
        } else {
            ""
        };
        let row = days.row.join(" AND ");
        let pieces: Vec<String> = match &days.wage {
            None => vec![format!(
                "SELECT f.person, {} AS s, {} AS t FROM facts f{from_employer} WHERE {row} AND f.from_day <= {on}",
                days.s, days.t
            )],
            Some(steps) => steps
                .iter()
                .map(|step| {
                    let s = d.greatest(&[days.s.clone(), self.date(step.first)]);
                    let t = d.least(&[days.t.clone(), self.date(step.last)]);
                    format!(
                        "SELECT f.person, {s} AS s, {t} AS t FROM facts f{from_employer} \
                         WHERE {row} AND f.wage >= {} AND {s} <= {t} AND f.from_day <= {on}",
                        step.minimum
                    )
                })
                .collect(),
        };
        format!(
            "SELECT DISTINCT person FROM (\
             SELECT person, s, t, SUM(CASE WHEN s > {} THEN 1 ELSE 0 END) \
             OVER (PARTITION BY person ORDER BY s, t ROWS UNBOUNDED PRECEDING) AS island FROM (\
             SELECT person, s, t, MAX(t) OVER (PARTITION BY person ORDER BY s, t \
             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM ({}) pieces\
             ) ordered) islands GROUP BY person, island HAVING MIN(s) <= {} AND MAX(t) >= {on}",
            d.next_day("reach"),
            pieces.join(" UNION ALL "),
            self.date(start),
        )
    }

    /// The `MAX(CASE …) AS lN` columns of the `leaves` aggregate.
    pub(super) fn leaf_columns(&self) -> Vec<String> {
        self.leaves
            .iter()
            .enumerate()
            .map(|(i, (_, condition))| {
                format!("MAX(CASE WHEN {condition} THEN 1 ELSE 0 END) AS l{i}")
            })
            .collect()
    }

    /// The `for` tests' queries, by index.
    pub(super) fn runs(&self) -> impl Iterator<Item = &str> {
        self.runs.iter().map(|(_, body)| body.as_str())
    }
}
