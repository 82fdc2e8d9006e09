//! 记账 — passes a household's steps to the [`Ledger`] in order as changes, and
//! counts who lives in the village today by kind of home.

use anyhow::Result;
use domain::event::Change;
use domain::registry::{FactKind, FamilyLink, Housing, NewPerson};
use domain::resident_id::ResidentId;

use super::Village;
use super::steps::{Act, Ending, Step};
use crate::demo::calibration::date;
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
        for step in steps {
            let m = step.member;
            let on = date(step.day);
            let person = lives[m].person.as_ref().map(|p| p.id);
            let mut relative = None;
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
                (Act::Move(residence), Some(person)) => Change::Move {
                    person,
                    on,
                    residence,
                },
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
