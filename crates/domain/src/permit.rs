//! 居住证 — a residence permit, from the application at the village station to the
//! card the district issues, and the steps that move it: apply (申请), review (审核),
//! issue (签发), renew (续签), change (变更), revoke (注销).
//!
//! Each step is one [`crate::event::Change::Permit`] with its actor and reason; the
//! planner ([`crate::plan`]) decides whether the actor's role, scope and the
//! permit's state allow it, and holds an application and a validity against the
//! policy through [`crate::policy_rules::PolicyRules`] (see `docs/design.md`, "The
//! residence permit").

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::division::{CodeLevel, DivisionCode};
use crate::registry::PersonId;

/// The store's number for a permit (and its application).
pub type PermitId = i64;

/// Where a permit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PermitStatus {
    /// 已申请 — applied for at the station, awaiting the town's review.
    Applied,
    /// 已审核 — reviewed and recommended by the town, awaiting the district.
    Reviewed,
    /// 不予通过 — turned down at review.
    Refused,
    /// 已签发 — issued by the district (valid from `valid_from` through `valid_to`).
    Issued,
    /// 已注销 — revoked by the district.
    Revoked,
}

impl PermitStatus {
    /// The status's name in both languages.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            PermitStatus::Applied => ("已申请", "applied"),
            PermitStatus::Reviewed => ("已审核", "reviewed"),
            PermitStatus::Refused => ("不予通过", "refused"),
            PermitStatus::Issued => ("已签发", "issued"),
            PermitStatus::Revoked => ("已注销", "revoked"),
        }
    }
}

/// 居住证 — an application and, once issued, the permit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Permit {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: PermitId,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub person: PersonId,
    /// The holder's village or community: where it was applied for, or the one the
    /// last change recorded.
    pub unit: DivisionCode,
    pub status: PermitStatus,
    pub applied_on: Date,
    /// 证号 — given when issued.
    pub number: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    /// 版本 — the card's edition: 1 when issued, one more at each renewal or change,
    /// so that an earlier card is known to be replaced.
    pub edition: i64,
    /// The day it was revoked.
    pub revoked_on: Option<Date>,
}

impl Permit {
    /// The district of the holder's unit.
    pub fn district(&self) -> DivisionCode {
        self.unit.truncate(CodeLevel::District)
    }

    /// Whether it is in progress (applied or reviewed) or issued and valid on `date`.
    pub fn open_on(&self, date: Date) -> bool {
        match self.status {
            PermitStatus::Applied | PermitStatus::Reviewed => true,
            PermitStatus::Issued => self.valid_to.is_none_or(|to| date <= to),
            PermitStatus::Refused | PermitStatus::Revoked => false,
        }
    }

    /// 证号 — the district, the year of issue and the permit's number in six digits.
    pub fn number_for(district: DivisionCode, year: i16, id: PermitId) -> String {
        format!("{district}{year}{id:06}")
    }
}

/// One step of a permit's life, as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum PermitStep {
    /// 申请 — the person applies at their village station.
    Apply {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        person: PersonId,
        on: Date,
    },
    /// 审核 — the town recommends the application (`approve`) or turns it down.
    Review {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        permit: PermitId,
        on: Date,
        approve: bool,
    },
    /// 签发 — the district issues the permit, valid from `on` for the policy's
    /// validity. `valid_to` is not submitted: the planner works it out from the
    /// policy and the event records it (a submitted one must agree).
    Issue {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        permit: PermitId,
        on: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_to: Option<Date>,
    },
    /// 续签 — the district extends a valid permit by the policy's validity, from the
    /// day after its last day (or from `on`, if later); `valid_to` as for `Issue`.
    Renew {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        permit: PermitId,
        on: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_to: Option<Date>,
    },
    /// 变更 — the district records the holder's present residence on a new card.
    Change {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        permit: PermitId,
        on: Date,
    },
    /// 注销 — the district revokes the permit from `on`.
    Revoke {
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        permit: PermitId,
        on: Date,
    },
}

impl PermitStep {
    /// The step's name, e.g. `apply`.
    pub fn name(&self) -> &'static str {
        match self {
            PermitStep::Apply { .. } => "apply",
            PermitStep::Review { .. } => "review",
            PermitStep::Issue { .. } => "issue",
            PermitStep::Renew { .. } => "renew",
            PermitStep::Change { .. } => "change",
            PermitStep::Revoke { .. } => "revoke",
        }
    }

    /// The permit the step acts on (none for an application).
    pub fn permit(&self) -> Option<PermitId> {
        match self {
            PermitStep::Apply { .. } => None,
            PermitStep::Review { permit, .. }
            | PermitStep::Issue { permit, .. }
            | PermitStep::Renew { permit, .. }
            | PermitStep::Change { permit, .. }
            | PermitStep::Revoke { permit, .. } => Some(*permit),
        }
    }

    /// The day the step takes effect.
    pub fn on(&self) -> Date {
        match self {
            PermitStep::Apply { on, .. }
            | PermitStep::Review { on, .. }
            | PermitStep::Issue { on, .. }
            | PermitStep::Renew { on, .. }
            | PermitStep::Change { on, .. }
            | PermitStep::Revoke { on, .. } => *on,
        }
    }
}
