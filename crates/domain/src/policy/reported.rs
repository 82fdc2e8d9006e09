//! 汇总值名称 — which reported values the policy's indicators read
//! (`value(NAME)` in a numerator or denominator). A value reported under any
//! other name would be kept and never counted, as when a department's file
//! misspells one: the planner refuses it, naming the names that are read.

use std::collections::BTreeSet;

use super::ast::{Policy, Term};
use crate::message::FieldError;

impl Policy {
    /// The names of the values the indicators read, each once, in order.
    pub fn value_names(&self) -> BTreeSet<&str> {
        self.indicators
            .iter()
            .flat_map(|indicator| {
                indicator.numerator.terms.iter().chain(
                    indicator
                        .denominator
                        .iter()
                        .flat_map(|expr| expr.terms.iter()),
                )
            })
            .filter_map(|scaled| match &scaled.term {
                Term::Value { name } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// `Ok` when an indicator reads values named `name`; otherwise why not, on
    /// the field `name`, with the names that are read.
    pub fn reads_value(&self, name: &str) -> Result<(), FieldError> {
        let names = self.value_names();
        if names.contains(name) {
            return Ok(());
        }
        let names: Vec<&str> = names.into_iter().collect();
        Err(FieldError::new(
            "name",
            format!(
                "政策的指标不读取名为“{name}”的汇总值，报送了也不会计入：应为 {} 之一",
                names.join("、")
            ),
            format!(
                "expected the name of a value the policy's indicators read ({}), but found {name:?}, which no indicator would count",
                names.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_policy_reads_the_values_its_indicators_name() {
        let seed = Policy::seed();
        let names = seed.value_names();
        assert!(names.contains("migrant_offenders"), "{names:?}");
        assert!(names.contains("estimated_migrants"), "{names:?}");
        assert!(seed.reads_value("migrant_offenders").is_ok());
        let error = seed.reads_value("migrant_offender").unwrap_err();
        assert_eq!(error.field, "name");
        assert!(
            error.message.en.contains("found \"migrant_offender\""),
            "{error}"
        );
    }
}
