//! 批量写入 — setting up a city and loading prepared state in bulk (the demo
//! city): one transaction, rows streamed through the backend's fastest path
//! ([`Sql::bulk`]), ID numbers encrypted on the way.

use domain::division::Hierarchy;
use domain::message::FieldError;
use domain::migrant::MigrantRule;

use crate::journal::{self, EVENT_COLUMNS, UNIT_COLUMNS};
use crate::queries::{
    self, FACT_COLUMNS, PERSON_COLUMNS, RECORD_COLUMNS, VALUE_COLUMNS, enum_text,
};
use crate::sql::{Sql, Val};
use crate::vault::Vault;
use crate::{LoadBatch, StoreError};

/// `id` followed by a table's other columns.
fn with_id(columns: &[&'static str]) -> Vec<&'static str> {
    std::iter::once("id")
        .chain(columns.iter().copied())
        .collect()
}

/// Writes the city's settings and divisions into an empty database.
pub(super) fn initialise(
    tx: &mut dyn Sql,
    city: &Hierarchy,
    rule: &MigrantRule,
) -> Result<(), StoreError> {
    if let Some((existing, _)) = journal::settings(tx)? {
        return Err(StoreError::Refused(FieldError::new(
            "city",
            format!("数据库已存有城市 {}", existing.city),
            format!(
                "expected an empty database, but it already holds city {}",
                existing.city
            ),
        )));
    }
    if rule.city != city.city() {
        return Err(StoreError::Refused(FieldError::new(
            "rule.city",
            format!(
                "外来人口规则的城市 {} 与区划的城市 {} 不符",
                rule.city,
                city.city()
            ),
            format!(
                "expected a migrant rule for city {}, but found one for {}",
                city.city(),
                rule.city
            ),
        )));
    }
    journal::insert_settings(tx, rule)?;
    let mut rows = city.units().iter().map(journal::unit_values);
    tx.bulk("units", &UNIT_COLUMNS, &mut rows)?;
    Ok(())
}

/// Writes `items` into `table`, their rows made on a helper thread while the
/// backend writes earlier ones, so that encryption and JSON keep pace with the
/// database.
fn stream<'a, T: Sync>(
    tx: &mut dyn Sql,
    table: &str,
    columns: &[&str],
    items: &'a [T],
    make: impl Fn(&'a T) -> Vec<Val<'a>> + Send + Sync,
) -> Result<u64, StoreError> {
    const CHUNK: usize = 2048;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Vec<Val<'a>>>>(4);
        scope.spawn(move || {
            for chunk in items.chunks(CHUNK) {
                if send.send(chunk.iter().map(&make).collect()).is_err() {
                    break; // the writer stopped early
                }
            }
        });
        let mut rows = receive.into_iter().flatten();
        Ok(tx.bulk(table, columns, &mut rows)?)
    })
}

/// `id` then the rest of a row.
fn numbered(id: i64, rest: Vec<Val<'_>>) -> Vec<Val<'_>> {
    let mut row = Vec::with_capacity(rest.len() + 1);
    row.push(Val::Int(id));
    row.extend(rest);
    row
}

/// Writes a prepared batch; ids are the caller's.
pub(super) fn load(tx: &mut dyn Sql, vault: &Vault, batch: &LoadBatch) -> Result<(), StoreError> {
    tx.lock_log()?;
    stream(
        tx,
        "records",
        &with_id(&RECORD_COLUMNS),
        &batch.records,
        |record| numbered(record.id, queries::record_values(record)),
    )?;
    stream(
        tx,
        "persons",
        &with_id(&PERSON_COLUMNS),
        &batch.persons,
        |person| numbered(person.id, queries::person_values(vault, person)),
    )?;
    stream(tx, "facts", &with_id(&FACT_COLUMNS), &batch.facts, |fact| {
        numbered(
            fact.id,
            queries::fact_values(fact.person, &fact.kind, fact.from, fact.to),
        )
    })?;
    stream(
        tx,
        "family_links",
        &["person", "relative", "relation"],
        &batch.links,
        |link| {
            vec![
                link.person.into(),
                link.relative.into(),
                enum_text(&link.relation).into(),
            ]
        },
    )?;
    stream(
        tx,
        "reported_values",
        &VALUE_COLUMNS,
        &batch.values,
        queries::value_values,
    )?;
    stream(tx, "events", &EVENT_COLUMNS, &batch.events, |event| {
        journal::event_values(vault, event)
    })?;
    tx.after_load()?;
    Ok(())
}
