//! 一户 — one household's life in the city: its stays (arrival, departure, now and
//! then a return), homes and jobs, and every member's dated steps from registration
//! on: permits, work, insurance, training, health, family planning, children's care.

use anyhow::Result;
use domain::event::{FactForm, ResidenceForm};
use domain::registry::{FactKind, InsuranceScheme, Relation};
use domain::resident_id::{ResidentId, Sex};
use rand::Rng;

use super::Village;
use super::steps::{Act, Ending, Step};
use super::work::{Spell, wait};
use crate::demo::calibration::{Day, Measure, TODAY, birthday, date, day, year_end, year_of, ymd};
use crate::demo::ledger::Ledger;
use crate::demo::people::{Household, IdAllocator, Role};

/// Departures per person-year.
const LEAVE_RATE: f64 = 0.13;
/// The chance that a household that left comes back.
const RETURN_CHANCE: f64 = 0.06;
/// Moves per household-year (not counting moves that follow a change of employer).
const MOVE_RATE: f64 = 0.09;
/// New TB cases per person-year.
const TB_RATE: f64 = 0.0007;

impl Village<'_, '_> {
    /// Lives one household's life and writes its rows.
    pub(super) fn live(
        &mut self,
        ledger: &mut Ledger,
        mut household: Household,
        rng: &mut impl Rng,
        ids: &mut IdAllocator,
    ) -> Result<()> {
        let today = day(TODAY);
        let n = household.members.len();
        let origins = self.world.origins;
        let mut resident_ids: Vec<ResidentId> = Vec::with_capacity(n);
        for m in household.members.iter_mut() {
            let (id, birth) = ids.allocate(origins.hukou6(m.origin, m.birth), m.birth, m.sex);
            m.birth = birth;
            resident_ids.push(id);
        }
        let members = &household.members;
        // When each member can first be registered: a baby some days after birth.
        let available: Vec<Day> = members
            .iter()
            .map(|m| {
                if m.role == Role::Baby {
                    m.birth + rng.gen_range(10..30)
                } else {
                    household.arrival
                }
            })
            .collect();
        let stay_until = available.iter().copied().max().map(|d| d + 30);
        // Stays: from arrival to departure (exclusive); the last may be open (today + 1).
        let mut stints = Vec::new();
        let mut s = household.arrival;
        loop {
            let mut e = s + wait(rng, LEAVE_RATE).max(30);
            if stints.is_empty() {
                e = e.max(stay_until.unwrap_or(e));
            }
            if e > today {
                stints.push((s, today + 1));
                break;
            }
            stints.push((s, e));
            let back = e + rng.gen_range(60..400);
            if rng.r#gen::<f64>() < RETURN_CHANCE && back <= today {
                s = back;
                continue;
            }
            break;
        }
        let family = n > 1;
        let mut steps: Vec<Step> = Vec::with_capacity(16 * n);
        let mut linked = vec![false; n];
        for &(s, e) in &stints {
            let open = e > today;
            // Jobs and homes.
            let mut spells: Vec<Vec<Spell>> = vec![Vec::new(); n];
            let mut homes: Vec<(Day, ResidenceForm)> = Vec::new();
            let size = members
                .iter()
                .zip(&available)
                .filter(|(_, a)| **a <= s)
                .count()
                .max(1) as u32;
            if !family && members[0].works {
                let dorm_first = if rng.r#gen::<f64>() < 0.38 {
                    self.employer(s, None, true, rng)
                } else {
                    None
                };
                spells[0] = self.spells(s, e, dorm_first, rng);
                let mut in_dorm = false;
                for (k, spell) in spells[0].iter().enumerate() {
                    let has_dorm = self.world.places.employers[spell.employer].dorm;
                    if k == 0 {
                        if dorm_first.is_some() {
                            homes.push((s, self.dorm(spell.employer)));
                            in_dorm = true;
                        } else {
                            homes.push((s, self.first_home(ledger, 1, false, s, rng)?));
                        }
                    } else if has_dorm && rng.r#gen::<f64>() < if in_dorm { 0.7 } else { 0.3 } {
                        homes.push((spell.start, self.dorm(spell.employer)));
                        in_dorm = true;
                    } else if in_dorm {
                        homes.push((spell.start, self.rented(ledger, 1, spell.start, rng)?));
                        in_dorm = false;
                    }
                }
                if homes.is_empty() {
                    homes.push((s, self.first_home(ledger, 1, false, s, rng)?));
                }
            } else {
                homes.push((s, self.first_home(ledger, size, family, s, rng)?));
                let mut m = s;
                loop {
                    m += wait(rng, MOVE_RATE);
                    if m >= e || m > today {
                        break;
                    }
                    let form = self.next_home(ledger, size, m, rng)?;
                    homes.push((m, form));
                }
                for (i, member) in members.iter().enumerate() {
                    if member.role == Role::Adult && member.works {
                        let start = if rng.r#gen::<f64>() < 0.85 {
                            s
                        } else {
                            s + rng.gen_range(7..60)
                        };
                        if start < e && start <= today {
                            spells[i] = self.spells(start, e, None, rng);
                        }
                    }
                }
            }
            let home_on = |d: Day| -> &ResidenceForm {
                &homes
                    .iter()
                    .rev()
                    .find(|(from, _)| *from <= d)
                    .unwrap_or(&homes[0])
                    .1
            };
            for (i, member) in members.iter().enumerate() {
                let reg = s.max(available[i]);
                if reg >= e || reg > today {
                    continue;
                }
                let mut own: Vec<Step> = Vec::new();
                let add = |own: &mut Vec<Step>, from: Day, fact: FactKind, to: Option<Day>| {
                    if from >= reg && from < e && from <= today {
                        own.push(Step {
                            day: from,
                            member: i,
                            act: Act::Add { fact, to },
                        });
                    }
                };
                // Moves of the household after this member registered.
                for (from, form) in homes.iter().skip(1) {
                    if *from > reg {
                        own.push(Step {
                            day: *from,
                            member: i,
                            act: Act::Move(form.clone()),
                        });
                    }
                }
                // Everyone 16 and over: temporary permit and legal education.
                let adult_from = reg.max(birthday(member.birth, 16));
                if let Some(d) = self.curve(Measure::TemporaryPermit).reached(
                    rng.r#gen(),
                    adult_from,
                    e.min(today + 1),
                ) {
                    let number = self.permit_number();
                    add(
                        &mut own,
                        d,
                        FactKind::TemporaryResidencePermit { number },
                        None,
                    );
                }
                if let Some(d) = self.curve(Measure::LegalEducation).reached(
                    rng.r#gen(),
                    adult_from,
                    e.min(today + 1),
                ) {
                    add(&mut own, d, FactKind::LegalEducation, None);
                }
                // Work.
                let jobs = &spells[i];
                if let Some(first) = jobs.first() {
                    let employer = &self.world.places.employers[first.employer];
                    add(
                        &mut own,
                        first.start,
                        FactKind::Employment {
                            employer: employer.id,
                            monthly_wage_fen: first.wage,
                        },
                        None,
                    );
                    for spell in jobs.iter().skip(1) {
                        let id = self.world.places.employers[spell.employer].id;
                        own.push(Step {
                            day: spell.start,
                            member: i,
                            act: Act::ChangeEmployer {
                                employer: id,
                                wage: spell.wage,
                            },
                        });
                    }
                    let until = e.min(today + 1);
                    let contract: f64 = rng.r#gen();
                    let union: f64 = rng.r#gen();
                    for spell in jobs {
                        let employer = &self.world.places.employers[spell.employer];
                        let end = spell.end.min(until);
                        if let Some(d) =
                            self.curve(Measure::LabourContract)
                                .reached(contract, spell.start, end)
                        {
                            add(
                                &mut own,
                                d,
                                FactKind::LabourContract {
                                    employer: employer.id,
                                },
                                None,
                            );
                        }
                        // A member leaves the union the day before a new job: join before that day.
                        let changes = spell.end < e && spell.end <= today;
                        let join_until = if changes { spell.end - 1 } else { end };
                        let joined = employer.union_since.and_then(|since| {
                            self.curve(Measure::Union).reached(
                                union,
                                spell.start.max(since),
                                join_until,
                            )
                        });
                        if let Some(d) = joined {
                            add(&mut own, d, FactKind::UnionMembership, None);
                            if changes {
                                own.push(Step {
                                    day: spell.end - 1,
                                    member: i,
                                    act: Act::End(Ending::Union),
                                });
                            }
                        }
                    }
                    let insured =
                        self.curve(Measure::Insurance)
                            .reached(rng.r#gen(), first.start, until);
                    if let Some(d) = insured {
                        add(
                            &mut own,
                            d,
                            FactKind::Insurance {
                                scheme: InsuranceScheme::Pension,
                            },
                            None,
                        );
                        add(
                            &mut own,
                            d,
                            FactKind::Insurance {
                                scheme: InsuranceScheme::Medical,
                            },
                            None,
                        );
                        if rng.r#gen::<f64>() < 0.6 {
                            add(
                                &mut own,
                                d,
                                FactKind::Insurance {
                                    scheme: InsuranceScheme::Unemployment,
                                },
                                None,
                            );
                        }
                    }
                    let high_risk = rng.r#gen::<f64>() < 0.12;
                    let injury = if high_risk {
                        add(&mut own, first.start, FactKind::HighRiskJob, None);
                        self.curve(Measure::WorkInjury)
                            .reached(rng.r#gen(), first.start, until)
                    } else {
                        insured.filter(|_| rng.r#gen::<f64>() < 0.5)
                    };
                    if let Some(d) = injury {
                        add(
                            &mut own,
                            d,
                            FactKind::Insurance {
                                scheme: InsuranceScheme::WorkInjury,
                            },
                            None,
                        );
                    }
                    let training = self.curve(Measure::SkillsTraining);
                    for year in year_of(first.start)..=year_of(until - 1) {
                        let lo = first.start.max(ymd(year, 1, 1));
                        let hi = (until - 1).min(year_end(year) - 3);
                        if lo <= hi && rng.r#gen::<f64>() < training.in_year(year) {
                            let d = rng.gen_range(lo..=hi);
                            let to = (d + rng.gen_range(1..14)).min(year_end(year));
                            add(&mut own, d, FactKind::SkillsTraining, Some(to));
                        }
                    }
                }
                // TB, rarely.
                let years = f64::from(e.min(today + 1) - reg) / 365.25;
                if rng.r#gen::<f64>() < TB_RATE * years {
                    let d = rng.gen_range(reg..e.min(today + 1));
                    let to = Some(d + 180).filter(|t| *t <= today);
                    add(&mut own, d, FactKind::TbCase, to);
                    if let Some(t) = self.curve(Measure::TbTreatment).reached(
                        rng.r#gen(),
                        d,
                        (d + 30).min(e).min(today + 1),
                    ) {
                        add(&mut own, t, FactKind::TbFreeTreatment, to);
                    }
                }
                // Family planning, for married women 15–49.
                if let (Sex::Female, Some(married)) = (member.sex, member.married_on) {
                    let lo = reg.max(married).max(birthday(member.birth, 15));
                    let hi = e.min(birthday(member.birth, 50)).min(today + 1);
                    for measure in [
                        Measure::FpService,
                        Measure::FpCertificate,
                        Measure::FpContract,
                    ] {
                        if let Some(d) = self.curve(measure).reached(rng.r#gen(), lo, hi) {
                            let fact = match measure {
                                Measure::FpService => FactKind::FamilyPlanningService,
                                Measure::FpCertificate => FactKind::FamilyPlanningCertificateCheck,
                                _ => FactKind::FamilyPlanningContract,
                            };
                            add(&mut own, d, fact, None);
                        }
                    }
                }
                // A pregnancy, with maternal care for most.
                if let Some((_, birth)) = household.pregnancy.filter(|(mother, _)| *mother == i) {
                    let from = (birth - rng.gen_range(195..225)).max(reg);
                    let until = birth + 42;
                    if from < e && from < until && from <= today {
                        let to = (birth <= today).then_some(until);
                        add(&mut own, from, FactKind::Pregnancy, to);
                        let care_until = (until + 1).min(e).min(today + 1);
                        if let Some(d) =
                            self.curve(Measure::Care)
                                .reached(rng.r#gen(), from, care_until)
                        {
                            add(&mut own, d, FactKind::MaternalCare, to);
                        }
                    }
                }
                // Children: immunisation and care up to 6, school from 6 to 15.
                let young_until = e.min(birthday(member.birth, 7)).min(today + 1);
                let young_from = reg.max(member.birth);
                if young_from < young_until {
                    if let Some(d) = self.curve(Measure::Immunisation).reached(
                        rng.r#gen(),
                        young_from,
                        young_until,
                    ) {
                        add(&mut own, d, FactKind::ImmunisationUpToDate, None);
                    }
                    if let Some(d) =
                        self.curve(Measure::Care)
                            .reached(rng.r#gen(), young_from, young_until)
                    {
                        add(&mut own, d, FactKind::ChildCare, None);
                    }
                }
                self.schooling(&mut own, i, member.birth, reg, e, rng);
                // Registration: the facts recorded on the form are those of that day.
                let mut facts = Vec::new();
                if let Some(married) = member.married_on {
                    facts.push(FactForm {
                        fact: FactKind::Married,
                        from: date(married),
                        to: None,
                    });
                }
                own.retain_mut(|step| {
                    if step.day == reg
                        && let Act::Add { fact, to } = &mut step.act
                    {
                        facts.push(FactForm {
                            fact: std::mem::replace(fact, FactKind::Married),
                            from: date(reg),
                            to: to.map(date),
                        });
                        return false;
                    }
                    true
                });
                steps.push(Step {
                    day: reg,
                    member: i,
                    act: Act::Register {
                        residence: home_on(reg).clone(),
                        facts,
                    },
                });
                steps.append(&mut own);
                // Family links, once.
                if !linked[i] {
                    linked[i] = true;
                    for &p in &member.parents {
                        steps.push(Step {
                            day: reg,
                            member: i,
                            act: Act::Link {
                                relative: p,
                                relation: Relation::Parent,
                            },
                        });
                    }
                    if let (Some(spouse), Sex::Female) = (member.spouse, member.sex) {
                        steps.push(Step {
                            day: reg,
                            member: i,
                            act: Act::Link {
                                relative: spouse,
                                relation: Relation::Spouse,
                            },
                        });
                    }
                }
                if !open {
                    steps.push(Step {
                        day: e,
                        member: i,
                        act: Act::Leave,
                    });
                }
            }
        }
        steps.sort_by_key(|step| (step.day, step.act.priority(), step.member));
        self.run(ledger, &household, &resident_ids, steps)
    }
}
