//! Counting persons: presence by residence, roll-up through every level, boundary
//! days of facts, departures, moves, birthdays (29 February included), and each
//! kind of person predicate of the seed policy: facts with and without filters,
//! `and`, `or`, `not`, age, sex, a wage against a yearly parameter, scaled terms.

use domain::registry::{FactKind, Housing, InsuranceScheme, SchoolKind};
use jiff::civil::date;

use super::support::*;

#[test]
fn present_persons_count_in_their_village_and_add_up_every_level() {
    let persons = [
        P::man(1).lives(V1, date(2024, 1, 1), None),
        P::man(2).lives(V2, date(2024, 1, 1), None),
        P::woman(3).lives(V3, date(2024, 1, 1), None),
        P::woman(4).lives(V4, date(2024, 1, 1), None),
        // Never present: no residence.
        P::man(5),
    ];
    let engine = seed_engine(&[], &persons);
    let on = date(2025, 6, 30);
    let counted = |unit: &str| nd(&engine, unit, "R1", on).0;
    assert_eq!(counted(V1), "1");
    assert_eq!(counted(V2), "1");
    assert_eq!(counted(TOWN_A1), "2");
    assert_eq!(counted(TOWN_A2), "1");
    assert_eq!(counted(DISTRICT_A), "3");
    assert_eq!(counted(DISTRICT_B), "1");
    assert_eq!(counted(CITY), "4");
    // Before anyone arrived.
    assert_eq!(nd(&engine, CITY, "R1", date(2023, 12, 31)).0, "0");
    // evaluate gives the unit, then its valid children.
    let results = engine.evaluate(code(DISTRICT_A), on).unwrap();
    let units: Vec<String> = results
        .iter()
        .filter(|r| r.indicator == "R1")
        .map(|r| r.unit.to_string())
        .collect();
    assert_eq!(units, [DISTRICT_A, TOWN_A1, TOWN_A2]);
    assert_eq!(results.len(), 3 * engine.policy().indicators.len());
}

#[test]
fn a_fact_counts_on_its_last_day_and_not_the_day_after() {
    let persons = [P::man(1)
        .lives(V1, date(2024, 1, 1), None)
        .with(
            FactKind::Employment {
                employer: 7,
                monthly_wage_fen: 300_000,
            },
            date(2025, 1, 1),
            Some(date(2025, 6, 30)),
        )
        .with(
            FactKind::LabourContract { employer: 7 },
            date(2025, 1, 1),
            Some(date(2025, 6, 30)),
        )];
    let engine = seed_engine(&[], &persons);
    assert_eq!(
        nd_at(&engine, &LEVELS_V1, "E1", date(2025, 6, 30)),
        pairs(&[(1, 1); 4])
    );
    assert_eq!(
        nd_at(&engine, &LEVELS_V1, "E1", date(2025, 7, 1)),
        pairs(&[(0, 0); 4])
    );
    assert_eq!(
        nd(&engine, V1, "E1", date(2024, 12, 31)),
        ("0".into(), "0".into())
    );
    let first = result(&engine, V1, "E1", date(2025, 1, 1));
    assert_eq!(first.value, Some(100.0));
    let after = result(&engine, V1, "E1", date(2025, 7, 1));
    assert_eq!(after.value, None, "a zero denominator is no data");
    assert_eq!(after.band, analytics::Band::NoData);
}

#[test]
fn a_departure_dated_d_means_absent_on_d() {
    // The planner closes the residence on D − 1; the engine also honours left_on
    // when a residence was left open.
    let closed = P::man(1)
        .lives(V1, date(2024, 1, 1), Some(date(2025, 2, 28)))
        .left(date(2025, 3, 1));
    let open = P::man(2)
        .lives(V2, date(2024, 1, 1), None)
        .left(date(2025, 3, 1));
    let engine = seed_engine(&[], &[closed, open]);
    assert_eq!(nd(&engine, TOWN_A1, "R1", date(2025, 2, 28)).0, "2");
    assert_eq!(nd(&engine, TOWN_A1, "R1", date(2025, 3, 1)).0, "0");
    assert_eq!(nd(&engine, CITY, "R1", date(2025, 3, 1)).0, "0");
}

#[test]
fn a_move_between_villages_and_districts_moves_the_count_on_its_day() {
    let employed = FactKind::Employment {
        employer: 7,
        monthly_wage_fen: 300_000,
    };
    let mover = P::man(1)
        .lives(V1, date(2024, 1, 1), Some(date(2024, 12, 31)))
        .lives(V2, date(2025, 1, 1), Some(date(2025, 3, 31)))
        .lives(V4, date(2025, 4, 1), None)
        .with(employed, date(2024, 1, 1), None);
    let engine = seed_engine(&[], &[mover]);
    let employed_at = |unit: &str, on| nd(&engine, unit, "E1", on).1;
    let day = date(2024, 12, 31);
    assert_eq!(
        [V1, V2, TOWN_A1, DISTRICT_A, DISTRICT_B, CITY].map(|u| employed_at(u, day)),
        ["1", "0", "1", "1", "0", "1"]
    );
    let day = date(2025, 1, 1);
    assert_eq!(
        [V1, V2, TOWN_A1, DISTRICT_A, DISTRICT_B, CITY].map(|u| employed_at(u, day)),
        ["0", "1", "1", "1", "0", "1"]
    );
    let day = date(2025, 3, 31);
    assert_eq!(
        [V2, DISTRICT_A, V4, DISTRICT_B, CITY].map(|u| employed_at(u, day)),
        ["1", "1", "0", "0", "1"]
    );
    let day = date(2025, 4, 1);
    assert_eq!(
        [V2, DISTRICT_A, V4, TOWN_B1, DISTRICT_B, CITY].map(|u| employed_at(u, day)),
        ["0", "0", "1", "1", "1", "1"]
    );
}

#[test]
fn age_counts_from_the_birthday_itself() {
    use domain::resident_id::Sex;
    // Turns 6 on 2025-05-10; turns 16 on 2025-05-10.
    let six = P::new(1, date(2019, 5, 10), Sex::Male).lives(V1, date(2020, 1, 1), None);
    let sixteen = P::new(2, date(2009, 5, 10), Sex::Female).lives(V1, date(2020, 1, 1), None);
    let engine = seed_engine(&[], &[six, sixteen]);
    // R2: age in 6..15; L1: age >= 16.
    assert_eq!(nd(&engine, V1, "R2", date(2025, 5, 9)).0, "1"); // the 15-year-old
    assert_eq!(nd(&engine, V1, "R2", date(2025, 5, 10)).0, "1"); // the new 6-year-old
    assert_eq!(nd(&engine, V1, "L1", date(2025, 5, 9)).1, "0");
    assert_eq!(nd(&engine, V1, "L1", date(2025, 5, 10)).1, "1");
    // H2: age in 0..6 — the younger one leaves it on the 7th birthday.
    assert_eq!(nd(&engine, V1, "H2", date(2026, 5, 9)).1, "1");
    assert_eq!(nd(&engine, V1, "H2", date(2026, 5, 10)).1, "0");
}

#[test]
fn a_29_february_birthday_is_1_march_in_common_years() {
    use domain::resident_id::Sex;
    let leapling = P::new(1, date(2016, 2, 29), Sex::Female).lives(V1, date(2016, 3, 1), None);
    let adult = P::new(2, date(2000, 2, 29), Sex::Male).lives(V1, date(2010, 1, 1), None);
    let engine = seed_engine(&[], &[leapling, adult]);
    // 2022 is common: the child turns 6 on 1 March.
    assert_eq!(nd(&engine, V1, "R2", date(2022, 2, 28)).0, "0");
    assert_eq!(nd(&engine, V1, "R2", date(2022, 3, 1)).0, "1");
    // 2024 is leap: the child turns 8 on 29 February (still 6..15 either side), and
    // the adult turns 24; in 2016, a leap year, the adult turned 16 on 29 February.
    assert_eq!(nd(&engine, V1, "L1", date(2016, 2, 28)).1, "0");
    assert_eq!(nd(&engine, V1, "L1", date(2016, 2, 29)).1, "1");
    // The child leaves 0..6 on the 7th birthday: 1 March 2023 (common).
    assert_eq!(nd(&engine, V1, "H2", date(2023, 2, 28)).1, "1");
    assert_eq!(nd(&engine, V1, "H2", date(2023, 3, 1)).1, "0");
}

#[test]
fn insurance_schemes_high_risk_jobs_and_tb() {
    let on = date(2025, 6, 30);
    let since = date(2025, 1, 1);
    let job = FactKind::Employment {
        employer: 7,
        monthly_wage_fen: 300_000,
    };
    let insured = |scheme| FactKind::Insurance { scheme };
    let persons = [
        // Employed with pension and medical: E2 yes.
        P::man(1)
            .lives(V1, since, None)
            .with(job.clone(), since, None)
            .with(insured(InsuranceScheme::Pension), since, None)
            .with(insured(InsuranceScheme::Medical), since, None),
        // Employed with pension only; medical ended the day before.
        P::man(2)
            .lives(V2, since, None)
            .with(job.clone(), since, None)
            .with(insured(InsuranceScheme::Pension), since, None)
            .with(
                insured(InsuranceScheme::Medical),
                since,
                Some(date(2025, 6, 29)),
            ),
        // High-risk job, work-injury insured; and a TB case treated free.
        P::man(3)
            .lives(V3, since, None)
            .with(FactKind::HighRiskJob, since, None)
            .with(insured(InsuranceScheme::WorkInjury), since, None)
            .with(FactKind::TbCase, since, None)
            .with(FactKind::TbFreeTreatment, since, None),
        // High-risk job insured for pension only (not work injury); TB untreated.
        P::man(4)
            .lives(V4, since, None)
            .with(FactKind::HighRiskJob, since, None)
            .with(insured(InsuranceScheme::Pension), since, None)
            .with(FactKind::TbCase, since, None),
    ];
    let engine = seed_engine(&[], &persons);
    assert_eq!(
        nd_at(&engine, &[V1, V2, TOWN_A1, DISTRICT_A, CITY], "E2", on),
        pairs(&[(1, 1), (0, 1), (1, 2), (1, 2), (1, 2)])
    );
    assert_eq!(
        nd_at(
            &engine,
            &[V3, TOWN_A2, DISTRICT_A, V4, DISTRICT_B, CITY],
            "E3",
            on
        ),
        pairs(&[(1, 1), (1, 1), (1, 1), (0, 1), (0, 1), (1, 2)])
    );
    assert_eq!(
        nd_at(&engine, &[V3, DISTRICT_A, DISTRICT_B, CITY], "H1", on),
        pairs(&[(1, 1), (1, 1), (0, 1), (1, 2)])
    );
    assert_eq!(
        nd(&engine, CITY, "E2", date(2025, 6, 29)),
        ("2".into(), "2".into())
    );
}

#[test]
fn schooling_children_and_mothers() {
    use domain::resident_id::Sex;
    let on = date(2025, 6, 30);
    let schooled = |school| FactKind::Schooling { school };
    let persons = [
        // 8 years old in a public school.
        P::new(1, date(2017, 1, 1), Sex::Male)
            .lives(V1, date(2020, 1, 1), None)
            .with(schooled(SchoolKind::Public), date(2023, 9, 1), None),
        // 9 years old in a migrant children's school.
        P::new(2, date(2016, 1, 1), Sex::Female)
            .lives(V1, date(2020, 1, 1), None)
            .with(
                schooled(SchoolKind::MigrantChildren),
                date(2023, 9, 1),
                None,
            ),
        // 3 years old, immunised, under child care.
        P::new(3, date(2022, 1, 1), Sex::Female)
            .lives(V2, date(2022, 1, 1), None)
            .with(FactKind::ImmunisationUpToDate, date(2022, 1, 1), None)
            .with(FactKind::ChildCare, date(2022, 1, 1), None),
        // 4 years old, neither.
        P::new(4, date(2021, 1, 1), Sex::Male).lives(V2, date(2022, 1, 1), None),
        // Pregnant, under maternal care; and pregnant without it.
        P::woman(5)
            .lives(V3, date(2022, 1, 1), None)
            .with(FactKind::Pregnancy, date(2025, 1, 1), None)
            .with(FactKind::MaternalCare, date(2025, 2, 1), None),
        P::woman(6).lives(V4, date(2022, 1, 1), None).with(
            FactKind::Pregnancy,
            date(2025, 1, 1),
            None,
        ),
    ];
    let engine = seed_engine(&[], &persons);
    assert_eq!(nd(&engine, V1, "D1", on), ("1".into(), "2".into()));
    assert_eq!(nd(&engine, TOWN_A1, "H2", on), ("1".into(), "2".into()));
    // H3: (0..6 and child care) or (pregnant and maternal care) / (0..6 or pregnant).
    assert_eq!(
        nd_at(&engine, &[V2, V3, DISTRICT_A, DISTRICT_B, CITY], "H3", on),
        pairs(&[(1, 2), (1, 1), (2, 3), (0, 1), (2, 4)])
    );
    // Before maternal care began.
    assert_eq!(
        nd(&engine, V3, "H3", date(2025, 1, 31)),
        ("0".into(), "1".into())
    );
}

#[test]
fn family_planning_counts_married_women_of_15_to_49() {
    use domain::resident_id::Sex;
    let on = date(2025, 6, 30);
    let married = date(2020, 1, 1);
    let persons = [
        // 35, married, contract and certificate checked, served this year.
        P::woman(1)
            .lives(V1, married, None)
            .with(FactKind::Married, married, None)
            .with(FactKind::FamilyPlanningContract, married, None)
            .with(FactKind::FamilyPlanningCertificateCheck, married, None)
            .with(
                FactKind::FamilyPlanningService,
                date(2025, 3, 1),
                Some(date(2025, 3, 1)),
            ),
        // Married, served last year only.
        P::woman(2)
            .lives(V1, married, None)
            .with(FactKind::Married, married, None)
            .with(
                FactKind::FamilyPlanningService,
                date(2024, 3, 1),
                Some(date(2024, 3, 1)),
            ),
        // Turns 50 on 2025-06-30: out of 15..49 that day.
        P::new(3, date(1975, 6, 30), Sex::Female)
            .lives(V1, married, None)
            .with(FactKind::Married, married, None),
        // A married man: not counted.
        P::man(4)
            .lives(V1, married, None)
            .with(FactKind::Married, married, None),
        // Unmarried woman: not counted.
        P::woman(5).lives(V1, married, None),
    ];
    let engine = seed_engine(&[], &persons);
    assert_eq!(nd(&engine, V1, "F1", on), ("1".into(), "2".into()));
    assert_eq!(nd(&engine, V1, "F2", on), ("1".into(), "2".into()));
    assert_eq!(nd(&engine, CITY, "F3", on), ("1".into(), "2".into()));
    assert_eq!(
        nd(&engine, V1, "F1", date(2025, 6, 29)),
        ("1".into(), "3".into())
    );
    assert_eq!(
        nd(&engine, V1, "F1", date(2024, 12, 31)),
        ("1".into(), "3".into())
    );
}

#[test]
fn the_minimum_wage_is_the_parameter_of_the_dates_year() {
    let job = |fen| FactKind::Employment {
        employer: 7,
        monthly_wage_fen: fen,
    };
    let persons = [
        // 2,500 yuan: enough in 2024 and 2025 (2,490), not in 2026 (2,620).
        P::man(1)
            .lives(V1, date(2023, 1, 1), None)
            .with(job(250_000), date(2023, 1, 1), None),
        // 2,700 yuan: always enough.
        P::man(2)
            .lives(V1, date(2023, 1, 1), None)
            .with(job(270_000), date(2023, 1, 1), None),
        // Exactly the minimum: enough.
        P::man(3)
            .lives(V2, date(2023, 1, 1), None)
            .with(job(249_000), date(2023, 1, 1), None),
    ];
    let engine = seed_engine(&[], &persons);
    assert_eq!(
        nd(&engine, TOWN_A1, "E6", date(2025, 12, 31)),
        ("3".into(), "3".into())
    );
    assert_eq!(
        nd(&engine, TOWN_A1, "E6", date(2026, 1, 1)),
        ("1".into(), "3".into())
    );
    // After the last listed year the last minimum stays in force.
    assert_eq!(
        nd(&engine, TOWN_A1, "E6", date(2027, 6, 1)),
        ("1".into(), "3".into())
    );
    // Before the first listed year no minimum is known.
    assert_eq!(
        nd(&engine, TOWN_A1, "E6", date(2023, 6, 1)),
        ("0".into(), "3".into())
    );
    // E6 is tracked: a value but no band.
    assert_eq!(
        result(&engine, TOWN_A1, "E6", date(2026, 1, 1)).band,
        analytics::Band::NoTarget
    );
}

#[test]
fn scaled_terms_and_not_add_exactly() {
    // R10's denominator: concentrated / 1000 + not concentrated / 400.
    let on = date(2025, 6, 30);
    let since = date(2024, 1, 1);
    let persons = [
        P::man(1).lives_as(V1, Housing::ConcentratedZone, since, None),
        P::man(2).lives(V1, since, None),
        P::man(3).lives_as(V1, Housing::OwnHome, since, None),
        P::man(4).lives(V4, since, None),
        // Moved out of the zone into a rented house the day before `on`.
        P::man(5)
            .lives_as(
                V4,
                Housing::ConcentratedZone,
                since,
                Some(date(2025, 6, 28)),
            )
            .lives(V4, date(2025, 6, 29), None),
    ];
    let engine = seed_engine(&[], &persons);
    // V1: 1/1000 + 2/400 = 0.006.
    assert_eq!(nd(&engine, V1, "R10", on).1, "0.006");
    // V4: 0 + 2/400 = 0.005; city: 1/1000 + 4/400 = 0.011.
    assert_eq!(nd(&engine, V4, "R10", on).1, "0.005");
    assert_eq!(nd(&engine, CITY, "R10", on).1, "0.011");
    assert_eq!(nd(&engine, V4, "R10", date(2025, 6, 28)).1, "0.0035");
    // No assistants: 0 / 0.011 = 0 %, red.
    let r = result(&engine, CITY, "R10", on);
    assert_eq!(r.value, Some(0.0));
    assert_eq!(r.band, analytics::Band::Red);
}
