//! Tests of the policy files: both shipped files parse, the seed policy has every
//! indicator of REQUIREMENTS §4 with its targets and the permit's rollout and criteria,
//! and the language knows every fact kind. Helpers for the other test modules.

use super::*;
use crate::registry::{FactKind, Housing, InsuranceScheme};

/// A small valid policy; tests replace one line of it.
pub(super) const BASE: &str = r#"[policy]
zh = "测试政策"
en = "Test policy"
city = "3202"
plan_years = [2024, 2025, 2026]

[bands]
yellow_within = 10

[parameters]
per_assistant = 400
zero = 0
minimum_wage_fen = { 2024 = 249000, 2025 = 249000, 2026 = 262000 }
partial_wage = { 2024 = 249000, 2025 = 249000 }

[[indicator]]
id = "X1"
zh = "测试指标"
en = "Test indicator"
clause = "§0"
unit = "percent"
direction = "at_least"
targets = [60, 70, 80]
numerator = "count(persons: employment and labour_contract)"
denominator = "count(persons: employment)"
"#;

/// `BASE` with the line `line` replaced by `with`.
pub(super) fn base_with(line: &str, with: &str) -> String {
    assert!(BASE.contains(line), "BASE has no line {line:?}");
    BASE.replacen(line, with, 1)
}

/// The numerator `text` as parsed.
pub(super) fn expr(text: &str) -> Expr {
    let file = base_with(
        r#"numerator = "count(persons: employment and labour_contract)""#,
        &format!("numerator = {text:?}"),
    );
    let policy = parse("test.toml", &file).unwrap_or_else(|e| panic!("{e}"));
    policy.indicators[0].numerator.clone()
}

/// The predicate of `count(persons: text)`.
pub(super) fn person(text: &str) -> PersonPredicate {
    match expr(&format!("count(persons: {text})"))
        .terms
        .remove(0)
        .term
    {
        Term::CountPersons { filter: Some(p) } => p,
        other => panic!("{other:?}"),
    }
}

pub(super) fn fact(kind: &str) -> PersonPredicate {
    PersonPredicate::Fact {
        kind: kind.into(),
        filters: vec![],
        window: Window::On,
    }
}

pub(super) fn whole(n: i64) -> Rational {
    Rational::whole(n)
}

#[test]
fn seed_policy_parses() {
    let policy = Policy::seed();
    assert_eq!(policy.city.to_string(), "3202");
    assert_eq!(policy.plan_years, [2024, 2025, 2026]);
    assert!(!policy.intra_city_moves_count);
    assert_eq!(policy.bands.yellow_within, whole(10));
    let permit = policy.permit.as_ref().expect("the seed has a permit");
    let stages: Vec<_> = permit
        .rollout
        .iter()
        .map(|s| (s.plan_year, s.stage.as_str(), s.all, s.accepts_applications))
        .collect();
    assert_eq!(
        stages,
        [
            (0, "preparation", false, false),
            (1, "pilot", false, true),
            (2, "citywide", true, true)
        ]
    );
    let districts: Vec<String> = permit.rollout[0]
        .districts
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(districts, ["320281", "320205", "320206", "320211"]);
    assert_eq!(permit.rollout[1].districts, permit.rollout[0].districts);
    let ids: Vec<&str> = permit.criteria.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(permit.criteria[0].test, fact("temporary_residence_permit"));
    let year = Span {
        years: 1,
        months: 0,
        days: 0,
    };
    assert_eq!(
        permit.criteria[1].test,
        PersonPredicate::Fact {
            kind: "residence".into(),
            filters: vec![],
            window: Window::ContinuousFor { span: year }
        }
    );
    let wage = vec![(2024, 249_000), (2025, 249_000), (2026, 262_000)];
    assert_eq!(
        permit.criteria[3].test,
        PersonPredicate::Fact {
            kind: "employment".into(),
            filters: vec![FactFilter::WageAtLeast { by_year: wage }],
            window: Window::On
        }
    );
}

#[test]
fn national_policy_parses_with_the_same_indicators() {
    let text = include_str!("../../../../policy/national-2015.toml");
    let national = parse("policy/national-2015.toml", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(national.indicators, Policy::seed().indicators);
    let permit = national.permit.expect("the national rules are a permit");
    assert!(
        permit
            .rollout
            .iter()
            .all(|stage| stage.all && stage.accepts_applications)
    );
    let six_months = Span {
        years: 0,
        months: 6,
        days: 0,
    };
    assert_eq!(
        permit.criteria[0].test,
        PersonPredicate::Fact {
            kind: "residence".into(),
            filters: vec![],
            window: Window::ContinuousFor { span: six_months }
        }
    );
    let PersonPredicate::Or { any } = &permit.criteria[1].test else {
        panic!("one of several")
    };
    assert_eq!(any.first(), Some(&fact("employment")));
    assert_eq!(any.last(), Some(&fact("schooling")));
}

/// REQUIREMENTS §4, row by row (P1 is left out: see the seed file's header).
#[test]
fn every_indicator_of_the_requirements_with_its_targets() {
    use Direction::*;
    let n = |t: [i64; 3]| t.map(|v| Some(whole(v))).to_vec();
    let all = |v: i64| n([v, v, v]);
    let rows: Vec<(&str, Direction, ValueUnit, Vec<Option<Rational>>)> = vec![
        ("R1", AtLeast, ValueUnit::Percent, all(90)),
        ("R2", AtLeast, ValueUnit::Percent, all(95)),
        ("R3", AtLeast, ValueUnit::Percent, all(100)),
        ("R4", AtLeast, ValueUnit::Percent, all(100)),
        ("R5", AtLeast, ValueUnit::Percent, all(95)),
        ("R6", AtLeast, ValueUnit::Percent, n([80, 85, 90])),
        (
            "R7",
            AtLeast,
            ValueUnit::SquareMetres,
            vec![None, None, Some(whole(500_000))],
        ),
        ("R8", AtLeast, ValueUnit::Percent, all(30)),
        ("R9", AtLeast, ValueUnit::Percent, all(100)),
        ("R10", AtLeast, ValueUnit::Percent, all(100)),
        ("R11", AtLeast, ValueUnit::Percent, all(100)),
        ("E1", AtLeast, ValueUnit::Percent, n([60, 70, 80])),
        ("E2", AtLeast, ValueUnit::Percent, all(100)),
        ("E3", AtLeast, ValueUnit::Percent, all(100)),
        ("E4", AtLeast, ValueUnit::Percent, all(80)),
        ("E5", AtLeast, ValueUnit::Percent, n([60, 80, 90])),
        (
            "E5N",
            AtLeast,
            ValueUnit::Count,
            vec![Some(whole(80_000)), None, None],
        ),
        ("E6", Tracked, ValueUnit::Percent, vec![]),
        ("E7", Tracked, ValueUnit::Percent, vec![]),
        ("E7A", Tracked, ValueUnit::Percent, vec![]),
        ("D1", AtLeast, ValueUnit::Percent, all(90)),
        ("D2", AtLeast, ValueUnit::Percent, all(100)),
        ("H1", AtLeast, ValueUnit::Percent, all(80)),
        ("H2", AtLeast, ValueUnit::Percent, n([75, 80, 85])),
        ("H3", AtLeast, ValueUnit::Percent, n([60, 70, 80])),
        ("F1", AtLeast, ValueUnit::Percent, all(80)),
        ("F2", AtLeast, ValueUnit::Percent, all(85)),
        ("F3", AtLeast, ValueUnit::Percent, all(85)),
        ("L1", AtLeast, ValueUnit::Percent, all(80)),
        ("L2", AtLeast, ValueUnit::Percent, n([70, 85, 95])),
        ("L3", AtLeast, ValueUnit::Percent, all(100)),
        ("L4", AtMost, ValueUnit::Permille, all(3)),
        ("P1", Tracked, ValueUnit::Percent, vec![]),
    ];
    let seed = Policy::seed();
    let ids: Vec<&str> = seed.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, rows.iter().map(|r| r.0).collect::<Vec<_>>());
    for (indicator, (id, direction, unit, targets)) in seed.indicators.iter().zip(rows) {
        assert_eq!(
            (indicator.direction, indicator.unit, &indicator.targets),
            (direction, unit, &targets),
            "{id}"
        );
        let amount = matches!(unit, ValueUnit::SquareMetres | ValueUnit::Count);
        assert_eq!(indicator.denominator.is_none(), amount, "{id}");
        assert!(
            !indicator.clause.is_empty() && !indicator.zh.is_empty(),
            "{id}"
        );
    }
    let r7 = &seed.indicators[6];
    assert_eq!(r7.stretch, Some(whole(700_000)));
}

/// `FactKind::NAMES` lists every kind's name, in order; the match below stops
/// compiling when a kind is added, as a reminder to add its name.
#[test]
fn fact_kind_names() {
    fn _every_kind_listed(kind: &FactKind) {
        match kind {
            FactKind::Residence { .. }
            | FactKind::Employment { .. }
            | FactKind::LabourContract { .. }
            | FactKind::Insurance { .. }
            | FactKind::HighRiskJob
            | FactKind::UnionMembership
            | FactKind::SkillsTraining
            | FactKind::Schooling { .. }
            | FactKind::VaccinationCertificateChecked
            | FactKind::ImmunisationUpToDate
            | FactKind::ChildCare
            | FactKind::Pregnancy
            | FactKind::MaternalCare
            | FactKind::TbCase
            | FactKind::TbFreeTreatment
            | FactKind::Married
            | FactKind::FamilyPlanningService
            | FactKind::FamilyPlanningCertificateCheck
            | FactKind::FamilyPlanningContract
            | FactKind::LegalEducation
            | FactKind::TemporaryResidencePermit { .. }
            | FactKind::ResidencePermit { .. } => {}
        }
    }
    let kinds = [
        FactKind::Residence {
            housing: Housing::OwnHome,
            unit: "3202".parse().unwrap(),
            place: None,
        },
        FactKind::Employment {
            employer: 1,
            monthly_wage_fen: 1,
        },
        FactKind::LabourContract { employer: 1 },
        FactKind::Insurance {
            scheme: InsuranceScheme::Pension,
        },
        FactKind::HighRiskJob,
        FactKind::UnionMembership,
        FactKind::SkillsTraining,
        FactKind::Schooling {
            school: crate::registry::SchoolKind::Public,
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
        FactKind::TemporaryResidencePermit { number: "1".into() },
        FactKind::ResidencePermit { number: "2".into() },
    ];
    let names: Vec<&str> = kinds.iter().map(FactKind::name).collect();
    assert_eq!(names, FactKind::NAMES);
    let by_index: Vec<&str> = kinds.iter().map(|k| FactKind::NAMES[k.index()]).collect();
    assert_eq!(by_index, FactKind::NAMES);
}

#[test]
fn p1_reads_the_permits_the_criteria_and_the_rollout() {
    let p1 = Policy::seed()
        .indicators
        .iter()
        .find(|indicator| indicator.id == "P1")
        .expect("the seed has P1");
    let Term::CountPersons {
        filter: Some(filter),
    } = &p1.numerator.terms[0].term
    else {
        panic!("a count of persons")
    };
    assert_eq!(
        filter,
        &PersonPredicate::And {
            all: vec![
                fact("residence_permit"),
                PersonPredicate::NewCitizen,
                PersonPredicate::RolloutReached
            ]
        }
    );
    assert_eq!(
        filter.to_string(),
        "residence_permit and new_citizen and rollout_reached"
    );
}

#[test]
fn the_rollout_reaches_a_district_by_year_and_stage() {
    let policy = Policy::seed();
    let binhu: crate::division::DivisionCode = "320211001003".parse().unwrap();
    let liangxi: crate::division::DivisionCode = "320213021001".parse().unwrap();
    let on = |y, m, d| jiff::civil::Date::new(y, m, d).unwrap();
    let refused = |unit, date| policy.rollout_reaches(unit, date).unwrap_err().message.en;
    assert!(refused(binhu, on(2024, 12, 31)).contains("preparation stage"));
    assert_eq!(
        policy.rollout_reaches(binhu, on(2025, 1, 1)).unwrap().stage,
        "pilot"
    );
    assert!(refused(liangxi, on(2025, 6, 1)).contains("but found 320213"));
    assert_eq!(
        policy
            .rollout_reaches(liangxi, on(2026, 1, 1))
            .unwrap()
            .stage,
        "citywide"
    );
    assert!(refused(binhu, on(2027, 1, 1)).contains("a year of the permit's rollout"));
}

#[test]
fn entitlements_are_read_with_their_tests() {
    let permit = Policy::seed().permit.as_ref().unwrap();
    let ids: Vec<&str> = permit.entitlements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), 9);
    let insurance = &permit.entitlements[3];
    assert_eq!(
        (insurance.id.as_str(), insurance.test.as_ref()),
        ("social_insurance", Some(&fact("employment")))
    );
    assert_eq!(permit.entitlements[0].test, None);
}
