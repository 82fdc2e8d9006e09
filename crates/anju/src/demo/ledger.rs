//! 账本 — turns the demo's changes into rows exactly as the store would: each
//! [`Change`] goes through [`domain::plan::plan`] against the in-memory state of the
//! person (their facts, the records named), and the returned mutations become rows
//! with ids counted here; each change becomes an [`Event`] (actor, unit, time of
//! day in UTC+8 as UTC, [`Source::Demo`]). Batches of rows leave through
//! [`Ledger::take_batch`].
//!
//! It decides nothing about anyone's life: callers say what happens and when.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context as _, anyhow, bail};
use domain::access::User;
use domain::division::{CodeLevel, DivisionCode, Hierarchy};
use domain::event::{Change, Event, Source};
use domain::migrant::MigrantRule;
use domain::permit::{Permit, PermitId, PermitStep};
use domain::plan::{Context, Mutation, plan, record_validity};
use domain::policy_rules::PolicyRules;
use domain::registry::{
    Fact, FactId, FactKind, Person, PersonId, Record, RecordDetail, RecordId, StaffRole,
};
use jiff::Timestamp;
use store::LoadBatch;

use domain::reported_value::ReportedValue;

use super::calibration::{Day, PLAN_FIRST_YEAR, TODAY, UTC_OFFSET_HOURS, age_on, day, year_end};
use super::people::mix;
use super::places::{as_of, states};

/// The demo's users by the unit they work in: a station per village, an officer per
/// town, district and the city.
#[derive(Debug, Default)]
pub struct Actors {
    by_unit: HashMap<DivisionCode, User>,
}

impl Actors {
    /// Adds the user who records what happens in `unit`.
    pub fn insert(&mut self, unit: DivisionCode, user: User) {
        self.by_unit.insert(unit, user);
    }

    /// The user of the smallest unit that covers all of `units`.
    pub fn covering(&self, units: &[DivisionCode]) -> anyhow::Result<&User> {
        let first = *units
            .first()
            .ok_or_else(|| anyhow!("no unit to find an actor for"))?;
        for level in [
            CodeLevel::Village,
            CodeLevel::Town,
            CodeLevel::District,
            CodeLevel::City,
        ] {
            let unit = first.truncate(level);
            if units.iter().all(|u| unit.contains(*u))
                && let Some(user) = self.by_unit.get(&unit)
            {
                return Ok(user);
            }
        }
        bail!("no demo user covers the units {units:?}")
    }
}

/// What the generator knows of a person while living their life: the row and every
/// fact, as the store would hold them.
#[derive(Debug, Default, Clone)]
pub struct Life {
    pub person: Option<Person>,
    pub facts: Vec<Fact>,
    /// Their residence permits and applications.
    pub permits: Vec<Permit>,
    /// The time (Unix seconds) of the person's last event, to keep their events in order.
    pub last_at: i64,
}

impl Life {
    /// Whether a residence holds on `on` (the person row's days are derived only
    /// when the life is finished).
    pub fn present_on(&self, on: domain::Date) -> bool {
        self.facts
            .iter()
            .any(|f| matches!(f.kind, FactKind::Residence { .. }) && f.holds_on(on))
    }

    /// The open fact of this kind, if any.
    pub fn open(&self, matches: impl Fn(&FactKind) -> bool) -> Option<&Fact> {
        self.facts
            .iter()
            .find(|f| f.to.is_none() && matches(&f.kind))
    }
}

/// How many rows of each kind went out, for the summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub persons: u64,
    pub present: u64,
    pub facts: u64,
    pub links: u64,
    pub records: u64,
    pub events: u64,
    /// Reported values (estimates, departments' counts).
    pub values: u64,
    /// Residence permit applications (each issued or not).
    pub permits: u64,
}

/// The plan years, for which the demo reports values.
pub const PLAN_YEARS: [i32; 3] = [
    PLAN_FIRST_YEAR as i32,
    PLAN_FIRST_YEAR as i32 + 1,
    PLAN_FIRST_YEAR as i32 + 2,
];

/// Who was registered in a village on the last day of a plan year, as the indicator
/// engine counts them: everyone, and the school-age children (6–15).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Present {
    pub persons: u32,
    pub school_age: u32,
}

/// A record's kind and unit: enough to stand in for it when the planner checks a
/// reference.
#[derive(Debug, Clone, Copy)]
struct Stub {
    kind: u8,
    unit: DivisionCode,
}

/// An event waiting for its number: the batch is put in time order first.
struct Pending {
    at: i64,
    order: u64,
    event: Event,
}

/// Rows and events being written.
pub struct Ledger<'a> {
    hierarchy: &'a Hierarchy,
    rule: MigrantRule,
    actors: &'a Actors,
    /// What permit steps are held against (the rollout, the criteria, the validity).
    policy_rules: &'a dyn PolicyRules,
    next_person: PersonId,
    next_permit: PermitId,
    next_fact: FactId,
    next_record: RecordId,
    next_seq: i64,
    stubs: Vec<Option<Stub>>,
    batch: LoadBatch,
    pending: Vec<Pending>,
    order: u64,
    pub totals: Totals,
    /// Per village and plan year, who was registered on the year's last day.
    pub present: BTreeMap<(DivisionCode, i32), Present>,
}

fn kind_code(detail: &RecordDetail) -> u8 {
    match detail {
        RecordDetail::Employer { .. } => 0,
        RecordDetail::Landlord { .. } => 1,
        RecordDetail::RentalHouse { .. } => 2,
        RecordDetail::Hotel => 3,
        RecordDetail::Agency { .. } => 4,
        RecordDetail::ConcentratedZone { .. } => 5,
        RecordDetail::Settlement { .. } => 6,
        RecordDetail::MigrantChildrenSchool => 7,
        RecordDetail::NewCitizenOrganisation => 8,
        RecordDetail::Staff { .. } => 9,
    }
}

fn stub_detail(kind: u8) -> RecordDetail {
    match kind {
        0 => RecordDetail::Employer {
            union_since: None,
            letter_signed_on: None,
        },
        1 => RecordDetail::Landlord {
            letter_signed_on: None,
        },
        2 => RecordDetail::RentalHouse {
            landlord: 0,
            address: String::new(),
            registered_on: None,
            entrusted_from: None,
            entrusted_to: None,
        },
        3 => RecordDetail::Hotel,
        4 => RecordDetail::Agency {
            letter_signed_on: None,
        },
        5 => RecordDetail::ConcentratedZone {
            area_m2: 0,
            capacity: 0,
        },
        6 => RecordDetail::Settlement {
            migrants: 0,
            mediation_since: None,
        },
        7 => RecordDetail::MigrantChildrenSchool,
        8 => RecordDetail::NewCitizenOrganisation,
        _ => RecordDetail::Staff {
            role: StaffRole::InformationOfficer,
            is_migrant: false,
            trained_on: Vec::new(),
        },
    }
}

/// The unit whose user takes a permit step: the holder's village station applies,
/// the town of the permit's unit reviews, its district issues, renews and revokes,
/// the district of the present residence records a change.
fn permit_office(step: &PermitStep, life: &Life) -> anyhow::Result<DivisionCode> {
    let person = life
        .person
        .as_ref()
        .context("a permit step before the person")?;
    let permit = step
        .permit()
        .and_then(|id| life.permits.iter().find(|p| p.id == id));
    Ok(match (step, permit) {
        (PermitStep::Apply { .. }, _) => person.unit,
        (PermitStep::Change { .. }, _) => person.unit.truncate(CodeLevel::District),
        (PermitStep::Review { .. }, Some(permit)) => permit.unit.truncate(CodeLevel::Town),
        (_, Some(permit)) => permit.district(),
        (_, None) => bail!("a step on a permit the person does not have: {step:?}"),
    })
}

/// Seconds since the Unix epoch of `d` at `seconds_of_day` local time (UTC+8).
fn instant(d: Day, seconds_of_day: i64) -> i64 {
    i64::from(d) * 86_400 + seconds_of_day - UTC_OFFSET_HOURS * 3600
}

impl<'a> Ledger<'a> {
    /// A ledger whose record ids start at `first_record` (the records made before
    /// it have the ids below), holding permit steps against `policy_rules`.
    pub fn new(
        hierarchy: &'a Hierarchy,
        rule: MigrantRule,
        actors: &'a Actors,
        policy_rules: &'a dyn PolicyRules,
        first_record: RecordId,
    ) -> Ledger<'a> {
        Ledger {
            hierarchy,
            rule,
            actors,
            policy_rules,
            next_person: 1,
            next_permit: 1,
            next_fact: 1,
            next_record: first_record,
            next_seq: 1,
            stubs: vec![None],
            batch: LoadBatch::default(),
            pending: Vec::new(),
            order: 0,
            totals: Totals::default(),
            present: BTreeMap::new(),
        }
    }

    /// A new record id.
    pub fn next_record_id(&mut self) -> RecordId {
        let id = self.next_record;
        self.next_record += 1;
        id
    }

    /// How many persons the current batch holds.
    pub fn batch_persons(&self) -> usize {
        self.batch.persons.len()
    }

    fn stub(&self, id: RecordId) -> Option<Record> {
        let stub = (*self.stubs.get(usize::try_from(id).ok()?)?)?;
        Some(Record {
            id,
            name: String::new(),
            unit: stub.unit,
            from: jiff::civil::Date::MIN,
            to: None,
            detail: stub_detail(stub.kind),
        })
    }

    /// The employers `life`'s facts name, as the planner's context holds them
    /// (stand-ins of their kind and unit: a criterion on an employer's union would
    /// not see it).
    fn employers(&self, life: &Life) -> Vec<Record> {
        life.facts
            .iter()
            .filter_map(|fact| match fact.kind {
                FactKind::Employment { employer, .. } => self.stub(employer),
                _ => None,
            })
            .collect()
    }

    /// Whether the person living `life` may apply for a residence permit on `on`:
    /// the rollout has reached their district and they meet the criteria.
    pub fn admits(&self, life: &Life, on: domain::Date) -> bool {
        life.person.as_ref().is_some_and(|person| {
            self.policy_rules
                .admit(person, &life.facts, &self.employers(life), on)
                .is_ok()
        })
    }

    fn push_event(&mut self, at: i64, event: Event) {
        self.order += 1;
        self.pending.push(Pending {
            at,
            order: self.order,
            event,
        });
    }

    /// Saves a record (its id already taken from [`Ledger::next_record_id`]) entered
    /// on `entered_on`: one event for its creation (with id 0, as a station submits
    /// it) and one for each dated attribute that came later; the row is its state
    /// today.
    pub fn save_record(&mut self, entered_on: Day, record: Record) -> anyhow::Result<()> {
        let id = record.id;
        let index = usize::try_from(id).context("record ids are positive")?;
        if self.stubs.len() <= index {
            self.stubs.resize(index + 1, None);
        }
        let actor = self.actors.covering(&[record.unit])?.clone();
        for (n, (on, state)) in states(&record, entered_on).into_iter().enumerate() {
            let change = if n == 0 {
                Change::SaveRecord {
                    record: Record { id: 0, ..state },
                }
            } else {
                Change::SaveRecord { record: state }
            };
            let records: Vec<Record> = change
                .records()
                .into_iter()
                .filter_map(|id| self.stub(id))
                .collect();
            let ctx = Context {
                hierarchy: self.hierarchy,
                rule: &self.rule,
                person: None,
                facts: &[],
                others: &[],
                records: &records,
                permits: &[],
                employers: &[],
                policy_rules: self.policy_rules,
            };
            let planned = plan(&actor, &change, &ctx).map_err(|refusal| {
                anyhow!(
                    "the planner refused the demo's record {}: {refusal}",
                    record.name
                )
            })?;
            let seconds = 8 * 3600 + (mix(self.order ^ (id as u64) << 20) % 3600) as i64;
            let at = instant(on, seconds);
            let event = Event {
                seq: 0,
                at: Timestamp::from_second(at).context("event time")?,
                actor: actor.id,
                unit: planned.unit,
                person: None,
                source: Source::Demo,
                change,
            };
            self.push_event(at, event);
            self.stubs[index] = Some(Stub {
                kind: kind_code(&record.detail),
                unit: record.unit,
            });
        }
        self.batch.records.push(as_of(&record, day(TODAY)));
        self.totals.records += 1;
        Ok(())
    }

    /// Reports `value` on day `on`, by the officer of `office` (a town or district
    /// office, or the city's): planned like any change, logged as its event.
    pub fn report_value(
        &mut self,
        on: Day,
        office: DivisionCode,
        value: ReportedValue,
    ) -> anyhow::Result<()> {
        let actor = self.actors.covering(&[office])?.clone();
        let change = Change::ReportValue { value };
        let ctx = Context {
            hierarchy: self.hierarchy,
            rule: &self.rule,
            person: None,
            facts: &[],
            others: &[],
            records: &[],
            permits: &[],
            employers: &[],
            policy_rules: self.policy_rules,
        };
        let planned = plan(&actor, &change, &ctx).map_err(|refusal| {
            anyhow!("the planner refused a demo value: {refusal}\n{change:?}")
        })?;
        for mutation in planned.mutations {
            match mutation {
                Mutation::SaveValue(value) => {
                    self.batch.values.push(value);
                    self.totals.values += 1;
                }
                other => bail!("a value report planned {other:?}"),
            }
        }
        let seconds = 10 * 3600 + (mix(self.order ^ 0x7a1e) % 3600) as i64;
        let at = instant(on, seconds);
        let event = Event {
            seq: 0,
            at: Timestamp::from_second(at).context("event time")?,
            actor: actor.id,
            unit: planned.unit,
            person: None,
            source: Source::Demo,
            change,
        };
        self.push_event(at, event);
        Ok(())
    }

    /// Applies `change` made on day `on` to `lives[subject]` (and names
    /// `lives[relative]` for a family link), as the store would, and logs its event.
    pub fn apply(
        &mut self,
        lives: &mut [Life],
        subject: usize,
        relative: Option<usize>,
        on: Day,
        change: Change,
    ) -> anyhow::Result<()> {
        let records: Vec<Record> = change
            .records()
            .into_iter()
            .filter_map(|id| self.stub(id))
            .collect();
        let others: Vec<Person> = relative
            .and_then(|r| lives[r].person.clone())
            .into_iter()
            .collect();
        let life = &lives[subject];
        let mut units = Vec::with_capacity(3);
        match &change {
            Change::Register { residence, .. } | Change::Move { residence, .. } => {
                units.push(residence.unit)
            }
            _ => {}
        }
        match &change {
            Change::Permit { step, .. } => units.push(permit_office(step, life)?),
            _ => {
                units.extend(life.person.as_ref().map(|p| p.unit));
                units.extend(others.iter().map(|p| p.unit));
            }
        }
        let actor = self.actors.covering(&units)?;
        let employers = match &change {
            Change::Permit {
                step: PermitStep::Apply { .. },
                ..
            } => self.employers(life),
            _ => Vec::new(),
        };
        let ctx = Context {
            hierarchy: self.hierarchy,
            rule: &self.rule,
            person: life.person.as_ref(),
            facts: &life.facts,
            others: &others,
            records: &records,
            permits: &life.permits,
            employers: &employers,
            policy_rules: self.policy_rules,
        };
        let planned = plan(actor, &change, &ctx).map_err(|refusal| {
            anyhow!("the planner refused a demo change: {refusal}\n{change:?}\n{life:?}")
        })?;
        let mut change = change;
        record_validity(&mut change, &planned);
        let actor_id = actor.id;
        let mut earliest = life.last_at + 60;
        if let Some(r) = relative {
            earliest = earliest.max(lives[r].last_at + 60);
        }
        let seconds = 9 * 3600
            + (mix(self.order.wrapping_mul(31) ^ subject as u64) % (8 * 3600 + 1800)) as i64;
        let at = instant(on, seconds).max(earliest);
        let life = &mut lives[subject];
        for mutation in planned.mutations {
            match mutation {
                Mutation::InsertPerson(row) => {
                    let Change::Register { on, .. } = &change else {
                        bail!("a plan inserted a person outside a registration")
                    };
                    let id = self.next_person;
                    self.next_person += 1;
                    life.person = Some(Person {
                        id,
                        resident_id: row.resident_id,
                        name: row.name,
                        sex: row.resident_id.sex(),
                        birth_date: row.resident_id.birth_date(),
                        hukou: row.resident_id.hukou(),
                        registered_on: *on,
                        left_on: None,
                        unit: row.unit,
                    });
                }
                Mutation::UpdatePerson(person) => life.person = Some(person),
                Mutation::InsertFact { kind, from, to } => {
                    let person = life
                        .person
                        .as_ref()
                        .map(|p| p.id)
                        .context("a fact before its person")?;
                    life.facts.push(Fact {
                        id: self.next_fact,
                        person,
                        kind,
                        from,
                        to,
                    });
                    self.next_fact += 1;
                }
                Mutation::UpdateFact(fact) => {
                    let slot = life
                        .facts
                        .iter_mut()
                        .find(|f| f.id == fact.id)
                        .context("an update of an unknown fact")?;
                    *slot = fact;
                }
                Mutation::DeleteFact(id) => life.facts.retain(|f| f.id != id),
                Mutation::InsertLink(link) => {
                    self.batch.links.push(link);
                    self.totals.links += 1;
                }
                Mutation::SaveRecord(_) => bail!("a person's change saved a record"),
                Mutation::SaveValue(_) => bail!("a person's change reported a value"),
                Mutation::SavePermit(mut permit) => {
                    if permit.id == 0 {
                        permit.id = self.next_permit;
                        self.next_permit += 1;
                        self.totals.permits += 1;
                    }
                    match life.permits.iter_mut().find(|p| p.id == permit.id) {
                        Some(slot) => *slot = permit,
                        None => life.permits.push(permit),
                    }
                }
            }
        }
        life.last_at = at;
        if let Some(r) = relative {
            lives[r].last_at = lives[r].last_at.max(at);
        }
        let person = lives[subject].person.as_ref().map(|p| p.id);
        let event = Event {
            seq: 0,
            at: Timestamp::from_second(at).context("event time")?,
            actor: actor_id,
            unit: planned.unit,
            person,
            source: Source::Demo,
            change,
        };
        self.push_event(at, event);
        Ok(())
    }

    /// Writes a finished person's row and facts into the batch. Registration and
    /// departure days are derived from the residence facts, as the store does.
    pub fn finish(&mut self, life: Life) {
        let Some(mut person) = life.person else {
            return;
        };
        let (registered_on, left_on) =
            presence(&life.facts).unwrap_or((person.registered_on, person.left_on));
        person.registered_on = registered_on;
        person.left_on = left_on;
        self.totals.persons += 1;
        self.totals.present += u64::from(left_on.is_none());
        let birth = day(person.birth_date);
        for year in PLAN_YEARS {
            let end = year_end(year);
            let holds = life.facts.iter().find_map(|f| match f.kind {
                FactKind::Residence { unit, .. }
                    if day(f.from) <= end && f.to.is_none_or(|to| day(to) >= end) =>
                {
                    Some(unit)
                }
                _ => None,
            });
            if let Some(unit) = holds {
                let present = self.present.entry((unit, year)).or_default();
                present.persons += 1;
                present.school_age += u32::from((6..=15).contains(&age_on(birth, end)));
            }
        }
        self.totals.facts += life.facts.len() as u64;
        self.batch.persons.push(person);
        self.batch.facts.extend(life.facts);
        self.batch.permits.extend(life.permits);
    }

    /// The rows gathered since the last batch, with their events in time order and
    /// numbered.
    pub fn take_batch(&mut self) -> LoadBatch {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_unstable_by_key(|p| (p.at, p.order));
        let mut batch = std::mem::take(&mut self.batch);
        batch.events.reserve(pending.len());
        for mut p in pending {
            p.event.seq = self.next_seq;
            self.next_seq += 1;
            batch.events.push(p.event);
        }
        self.totals.events += batch.events.len() as u64;
        batch
    }
}

/// When the current stay began and, if it ended, the day of departure: a stay is a
/// run of residences with no day between them (the store's rule).
pub fn presence(facts: &[Fact]) -> Option<(domain::Date, Option<domain::Date>)> {
    let mut spans: Vec<(domain::Date, Option<domain::Date>, FactId)> = facts
        .iter()
        .filter(|f| matches!(f.kind, FactKind::Residence { .. }))
        .map(|f| (f.from, f.to, f.id))
        .collect();
    spans.sort();
    let &(mut start, _, _) = spans.first()?;
    let mut end: Option<domain::Date> = None;
    let mut open = false;
    for (from, to, _) in spans {
        if !open && end.is_some_and(|end| end.tomorrow().is_ok_and(|next| from > next)) {
            start = from;
        }
        open |= to.is_none();
        end = end.max(to);
    }
    let left_on = if open {
        None
    } else {
        end.and_then(|end| end.tomorrow().ok())
    };
    Some((start, left_on))
}
