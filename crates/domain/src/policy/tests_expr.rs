//! Tests of the language: expressions parse to the expected syntax tree, precedence
//! included, and errors inside strings point at the right column.

use super::tests::{base_with, expr, fact, person};
use super::*;
use crate::registry::{Housing, InsuranceScheme, StaffRole};
use crate::resident_id::Sex;

/// `not` binds tighter than `and`, `and` tighter than `or`; parentheses group.
#[test]
fn precedence() {
    let not = |p| PersonPredicate::Not { inner: Box::new(p) };
    assert_eq!(
        person("employment or labour_contract and not married"),
        PersonPredicate::Or {
            any: vec![
                fact("employment"),
                PersonPredicate::And {
                    all: vec![fact("labour_contract"), not(fact("married"))]
                },
            ]
        }
    );
    assert_eq!(
        person("not employment and married or pregnancy and not not child_care"),
        PersonPredicate::Or {
            any: vec![
                PersonPredicate::And {
                    all: vec![not(fact("employment")), fact("married")]
                },
                PersonPredicate::And {
                    all: vec![fact("pregnancy"), not(not(fact("child_care")))]
                },
            ]
        }
    );
    assert_eq!(
        person("not (employment or married) and tb_case"),
        PersonPredicate::And {
            all: vec![
                not(PersonPredicate::Or {
                    any: vec![fact("employment"), fact("married")]
                }),
                fact("tb_case"),
            ]
        }
    );
}

#[test]
fn ages() {
    let age = |min, max| PersonPredicate::Age { min, max };
    assert_eq!(person("age in 6..15"), age(Some(6), Some(15)));
    assert_eq!(person("age in 6 .. 6"), age(Some(6), Some(6)));
    assert_eq!(person("age < 7"), age(None, Some(6)));
    assert_eq!(person("age <= 6"), age(None, Some(6)));
    assert_eq!(person("age > 15"), age(Some(16), None));
    assert_eq!(person("age >= 16"), age(Some(16), None));
    assert_eq!(person("age = 3"), age(Some(3), Some(3)));
}

#[test]
fn facts_with_filters_and_windows() {
    let wage = vec![(2024, 249_000), (2025, 249_000), (2026, 262_000)];
    assert_eq!(
        person("employment(employer_has_union, wage >= minimum_wage_fen) began in quarter"),
        PersonPredicate::Fact {
            kind: "employment".into(),
            filters: vec![
                FactFilter::EmployerHasUnion,
                FactFilter::WageAtLeast { by_year: wage }
            ],
            window: Window::BeganIn {
                period: Period::Quarter
            },
        }
    );
    assert_eq!(
        person("employment(wage >= 200000)"),
        PersonPredicate::Fact {
            kind: "employment".into(),
            filters: vec![FactFilter::WageAtLeast {
                by_year: vec![(2024, 200_000), (2025, 200_000), (2026, 200_000)]
            }],
            window: Window::On,
        }
    );
    assert_eq!(
        person("insurance(scheme = work_injury) in month"),
        PersonPredicate::Fact {
            kind: "insurance".into(),
            filters: vec![FactFilter::Scheme {
                scheme: InsuranceScheme::WorkInjury
            }],
            window: Window::In {
                period: Period::Month
            },
        }
    );
    assert_eq!(
        person("residence(housing = rented_house) for 1 year 6 months 2 days"),
        PersonPredicate::Fact {
            kind: "residence".into(),
            filters: vec![FactFilter::Housing {
                housing: Housing::RentedHouse
            }],
            window: Window::ContinuousFor {
                span: Span {
                    years: 1,
                    months: 6,
                    days: 2
                }
            },
        }
    );
    assert_eq!(
        person("sex = female"),
        PersonPredicate::Sex { sex: Sex::Female }
    );
}

#[test]
fn terms_and_scales() {
    let residence = |housing| PersonPredicate::Fact {
        kind: "residence".into(),
        filters: vec![FactFilter::Housing { housing }],
        window: Window::On,
    };
    assert_eq!(
        expr(
            "count(persons: residence(housing = own_home)) / per_assistant - count(persons) * 2.5 + value(estimated_migrants) / 1000"
        ),
        Expr {
            terms: vec![
                ScaledTerm {
                    scale: Rational {
                        numer: 1,
                        denom: 400
                    },
                    term: Term::CountPersons {
                        filter: Some(residence(Housing::OwnHome))
                    },
                },
                ScaledTerm {
                    scale: Rational {
                        numer: -5,
                        denom: 2
                    },
                    term: Term::CountPersons { filter: None }
                },
                ScaledTerm {
                    scale: Rational {
                        numer: 1,
                        denom: 1000
                    },
                    term: Term::Value {
                        name: "estimated_migrants".into()
                    },
                },
            ]
        }
    );
    let one = |term| Expr {
        terms: vec![ScaledTerm {
            scale: Rational::ONE,
            term,
        }],
    };
    assert_eq!(
        expr("sum(concentrated_zones.area_m2: opened in plan)"),
        one(Term::SumRecords {
            kind: RecordKind::ConcentratedZones,
            field: RecordField::AreaM2,
            filter: Some(RecordPredicate::OpenedIn {
                period: Period::Plan
            }),
        })
    );
    assert_eq!(
        expr("count(towns: has new_citizen_organisations)"),
        one(Term::CountTowns {
            has: Some(RecordKind::NewCitizenOrganisations)
        })
    );
    assert_eq!(expr("count(towns)"), one(Term::CountTowns { has: None }));
    assert_eq!(
        expr("count(staff: role = information_officer and (is_migrant or not trained in year))"),
        one(Term::CountRecords {
            kind: RecordKind::Staff,
            filter: Some(RecordPredicate::And {
                all: vec![
                    RecordPredicate::Role {
                        role: StaffRole::InformationOfficer
                    },
                    RecordPredicate::Or {
                        any: vec![
                            RecordPredicate::IsMigrant,
                            RecordPredicate::Not {
                                inner: Box::new(RecordPredicate::TrainedIn {
                                    period: Period::Year
                                })
                            },
                        ]
                    },
                ]
            }),
        })
    );
    assert_eq!(
        expr("count(settlements: migrants >= 200 and has_mediation)"),
        one(Term::CountRecords {
            kind: RecordKind::Settlements,
            filter: Some(RecordPredicate::And {
                all: vec![
                    RecordPredicate::Compare {
                        field: RecordField::Migrants,
                        comparison: Comparison::Ge,
                        value: 200
                    },
                    RecordPredicate::Attribute {
                        attribute: RecordAttribute::HasMediation
                    },
                ]
            }),
        })
    );
}

/// A multi-line string maps columns exactly; a string with escapes points at its start.
#[test]
fn columns_inside_strings() {
    let multi = base_with(
        r#"numerator = "count(persons: employment and labour_contract)""#,
        "numerator = \"\"\"\ncount(persons:\n  employment and labour_contrat)\"\"\"",
    );
    let error = parse("t.toml", &multi).unwrap_err();
    assert_eq!((error.line, error.column), (26, 18));
    let escaped = base_with(
        r#"numerator = "count(persons: employment and labour_contract)""#,
        r#"numerator = "count(persons: employment and\u0020labour_contrat)""#,
    );
    let error = parse("t.toml", &escaped).unwrap_err();
    assert_eq!((error.line, error.column), (24, 13));
}
