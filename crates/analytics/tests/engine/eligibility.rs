//! 新市民资格 — the permit's criteria for one person as of a date (each criterion's
//! edges: exactly one year, a gap, income ending the day before, the year's minimum
//! wage, family planning), the same engine under the national 2015 rules, and the
//! counts per unit read from the index.

use analytics::{Eligibility, Engine, Stretch};
use domain::policy::{Policy, parse};
use domain::registry::{FactKind, Housing, SchoolKind};
use jiff::civil::{Date, date};

use super::support::*;

fn permit() -> FactKind {
    FactKind::TemporaryResidencePermit {
        number: "暂320205001".into(),
    }
}

fn job(wage: i64) -> FactKind {
    FactKind::Employment {
        employer: 7,
        monthly_wage_fen: wage,
    }
}

/// A man with a temporary permit since 2023, renting in V1 from 2024-06-01 and
/// working from then at 3,000 yuan a month: a new citizen from 2025-05-31.
fn settled(id: i64) -> P {
    P::man(id)
        .with(permit(), date(2023, 1, 1), None)
        .lives(V1, date(2024, 6, 1), None)
        .with(job(300_000), date(2024, 6, 1), None)
}

fn national() -> Policy {
    parse(
        "policy/national-2015.toml",
        include_str!("../../../../policy/national-2015.toml"),
    )
    .unwrap()
}

fn check(engine: &Engine, person: &P, on: Date) -> Eligibility {
    engine.eligibility(person.state(), on).unwrap()
}

/// The ids of the criteria failed.
fn failed(engine: &Engine, person: &P, on: Date) -> Vec<String> {
    check(engine, person, on)
        .criteria
        .into_iter()
        .filter(|c| !c.passed)
        .map(|c| c.id)
        .collect()
}

fn stretch(from: Option<Date>, through: Option<Date>) -> Option<Stretch> {
    Some(Stretch { from, through })
}

#[test]
fn continuous_residence_passes_on_the_day_it_has_lasted_exactly_one_year() {
    let person = settled(1);
    let engine = seed_engine(&[], &[]);
    assert_eq!(failed(&engine, &person, date(2025, 5, 30)), ["b"]);
    let on_the_day = check(&engine, &person, date(2025, 5, 31));
    assert!(on_the_day.eligible);
    let b = &on_the_day.criteria[1];
    assert_eq!(
        (b.id.as_str(), b.clause.as_str()),
        ("b", "新市民定义（末段）")
    );
    assert_eq!(b.tests[0].test, "residence for 1 year");
    assert_eq!(b.tests[0].during, stretch(Some(date(2025, 5, 31)), None));
}

#[test]
fn a_day_without_a_residence_starts_the_year_again() {
    let with_gap = P::man(1)
        .with(permit(), date(2023, 1, 1), None)
        .lives(V1, date(2023, 1, 1), Some(date(2024, 5, 30)))
        .lives(V2, date(2024, 6, 1), None)
        .with(job(300_000), date(2023, 1, 1), None);
    let moved_next_day = P::man(2)
        .with(permit(), date(2023, 1, 1), None)
        .lives(V1, date(2023, 1, 1), Some(date(2024, 5, 31)))
        .lives(V2, date(2024, 6, 1), None)
        .with(job(300_000), date(2023, 1, 1), None);
    let engine = seed_engine(&[], &[]);
    let on = date(2025, 5, 30);
    assert!(check(&engine, &moved_next_day, on).eligible);
    let explained = check(&engine, &with_gap, on);
    assert!(!explained.eligible);
    let b = &explained.criteria[1].tests[0];
    assert!(!b.holds);
    // A year was reached before the gap, and will be again a year after it.
    assert_eq!(
        b.before,
        stretch(Some(date(2023, 12, 31)), Some(date(2024, 5, 30)))
    );
    assert_eq!(b.after, stretch(Some(date(2025, 5, 31)), None));
    assert_eq!(b.used.len(), 2, "both residences are shown");
}

#[test]
fn income_is_checked_on_the_date_asked() {
    let ended = settled(1);
    let mut ended = ended.clone();
    let last_day = date(2025, 9, 30);
    ended.facts[2].to = Some(last_day);
    let engine = seed_engine(&[], &[]);
    assert!(check(&engine, &ended, last_day).eligible);
    let next_day = check(&engine, &ended, date(2025, 10, 1));
    assert_eq!(failed(&engine, &ended, date(2025, 10, 1)), ["d"]);
    let d = &next_day.criteria[3].tests[0];
    assert_eq!(d.before, stretch(Some(date(2024, 6, 1)), Some(last_day)));
    assert_eq!(d.during, None);
}

#[test]
fn the_minimum_wage_is_the_one_of_the_year_asked() {
    // 2,500 yuan reaches 2025's minimum (2,490) but not 2026's (2,620).
    let person = P::man(1)
        .with(permit(), date(2023, 1, 1), None)
        .lives(V1, date(2023, 1, 1), None)
        .with(job(250_000), date(2023, 1, 1), None);
    let engine = seed_engine(&[], &[]);
    assert!(check(&engine, &person, date(2025, 12, 31)).eligible);
    assert_eq!(failed(&engine, &person, date(2026, 1, 1)), ["d"]);
}

#[test]
fn a_married_woman_of_childbearing_age_needs_a_check_or_a_contract() {
    let married = |id| {
        let mut p = settled(id).with(FactKind::Married, date(2015, 1, 1), None);
        p.person.sex = domain::resident_id::Sex::Female;
        p
    };
    let unchecked = married(1);
    let contract = married(2).with(FactKind::FamilyPlanningContract, date(2024, 1, 1), None);
    let man = settled(3).with(FactKind::Married, date(2015, 1, 1), None);
    let on = date(2025, 6, 1);
    let engine = seed_engine(&[], &[]);
    assert_eq!(failed(&engine, &unchecked, on), ["e"]);
    assert!(check(&engine, &contract, on).eligible);
    assert!(check(&engine, &man, on).eligible);
    // At 50 she is past childbearing age (15..49) and complies.
    let older = date(2040, 6, 15);
    assert!(
        check(&engine, &unchecked, older).criteria[4].passed,
        "no longer of childbearing age"
    );
}

#[test]
fn without_a_temporary_permit_criterion_a_fails() {
    let mut person = settled(1);
    person.facts.remove(0);
    let engine = seed_engine(&[], &[]);
    assert_eq!(failed(&engine, &person, date(2025, 6, 1)), ["a"]);
}

#[test]
fn the_national_rules_need_half_a_year_and_one_of_job_home_or_school() {
    let engine = engine_with(&national(), &[], &[]);
    // A dormitory without a job meets none of the three.
    let dormitory = P::man(1).lives_as(V1, Housing::EmployerDormitory, date(2025, 1, 1), None);
    let pupil = P::new(2, date(2014, 3, 1), domain::resident_id::Sex::Female)
        .lives_as(V1, Housing::EmployerDormitory, date(2025, 1, 1), None)
        .with(
            FactKind::Schooling {
                school: SchoolKind::Public,
            },
            date(2025, 9, 1),
            None,
        );
    // Six months are enough: "以上" includes the number.
    assert_eq!(failed(&engine, &pupil, date(2025, 6, 30)), ["a", "b"]);
    assert_eq!(failed(&engine, &pupil, date(2025, 7, 1)), ["b"]);
    assert!(check(&engine, &pupil, date(2025, 9, 1)).eligible);
    assert_eq!(failed(&engine, &dormitory, date(2025, 9, 1)), ["b"]);
    let clause = &check(&engine, &pupil, date(2025, 9, 1)).criteria[0].clause;
    assert_eq!(clause, "第二条");
}

#[test]
fn a_departed_person_is_not_eligible() {
    let person = settled(1).left(date(2025, 8, 1));
    let engine = seed_engine(&[], &[]);
    assert!(check(&engine, &person, date(2025, 7, 31)).eligible);
    let gone = check(&engine, &person, date(2025, 8, 1));
    assert!(!gone.present && !gone.eligible);
}

#[test]
fn counts_per_unit_come_from_the_index() {
    let persons = [
        settled(1),
        settled(2),
        // No job: fails d.
        P::man(3)
            .with(permit(), date(2023, 1, 1), None)
            .lives(V2, date(2023, 1, 1), None),
        // In another district, not yet a year: fails b.
        P::man(4)
            .with(permit(), date(2023, 1, 1), None)
            .lives(V4, date(2025, 1, 1), None)
            .with(job(300_000), date(2025, 1, 1), None),
    ];
    let engine = seed_engine(&[], &persons);
    let counts = engine.new_citizens(code(CITY), date(2025, 6, 1)).unwrap();
    let city = &counts[0];
    assert_eq!((city.present, city.eligible), (4, 2));
    let passing: Vec<i64> = city.passing.iter().map(|(_, n)| *n).collect();
    assert_eq!(passing, [4, 3, 4, 3, 4]);
    let districts: Vec<(String, i64)> = counts[1..]
        .iter()
        .map(|c| (c.unit.to_string(), c.eligible))
        .collect();
    assert_eq!(
        districts,
        [
            (DISTRICT_A.to_string(), 2),
            (DISTRICT_B.to_string(), 0),
            (NEW_DISTRICT.to_string(), 0)
        ]
    );
    // And each count agrees with asking person by person.
    let one_by_one = persons
        .iter()
        .filter(|p| check(&engine, p, date(2025, 6, 1)).eligible)
        .count();
    assert_eq!(one_by_one, 2);
}

#[test]
fn an_explanation_names_the_facts_and_dates_it_used() {
    let engine = seed_engine(&[], &[]);
    insta::assert_json_snapshot!(check(&engine, &settled(1), date(2025, 5, 31)));
}

#[test]
fn a_policy_without_a_permit_has_no_criteria() {
    let mut policy = super::seed::policy();
    policy.permit = None;
    let engine = engine_with(&policy, &[], &[]);
    let error = engine.eligibility(settled(1).state(), date(2025, 6, 1));
    assert_eq!(
        error.unwrap_err().message().to_string(),
        "政策文件没有 [permit] 部分，因而没有新市民条件 / expected a policy with a [permit] section, but found none"
    );
}

fn held(number: &str) -> FactKind {
    FactKind::ResidencePermit {
        number: number.into(),
    }
}

/// P1 by hand. The seed rollout: preparation in 2024, a pilot in 2025 in 320281,
/// 320205, 320206 and 320211 (so the small city's districts A and B, not 320213),
/// citywide in 2026.
#[test]
fn p1_counts_permits_of_new_citizens_where_the_rollout_has_reached() {
    let persons = [
        // A new citizen of district A holding a permit from 2025-06-10.
        settled(1).with(
            held("3202052025000001"),
            date(2025, 6, 10),
            Some(date(2027, 6, 9)),
        ),
        // A new citizen of district A without one.
        settled(2),
        // A new citizen of 320213, which the pilot does not reach.
        P::man(3)
            .with(permit(), date(2023, 1, 1), None)
            .lives(V5, date(2024, 6, 1), None)
            .with(job(300_000), date(2024, 6, 1), None),
        // A holder in district B whose job ended on 2025-06-30: no longer eligible.
        P::man(4)
            .with(permit(), date(2023, 1, 1), None)
            .lives(V4, date(2024, 1, 1), None)
            .with(job(300_000), date(2024, 1, 1), Some(date(2025, 6, 30)))
            .with(
                held("3202062025000004"),
                date(2025, 6, 1),
                Some(date(2027, 5, 31)),
            ),
    ];
    let engine = seed_engine(&[], &persons);
    let p1 = |unit, on| nd(&engine, unit, "P1", on);
    // 2024 is preparation: nobody is counted; 0/0 is no data.
    assert_eq!(p1(CITY, date(2024, 12, 31)), ("0".into(), "0".into()));
    assert!(
        result(&engine, CITY, "P1", date(2024, 12, 31))
            .value
            .is_none()
    );
    // 2025-06-20: persons 1, 2 and 4 are new citizens in pilot districts; 1 and 4
    // hold permits.
    assert_eq!(p1(CITY, date(2025, 6, 20)), ("2".into(), "3".into()));
    assert_eq!(p1(DISTRICT_B, date(2025, 6, 20)), ("1".into(), "1".into()));
    // 2025-07-01: person 4 is no longer eligible.
    assert_eq!(p1(CITY, date(2025, 7, 1)), ("1".into(), "2".into()));
    assert_eq!(p1(NEW_DISTRICT, date(2025, 7, 1)), ("0".into(), "0".into()));
    // 2026: citywide, person 3 is counted.
    assert_eq!(p1(CITY, date(2026, 1, 1)), ("1".into(), "3".into()));
    assert_eq!(p1(NEW_DISTRICT, date(2026, 1, 1)), ("0".into(), "1".into()));
    // After the plan no stage applies.
    assert_eq!(p1(CITY, date(2027, 1, 1)), ("0".into(), "0".into()));
}

#[test]
fn rollout_reached_is_explained_with_the_residences() {
    let person = P::man(1)
        .with(permit(), date(2023, 1, 1), None)
        .lives(V1, date(2023, 1, 1), Some(date(2025, 3, 31)))
        .lives(V5, date(2025, 4, 1), None)
        .with(job(300_000), date(2023, 1, 1), None);
    let mut policy = super::seed::policy();
    policy.permit.as_mut().unwrap().criteria[0].test =
        domain::policy::PersonPredicate::RolloutReached;
    let engine = engine_with(&policy, &[], &[]);
    let explained = check(&engine, &person, date(2025, 5, 1));
    let a = &explained.criteria[0].tests[0];
    assert_eq!(a.test, "rollout_reached");
    // Reached while in district A in 2025; not since the move to 320213; again from 2026.
    assert_eq!(
        a.before,
        stretch(Some(date(2025, 1, 1)), Some(date(2025, 3, 31)))
    );
    assert_eq!(
        a.after,
        stretch(Some(date(2026, 1, 1)), Some(date(2026, 12, 31)))
    );
    assert_eq!(a.used.len(), 2);
}

fn granted(engine: &Engine, person: &P, on: Date) -> Vec<String> {
    engine
        .entitlements(person.state(), on)
        .unwrap()
        .into_iter()
        .filter(|e| e.granted)
        .map(|e| e.id)
        .collect()
}

#[test]
fn a_holder_has_the_entitlements_whose_tests_hold() {
    let holder = settled(1).with(
        held("3202052025000001"),
        date(2025, 6, 10),
        Some(date(2026, 6, 9)),
    );
    let engine = seed_engine(&[], &[]);
    let all = [
        "children_schooling",
        "family_planning",
        "health",
        "social_insurance",
        "licences",
        "science_projects",
        "public_hiring",
        "qualifications",
        "model_workers",
    ];
    assert_eq!(granted(&engine, &holder, date(2025, 7, 1)), all);
    // Without a job, social insurance and model-worker selection are not open.
    let mut jobless = holder.clone();
    jobless.facts[2].to = Some(date(2025, 6, 30));
    let without: Vec<&str> = all
        .iter()
        .copied()
        .filter(|id| !["social_insurance", "model_workers"].contains(id))
        .collect();
    assert_eq!(granted(&engine, &jobless, date(2025, 7, 1)), without);
    let outcome = engine
        .entitlements(jobless.state(), date(2025, 7, 1))
        .unwrap();
    assert_eq!(
        outcome[3].reason.en,
        "holds a residence permit, but `employment` does not hold on 2025-07-01"
    );
    // Before the permit and after it expires, nothing.
    assert!(granted(&engine, &holder, date(2025, 6, 9)).is_empty());
    assert!(granted(&engine, &holder, date(2026, 6, 10)).is_empty());
    assert_eq!(
        engine
            .entitlements(holder.state(), date(2026, 6, 10))
            .unwrap()[0]
            .reason
            .zh,
        "2026-06-10 未持有有效居住证"
    );
}

#[test]
fn the_national_rules_list_their_own_entitlements() {
    let engine = engine_with(&national(), &[], &[]);
    let holder = settled(1).with(held("3202052025000001"), date(2025, 6, 10), None);
    let ids = granted(&engine, &holder, date(2025, 7, 1));
    assert_eq!(
        ids.first().map(String::as_str),
        Some("compulsory_education")
    );
    assert_eq!(ids.len(), 9);
}
