//! 状态推导 — what an event does to the current state.
//!
//! [`plan`] takes a [`Change`] and the current state it touches and returns the
//! mutations to apply in the same transaction that appends the event, or the reason
//! it is refused. Both store backends apply the same plan, so the rules live here
//! once. Pure: the store reads the context and writes the mutations.

use jiff::civil::Date;

use crate::access::User;
use crate::division::{DivisionCode, Hierarchy};
use crate::event::{Change, Correction, FactForm, ResidenceForm};
use crate::message::FieldError;
use crate::migrant::MigrantRule;
use crate::permit::Permit;
use crate::policy_rules::PolicyRules;
use crate::registry::{
    Fact, FactId, FactKind, FamilyLink, NewPerson, Person, Record, RecordDetail, RecordId,
};
use crate::reported_value::ReportedValue;
use crate::resident_id::ResidentId;

/// The current state a change touches, read by the store inside the transaction.
mod checks;
mod permit;
mod person;
mod record;

pub use permit::record_validity;

use checks::refuse;

pub struct Context<'a> {
    pub hierarchy: &'a Hierarchy,
    pub rule: &'a MigrantRule,
    /// The person the change is about (for a registration: the person with that ID
    /// number, if they were registered before).
    pub person: Option<&'a Person>,
    /// Every fact of that person.
    pub facts: &'a [Fact],
    /// Other persons the change names (a relative).
    pub others: &'a [Person],
    /// The records the change names (see [`Change::records`]).
    pub records: &'a [Record],
    /// The person's residence permits and applications (for a permit step).
    pub permits: &'a [Permit],
    /// The records the person's facts name (their employers), for a permit
    /// application's criteria.
    pub employers: &'a [Record],
    /// The policy's rules for permit steps: the rollout, the new-citizen criteria and
    /// the validity.
    pub policy_rules: &'a dyn PolicyRules,
}

/// A person about to be stored for the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub resident_id: ResidentId,
    pub name: String,
    pub unit: DivisionCode,
}

/// One change to the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    InsertPerson(PersonRow),
    UpdatePerson(Person),
    /// A new fact of the event's person.
    InsertFact {
        kind: FactKind,
        from: Date,
        to: Option<Date>,
    },
    UpdateFact(Fact),
    DeleteFact(FactId),
    InsertLink(FamilyLink),
    /// A new record (its id is ignored) or a replaced one.
    SaveRecord(Record),
    /// A reported value, replacing one of the same unit, name and period.
    SaveValue(ReportedValue),
    /// A new permit application (its id is ignored) or a permit's new state.
    SavePermit(Permit),
}

/// The outcome of planning: where it happens and what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The unit the event is filed under.
    pub unit: DivisionCode,
    pub mutations: Vec<Mutation>,
}

impl Change {
    /// The records this change names, which the store loads into the [`Context`].
    pub fn records(&self) -> Vec<RecordId> {
        let mut ids = Vec::new();
        let mut residence = |form: &ResidenceForm| ids.extend(form.place);
        match self {
            Change::Register {
                residence: form,
                facts,
                ..
            } => {
                residence(form);
                ids.extend(facts.iter().filter_map(|f| f.fact.record()));
            }
            Change::Move {
                residence: form, ..
            } => residence(form),
            Change::ChangeEmployer { employer, .. } => ids.push(*employer),
            Change::AddFact { fact, .. }
            | Change::Correct {
                correction: Correction::Fact { kind: fact, .. },
                ..
            } => ids.extend(fact.record()),
            Change::SaveRecord { record } => {
                ids.push(record.id);
                if let RecordDetail::RentalHouse { landlord, .. } = record.detail {
                    ids.push(landlord);
                }
            }
            _ => {}
        }
        ids.retain(|id| *id != 0);
        ids
    }

    /// The other persons this change names, which the store loads into the [`Context`].
    pub fn others(&self) -> Vec<crate::registry::PersonId> {
        match self {
            Change::LinkFamily { link } => vec![link.relative],
            _ => Vec::new(),
        }
    }

    /// 已有 — whether `person`'s record (`facts`) already says everything this
    /// change would add: a registration of that person, on that day, to that
    /// residence, with those facts; or a fact of that kind with those dates.
    /// A department's file sent again with other bytes (a corrected file, next
    /// month's full extract) asks for such changes; an import leaves them be
    /// rather than refuse them as conflicts. Any other change is never held.
    pub fn is_held_by(&self, person: &Person, facts: &[Fact]) -> bool {
        match self {
            Change::Register {
                person: new,
                on,
                residence,
                facts: forms,
            } => {
                let residence = residence_kind(residence);
                // Since ended or not: the registration is the record's.
                registers_again(new, forms, person, facts)
                    && facts
                        .iter()
                        .any(|fact| fact.kind == residence && fact.from == *on)
            }
            Change::AddFact {
                person: id,
                fact,
                from,
                to,
            } => *id == person.id && holds(facts, fact, *from, *to).is_some(),
            _ => false,
        }
    }

    /// 迁移 — the move a registration means for `person`, registered and present
    /// at another residence since an earlier day: the police register a migrant
    /// again at their new address. Only under the same name, and when the
    /// record holds every other fact the registration gives; `None` for any
    /// other change (which is planned as it is).
    pub fn as_move_of(&self, person: &Person, facts: &[Fact]) -> Option<Change> {
        let Change::Register {
            person: new,
            on,
            residence,
            facts: forms,
        } = self
        else {
            return None;
        };
        let current = facts
            .iter()
            .find(|fact| matches!(fact.kind, FactKind::Residence { .. }) && fact.to.is_none())?;
        (registers_again(new, forms, person, facts)
            && current.from < *on
            && current.kind != residence_kind(residence))
        .then(|| Change::Move {
            person: person.id,
            on: *on,
            residence: residence.clone(),
        })
    }
}

/// Whether a registration of `new` with `forms` names `person` as the record
/// does, with only facts the record (`facts`) holds.
fn registers_again(new: &NewPerson, forms: &[FactForm], person: &Person, facts: &[Fact]) -> bool {
    new.resident_id == person.resident_id
        && new.name.trim() == person.name
        && forms
            .iter()
            .all(|form| holds(facts, &form.fact, form.from, form.to).is_some())
}

/// The fact in `facts` of `kind` from `from` to `to`, if there is one.
fn holds<'f>(facts: &'f [Fact], kind: &FactKind, from: Date, to: Option<Date>) -> Option<&'f Fact> {
    facts
        .iter()
        .find(|fact| fact.kind == *kind && fact.from == from && fact.to == to)
}

/// The residence fact a residence form gives.
fn residence_kind(form: &ResidenceForm) -> FactKind {
    FactKind::Residence {
        housing: form.housing,
        unit: form.unit,
        place: form.place,
    }
}

impl FactKind {
    /// The record a fact refers to, if any.
    pub fn record(&self) -> Option<RecordId> {
        match self {
            FactKind::Residence { place, .. } => *place,
            FactKind::Employment { employer, .. } | FactKind::LabourContract { employer } => {
                Some(*employer)
            }
            _ => None,
        }
    }
}

/// Why a change was not planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The change is wrong in itself: a bad field, an impossible date.
    #[error("{0}")]
    Invalid(FieldError),
    /// The actor may not make it: their role, or a unit outside their scope.
    #[error("{0}")]
    Forbidden(FieldError),
}

/// Decides what `change`, made by `actor`, does to the state in `ctx`.
pub fn plan(actor: &User, change: &Change, ctx: &Context) -> Result<Plan, Refusal> {
    if let Change::Permit { step, reason } = change {
        return permit::plan_step(actor, step, reason, ctx);
    }
    let planned = match change {
        Change::Register {
            person,
            on,
            residence,
            facts,
        } => person::register(person, *on, residence, facts, ctx),
        Change::Move { on, residence, .. } => person::move_residence(*on, residence, ctx),
        Change::ChangeEmployer {
            on,
            employer,
            monthly_wage_fen,
            ..
        } => person::change_employer(*on, *employer, *monthly_wage_fen, ctx),
        Change::AddFact { fact, from, to, .. } => person::add_fact(fact, *from, *to, ctx),
        Change::EndFact { fact, last_day, .. } => person::end_fact(*fact, *last_day, ctx),
        Change::Leave { on, .. } => person::leave(*on, ctx),
        Change::LinkFamily { link } => person::link_family(link, ctx),
        Change::Correct { reason, correction } => person::correct(reason, correction, ctx),
        Change::SaveRecord { record } => record::save_record(record, ctx),
        Change::ReportValue { value } => record::report_value(value, ctx),
        Change::Import { .. } => Err(refuse(
            "type",
            "导入记录由导入程序在导入后写入，不能单独提交".into(),
            "expected a change to the registry, but found an import's record, which only the importer writes".into(),
        )),
        Change::Permit { .. } => unreachable!("planned above"),
    }
    .map_err(Refusal::Invalid)?;
    authorize(actor, change, ctx, &planned).map_err(Refusal::Forbidden)?;
    Ok(planned)
}

/// A user changes only what lies in their subtree, and only what their role allows.
fn authorize(
    actor: &User,
    change: &Change,
    ctx: &Context,
    planned: &Plan,
) -> Result<(), FieldError> {
    let is_record = matches!(change, Change::SaveRecord { .. });
    let allowed = match change {
        Change::SaveRecord { .. } => actor.may_write_records(),
        Change::ReportValue { .. } => actor.may_report_values(),
        _ => actor.may_write_persons(),
    };
    if !allowed {
        return Err(refuse(
            "role",
            "当前角色无权进行此项修改".into(),
            "expected a role that may make this change".into(),
        ));
    }
    let mut units = vec![planned.unit];
    units.extend(ctx.person.map(|p| p.unit));
    units.extend(ctx.others.iter().map(|p| p.unit));
    if is_record {
        units.extend(
            ctx.records
                .iter()
                .filter(|r| Some(r.id) == change_record_id(change))
                .map(|r| r.unit),
        );
    }
    match units.into_iter().find(|unit| !actor.covers(*unit)) {
        Some(unit) => Err(outside_scope(actor, unit)),
        None => Ok(()),
    }
}

/// Why `actor` may change nothing in `unit`, which lies outside their subtree.
pub fn outside_scope(actor: &User, unit: DivisionCode) -> FieldError {
    refuse(
        "unit",
        format!("单位 {unit} 不在您的管辖范围（{}）内", actor.unit),
        format!(
            "expected a unit inside your scope {}, but found {unit}",
            actor.unit
        ),
    )
}

fn change_record_id(change: &Change) -> Option<RecordId> {
    match change {
        Change::SaveRecord { record } if record.id != 0 => Some(record.id),
        _ => None,
    }
}
