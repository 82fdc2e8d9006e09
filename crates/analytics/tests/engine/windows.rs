//! Time windows: `in plan`, `in year`, `began in year`, and (outside the seed)
//! `in month`, `in quarter` and `for SPAN`, each on the days where it starts and
//! stops holding.

use domain::policy::{Direction, Period, Span, ValueUnit, Window};
use domain::registry::{FactKind, SchoolKind};
use jiff::civil::{Date, date};

use super::seed::{fact_window, indicator, one, persons, policy_of};
use super::support::*;

fn employed() -> FactKind {
    FactKind::Employment {
        employer: 7,
        monthly_wage_fen: 300_000,
    }
}

#[test]
fn skills_training_in_plan_holds_from_a_day_of_the_plan_on() {
    let since = date(2022, 1, 1);
    let persons = [
        // Before the plan entirely: never counts.
        P::man(1)
            .lives(V1, since, None)
            .with(employed(), since, None)
            .with(
                FactKind::SkillsTraining,
                date(2023, 5, 1),
                Some(date(2023, 6, 30)),
            ),
        // Straddles the plan's start: counts from 2024-01-01.
        P::man(2)
            .lives(V1, since, None)
            .with(employed(), since, None)
            .with(
                FactKind::SkillsTraining,
                date(2023, 12, 1),
                Some(date(2024, 1, 15)),
            ),
        // Within the plan: counts from its first day, for good.
        P::man(3)
            .lives(V2, since, None)
            .with(employed(), since, None)
            .with(
                FactKind::SkillsTraining,
                date(2024, 3, 1),
                Some(date(2024, 3, 10)),
            ),
    ];
    let engine = seed_engine(&[], &persons);
    let e4 = |unit, on| nd(&engine, unit, "E4", on);
    assert_eq!(e4(TOWN_A1, date(2023, 12, 31)), ("0".into(), "3".into()));
    assert_eq!(e4(V1, date(2024, 1, 1)), ("1".into(), "2".into()));
    assert_eq!(e4(V2, date(2024, 2, 29)), ("0".into(), "1".into()));
    assert_eq!(e4(V2, date(2024, 3, 1)), ("1".into(), "1".into()));
    assert_eq!(e4(CITY, date(2026, 12, 31)), ("2".into(), "3".into()));
}

#[test]
fn family_planning_service_in_year_holds_to_the_end_of_its_year() {
    let married = date(2020, 1, 1);
    let woman = |id, from, to| {
        P::woman(id)
            .lives(V1, married, None)
            .with(FactKind::Married, married, None)
            .with(FactKind::FamilyPlanningService, from, Some(to))
    };
    let persons = [
        woman(1, date(2024, 11, 1), date(2024, 11, 1)),
        // Spans the new year: held on days of 2025 too.
        woman(2, date(2024, 12, 20), date(2025, 1, 5)),
    ];
    let engine = seed_engine(&[], &persons);
    let f1 = |on| nd(&engine, V1, "F1", on).0;
    assert_eq!(f1(date(2024, 10, 31)), "0");
    assert_eq!(f1(date(2024, 11, 1)), "1");
    assert_eq!(f1(date(2024, 12, 31)), "2");
    assert_eq!(f1(date(2025, 1, 1)), "1");
    assert_eq!(f1(date(2025, 12, 31)), "1");
    assert_eq!(f1(date(2026, 1, 1)), "0");
}

#[test]
fn union_membership_began_in_year_counts_new_members_until_the_year_ends() {
    let persons = [
        P::man(1).lives(V1, date(2020, 1, 1), None).with(
            FactKind::UnionMembership,
            date(2025, 3, 1),
            None,
        ),
        // A member since before: not new in 2025.
        P::man(2).lives(V1, date(2020, 1, 1), None).with(
            FactKind::UnionMembership,
            date(2023, 3, 1),
            None,
        ),
    ];
    let engine = seed_engine(&[], &persons);
    let new = |on| result(&engine, V1, "E5N", on);
    assert_eq!(new(date(2025, 2, 28)).numerator.unwrap().to_string(), "0");
    assert_eq!(new(date(2025, 3, 1)).numerator.unwrap().to_string(), "1");
    assert_eq!(new(date(2025, 12, 31)).value, Some(1.0));
    assert_eq!(new(date(2026, 1, 1)).value, Some(0.0));
    // A count: the value is the numerator; no denominator; the Y1 target is 80,000.
    let y1 = new(date(2024, 6, 1));
    assert_eq!(y1.denominator, None);
    assert_eq!(y1.value, Some(0.0));
    assert_eq!(y1.band, analytics::Band::Red);
    assert_eq!(new(date(2025, 12, 31)).band, analytics::Band::NoTarget);
}

#[test]
fn admissions_this_year_and_their_vaccination_checks() {
    use domain::resident_id::Sex;
    let child = |id| P::new(id, date(2018, 3, 1), Sex::Female).lives(V3, date(2020, 1, 1), None);
    let school = FactKind::Schooling {
        school: SchoolKind::Public,
    };
    let checked = FactKind::VaccinationCertificateChecked;
    let persons = [
        // Admitted 2025-09-01, checked a week before (same year).
        child(1).with(school.clone(), date(2025, 9, 1), None).with(
            checked.clone(),
            date(2025, 8, 25),
            Some(date(2025, 8, 25)),
        ),
        // Admitted 2025-09-01, checked the year before: not this year's check.
        child(2).with(school.clone(), date(2025, 9, 1), None).with(
            checked,
            date(2024, 8, 25),
            Some(date(2024, 8, 25)),
        ),
        // Admitted in 2024: not an admission of 2025.
        child(3).with(school, date(2024, 9, 1), None),
    ];
    let engine = seed_engine(&[], &persons);
    assert_eq!(
        nd(&engine, V3, "D2", date(2025, 8, 31)),
        ("0".into(), "0".into())
    );
    assert_eq!(
        nd(&engine, V3, "D2", date(2025, 9, 1)),
        ("1".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, DISTRICT_A, "D2", date(2025, 12, 31)),
        ("1".into(), "2".into())
    );
    assert_eq!(
        nd(&engine, CITY, "D2", date(2026, 1, 1)),
        ("0".into(), "0".into())
    );
    assert_eq!(
        nd(&engine, V3, "D2", date(2024, 12, 31)),
        ("0".into(), "1".into())
    );
}

/// A policy with one indicator counting persons for whom `employment` holds in
/// `window`, over all present persons.
fn window_engine(window: Window, people: &[P]) -> analytics::Engine {
    let policy = policy_of(vec![indicator(
        "W",
        ValueUnit::Percent,
        Direction::Tracked,
        &[],
        one(persons_term(window)),
        Some(one(persons(None))),
    )]);
    engine_with(&policy, &[], people)
}

fn persons_term(window: Window) -> domain::policy::Term {
    persons(Some(fact_window("employment", window)))
}

fn count(engine: &analytics::Engine, on: Date) -> String {
    nd(engine, V1, "W", on).0
}

#[test]
fn in_month_and_in_quarter_hold_to_the_end_of_the_period() {
    let job = [P::man(1).lives(V1, date(2020, 1, 1), None).with(
        employed(),
        date(2025, 2, 10),
        Some(date(2025, 2, 12)),
    )];
    let month = window_engine(
        Window::In {
            period: Period::Month,
        },
        &job,
    );
    assert_eq!(count(&month, date(2025, 2, 9)), "0");
    assert_eq!(count(&month, date(2025, 2, 10)), "1");
    assert_eq!(count(&month, date(2025, 2, 28)), "1");
    assert_eq!(count(&month, date(2025, 3, 1)), "0");
    let quarter = window_engine(
        Window::In {
            period: Period::Quarter,
        },
        &job,
    );
    assert_eq!(count(&quarter, date(2025, 3, 31)), "1");
    assert_eq!(count(&quarter, date(2025, 4, 1)), "0");
    let began = window_engine(
        Window::BeganIn {
            period: Period::Month,
        },
        &job,
    );
    assert_eq!(count(&began, date(2025, 2, 28)), "1");
    assert_eq!(count(&began, date(2025, 3, 1)), "0");
}

#[test]
fn for_a_span_joins_facts_without_a_gap_day() {
    let year = Window::ContinuousFor {
        span: Span {
            years: 1,
            months: 0,
            days: 0,
        },
    };
    let joined = P::man(1)
        .lives(V1, date(2020, 1, 1), None)
        .with(employed(), date(2024, 1, 1), Some(date(2024, 6, 30)))
        .with(employed(), date(2024, 7, 1), None);
    let engine = window_engine(year, &[joined]);
    assert_eq!(count(&engine, date(2024, 12, 30)), "0");
    assert_eq!(count(&engine, date(2024, 12, 31)), "1");
    assert_eq!(count(&engine, date(2026, 5, 1)), "1");
    // One gap day (2024-07-01 missing) restarts the span from 2024-07-02.
    let gap = P::man(1)
        .lives(V1, date(2020, 1, 1), None)
        .with(employed(), date(2024, 1, 1), Some(date(2024, 6, 30)))
        .with(employed(), date(2024, 7, 2), None);
    let engine = window_engine(year, &[gap]);
    assert_eq!(count(&engine, date(2024, 12, 31)), "0");
    assert_eq!(count(&engine, date(2025, 7, 1)), "1");
    assert_eq!(count(&engine, date(2025, 6, 30)), "0");
}
