//! 居住证办理 — the demo's new citizens and the residence permit: a worker who has
//! lived here a year considers applying now and then; where the rollout has reached
//! their district and they meet the criteria on the day, some apply at their
//! station. The town reviews within days (most are recommended), the district
//! issues within days more; most holders renew before the last day, a permit is
//! changed after a move to another district, revoked when the holder leaves and,
//! rarely, before. The planner decides every step, against the policy's rules, as
//! for any station; this module only says who tries what when.

use domain::event::Change;
use domain::permit::{PermitId, PermitStatus, PermitStep};
use rand::Rng;

use super::Village;
use crate::demo::calibration::{Day, TODAY, date, day};
use crate::demo::ledger::{Ledger, Life};

/// The chance that a worker who may apply does so when they consider it.
const APPLY_CHANCE: f64 = 0.3;
/// Days between two considerations of a worker who did not apply.
const CONSIDER_AGAIN: std::ops::Range<Day> = 90..180;
/// The chance that the town recommends an application.
const APPROVE_CHANCE: f64 = 0.94;
/// The chance that a holder renews before the last day.
const RENEW_CHANCE: f64 = 0.85;
/// The chance that a permit is revoked before its end for another reason than
/// leaving the city (its conditions no longer met).
const EARLY_REVOKE_CHANCE: f64 = 0.01;
/// The chance that a holder who moved to another district has the permit changed.
const CHANGE_CHANCE: f64 = 0.8;

/// A step of a permit's life the demo schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum PermitAct {
    /// Whether to apply today.
    Consider,
    Review {
        permit: PermitId,
        approve: bool,
    },
    Issue {
        permit: PermitId,
    },
    Renew {
        permit: PermitId,
    },
    Change {
        permit: PermitId,
    },
    Revoke {
        permit: PermitId,
    },
}

/// Permit steps waiting for their day: (day, member, what), in order.
#[derive(Debug, Default)]
pub(super) struct Scheduled {
    queue: std::collections::BinaryHeap<std::cmp::Reverse<(Day, usize, u64, PermitAct)>>,
    order: u64,
}

impl Scheduled {
    /// Schedules `act` of `member` on `on`, unless that is after today.
    pub(super) fn push(&mut self, on: Day, member: usize, act: PermitAct) {
        if on <= day(TODAY) {
            self.order += 1;
            self.queue
                .push(std::cmp::Reverse((on, member, self.order, act)));
        }
    }

    /// The day and member of the next scheduled step.
    pub(super) fn peek(&self) -> Option<(Day, usize)> {
        self.queue
            .peek()
            .map(|std::cmp::Reverse((on, member, _, _))| (*on, *member))
    }

    /// The next scheduled step.
    pub(super) fn pop(&mut self) -> Option<(Day, usize, PermitAct)> {
        self.queue
            .pop()
            .map(|std::cmp::Reverse((on, member, _, act))| (on, member, act))
    }
}

/// The member's permit `id` if it is issued and holds on `on`.
fn issued_on(life: &Life, id: PermitId, on: Day) -> bool {
    life.permits.iter().any(|p| {
        p.id == id && p.status == PermitStatus::Issued && p.valid_to.is_none_or(|to| date(on) <= to)
    })
}

impl Village<'_, '_> {
    /// The change `act` makes for the member living `life` on `on`, or `None` when
    /// nothing happens (they left, are not eligible, do not wish to, or the permit
    /// moved on); a consideration that comes to nothing is scheduled again.
    pub(super) fn permit_change(
        &mut self,
        ledger: &Ledger,
        life: &Life,
        member: usize,
        on: Day,
        act: PermitAct,
        later: &mut Scheduled,
    ) -> Option<Change> {
        let person = life.person.as_ref()?;
        let today = date(on);
        if !life.present_on(today) {
            return None;
        }
        let rng = &mut self.permit_rng;
        let (step, reason) = match act {
            PermitAct::Consider => {
                if life.permits.iter().any(|p| p.open_on(today)) {
                    return None;
                }
                if rng.r#gen::<f64>() >= APPLY_CHANCE || !ledger.admits(life, today) {
                    later.push(
                        on + rng.gen_range(CONSIDER_AGAIN),
                        member,
                        PermitAct::Consider,
                    );
                    return None;
                }
                (
                    PermitStep::Apply {
                        person: person.id,
                        on: today,
                    },
                    "本人申请",
                )
            }
            PermitAct::Review { permit, approve } => (
                PermitStep::Review {
                    permit,
                    on: today,
                    approve,
                },
                if approve {
                    "材料齐全，同意"
                } else {
                    "材料不全，不予通过"
                },
            ),
            PermitAct::Issue { permit } => (
                PermitStep::Issue {
                    permit,
                    on: today,
                    valid_to: None,
                },
                "准予签发",
            ),
            PermitAct::Renew { permit } if issued_on(life, permit, on) => (
                PermitStep::Renew {
                    permit,
                    on: today,
                    valid_to: None,
                },
                "年度续签",
            ),
            PermitAct::Change { permit } if issued_on(life, permit, on) => {
                (PermitStep::Change { permit, on: today }, "居住地变更")
            }
            PermitAct::Revoke { permit } if issued_on(life, permit, on) => {
                (PermitStep::Revoke { permit, on: today }, "不再符合条件")
            }
            PermitAct::Renew { .. } | PermitAct::Change { .. } | PermitAct::Revoke { .. } => {
                return None;
            }
        };
        Some(Change::Permit {
            step,
            reason: reason.into(),
        })
    }

    /// Schedules what follows `act`, taken on `on` by the member living `life`.
    pub(super) fn after_permit(
        &mut self,
        life: &Life,
        member: usize,
        on: Day,
        act: PermitAct,
        later: &mut Scheduled,
    ) {
        let rng = &mut self.permit_rng;
        let named = match act {
            PermitAct::Consider => None,
            PermitAct::Review { permit, .. }
            | PermitAct::Issue { permit }
            | PermitAct::Renew { permit }
            | PermitAct::Change { permit }
            | PermitAct::Revoke { permit } => Some(permit),
        };
        // An application is the person's newest permit.
        let Some(permit) = life
            .permits
            .iter()
            .rev()
            .find(|p| named.is_none_or(|id| p.id == id))
        else {
            return;
        };
        let id = permit.id;
        match act {
            PermitAct::Consider => {
                let approve = rng.r#gen::<f64>() < APPROVE_CHANCE;
                later.push(
                    on + rng.gen_range(2..12),
                    member,
                    PermitAct::Review {
                        permit: id,
                        approve,
                    },
                );
            }
            PermitAct::Review { approve: true, .. } => {
                later.push(
                    on + rng.gen_range(3..15),
                    member,
                    PermitAct::Issue { permit: id },
                );
            }
            PermitAct::Review { approve: false, .. } => {
                later.push(on + rng.gen_range(180..360), member, PermitAct::Consider);
            }
            PermitAct::Issue { .. } | PermitAct::Renew { .. } => {
                let Some(last) = permit.valid_to.map(day) else {
                    return;
                };
                if act == (PermitAct::Issue { permit: id })
                    && on + 1 < last
                    && rng.r#gen::<f64>() < EARLY_REVOKE_CHANCE
                {
                    later.push(
                        rng.gen_range(on + 1..last),
                        member,
                        PermitAct::Revoke { permit: id },
                    );
                }
                if rng.r#gen::<f64>() < RENEW_CHANCE {
                    later.push(
                        last - rng.gen_range(0..25),
                        member,
                        PermitAct::Renew { permit: id },
                    );
                } else {
                    later.push(last + rng.gen_range(30..180), member, PermitAct::Consider);
                }
            }
            PermitAct::Change { .. } => {}
            PermitAct::Revoke { .. } => {
                later.push(on + rng.gen_range(180..365), member, PermitAct::Consider);
            }
        }
    }

    /// The revocation of the member's permit that holds on `on`, the day they leave
    /// the city (a departure ends the stay, so the permit goes with it).
    pub(super) fn revoke_on_leaving(&self, life: &Life, on: Day) -> Option<Change> {
        let permit = life.permits.iter().find(|p| issued_on(life, p.id, on))?;
        Some(Change::Permit {
            step: PermitStep::Revoke {
                permit: permit.id,
                on: date(on),
            },
            reason: "已离开本市".into(),
        })
    }

    /// After a move: a holder now in another district has the permit changed, most
    /// within weeks.
    pub(super) fn after_move(
        &mut self,
        life: &Life,
        member: usize,
        on: Day,
        later: &mut Scheduled,
    ) {
        let (Some(person), Some(permit)) = (&life.person, life.permits.last()) else {
            return;
        };
        let moved =
            permit.district() != person.unit.truncate(domain::division::CodeLevel::District);
        if moved && issued_on(life, permit.id, on) && self.permit_rng.r#gen::<f64>() < CHANGE_CHANCE
        {
            let when = on + self.permit_rng.gen_range(3..20);
            later.push(when, member, PermitAct::Change { permit: permit.id });
        }
    }
}
