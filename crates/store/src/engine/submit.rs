//! 提交 — one event, all or nothing: read the state the change touches, ask
//! [`domain::plan::plan`] what it does, apply the mutations and append the event,
//! inside the caller's write transaction. Any refusal returns before the commit,
//! so nothing of a refused change is written.

use domain::access::User;
use domain::event::{Change, Event, Source};
use domain::permit::PermitStep;
use domain::plan::{Context, Mutation, Refusal, plan, record_validity};
use domain::policy_rules::PolicyRules;
use domain::registry::{FactKind, Person, PersonId};

use super::{City, now};
use crate::sql::Sql;
use crate::vault::Vault;
use crate::{
    Changed, PersonState, Receipt, StoreError, journal, name_index, permits, queries, segment,
};

/// The state a change touches, read under the write lock.
struct Loaded {
    person: Option<Person>,
    facts: Vec<domain::registry::Fact>,
    others: Vec<Person>,
    records: Vec<domain::registry::Record>,
    permits: Vec<domain::permit::Permit>,
    /// For an application: the employers the person's facts name.
    employers: Vec<domain::registry::Record>,
}

/// The person a change is about: named by the change, or the holder of the permit
/// a permit step names.
fn person_named(tx: &mut dyn Sql, change: &Change) -> Result<Option<PersonId>, StoreError> {
    if let Change::Permit { step, .. } = change
        && let Some(id) = step.permit()
    {
        return Ok(permits::permit(tx, id)?.map(|permit| permit.person));
    }
    Ok(change.person())
}

/// Reads what `change` is planned against. The persons it names are moved
/// out of their segment first (see [`segment`]): the change is applied to
/// the tables.
fn load_context(tx: &mut dyn Sql, vault: &Vault, change: &Change) -> Result<Loaded, StoreError> {
    let named = match change {
        Change::Register { person, .. } => {
            let index = vault.blind_index(&person.resident_id);
            queries::person_by_index(tx, vault, &index, true)?.map(|person| person.id)
        }
        _ => person_named(tx, change)?,
    };
    let touched: Vec<PersonId> = named.into_iter().chain(change.others()).collect();
    segment::move_out(tx, vault, &touched)?;
    let person = match named {
        Some(id) => queries::person(tx, vault, id, true)?,
        None => None,
    };
    let facts = match &person {
        Some(person) => queries::facts_of(tx, person.id)?,
        None => Vec::new(),
    };
    let mut others = Vec::new();
    for id in change.others() {
        others.extend(queries::person(tx, vault, id, false)?);
    }
    let records = queries::records_by_ids(tx, &change.records())?;
    let permits = match (&person, change) {
        (Some(person), Change::Permit { .. }) => permits::permits_of(tx, person.id)?,
        _ => Vec::new(),
    };
    let employers = match change {
        Change::Permit {
            step: PermitStep::Apply { .. },
            ..
        } => {
            let mut ids: Vec<_> = facts
                .iter()
                .filter_map(|fact| match fact.kind {
                    FactKind::Employment { employer, .. } => Some(employer),
                    _ => None,
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            queries::records_by_ids(tx, &ids)?
        }
        _ => Vec::new(),
    };
    Ok(Loaded {
        person,
        facts,
        others,
        records,
        permits,
        employers,
    })
}

/// Applies `change` made by `actor` and appends it to the log; permit steps are
/// held against `policy_rules`.
pub(super) fn submit(
    tx: &mut dyn Sql,
    vault: &Vault,
    city: &City,
    policy_rules: &dyn PolicyRules,
    actor: &User,
    source: Source,
    mut change: Change,
) -> Result<Receipt, StoreError> {
    tx.lock_log()?;
    let loaded = load_context(tx, vault, &change)?;
    let context = Context {
        hierarchy: &city.hierarchy,
        rule: &city.rule,
        person: loaded.person.as_ref(),
        facts: &loaded.facts,
        others: &loaded.others,
        records: &loaded.records,
        permits: &loaded.permits,
        employers: &loaded.employers,
        policy_rules,
    };
    let planned = plan(actor, &change, &context).map_err(|refusal| match refusal {
        Refusal::Invalid(error) => StoreError::Refused(error),
        Refusal::Forbidden(error) => StoreError::Forbidden(error),
    })?;
    record_validity(&mut change, &planned);
    let before = loaded.person.clone().map(|person| PersonState {
        person,
        facts: loaded.facts.clone(),
    });
    let mut receipt = Receipt {
        seq: 0,
        person: loaded.person.as_ref().map(|p| p.id),
        facts: Vec::new(),
        record: None,
        permit: None,
        changed: Changed::default(),
    };
    for mutation in &planned.mutations {
        apply(tx, vault, &change, mutation, &mut receipt)?;
    }
    if let Some(person) = receipt.person {
        queries::refresh_presence(tx, person)?;
        receipt.changed.before = before;
        receipt.changed.after = person_state(tx, vault, person)?;
        if let Some(after) = &receipt.changed.after {
            queries::save_pack(tx, after)?;
            name_index::replace(tx, loaded.person.as_ref(), &after.person)?;
        }
    }
    if let Some(id) = receipt.record {
        let record = queries::record(tx, id)?
            .ok_or_else(|| StoreError::Database(format!("record {id} vanished while saved")))?;
        let mut dependents = Vec::new();
        for person in queries::employees_ever(tx, id)? {
            dependents.extend(person_state(tx, vault, person)?);
        }
        receipt.changed.record = Some((record, dependents));
    }
    let event = Event {
        seq: 0,
        at: now(),
        actor: actor.id,
        unit: planned.unit,
        person: receipt.person,
        source,
        change,
    };
    receipt.seq = journal::append_event(tx, vault, &event)?;
    Ok(receipt)
}

/// A person with all their facts, as the indicator engine reads them.
pub(crate) fn person_state(
    tx: &mut dyn Sql,
    vault: &Vault,
    id: domain::registry::PersonId,
) -> Result<Option<PersonState>, StoreError> {
    let Some(person) = queries::person(tx, vault, id, false)? else {
        return Ok(None);
    };
    let facts = queries::facts_of(tx, id)?;
    Ok(Some(PersonState { person, facts }))
}

fn apply(
    tx: &mut dyn Sql,
    vault: &Vault,
    change: &Change,
    mutation: &Mutation,
    receipt: &mut Receipt,
) -> Result<(), StoreError> {
    let no_person = || {
        StoreError::Database(format!(
            "the plan of {} changes a person it did not name",
            change.name()
        ))
    };
    match mutation {
        Mutation::InsertPerson(row) => {
            let Change::Register { on, .. } = change else {
                return Err(StoreError::Database(format!(
                    "the plan of {} inserts a person",
                    change.name()
                )));
            };
            receipt.person = Some(queries::insert_person(tx, vault, row, *on)?);
        }
        Mutation::UpdatePerson(person) => queries::update_person(tx, vault, person)?,
        Mutation::InsertFact { kind, from, to } => {
            let person = receipt.person.ok_or_else(no_person)?;
            receipt
                .facts
                .push(queries::insert_fact(tx, person, kind, *from, *to)?);
        }
        Mutation::UpdateFact(fact) => queries::update_fact(tx, fact)?,
        Mutation::DeleteFact(fact) => {
            queries::delete_fact(tx, receipt.person.ok_or_else(no_person)?, *fact)?
        }
        Mutation::InsertLink(link) => queries::insert_link(tx, link)?,
        Mutation::SaveRecord(record) => receipt.record = Some(queries::save_record(tx, record)?),
        Mutation::SaveValue(value) => {
            queries::save_value(tx, value)?;
            receipt.changed.value = Some(value.clone());
        }
        Mutation::SavePermit(permit) => receipt.permit = Some(permits::save_permit(tx, permit)?),
    }
    Ok(())
}
