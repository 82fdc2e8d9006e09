//! Writes against rebuilding, and intervals against a plain reading of the rules:
//! random small cities are changed person by person (and employer by employer);
//! the engine must then equal one built afresh from the final state, and its
//! person counts must equal those of an oracle that evaluates each predicate on the
//! date directly, as docs/policy.md words it.

use std::sync::Arc;

use analytics::{Engine, PersonState};
use domain::division::DivisionCode;
use domain::policy::{FactFilter, Period, PersonPredicate, Policy, Term, Window};
use domain::registry::{
    Fact, FactKind, Housing, InsuranceScheme, Record, RecordDetail, SchoolKind,
};
use domain::resident_id::Sex;
use jiff::civil::{Date, date};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::support::*;

const PLACES: [&str; 7] = [V1, V2, V3, V4, V5, OLD_DISTRICT, "320205001999"];
const EMPLOYERS: i64 = 3;

fn day(rng: &mut ChaCha8Rng, from: Date, to: Date) -> Date {
    let days = (to - from).get_days();
    from.checked_add(jiff::Span::new().days(rng.gen_range(0..=days)))
        .unwrap()
}

/// A random person with facts of every kind the seed policy reads.
fn random_person(rng: &mut ChaCha8Rng, id: i64) -> P {
    let birth = if rng.gen_bool(0.15) {
        date([2000, 2004, 2016, 2020][rng.gen_range(0..4)], 2, 29)
    } else {
        day(rng, date(1970, 1, 1), date(2024, 12, 31))
    };
    let sex = if rng.gen_bool(0.5) {
        Sex::Male
    } else {
        Sex::Female
    };
    let mut p = P::new(id, birth, sex);
    let mut from = day(rng, date(2013, 1, 1), date(2026, 6, 30));
    for _ in 0..rng.gen_range(0..=3) {
        let to = rng.gen_bool(0.6).then(|| day(rng, from, date(2027, 6, 30)));
        let housing = [
            Housing::ConcentratedZone,
            Housing::RentedHouse,
            Housing::OwnHome,
        ][rng.gen_range(0..3)];
        p = p.lives_as(PLACES[rng.gen_range(0..PLACES.len())], housing, from, to);
        match to {
            Some(to) => from = to.tomorrow().unwrap(),
            None => break,
        }
    }
    if rng.gen_bool(0.2) {
        p = p.left(day(rng, date(2014, 1, 1), date(2027, 6, 30)));
    }
    let kinds = [
        FactKind::Employment {
            employer: rng.gen_range(1..=EMPLOYERS),
            monthly_wage_fen: [240_000, 249_000, 255_000, 270_000][rng.gen_range(0..4)],
        },
        FactKind::LabourContract { employer: 1 },
        FactKind::Insurance {
            scheme: InsuranceScheme::Pension,
        },
        FactKind::Insurance {
            scheme: InsuranceScheme::Medical,
        },
        FactKind::Insurance {
            scheme: InsuranceScheme::WorkInjury,
        },
        FactKind::HighRiskJob,
        FactKind::UnionMembership,
        FactKind::SkillsTraining,
        FactKind::Schooling {
            school: if rng.gen_bool(0.5) {
                SchoolKind::Public
            } else {
                SchoolKind::Private
            },
        },
        FactKind::VaccinationCertificateChecked,
        FactKind::ImmunisationUpToDate,
        FactKind::ChildCare,
        FactKind::Pregnancy,
        FactKind::MaternalCare,
        FactKind::TbCase,
        FactKind::TbFreeTreatment,
        FactKind::Married,
        FactKind::FamilyPlanningService,
        FactKind::FamilyPlanningCertificateCheck,
        FactKind::FamilyPlanningContract,
        FactKind::LegalEducation,
    ];
    for kind in kinds {
        for _ in 0..rng.gen_range(0..=2) {
            let from = day(rng, date(2013, 1, 1), date(2027, 1, 1));
            let to = match rng.gen_range(0..3) {
                0 => None,
                1 => Some(from),
                _ => Some(day(rng, from, date(2027, 6, 30))),
            };
            p = p.with(kind.clone(), from, to);
        }
    }
    p
}

fn employer(rng: &mut ChaCha8Rng, id: i64) -> Record {
    let union_since = rng
        .gen_bool(0.7)
        .then(|| day(rng, date(2013, 1, 1), date(2027, 1, 1)));
    let to = rng
        .gen_bool(0.3)
        .then(|| day(rng, date(2020, 1, 1), date(2027, 1, 1)));
    record(
        id,
        V1,
        date(2012, 1, 1),
        to,
        RecordDetail::Employer {
            union_since,
            letter_signed_on: None,
        },
    )
}

const DATES: [Date; 11] = [
    date(2014, 2, 28),
    date(2022, 2, 28),
    date(2023, 2, 28),
    date(2015, 10, 28),
    date(2015, 10, 29),
    date(2016, 2, 29),
    date(2023, 12, 31),
    date(2024, 1, 1),
    date(2025, 3, 1),
    date(2025, 12, 31),
    date(2026, 7, 1),
];

fn fresh(policy: &Policy, records: &[Record], people: &[Option<P>]) -> Engine {
    let present: Vec<P> = people.iter().flatten().cloned().collect();
    engine_with(policy, records, &present)
}

fn cube_of(engine: &Engine, on: Date) -> Vec<analytics::IndicatorResult> {
    engine.cube(on).unwrap().results().collect()
}

#[test]
fn writes_leave_the_engine_as_a_fresh_build_of_the_final_state() {
    let policy = super::seed::policy();
    for seed in 0..12u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut records: Vec<Record> = (1..=EMPLOYERS).map(|id| employer(&mut rng, id)).collect();
        let mut people: Vec<Option<P>> = (1..=25)
            .map(|id| Some(random_person(&mut rng, id)))
            .collect();
        let mut engine = fresh(&policy, &records, &people);
        for _ in 0..60 {
            if rng.gen_bool(0.1) {
                // An employer's union or closure changes; its employees are recounted.
                let index = rng.gen_range(0..records.len());
                let changed = employer(&mut rng, records[index].id);
                let dependents: Vec<PersonState<'_>> = people
                    .iter()
                    .flatten()
                    .filter(|p| {
                        p.facts.iter().any(|f| {
                            matches!(f.kind, FactKind::Employment { employer, .. } | FactKind::LabourContract { employer } if employer == changed.id)
                        })
                    })
                    .map(P::state)
                    .collect();
                engine.put_record(&changed, &dependents).unwrap();
                records[index] = changed;
                continue;
            }
            let index = rng.gen_range(0..people.len() + 1);
            let after = match rng.gen_range(0..10) {
                0 => None,
                _ => Some(random_person(&mut rng, index as i64 + 1)),
            };
            if index == people.len() {
                engine
                    .replace_person(None, after.as_ref().map(P::state))
                    .unwrap();
                people.push(after);
            } else {
                let before = people[index].as_ref().map(P::state);
                engine
                    .replace_person(before, after.as_ref().map(P::state))
                    .unwrap();
                people[index] = after;
            }
        }
        let rebuilt = fresh(&policy, &records, &people);
        let mut one_by_one = Engine::new(Arc::new(policy.clone()), small_city());
        for record in &records {
            one_by_one.put_record(record, &[]).unwrap();
        }
        for p in people.iter().flatten() {
            one_by_one.add_person(p.state());
        }
        for on in DATES {
            let expected = cube_of(&rebuilt, on);
            assert_eq!(cube_of(&engine, on), expected, "seed {seed}, {on}");
            assert_eq!(cube_of(&one_by_one, on), expected, "seed {seed}, {on}");
        }
        // And the rebuilt engine's person counts are the oracle's.
        check_against_oracle(&rebuilt, &policy, &records, &people, seed);
    }
}

#[test]
fn a_stale_before_state_is_reported() {
    let mut engine = seed_engine(&[], &[]);
    let ghost = P::man(1).lives(V1, date(2020, 1, 1), None);
    let error = engine
        .replace_person(Some(ghost.state()), None)
        .unwrap_err();
    // Every side the ghost would have counted in is missing.
    assert!(matches!(error, analytics::EngineError::Stale { missing } if missing > 1));
    assert!(error.to_string().starts_with("expected the before-state"));
}

// ---- the oracle ----

static CITY_UNITS: std::sync::LazyLock<domain::division::Hierarchy> =
    std::sync::LazyLock::new(small_city);

/// The unit a person is counted in on `on`, per the rules read plainly.
fn unit_on(p: &P, on: Date) -> Option<DivisionCode> {
    if p.person.left_on.is_some_and(|left| on >= left) {
        return None;
    }
    let residence = p
        .facts
        .iter()
        .filter(|f| matches!(f.kind, FactKind::Residence { .. }) && f.holds_on(on))
        .max_by_key(|f| (f.from, f.id))?;
    let FactKind::Residence { unit, .. } = residence.kind else {
        unreachable!()
    };
    let hierarchy = &*CITY_UNITS;
    let known = if hierarchy.unit(unit).is_some() {
        unit
    } else {
        unit.truncate(domain::division::CodeLevel::Town)
    };
    let standing = hierarchy.current_successor(known, on);
    hierarchy.valid_on(standing, on).then_some(standing)
}

fn completed_years(birth: Date, on: Date) -> i32 {
    let year = i32::from(on.year());
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let birthday = match (birth.month(), birth.day()) {
        (2, 29) if !leap => date(on.year(), 3, 1),
        (m, d) => date(on.year(), m, d),
    };
    year - i32::from(birth.year()) - i32::from(on < birthday)
}

fn period_start(on: Date, period: Period) -> Date {
    match period {
        Period::Month => date(on.year(), on.month(), 1),
        Period::Quarter => date(on.year(), (on.month() - 1) / 3 * 3 + 1, 1),
        Period::Year => date(on.year(), 1, 1),
        Period::Plan => date(2024, 1, 1),
    }
}

fn fact_passes(fact: &Fact, filters: &[FactFilter], records: &[Record], on: Date) -> bool {
    filters.iter().all(|filter| match (filter, &fact.kind) {
        (FactFilter::Housing { housing }, FactKind::Residence { housing: h, .. }) => h == housing,
        (FactFilter::Scheme { scheme }, FactKind::Insurance { scheme: s }) => s == scheme,
        (FactFilter::School { school }, FactKind::Schooling { school: s }) => s == school,
        (FactFilter::EmployerHasUnion, FactKind::Employment { employer, .. }) => {
            records.iter().any(|r| {
                r.id == *employer
                    && r.from <= on
                    && r.to.is_none_or(|to| on <= to)
                    && matches!(r.detail, RecordDetail::Employer { union_since: Some(since), .. } if since <= on)
            })
        }
        (FactFilter::WageAtLeast { by_year }, FactKind::Employment { monthly_wage_fen, .. }) => by_year
            .iter()
            .filter(|(year, _)| *year <= on.year())
            .max_by_key(|(year, _)| *year)
            .is_some_and(|(_, minimum)| monthly_wage_fen >= minimum),
        _ => false,
    })
}

fn holds(p: &P, predicate: &PersonPredicate, records: &[Record], on: Date) -> bool {
    match predicate {
        PersonPredicate::And { all } => all.iter().all(|q| holds(p, q, records, on)),
        PersonPredicate::Or { any } => any.iter().any(|q| holds(p, q, records, on)),
        PersonPredicate::Not { inner } => !holds(p, inner, records, on),
        PersonPredicate::Sex { sex } => p.person.sex == *sex,
        PersonPredicate::Age { min, max } => {
            let age = completed_years(p.person.birth_date, on);
            min.is_none_or(|m| age >= i32::from(m)) && max.is_none_or(|m| age <= i32::from(m))
        }
        PersonPredicate::Fact {
            kind,
            filters,
            window,
        } => p.facts.iter().any(|fact| {
            fact.kind.name() == kind
                && match window {
                    Window::On => fact.holds_on(on) && fact_passes(fact, filters, records, on),
                    Window::In { period } => {
                        let start = period_start(on, *period);
                        start <= on
                            && fact.from <= on
                            && fact.to.is_none_or(|to| to >= start)
                            && fact_passes(fact, filters, records, on)
                    }
                    Window::BeganIn { period } => {
                        let start = period_start(on, *period);
                        start <= fact.from
                            && fact.from <= on
                            && fact_passes(fact, filters, records, on)
                    }
                    Window::ContinuousFor { span } => {
                        continuous_for(p, kind, filters, records, on, *span)
                    }
                }
        }),
        PersonPredicate::NewCitizen => Policy::seed()
            .permit
            .iter()
            .flat_map(|permit| &permit.criteria)
            .all(|criterion| holds(p, &criterion.test, records, on)),
        PersonPredicate::RolloutReached => p.facts.iter().any(|fact| match &fact.kind {
            FactKind::Residence { unit, .. } => {
                fact.holds_on(on) && Policy::seed().rollout_reaches(*unit, on).is_ok()
            }
            _ => false,
        }),
    }
}

/// Facts of `kind` passing `filters`, joined where one ends the day before the next
/// begins, have covered every day of `span` ending on `on`.
fn continuous_for(
    p: &P,
    kind: &str,
    filters: &[FactFilter],
    records: &[Record],
    on: Date,
    span: domain::policy::Span,
) -> bool {
    let mut facts: Vec<(Date, Option<Date>)> = p
        .facts
        .iter()
        .filter(|f| f.kind.name() == kind && fact_passes(f, filters, records, on))
        .map(|f| (f.from, f.to))
        .collect();
    facts.sort();
    let mut runs: Vec<(Date, Option<Date>)> = Vec::new();
    for (from, to) in facts {
        match runs.last_mut() {
            Some((_, end)) if end.is_none_or(|e| from <= e.tomorrow().unwrap()) => {
                *end = match (*end, to) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
            }
            _ => runs.push((from, to)),
        }
    }
    let Some(&(start, _)) = runs
        .iter()
        .find(|(from, to)| *from <= on && to.is_none_or(|t| on <= t))
    else {
        return false;
    };
    let back = jiff::Span::new()
        .years(span.years)
        .months(span.months)
        .days(span.days);
    on.checked_sub(back)
        .is_ok_and(|d| d >= start.yesterday().unwrap())
}

/// `Σ scale × count` for a person-only expression at `unit` on `on`, as text.
fn oracle_sum(
    expr: &domain::policy::Expr,
    unit: DivisionCode,
    people: &[Option<P>],
    records: &[Record],
    on: Date,
) -> Option<analytics::Exact> {
    let hierarchy = &*CITY_UNITS;
    let mut total = analytics::Exact::ZERO;
    for scaled in &expr.terms {
        let Term::CountPersons { filter } = &scaled.term else {
            return None;
        };
        let count = people
            .iter()
            .flatten()
            .filter(|p| {
                unit_on(p, on).is_some_and(|u| hierarchy.path(u).iter().any(|a| a.code == unit))
                    && filter.as_ref().is_none_or(|f| holds(p, f, records, on))
            })
            .count() as i128;
        let scale = analytics::Exact::new(
            i128::from(scaled.scale.numer),
            i128::from(scaled.scale.denom),
        );
        total = analytics::Exact::new(
            total.numer() * scale.denom() + count * scale.numer() * total.denom(),
            total.denom() * scale.denom(),
        );
    }
    Some(total)
}

fn check_against_oracle(
    engine: &Engine,
    policy: &Policy,
    records: &[Record],
    people: &[Option<P>],
    seed: u64,
) {
    for on in DATES {
        let cube = engine.cube(on).unwrap();
        for unit in cube.units() {
            for indicator in &policy.indicators {
                let Some(numerator) = oracle_sum(&indicator.numerator, *unit, people, records, on)
                else {
                    continue;
                };
                let got = cube.get(*unit, &indicator.id).unwrap();
                assert_eq!(
                    got.numerator,
                    Some(numerator),
                    "seed {seed}, {} {unit} {on}",
                    indicator.id
                );
                if let Some(expr) = &indicator.denominator
                    && let Some(denominator) = oracle_sum(expr, *unit, people, records, on)
                {
                    assert_eq!(
                        got.denominator,
                        Some(denominator),
                        "seed {seed}, {} {unit} {on} (denominator)",
                        indicator.id
                    );
                }
            }
        }
    }
}
