//! 政策规则 — [`domain::policy_rules::PolicyRules`] over a policy file: an
//! application is taken when the rollout has reached the applicant's district in
//! the plan year (`Policy::rollout_reaches`) and the applicant meets every
//! new-citizen criterion on the day ([`Engine::eligibility`], the evaluator the
//! indicators use); a permit is valid for the policy's `validity`; a value is
//! taken under a name the indicators read (`Policy::reads_value`).
//!
//! The store holds these rules and asks them inside the write transaction of each
//! permit step, so it must not wait for the shared indicator engine (whose lock a
//! writer holds while it submits): the rules keep their own engine, with no
//! persons, and lend it the applicant's employers for the one evaluation.

use std::sync::{Arc, Mutex};

use domain::division::Hierarchy;
use domain::message::FieldError;
use domain::policy::Policy;
use domain::policy_rules::PolicyRules;
use domain::registry::{Fact, Person, Record};
use jiff::civil::Date;

use crate::engine::Engine;
use crate::person::PersonState;

/// The rules of one policy over one city's hierarchy.
#[derive(Debug)]
pub struct CityRules {
    policy: Arc<Policy>,
    /// Evaluates the criteria of one person at a time.
    engine: Mutex<Engine>,
}

impl CityRules {
    /// The rules of `policy` for the city of `hierarchy`.
    pub fn new(policy: Arc<Policy>, hierarchy: Hierarchy) -> CityRules {
        CityRules {
            engine: Mutex::new(Engine::new(policy.clone(), hierarchy)),
            policy,
        }
    }
}

fn eligibility_error(message: domain::message::Message) -> FieldError {
    FieldError {
        field: "eligibility".into(),
        message,
    }
}

impl PolicyRules for CityRules {
    fn admit(
        &self,
        person: &Person,
        facts: &[Fact],
        records: &[Record],
        on: Date,
    ) -> Result<(), FieldError> {
        self.policy.rollout_reaches(person.unit, on)?;
        let mut engine = self
            .engine
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // With no persons in this engine, a record has no dependents to recount.
        for record in records {
            engine
                .put_record(record, &[])
                .map_err(|error| eligibility_error(error.message()))?;
        }
        let eligibility = engine.eligibility(PersonState::of(person, facts), on);
        for record in records {
            engine
                .remove_record(record.id, &[])
                .map_err(|error| eligibility_error(error.message()))?;
        }
        let eligibility = eligibility.map_err(|error| eligibility_error(error.message()))?;
        match eligibility.refusal() {
            Some(message) => Err(eligibility_error(message)),
            None => Ok(()),
        }
    }

    fn valid_through(&self, first_day: Date) -> Result<Date, FieldError> {
        self.policy.permit_valid_through(first_day)
    }

    fn reads_value(&self, name: &str) -> Result<(), FieldError> {
        self.policy.reads_value(name)
    }
}
