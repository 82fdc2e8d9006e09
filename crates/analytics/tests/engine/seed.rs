//! The seed policy (policy/new-citizens.toml), built in code as the parser would
//! build it, so that the suite does not wait for the parser; and a check that it is
//! the policy the parser reads.

use domain::policy::*;
use domain::registry::{Housing, InsuranceScheme, SchoolKind, StaffRole};
use domain::resident_id::Sex;

pub fn fact(kind: &str) -> PersonPredicate {
    PersonPredicate::Fact {
        kind: kind.into(),
        filters: vec![],
        window: Window::On,
    }
}

pub fn fact_with(kind: &str, filter: FactFilter) -> PersonPredicate {
    PersonPredicate::Fact {
        kind: kind.into(),
        filters: vec![filter],
        window: Window::On,
    }
}

pub fn fact_window(kind: &str, window: Window) -> PersonPredicate {
    PersonPredicate::Fact {
        kind: kind.into(),
        filters: vec![],
        window,
    }
}

pub fn fact_in(kind: &str, period: Period) -> PersonPredicate {
    fact_window(kind, Window::In { period })
}

pub fn fact_began(kind: &str, period: Period) -> PersonPredicate {
    fact_window(kind, Window::BeganIn { period })
}

pub fn and(all: Vec<PersonPredicate>) -> PersonPredicate {
    PersonPredicate::And { all }
}

pub fn or(any: Vec<PersonPredicate>) -> PersonPredicate {
    PersonPredicate::Or { any }
}

pub fn not(inner: PersonPredicate) -> PersonPredicate {
    PersonPredicate::Not {
        inner: Box::new(inner),
    }
}

pub fn age(min: Option<u16>, max: Option<u16>) -> PersonPredicate {
    PersonPredicate::Age { min, max }
}

fn concentrated() -> PersonPredicate {
    fact_with(
        "residence",
        FactFilter::Housing {
            housing: Housing::ConcentratedZone,
        },
    )
}

fn insured(scheme: InsuranceScheme) -> PersonPredicate {
    fact_with("insurance", FactFilter::Scheme { scheme })
}

fn women_15_49_married() -> Vec<PersonPredicate> {
    vec![
        PersonPredicate::Sex { sex: Sex::Female },
        age(Some(15), Some(49)),
        fact("married"),
    ]
}

pub fn one(term: Term) -> Expr {
    Expr {
        terms: vec![ScaledTerm {
            scale: Rational::ONE,
            term,
        }],
    }
}

pub fn sum(terms: Vec<Term>) -> Expr {
    Expr {
        terms: terms
            .into_iter()
            .map(|term| ScaledTerm {
                scale: Rational::ONE,
                term,
            })
            .collect(),
    }
}

pub fn persons(filter: Option<PersonPredicate>) -> Term {
    Term::CountPersons { filter }
}

pub fn records(kind: RecordKind, filter: Option<RecordPredicate>) -> Term {
    Term::CountRecords { kind, filter }
}

pub fn value(name: &str) -> Term {
    Term::Value { name: name.into() }
}

fn attribute(attribute: RecordAttribute) -> Option<RecordPredicate> {
    Some(RecordPredicate::Attribute { attribute })
}

fn role(role: StaffRole) -> RecordPredicate {
    RecordPredicate::Role { role }
}

/// An indicator; `targets` in whole numbers, `None` for "-".
pub fn indicator(
    id: &str,
    unit: ValueUnit,
    direction: Direction,
    targets: &[Option<i64>],
    numerator: Expr,
    denominator: Option<Expr>,
) -> Indicator {
    Indicator {
        id: id.into(),
        zh: id.into(),
        en: id.into(),
        clause: String::new(),
        unit,
        direction,
        targets: targets.iter().map(|t| t.map(Rational::whole)).collect(),
        stretch: None,
        numerator,
        denominator,
    }
}

fn pct(id: &str, targets: [i64; 3], numerator: Expr, denominator: Expr) -> Indicator {
    indicator(
        id,
        ValueUnit::Percent,
        Direction::AtLeast,
        &targets.map(Some),
        numerator,
        Some(denominator),
    )
}

fn pct_persons(
    id: &str,
    targets: [i64; 3],
    numerator: PersonPredicate,
    denominator: PersonPredicate,
) -> Indicator {
    pct(
        id,
        targets,
        one(persons(Some(numerator))),
        one(persons(Some(denominator))),
    )
}

/// A policy with the seed's header (plan years 2024–2026, yellow within 10) and
/// `indicators`.
pub fn policy_of(indicators: Vec<Indicator>) -> Policy {
    Policy {
        zh: "新市民安居乐业工程实施意见".into(),
        en: "seed".into(),
        city: "3202".parse().unwrap(),
        plan_years: vec![2024, 2025, 2026],
        intra_city_moves_count: false,
        bands: Bands {
            yellow_within: Rational::whole(10),
        },
        indicators,
        permit: None,
    }
}

/// Every indicator of the seed policy.
pub fn policy() -> Policy {
    use RecordKind::*;
    let employment = || fact("employment");
    let with_union = || fact_with("employment", FactFilter::EmployerHasUnion);
    let school_age = || age(Some(6), Some(15));
    let r7 = indicator(
        "R7",
        ValueUnit::SquareMetres,
        Direction::AtLeast,
        &[None, None, Some(500_000)],
        one(Term::SumRecords {
            kind: ConcentratedZones,
            field: RecordField::AreaM2,
            filter: Some(RecordPredicate::OpenedIn {
                period: Period::Plan,
            }),
        }),
        None,
    );
    let r10 = pct(
        "R10",
        [100, 100, 100],
        one(records(Staff, Some(role(StaffRole::RegistrationAssistant)))),
        Expr {
            terms: vec![
                ScaledTerm {
                    scale: Rational {
                        numer: 1,
                        denom: 1000,
                    },
                    term: persons(Some(concentrated())),
                },
                ScaledTerm {
                    scale: Rational {
                        numer: 1,
                        denom: 400,
                    },
                    term: persons(Some(not(concentrated()))),
                },
            ],
        },
    );
    let e5n = indicator(
        "E5N",
        ValueUnit::Count,
        Direction::AtLeast,
        &[Some(80_000), None, None],
        one(persons(Some(fact_began("union_membership", Period::Year)))),
        None,
    );
    let e6 = indicator(
        "E6",
        ValueUnit::Percent,
        Direction::Tracked,
        &[],
        one(persons(Some(fact_with(
            "employment",
            FactFilter::WageAtLeast {
                by_year: vec![(2024, 249_000), (2025, 249_000), (2026, 262_000)],
            },
        )))),
        Some(one(persons(Some(employment())))),
    );
    let e7 = indicator(
        "E7",
        ValueUnit::Percent,
        Direction::Tracked,
        &[],
        one(value("wage_arrears_cases_cleared")),
        Some(one(value("wage_arrears_cases"))),
    );
    let e7a = indicator(
        "E7A",
        ValueUnit::Percent,
        Direction::Tracked,
        &[],
        one(value("wage_arrears_cleared_fen")),
        Some(one(value("wage_arrears_owed_fen"))),
    );
    let l4 = indicator(
        "L4",
        ValueUnit::Permille,
        Direction::AtMost,
        &[Some(3), Some(3), Some(3)],
        one(value("migrant_offenders")),
        Some(one(persons(None))),
    );
    let f = |id: &str, targets: [i64; 3], extra: PersonPredicate| {
        let mut all = women_15_49_married();
        all.push(extra);
        pct_persons(id, targets, and(all), and(women_15_49_married()))
    };
    policy_of(vec![
        pct(
            "R1",
            [90, 90, 90],
            one(persons(None)),
            one(value("estimated_migrants")),
        ),
        pct(
            "R2",
            [95, 95, 95],
            one(persons(Some(school_age()))),
            one(value("estimated_school_age_children")),
        ),
        pct(
            "R3",
            [100, 100, 100],
            one(records(
                RentalHouses,
                attribute(RecordAttribute::Registered),
            )),
            one(records(RentalHouses, None)),
        ),
        pct(
            "R4",
            [100, 100, 100],
            one(value("hotel_guests_verified")),
            one(value("hotel_guests")),
        ),
        pct(
            "R5",
            [95, 95, 95],
            sum(vec![
                records(Landlords, attribute(RecordAttribute::LetterSigned)),
                records(Employers, attribute(RecordAttribute::LetterSigned)),
                records(Agencies, attribute(RecordAttribute::LetterSigned)),
            ]),
            sum(vec![
                records(Landlords, None),
                records(Employers, None),
                records(Agencies, None),
            ]),
        ),
        pct(
            "R6",
            [80, 85, 90],
            one(records(RentalHouses, attribute(RecordAttribute::Entrusted))),
            one(records(RentalHouses, None)),
        ),
        r7,
        pct(
            "R8",
            [30, 30, 30],
            one(records(
                Staff,
                Some(RecordPredicate::And {
                    all: vec![
                        role(StaffRole::InformationOfficer),
                        RecordPredicate::IsMigrant,
                    ],
                }),
            )),
            one(records(Staff, Some(role(StaffRole::InformationOfficer)))),
        ),
        pct(
            "R9",
            [100, 100, 100],
            one(Term::CountTowns {
                has: Some(NewCitizenOrganisations),
            }),
            one(Term::CountTowns { has: None }),
        ),
        r10,
        pct(
            "R11",
            [100, 100, 100],
            one(records(
                Staff,
                Some(RecordPredicate::And {
                    all: vec![
                        role(StaffRole::RegistrationAssistant),
                        RecordPredicate::TrainedIn {
                            period: Period::Year,
                        },
                    ],
                }),
            )),
            one(records(Staff, Some(role(StaffRole::RegistrationAssistant)))),
        ),
        pct_persons(
            "E1",
            [60, 70, 80],
            and(vec![employment(), fact("labour_contract")]),
            employment(),
        ),
        pct_persons(
            "E2",
            [100, 100, 100],
            and(vec![
                employment(),
                insured(InsuranceScheme::Pension),
                insured(InsuranceScheme::Medical),
            ]),
            employment(),
        ),
        pct_persons(
            "E3",
            [100, 100, 100],
            and(vec![
                fact("high_risk_job"),
                insured(InsuranceScheme::WorkInjury),
            ]),
            fact("high_risk_job"),
        ),
        pct_persons(
            "E4",
            [80, 80, 80],
            and(vec![employment(), fact_in("skills_training", Period::Plan)]),
            employment(),
        ),
        pct_persons(
            "E5",
            [60, 80, 90],
            and(vec![with_union(), fact("union_membership")]),
            with_union(),
        ),
        e5n,
        e6,
        e7,
        e7a,
        pct_persons(
            "D1",
            [90, 90, 90],
            and(vec![
                school_age(),
                fact_with(
                    "schooling",
                    FactFilter::School {
                        school: SchoolKind::Public,
                    },
                ),
            ]),
            school_age(),
        ),
        pct_persons(
            "D2",
            [100, 100, 100],
            and(vec![
                fact_began("schooling", Period::Year),
                fact_in("vaccination_certificate_checked", Period::Year),
            ]),
            fact_began("schooling", Period::Year),
        ),
        pct_persons(
            "H1",
            [80, 80, 80],
            and(vec![fact("tb_case"), fact("tb_free_treatment")]),
            fact("tb_case"),
        ),
        pct_persons(
            "H2",
            [75, 80, 85],
            and(vec![age(Some(0), Some(6)), fact("immunisation_up_to_date")]),
            age(Some(0), Some(6)),
        ),
        pct_persons(
            "H3",
            [60, 70, 80],
            or(vec![
                and(vec![age(Some(0), Some(6)), fact("child_care")]),
                and(vec![fact("pregnancy"), fact("maternal_care")]),
            ]),
            or(vec![age(Some(0), Some(6)), fact("pregnancy")]),
        ),
        f(
            "F1",
            [80, 80, 80],
            fact_in("family_planning_service", Period::Year),
        ),
        f(
            "F2",
            [85, 85, 85],
            fact("family_planning_certificate_check"),
        ),
        f("F3", [85, 85, 85], fact("family_planning_contract")),
        pct_persons(
            "L1",
            [80, 80, 80],
            and(vec![
                age(Some(16), None),
                fact_in("legal_education", Period::Plan),
            ]),
            age(Some(16), None),
        ),
        pct(
            "L2",
            [70, 85, 95],
            one(records(
                Settlements,
                Some(RecordPredicate::And {
                    all: vec![
                        RecordPredicate::Compare {
                            field: RecordField::Migrants,
                            comparison: Comparison::Ge,
                            value: 200,
                        },
                        RecordPredicate::Attribute {
                            attribute: RecordAttribute::HasMediation,
                        },
                    ],
                }),
            )),
            one(records(
                Settlements,
                Some(RecordPredicate::Compare {
                    field: RecordField::Migrants,
                    comparison: Comparison::Ge,
                    value: 200,
                }),
            )),
        ),
        pct(
            "L3",
            [100, 100, 100],
            one(value("legal_aid_granted")),
            one(value("legal_aid_eligible")),
        ),
        l4,
    ])
}

#[test]
fn the_seed_policy_has_every_indicator_of_the_file() {
    let ids: Vec<String> = policy().indicators.iter().map(|i| i.id.clone()).collect();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../policy/new-citizens.toml"
    );
    let Ok(file) = std::fs::read_to_string(path) else {
        eprintln!("{path} is not there: nothing to compare");
        return;
    };
    let mut in_file = Vec::new();
    let mut in_indicator = false;
    for line in file.lines() {
        if line.starts_with('[') {
            in_indicator = line == "[[indicator]]";
        } else if let Some(rest) = line.strip_prefix("id = \"").filter(|_| in_indicator) {
            in_file.push(rest.trim_end_matches('"').to_string());
        }
    }
    assert_eq!(ids, in_file);
}
