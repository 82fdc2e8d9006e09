//! Builders for small policies in tests, and the seed policy (policy/new-citizens.toml)
//! as the parser reads it.

use domain::policy::*;

pub fn fact(kind: &str) -> PersonPredicate {
    PersonPredicate::Fact {
        kind: kind.into(),
        filters: vec![],
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

pub fn one(term: Term) -> Expr {
    Expr {
        terms: vec![ScaledTerm {
            scale: Rational::ONE,
            term,
        }],
    }
}

pub fn persons(filter: Option<PersonPredicate>) -> Term {
    Term::CountPersons { filter }
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
        publication: Default::default(),
        indicators,
        permit: None,
    }
}

/// The seed policy as the parser reads it from policy/new-citizens.toml.
pub fn policy() -> Policy {
    Policy::seed().clone()
}
