//! 居住证受理规则 — `CityRules`, what the store holds permit steps against:
//! the rollout by district and plan year, the criteria evaluated with the employers
//! lent for the one evaluation (a criterion on an employer's union), and the
//! validity from the policy, 29 February included.

use std::sync::Arc;

use analytics::CityRules;
use domain::policy::{Policy, SEED_TEXT, parse};
use domain::policy_rules::PolicyRules;
use domain::registry::{FactKind, Record, RecordDetail};
use jiff::civil::{Date, date};

use super::support::*;

/// The seed policy with its income criterion asking for an employer with a union.
fn union_policy() -> Policy {
    let text = SEED_TEXT.replace(
        "test = \"employment(wage >= minimum_wage_fen)\"",
        "test = \"employment(employer_has_union)\"",
    );
    assert_ne!(text, SEED_TEXT, "the seed's income criterion moved");
    parse("union.toml", &text).unwrap()
}

fn rules(policy: Policy) -> CityRules {
    CityRules::new(Arc::new(policy), small_city())
}

fn employer(union_since: Option<Date>) -> Record {
    record(
        7,
        V1,
        date(2000, 1, 1),
        None,
        RecordDetail::Employer {
            union_since,
            letter_signed_on: None,
        },
    )
}

/// A man with the city's temporary permit, living in `village` and working for
/// employer 7 since 2024-01-01.
fn worker(village: &str) -> P {
    let mut person = P::man(1)
        .with(
            FactKind::TemporaryResidencePermit {
                number: "暂1".into(),
            },
            date(2024, 1, 1),
            None,
        )
        .lives(village, date(2024, 1, 1), None)
        .with(
            FactKind::Employment {
                employer: 7,
                monthly_wage_fen: 300_000,
            },
            date(2024, 1, 1),
            None,
        );
    person.person.unit = code(village);
    person
}

fn field(result: Result<(), domain::message::FieldError>) -> Option<String> {
    result.err().map(|error| error.field)
}

#[test]
fn an_employers_union_is_seen_through_the_records_lent() {
    let rules = rules(union_policy());
    let p = worker(V1);
    let on = date(2025, 6, 10);
    let union = employer(Some(date(2020, 1, 1)));
    assert_eq!(
        field(rules.admit(&p.person, &p.facts, std::slice::from_ref(&union), on)),
        None
    );
    // Without a union, or without the record lent, criterion d fails.
    assert_eq!(
        field(rules.admit(&p.person, &p.facts, &[employer(None)], on)).as_deref(),
        Some("eligibility")
    );
    assert_eq!(
        field(rules.admit(&p.person, &p.facts, &[], on)).as_deref(),
        Some("eligibility")
    );
    // The record lent is not kept for the next applicant.
    assert_eq!(field(rules.admit(&p.person, &p.facts, &[union], on)), None);
}

#[test]
fn the_rollout_is_checked_before_the_criteria() {
    let rules = rules(Policy::seed().clone());
    let lent = [employer(None)];
    // 320205 is piloted in 2025; 2024 prepares; 320213 waits for 2026.
    let a = worker(V1);
    assert_eq!(
        field(rules.admit(&a.person, &a.facts, &lent, date(2025, 6, 10))),
        None
    );
    assert_eq!(
        field(rules.admit(&a.person, &a.facts, &lent, date(2024, 12, 31))).as_deref(),
        Some("rollout")
    );
    let n = worker(V5);
    assert_eq!(
        field(rules.admit(&n.person, &n.facts, &lent, date(2025, 6, 10))).as_deref(),
        Some("rollout")
    );
    assert_eq!(
        field(rules.admit(&n.person, &n.facts, &lent, date(2026, 1, 5))),
        None
    );
}

#[test]
fn a_permit_holds_for_the_policys_year() {
    let rules = rules(Policy::seed().clone());
    for (first, last) in [
        (date(2025, 3, 1), date(2026, 2, 28)),
        (date(2023, 3, 1), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2025, 6, 10), date(2026, 6, 9)),
    ] {
        assert_eq!(rules.valid_through(first).unwrap(), last, "from {first}");
    }
}
