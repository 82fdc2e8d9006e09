//! 条件原文 — a person predicate written back in the policy language, so that an
//! explanation (why a criterion passed or failed) quotes the test it applied.
//!
//! `wage >= PARAM` was resolved per year when parsed; it is written back as the
//! minimum of each year.

use std::fmt;

use serde::Serialize;

use super::ast::{FactFilter, PersonPredicate, Span, Window};

impl fmt::Display for PersonPredicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PersonPredicate::And { all } => joined(f, all, " and "),
            PersonPredicate::Or { any } => joined(f, any, " or "),
            PersonPredicate::Not { inner } => match **inner {
                PersonPredicate::And { .. } | PersonPredicate::Or { .. } => {
                    write!(f, "not ({inner})")
                }
                _ => write!(f, "not {inner}"),
            },
            PersonPredicate::Fact {
                kind,
                filters,
                window,
            } => {
                f.write_str(kind)?;
                if !filters.is_empty() {
                    let filters: Vec<String> = filters.iter().map(filter).collect();
                    write!(f, "({})", filters.join(", "))?;
                }
                match window {
                    Window::On => Ok(()),
                    Window::In { period } => write!(f, " in {}", name(period)),
                    Window::BeganIn { period } => write!(f, " began in {}", name(period)),
                    Window::ContinuousFor { span } => write!(f, " for {}", length(*span)),
                }
            }
            PersonPredicate::Age { min, max } => match (min, max) {
                (Some(min), Some(max)) if min == max => write!(f, "age = {min}"),
                (Some(min), Some(max)) => write!(f, "age in {min}..{max}"),
                (Some(min), None) => write!(f, "age >= {min}"),
                (None, Some(max)) => write!(f, "age <= {max}"),
                (None, None) => f.write_str("age >= 0"),
            },
            PersonPredicate::Sex { sex } => write!(f, "sex = {}", name(sex)),
            PersonPredicate::NewCitizen => f.write_str("new_citizen"),
            PersonPredicate::RolloutReached => f.write_str("rollout_reached"),
        }
    }
}

/// Parts joined by a connective, each in parentheses when it is itself a
/// connective of lower precedence.
fn joined(f: &mut fmt::Formatter<'_>, parts: &[PersonPredicate], connective: &str) -> fmt::Result {
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            f.write_str(connective)?;
        }
        let grouped = matches!(part, PersonPredicate::Or { .. })
            || (connective == " or " && matches!(part, PersonPredicate::And { .. }));
        if grouped {
            write!(f, "({part})")?;
        } else {
            write!(f, "{part}")?;
        }
    }
    Ok(())
}

fn filter(filter: &FactFilter) -> String {
    match filter {
        FactFilter::Housing { housing } => format!("housing = {}", name(housing)),
        FactFilter::Scheme { scheme } => format!("scheme = {}", name(scheme)),
        FactFilter::School { school } => format!("school = {}", name(school)),
        FactFilter::EmployerHasUnion => "employer_has_union".into(),
        FactFilter::WageAtLeast { by_year } => match by_year.as_slice() {
            [(_, fen)] => format!("wage >= {fen}"),
            years => {
                let years: Vec<String> = years
                    .iter()
                    .map(|(year, fen)| format!("{year}: {fen}"))
                    .collect();
                format!("wage >= {{{}}}", years.join(", "))
            }
        },
    }
}

fn length(span: Span) -> String {
    let mut parts = Vec::new();
    for (n, one, many) in [
        (i64::from(span.years), "year", "years"),
        (i64::from(span.months), "month", "months"),
        (i64::from(span.days), "day", "days"),
    ] {
        if n != 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    parts.join(" ")
}

/// The snake_case name a value has in the language (its serde name).
fn name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::Policy;

    #[test]
    fn the_seed_criteria_read_back_as_written() {
        let permit = Policy::seed().permit.as_ref().unwrap();
        let tests: Vec<String> = permit.criteria.iter().map(|c| c.test.to_string()).collect();
        assert_eq!(
            tests,
            [
                "temporary_residence_permit",
                "residence for 1 year",
                "residence(housing = own_home) or residence(housing = rented_house) \
                 or residence(housing = concentrated_zone) or residence(housing = employer_dormitory)",
                "employment(wage >= {2024: 249000, 2025: 249000, 2026: 262000})",
                "not (sex = female and age in 15..49 and married) \
                 or family_planning_certificate_check or family_planning_contract",
            ]
        );
    }
}
