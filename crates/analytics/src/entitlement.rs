//! 市民待遇 — what the residence permit opens to one person as of a date: each
//! entitlement of the policy's `[[permit.entitlement]]`, granted when the person holds
//! a permit on the date (a `residence_permit` fact) and the entitlement's test, if
//! any, holds. For the person page (JSON now; server-rendered pages call
//! [`Engine::entitlements`] too).

use domain::message::Message;
use domain::registry::FactKind;
use jiff::civil::Date;
use serde::Serialize;

use crate::calendar::day_of;
use crate::eligibility::holds_on;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::person::{Evaluator, Memo, PersonState};

/// One entitlement for one person on a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntitlementOutcome {
    pub id: String,
    pub zh: String,
    pub en: String,
    pub clause: String,
    /// Who among holders has it, in the policy language; `None`: every holder.
    pub test: Option<String>,
    pub granted: bool,
    /// Why, in both languages.
    pub reason: Message,
}

impl Engine {
    /// The permit's entitlements for `state`'s person on `as_of`, in policy order.
    ///
    /// # Errors
    ///
    /// [`EngineError::NoPermit`] when the policy has no `[permit]`.
    pub fn entitlements(
        &self,
        state: PersonState<'_>,
        as_of: Date,
    ) -> Result<Vec<EntitlementOutcome>, EngineError> {
        let permit = self.policy.permit.as_ref().ok_or(EngineError::NoPermit)?;
        let holds = state.facts.iter().find(|fact| {
            matches!(fact.kind, FactKind::ResidencePermit { .. }) && fact.holds_on(as_of)
        });
        let day = day_of(as_of);
        let mut memo = Memo::default();
        let mut evaluator = Evaluator::new(self.context(), state, &mut memo);
        Ok(permit
            .entitlements
            .iter()
            .zip(&self.compiled.entitlements)
            .map(|(entitlement, test)| {
                let passes = test
                    .as_ref()
                    .is_none_or(|node| holds_on(&evaluator.eval(node), day));
                let test_text = entitlement.test.as_ref().map(ToString::to_string);
                let reason = match (holds, passes) {
                    (Some(fact), true) => Message::new(
                        format!("持有居住证（{} 至 {}）", fact.from, until(fact.to)),
                        format!(
                            "holds a residence permit ({} to {})",
                            fact.from,
                            until(fact.to)
                        ),
                    ),
                    (None, _) => Message::new(
                        format!("{as_of} 未持有有效居住证"),
                        format!("expected a residence permit valid on {as_of}, but found none"),
                    ),
                    (Some(_), false) => {
                        let test = test_text.clone().unwrap_or_default();
                        Message::new(
                            format!("持有居住证，但不符合“{test}”"),
                            format!(
                                "holds a residence permit, but `{test}` does not hold on {as_of}"
                            ),
                        )
                    }
                };
                EntitlementOutcome {
                    id: entitlement.id.clone(),
                    zh: entitlement.zh.clone(),
                    en: entitlement.en.clone(),
                    clause: entitlement.clause.clone(),
                    test: test_text,
                    granted: holds.is_some() && passes,
                    reason,
                }
            })
            .collect())
    }
}

fn until(to: Option<Date>) -> String {
    to.map_or_else(|| "—".to_string(), |to| to.to_string())
}
