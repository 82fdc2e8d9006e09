//! 已知状态 — the state the rows of a file touch, read once for the whole file
//! under the write lock: the persons its ID numbers name (with every fact, from
//! the tables or a segment), the
//! records its rows name, and which of the values it reports the registry holds. Each row is then planned against this state in
//! memory ([`super::replay`]) rather than read back row by row.

use std::collections::{HashMap, HashSet};

use domain::Date;
use domain::division::DivisionCode;
use domain::event::Change;
use domain::registry::{Record, RecordId};
use domain::reported_value::ReportedValue;
use rayon::prelude::*;

use crate::sql::Sql;
use crate::vault::Vault;
use crate::{ImportRow, PersonState, RowChange, StoreError, queries, segment};

/// A person's key in a file: the blind index of their ID number.
pub(super) type Key = crate::vault::BlindIndex;

/// What the rows of a file touch, as the registry holds it.
pub(super) struct Known {
    /// Each row's person (by position), `None` for a row naming none (a value).
    pub keys: Vec<Option<Key>>,
    /// The registered persons among `keys`.
    pub persons: HashMap<Key, PersonState>,
    /// The records the rows name that exist.
    pub records: HashMap<RecordId, Record>,
    /// The rows (by number) reporting a value the registry holds as it is,
    /// whose unit, name and period no other row of the file reports.
    pub values_held: HashSet<u64>,
}

/// Refuses a row the bulk path does not plan: the importer only makes
/// registrations, facts of a person named by ID number and reported values.
fn unsupported(change: &Change) -> StoreError {
    StoreError::Database(format!(
        "expected import rows that register persons, add facts or report values, but found a {} change",
        change.name()
    ))
}

/// The key of the person a row is about, if it names one.
fn key(vault: &Vault, row: &ImportRow) -> Result<Option<Key>, StoreError> {
    match &row.change {
        RowChange::Change(Change::Register { person, .. }) => {
            Ok(Some(vault.blind_index(&person.resident_id)))
        }
        RowChange::Change(Change::ReportValue { .. }) => Ok(None),
        RowChange::Change(other) => Err(unsupported(other)),
        RowChange::PersonFact { resident_id, .. } => Ok(Some(vault.blind_index(resident_id))),
    }
}

/// The records a row names.
pub(super) fn records_of(row: &ImportRow) -> Vec<RecordId> {
    match &row.change {
        RowChange::Change(change) => change.records(),
        RowChange::PersonFact { fact, .. } => fact.record().into_iter().collect(),
    }
}

impl Known {
    /// Reads what `rows` touch (the keys are worked out on every core).
    pub(super) fn read(
        tx: &mut dyn Sql,
        vault: &Vault,
        rows: &[ImportRow],
    ) -> Result<Known, StoreError> {
        let keys = rows
            .par_iter()
            .map(|row| key(vault, row))
            .collect::<Result<Vec<_>, _>>()?;
        let mut wanted: Vec<Key> = keys.iter().flatten().copied().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let found = queries::persons_indexed(tx, &wanted)?;
        let by_id: HashMap<_, _> = found.iter().map(|(key, id)| (*id, *key)).collect();
        let mut ids: Vec<_> = by_id.keys().copied().collect();
        ids.sort_unstable();
        let mut persons: HashMap<Key, PersonState> = queries::persons_with_facts(tx, vault, &ids)?
            .into_iter()
            .map(|(person, facts)| (by_id[&person.id], PersonState { person, facts }))
            .collect();
        // The tables win; the segments are asked for the other keys.
        let held: HashSet<Key> = found.iter().map(|(key, _)| *key).collect();
        wanted.retain(|key| !held.contains(key));
        persons.extend(segment::persons_indexed(tx, vault, &wanted)?);
        let mut named: Vec<RecordId> = rows.iter().flat_map(records_of).collect();
        named.sort_unstable();
        named.dedup();
        let records = queries::records_by_ids(tx, &named)?
            .into_iter()
            .map(|record| (record.id, record))
            .collect();
        Ok(Known {
            keys,
            persons,
            records,
            values_held: values_held(tx, rows)?,
        })
    }
}

/// The rows of `rows` whose value the registry holds (see
/// [`Known::values_held`]). A value reported twice in one file is never held:
/// the rows are written in file order, and the last decides.
fn values_held(tx: &mut dyn Sql, rows: &[ImportRow]) -> Result<HashSet<u64>, StoreError> {
    let reported: Vec<(u64, &ReportedValue)> = rows
        .iter()
        .filter_map(|row| match &row.change {
            RowChange::Change(Change::ReportValue { value }) => Some((row.row, value)),
            _ => None,
        })
        .collect();
    let mut times: HashMap<(DivisionCode, &str, Date, Date), usize> = HashMap::new();
    for (_, value) in &reported {
        *times
            .entry((value.unit, value.name.as_str(), value.from, value.to))
            .or_default() += 1;
    }
    let mut held = HashSet::new();
    for (row, value) in reported {
        let once = times[&(value.unit, value.name.as_str(), value.from, value.to)] == 1;
        if once && queries::holds_value(tx, value)? {
            held.insert(row);
        }
    }
    Ok(held)
}
