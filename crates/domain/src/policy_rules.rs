//! 政策规则 — what the planner needs from the policy file and the indicator
//! engine, which it cannot read: whether a permit application may be taken (the
//! rollout has reached the applicant's district in the plan year and the
//! applicant meets the new-citizen criteria on the day), how long a permit is
//! valid, and which reported values the indicators read.
//!
//! The planner asks a [`PolicyRules`] given in its [`crate::plan::Context`]; the
//! store passes the one it was given, so a change is held against the policy
//! whichever way it arrives (a page, the API, an import row, the command line). The
//! implementation over a policy lives in `analytics` (it evaluates the criteria);
//! [`NoPolicyRules`] refuses what needs the policy. Pure: no I/O here.
//! (Until session 15 these were the permit rules alone, `PermitRules`.)

use jiff::civil::Date;

use crate::message::FieldError;
use crate::registry::{Fact, Person, Record};

/// The policy's rules for permit steps and reported values.
pub trait PolicyRules {
    /// `Ok` when `person` (with all their `facts`, and the `records` those facts
    /// name, such as employers) may apply for a permit on `on`; otherwise why not,
    /// naming the field `rollout` or `eligibility`, in Chinese and English.
    fn admit(
        &self,
        person: &Person,
        facts: &[Fact],
        records: &[Record],
        on: Date,
    ) -> Result<(), FieldError>;

    /// The last day of a permit issued or renewed to hold from `first_day`.
    fn valid_through(&self, first_day: Date) -> Result<Date, FieldError>;

    /// `Ok` when the indicators read reported values named `name`; otherwise
    /// why not, on the field `name` (see `Policy::reads_value`).
    fn reads_value(&self, name: &str) -> Result<(), FieldError>;
}

/// The rules of a store given no policy: every application, issue and renewal is
/// refused on the field `policy`, so that none slips past the policy unchecked.
/// A value of any well-formed name is taken: there is no list to hold it to,
/// and nothing counts it until a policy reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPolicyRules;

fn no_policy() -> FieldError {
    FieldError::new(
        "policy",
        "未载入政策文件，不能办理居住证的申请、签发或续签",
        "expected a policy to hold permit applications, issues and renewals against, but none was given",
    )
}

impl PolicyRules for NoPolicyRules {
    fn admit(&self, _: &Person, _: &[Fact], _: &[Record], _: Date) -> Result<(), FieldError> {
        Err(no_policy())
    }

    fn valid_through(&self, _: Date) -> Result<Date, FieldError> {
        Err(no_policy())
    }

    fn reads_value(&self, _: &str) -> Result<(), FieldError> {
        Ok(())
    }
}
