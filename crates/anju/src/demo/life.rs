//! 生活 — the events of a migrant household's life in the city across the plan
//! years: arrival and registration, homes and moves, jobs and changes of employer,
//! contracts, insurance, union, training, schooling, vaccination, child and maternal
//! care, family planning, legal education, TB, departure and now and then a return.
//!
//! Each life is a list of dated steps; they are put in order and passed to the
//! [`Ledger`] as [`Change`]s, which derives every row through the planner. Dates
//! where something is "got" come from the [`Curve`]s of [`super::calibration`], so
//! the shares follow the plan years' targets.

use anyhow::Result;
use domain::division::DivisionCode;
use domain::event::{Change, FactForm, ResidenceForm};
use domain::registry::{
    FactKind, FamilyLink, Housing, InsuranceScheme, NewPerson, RecordId, Relation, SchoolKind,
};
use domain::resident_id::{ResidentId, Sex};
use rand::Rng;

use super::calibration::{Curve, Day, Measure, TODAY, birthday, date, day, year_end, year_of, ymd};
use super::ledger::{Ledger, Life};
use super::people::{Household, HouseholdMaker, IdAllocator, Names, Origins, Role};
use super::places::{self, City, Headcount, Places, RentalMarket};
use super::{lognormal, seeded};

/// Departures per person-year.
const LEAVE_RATE: f64 = 0.13;
/// The chance that a household that left comes back.
const RETURN_CHANCE: f64 = 0.06;
/// Moves per household-year (not counting moves that follow a change of employer).
const MOVE_RATE: f64 = 0.09;
/// Changes of employer per worker-year.
const JOB_CHANGE_RATE: f64 = 0.15;
/// New TB cases per person-year.
const TB_RATE: f64 = 0.0007;

/// Everything a life is lived among.
pub struct World<'a> {
    pub city: &'a City,
    pub places: &'a Places,
    pub names: &'a Names,
    pub origins: &'a Origins,
}

/// What ends on a day.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Union,
    Schooling,
}

/// What a step does.
#[derive(Debug)]
enum Act {
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
    Leave,
}

impl Act {
    fn priority(&self) -> u8 {
        match self {
            Act::Register { .. } => 0,
            Act::Link { .. } => 1,
            Act::Move(_) => 2,
            Act::ChangeEmployer { .. } => 3,
            Act::End(_) => 4,
            Act::Add { .. } => 5,
            Act::Leave => 6,
        }
    }
}

/// A dated step of one member.
#[derive(Debug)]
struct Step {
    day: Day,
    member: usize,
    act: Act,
}

/// A job: from `start` to the day before `end`, at an employer (index into
/// [`Places::employers`]).
#[derive(Debug, Clone, Copy)]
struct Spell {
    start: Day,
    end: Day,
    employer: usize,
    wage: i64,
}

/// Days until the next of something that happens `per_year` times a year.
fn wait(rng: &mut impl Rng, per_year: f64) -> Day {
    let u: f64 = rng.r#gen();
    (((-(1.0 - u).ln() / per_year) * 365.25).ceil() as Day).max(1)
}

/// The village's counter of temporary residence permits.
pub struct Village<'w, 'a> {
    world: &'w World<'a>,
    v: usize,
    market: RentalMarket,
    permits: u32,
    headcount: Headcount,
}

/// Lives the lives of village `v`'s persons (its quota), then adds the village's
/// settlements and staff. Returns who is there today.
pub fn live_village(
    ledger: &mut Ledger,
    world: &World,
    v: usize,
    seed: u64,
    ids: &mut IdAllocator,
) -> Result<Headcount> {
    let mut rng = seeded(seed, 3, v as u64);
    let mut village = Village {
        world,
        v,
        market: RentalMarket {
            village: v,
            ..RentalMarket::default()
        },
        permits: 0,
        headcount: Headcount::default(),
    };
    let maker = HouseholdMaker {
        origins: world.origins,
        names: world.names,
    };
    let mut remaining = world.city.villages[v].quota as usize;
    while remaining > 0 {
        let household = maker.make(remaining, &mut rng);
        remaining -= household.members.len();
        village.live(ledger, household, &mut rng, ids)?;
    }
    let head = village.headcount;
    let mut made = places::settlements(world.city, v, head, &mut rng, &mut || {
        ledger.next_record_id()
    });
    made.extend(places::staff(
        world.city,
        v,
        head,
        world.names,
        &mut rng,
        &mut || ledger.next_record_id(),
    ));
    for (entered, record) in made {
        ledger.save_record(entered, record)?;
    }
    Ok(head)
}

impl Village<'_, '_> {
    fn curve(&self, measure: Measure) -> Curve {
        self.world.city.curve(self.v, measure)
    }

    fn code(&self) -> DivisionCode {
        self.world.city.villages[self.v].code
    }

    /// An employer of the village's town (or else its district) open on `on`.
    fn employer(
        &self,
        on: Day,
        exclude: Option<usize>,
        dorm: bool,
        rng: &mut impl Rng,
    ) -> Option<usize> {
        let city = self.world.city;
        let places = self.world.places;
        let town = city.villages[self.v].town;
        let ok = |e: usize| places.employers[e].from <= on && Some(e) != exclude;
        let pools = if dorm {
            &places.dorms_by_town
        } else {
            &places.employers_by_town
        };
        if let Some(e) = pools[town].draw(rng, ok) {
            return Some(e);
        }
        let towns = &city.districts[city.villages[self.v].district].towns;
        let start = rng.gen_range(0..towns.len());
        (0..towns.len()).find_map(|k| pools[towns[(start + k) % towns.len()]].draw(rng, ok))
    }

    fn dorm(&self, e: usize) -> ResidenceForm {
        let employer = &self.world.places.employers[e];
        ResidenceForm {
            housing: Housing::EmployerDormitory,
            unit: self.world.city.villages[employer.village].code,
            place: Some(employer.id),
        }
    }

    /// An open zone among `zones` on `on`, newer ones more likely.
    fn zone(&self, zones: &[usize], on: Day, rng: &mut impl Rng) -> Option<ResidenceForm> {
        let places = self.world.places;
        let open: Vec<usize> = zones
            .iter()
            .copied()
            .filter(|&z| places.zones[z].from <= on)
            .collect();
        if open.is_empty() {
            return None;
        }
        let pick = if rng.r#gen::<f64>() < 0.4 {
            *open
                .iter()
                .max_by_key(|&&z| (places.zones[z].from, z))
                .expect("not empty")
        } else {
            open[rng.gen_range(0..open.len())]
        };
        let zone = &places.zones[pick];
        Some(ResidenceForm {
            housing: Housing::ConcentratedZone,
            unit: self.world.city.villages[zone.village].code,
            place: Some(zone.id),
        })
    }

    /// A rented house in the village, saving it (and its landlord) when new.
    fn rented(
        &mut self,
        ledger: &mut Ledger,
        size: u32,
        on: Day,
        rng: &mut impl Rng,
    ) -> Result<ResidenceForm> {
        let (id, new) = self.market.find(
            self.world.city,
            size,
            on,
            self.world.names,
            rng,
            &mut || ledger.next_record_id(),
        );
        if let Some(new) = new {
            if let Some((entered, landlord)) = new.landlord {
                ledger.save_record(entered, landlord)?;
            }
            ledger.save_record(new.house.0, new.house.1)?;
        }
        Ok(ResidenceForm {
            housing: Housing::RentedHouse,
            unit: self.code(),
            place: Some(id),
        })
    }

    /// Where a household settles on arrival.
    fn first_home(
        &mut self,
        ledger: &mut Ledger,
        size: u32,
        family: bool,
        on: Day,
        rng: &mut impl Rng,
    ) -> Result<ResidenceForm> {
        let city = self.world.city;
        let village = &city.villages[self.v];
        let r: f64 = rng.r#gen();
        if r < village.concentrated_share {
            let own = &self.world.places.zones_by_village[self.v];
            let found = self.zone(own, on, rng).or_else(|| {
                (rng.r#gen::<f64>() < 0.3)
                    .then(|| self.zone(&self.world.places.zones_by_town[village.town], on, rng))
                    .flatten()
            });
            if let Some(form) = found {
                return Ok(form);
            }
        } else if r < village.concentrated_share + if family { 0.09 } else { 0.04 } {
            return Ok(ResidenceForm {
                housing: Housing::OwnHome,
                unit: self.code(),
                place: None,
            });
        }
        self.rented(ledger, size, on, rng)
    }

    /// Where a household moves to.
    fn next_home(
        &mut self,
        ledger: &mut Ledger,
        size: u32,
        on: Day,
        rng: &mut impl Rng,
    ) -> Result<ResidenceForm> {
        let city = self.world.city;
        let places = self.world.places;
        let village = &city.villages[self.v];
        let r: f64 = rng.r#gen();
        if r < 0.55 {
            return self.rented(ledger, size, on, rng);
        }
        if r < 0.75 {
            if let Some(form) = self.zone(&places.zones_by_town[village.town], on, rng) {
                return Ok(form);
            }
            return self.rented(ledger, size, on, rng);
        }
        if r < 0.85 {
            return Ok(ResidenceForm {
                housing: Housing::OwnHome,
                unit: self.code(),
                place: None,
            });
        }
        // Elsewhere in the district.
        let towns = &city.districts[village.district].towns;
        let town = &city.towns[towns[rng.gen_range(0..towns.len())]];
        if town.villages.is_empty() {
            return self.rented(ledger, size, on, rng);
        }
        let other = town.villages[rng.gen_range(0..town.villages.len())];
        if let Some(form) = self.zone(&places.zones_by_village[other], on, rng) {
            return Ok(form);
        }
        Ok(ResidenceForm {
            housing: Housing::OwnHome,
            unit: city.villages[other].code,
            place: None,
        })
    }

    fn wage(rng: &mut impl Rng) -> i64 {
        ((lognormal(rng, (520_000f64).ln(), 0.35) / 100.0).round() as i64 * 100)
            .clamp(120_000, 5_000_000)
    }

    /// A worker's jobs within `[start, end)`, the first at `first` if given.
    fn spells(&self, start: Day, end: Day, first: Option<usize>, rng: &mut impl Rng) -> Vec<Spell> {
        let mut spells = Vec::new();
        let Some(mut employer) = first.or_else(|| self.employer(start, None, false, rng)) else {
            return spells;
        };
        let mut from = start;
        loop {
            let next = from + wait(rng, JOB_CHANGE_RATE);
            let changed = if next < end {
                self.employer(next, Some(employer), false, rng)
            } else {
                None
            };
            let until = if changed.is_some() { next } else { end };
            spells.push(Spell {
                start: from,
                end: until,
                employer,
                wage: Self::wage(rng),
            });
            match changed {
                Some(e) => {
                    employer = e;
                    from = next;
                }
                None => break,
            }
        }
        spells
    }

    fn permit_number(&mut self) -> String {
        self.permits += 1;
        format!("ZZ{}-{:05}", self.code(), self.permits)
    }

    /// Lives one household's life and writes its rows.
    fn live(
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

    /// Schooling of a child born on `birth`, present from `reg` to `e`.
    fn schooling(
        &self,
        own: &mut Vec<Step>,
        i: usize,
        birth: Day,
        reg: Day,
        e: Day,
        rng: &mut impl Rng,
    ) {
        let today = day(TODAY);
        // Grade 1 in the September of the year the child turns six; after grade 9
        // most go on to senior high school (three more years).
        let entry_year = year_of(birth) + 6;
        let years = if rng.r#gen::<f64>() < 0.8 { 12 } else { 9 };
        let (first_day, last_day) = (ymd(entry_year, 9, 1), ymd(entry_year + years, 6, 30));
        let mut enrol = reg.max(first_day);
        let d = date(enrol);
        if d.month() == 7 || d.month() == 8 {
            enrol = ymd(i32::from(d.year()), 9, 1);
        }
        if enrol > last_day || enrol >= e || enrol > today {
            return;
        }
        let public = self.curve(Measure::PublicSchool);
        let u: f64 = rng.r#gen();
        let kind = if u <= public.at(enrol) {
            SchoolKind::Public
        } else if rng.r#gen::<f64>() < 0.7 {
            SchoolKind::MigrantChildren
        } else {
            SchoolKind::Private
        };
        own.push(Step {
            day: enrol,
            member: i,
            act: Act::Add {
                fact: FactKind::Schooling { school: kind },
                to: None,
            },
        });
        if rng.r#gen::<f64>() <= self.curve(Measure::CertificateChecked).at(enrol) {
            own.push(Step {
                day: enrol,
                member: i,
                act: Act::Add {
                    fact: FactKind::VaccinationCertificateChecked,
                    to: None,
                },
            });
        }
        let end = e.min(today + 1).min(last_day + 1);
        if kind != SchoolKind::Public
            && let Some(t) = public.reached(u, enrol + 1, end)
        {
            let year = year_of(t);
            let switch = if t > ymd(year, 9, 1) {
                ymd(year + 1, 9, 1)
            } else {
                ymd(year, 9, 1)
            };
            if switch <= last_day && switch < e && switch <= today {
                own.push(Step {
                    day: switch - 1,
                    member: i,
                    act: Act::End(Ending::Schooling),
                });
                own.push(Step {
                    day: switch,
                    member: i,
                    act: Act::Add {
                        fact: FactKind::Schooling {
                            school: SchoolKind::Public,
                        },
                        to: None,
                    },
                });
            }
        }
        if last_day < e - 1 && last_day <= today {
            own.push(Step {
                day: last_day,
                member: i,
                act: Act::End(Ending::Schooling),
            });
        }
    }

    /// Passes the steps to the ledger in order and writes the rows.
    fn run(
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
