//! 记账 — passes a household's steps to the [`Ledger`] in order as changes, with
//! the residence permit's steps scheduled as the lives go on (see [`super::permit`]),
//! and counts who lives in the village today by kind of home.

use anyhow::Result;
use domain::event::Change;
use domain::registry::{FactKind, FamilyLink, Housing, NewPerson};
use domain::resident_id::ResidentId;

use super::Village;
use super::permit::{PermitAct, Scheduled};
use super::steps::{Act, Ending, Step};
use crate::demo::calibration::{PLAN_START, date, day};
use crate::demo::ledger::{Ledger, Life};
use crate::demo::people::Household;

impl Village<'_, '_> {
    /// Passes the steps to the ledger in order and writes the rows.
    pub(super) fn run(
        &mut self,
        ledger: &mut Ledger,
        household: &Household,
        ids: &[ResidentId],
        steps: Vec<Step>,
    ) -> Result<()> {
        let mut lives = vec![Life::default(); household.members.len()];
        let mut steps = steps.into_iter().peekable();
        let mut later = Scheduled::default();
        loop {
            // The household's own steps and the permit steps scheduled as it goes,
            // in order of day (a permit step after the others of its day, before a
            // departure), then member.
            let scheduled_first = match (steps.peek(), later.peek()) {
                (Some(step), Some((on, member))) => {
                    (on, Act::Permit(PermitAct::Consider).priority(), member)
                        < (step.day, step.act.priority(), step.member)
                }
                (None, Some(_)) => true,
                (_, None) => false,
            };
            let step = if scheduled_first {
                let (day, member, act) = later.pop().expect("peeked");
                Step {
                    day,
                    member,
                    act: Act::Permit(act),
                }
            } else {
                match steps.next() {
                    Some(step) => step,
                    None => break,
                }
            };
            let m = step.member;
            let on = date(step.day);
            let person = lives[m].person.as_ref().map(|p| p.id);
            let mut relative = None;
            let mut permit_act = None;
            let mut moved = false;
            if matches!(step.act, Act::Leave)
                && let Some(revoke) = self.revoke_on_leaving(&lives[m], step.day)
            {
                ledger.apply(&mut lives, m, None, step.day, revoke)?;
            }
            let registers = matches!(step.act, Act::Register { .. });
            let change = match (step.act, person) {
                (Act::Register { residence, facts }, _) => Change::Register {
                    person: NewPerson {
                        resident_id: ids[m],
                        name: household.members[m].name.clone(),
                    },
                    on,
                    residence,
                    facts,
                },
                (_, None) => continue,
                (Act::Move(residence), Some(person)) => {
                    moved = true;
                    Change::Move {
                        person,
                        on,
                        residence,
                    }
                }
                (Act::Permit(act), Some(_)) => {
                    permit_act = Some(act);
                    match self.permit_change(ledger, &lives[m], m, step.day, act, &mut later) {
                        Some(change) => change,
                        None => continue,
                    }
                }
                (Act::ChangeEmployer { employer, wage }, Some(person)) => Change::ChangeEmployer {
                    person,
                    on,
                    employer,
                    monthly_wage_fen: wage,
                },
                (Act::Add { fact, to }, Some(person)) => Change::AddFact {
                    person,
                    fact,
                    from: on,
                    to: to.map(date),
                },
                (Act::End(ending), Some(person)) => {
                    let found = lives[m].open(|kind| match ending {
                        Ending::Union => matches!(kind, FactKind::UnionMembership),
                        Ending::Schooling => matches!(kind, FactKind::Schooling { .. }),
                    });
                    match found {
                        Some(fact) if fact.from <= on => Change::EndFact {
                            person,
                            fact: fact.id,
                            last_day: on,
                        },
                        _ => continue,
                    }
                }
                (
                    Act::Link {
                        relative: r,
                        relation,
                    },
                    Some(person),
                ) => {
                    let Some(other) = lives[r].person.as_ref().map(|p| p.id) else {
                        continue;
                    };
                    relative = Some(r);
                    Change::LinkFamily {
                        link: FamilyLink {
                            person,
                            relative: other,
                            relation,
                        },
                    }
                }
                (Act::Leave, Some(person)) => Change::Leave { person, on },
            };
            ledger.apply(&mut lives, m, relative, step.day, change)?;
            if let Some(act) = permit_act {
                self.after_permit(&lives[m], m, step.day, act, &mut later);
            }
            if moved {
                self.after_move(&lives[m], m, step.day, &mut later);
            }
            if registers && household.members[m].works {
                // A worker may think of the permit once they have lived here a year.
                later.push(step.day.max(day(PLAN_START)) + 365, m, PermitAct::Consider);
            }
        }
        let code = self.code();
        for life in lives {
            if let Some(FactKind::Residence { housing, unit, .. }) = life
                .open(|k| matches!(k, FactKind::Residence { .. }))
                .map(|f| &f.kind)
                && *unit == code
            {
                match housing {
                    Housing::ConcentratedZone | Housing::EmployerDormitory => {
                        self.headcount.concentrated += 1
                    }
                    Housing::RentedHouse => self.headcount.rented += 1,
                    Housing::OwnHome => self.headcount.own += 1,
                }
            }
            ledger.finish(life);
        }
        Ok(())
    }
}
