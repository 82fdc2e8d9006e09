//! 步骤 — what a household member's dated steps are: an act on a day, put in order
//! by day, then by act (a registration before anything else on its day).

use super::permit::PermitAct;
use domain::event::{FactForm, ResidenceForm};
use domain::registry::{FactKind, RecordId, Relation};

use crate::demo::calibration::Day;

/// What ends on a day.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ending {
    Union,
    Schooling,
}

/// What a step does.
#[derive(Debug)]
pub(super) enum Act {
    Register {
        residence: ResidenceForm,
        facts: Vec<FactForm>,
    },
    Move(ResidenceForm),
    ChangeEmployer {
        employer: RecordId,
        wage: i64,
    },
    Add {
        fact: FactKind,
        to: Option<Day>,
    },
    End(Ending),
    Link {
        relative: usize,
        relation: Relation,
    },
    /// A step of the residence permit (scheduled as the life goes on).
    Permit(PermitAct),
    Leave,
}

impl Act {
    pub(super) fn priority(&self) -> u8 {
        match self {
            Act::Register { .. } => 0,
            Act::Link { .. } => 1,
            Act::Move(_) => 2,
            Act::ChangeEmployer { .. } => 3,
            Act::End(_) => 4,
            Act::Add { .. } => 5,
            Act::Permit(_) => 6,
            Act::Leave => 7,
        }
    }
}

/// A dated step of one member.
#[derive(Debug)]
pub(super) struct Step {
    pub(super) day: Day,
    pub(super) member: usize,
    pub(super) act: Act,
}
