//! 批量写入 — setting up a city and loading prepared state in bulk (the demo
//! city): a transaction per batch, rows streamed through the backend's fastest
//! path ([`Sql::bulk`]), ID numbers encrypted on the way.
//!
//! A load into an empty registry ([`BulkLoader::start`]) first drops the
//! secondary indexes of the tables it fills, noting them in `deferred_indexes`
//! (committed durably before anything else), and switches the connection to its
//! fast settings ([`Bulk::fast`]); [`BulkLoader::finish`] builds the indexes
//! from the sorted rows, which is far cheaper than keeping them up to date row by
//! row, restores the durable settings and only then clears the note. A note left
//! behind means a load that never finished: [`refuse_unfinished`] keeps such a
//! database from being opened.

use domain::division::Hierarchy;
use domain::event::Event;
use domain::message::FieldError;
use domain::migrant::MigrantRule;
use domain::permit::Permit;
use domain::registry::{Fact, FamilyLink, Person, PersonId, Record};
use domain::reported_value::ReportedValue;
use domain::resident_id::ResidentId;

use super::Bulk;
use crate::journal::{self, EVENT_COLUMNS, UNIT_COLUMNS};
use crate::queries::{
    self, FACT_COLUMNS, PERSON_COLUMNS, RECORD_COLUMNS, VALUE_COLUMNS, enum_text,
};
use crate::sql::{Sql, Val, first, rows};
use crate::vault::{BlindIndex, CIPHER_LEN, SealedId, Vault};
use crate::{LoadBatch, Loader, StoreError};
use crate::{name_index, pack, permits};

/// The tables a load fills, in the order it fills them.
const LOADED: [&str; 9] = [
    "records",
    "persons",
    "name_grams",
    "facts",
    "person_packs",
    "family_links",
    "reported_values",
    "permits",
    "events",
];

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
    let values: Vec<Val<'_>> = city.units().iter().flat_map(journal::unit_values).collect();
    tx.bulk(
        "units",
        &UNIT_COLUMNS,
        &mut std::iter::once(values),
        &mut drop,
    )?;
    Ok(())
}

/// Writes `items` into `table`, their rows made on a helper thread while the
/// backend writes earlier ones, so that encryption and JSON keep pace with the
/// database. Rows travel in chunks, flat runs of values; each chunk goes back
/// to the helper once written, to be emptied there and filled again, so that
/// memory is freed by the thread that allocated it (freeing another thread's
/// allocations makes the two contend for the allocator's locks).
fn stream<'a, T: Sync>(
    tx: &mut dyn Sql,
    table: &str,
    columns: &[&str],
    items: &'a [T],
    mut make: impl FnMut(&'a T) -> Vec<Val<'a>> + Send,
) -> Result<u64, StoreError> {
    const CHUNK: usize = 2048;
    let width = columns.len();
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<Val<'a>>>(4);
        let (give_back, spent) = std::sync::mpsc::channel::<Vec<Val<'a>>>();
        scope.spawn(move || {
            for rows in items.chunks(CHUNK) {
                let mut chunk = match spent.try_recv() {
                    Ok(mut used) => {
                        used.clear();
                        used
                    }
                    Err(_) => Vec::with_capacity(CHUNK * width),
                };
                for item in rows {
                    chunk.extend(make(item));
                }
                if send.send(chunk).is_err() {
                    break; // the writer stopped early
                }
            }
            drop(send);
            // Free what the writer hands back until it is done.
            spent.into_iter().for_each(drop);
        });
        let mut chunks = receive.into_iter();
        let mut spent = |chunk| {
            // When the helper is gone the chunk is freed here instead.
            let _ = give_back.send(chunk);
        };
        Ok(tx.bulk(table, columns, &mut chunks, &mut spent)?)
    })
}

/// `id` then the rest of a row.
fn numbered(id: i64, rest: Vec<Val<'_>>) -> Vec<Val<'_>> {
    let mut row = Vec::with_capacity(rest.len() + 1);
    row.push(Val::Int(id));
    row.extend(rest);
    row
}

/// What one load writes: a [`LoadBatch`], or the rows an import planned,
/// borrowed.
pub(crate) struct Rows<'b> {
    pub records: &'b [Record],
    /// The persons by number, each with the blind index of their ID number if
    /// the caller has worked it out already.
    pub persons: Vec<(&'b Person, Option<BlindIndex>)>,
    /// The facts by number.
    pub facts: Vec<&'b Fact>,
    pub links: &'b [FamilyLink],
    pub values: &'b [ReportedValue],
    pub permits: &'b [Permit],
    pub events: &'b [Event],
}

impl<'b> Rows<'b> {
    /// The rows of `batch`, persons and facts by number.
    fn of(batch: &'b LoadBatch) -> Rows<'b> {
        let mut persons: Vec<_> = batch.persons.iter().map(|person| (person, None)).collect();
        persons.sort_unstable_by_key(|(person, _)| person.id);
        let mut facts: Vec<&Fact> = batch.facts.iter().collect();
        facts.sort_unstable_by_key(|fact| fact.id);
        Rows {
            records: &batch.records,
            persons,
            facts,
            links: &batch.links,
            values: &batch.values,
            permits: &batch.permits,
            events: &batch.events,
        }
    }
}

/// The ciphertext of `id` in an event about `person`: the one written in the
/// person's row (`ciphers`, in the order of `persons`) when that row holds the
/// same number, as it does for a registration among the rows, else a new one.
fn cipher_of(
    vault: &Vault,
    persons: &[(&Person, Option<BlindIndex>)],
    ciphers: &[[u8; CIPHER_LEN]],
    person: Option<PersonId>,
    id: &ResidentId,
) -> [u8; CIPHER_LEN] {
    person
        .and_then(|number| {
            persons
                .binary_search_by_key(&number, |(person, _)| person.id)
                .ok()
        })
        .filter(|&at| persons[at].0.resident_id == *id)
        .map_or_else(|| vault.encrypt(id), |at| ciphers[at])
}

/// Writes a prepared batch; ids are the caller's.
fn load_batch(tx: &mut dyn Sql, vault: &Vault, batch: &LoadBatch) -> Result<(), StoreError> {
    load(tx, vault, &Rows::of(batch))
}

/// Writes `rows`; ids are the caller's. Each ID number is encrypted once, by
/// the thread that makes the persons' rows, and an event that registers one
/// of these persons carries the same ciphertext.
pub(crate) fn load(tx: &mut dyn Sql, vault: &Vault, rows: &Rows) -> Result<(), StoreError> {
    tx.lock_log()?;
    stream(
        tx,
        "records",
        &with_id(&RECORD_COLUMNS),
        rows.records,
        |record| numbered(record.id, queries::record_values(record)),
    )?;
    let mut ciphers = Vec::with_capacity(rows.persons.len());
    // The name index's rows are made on another core while the persons are
    // written. Sorted, they go into the table's key in its order: neighbouring
    // inserts touch the same pages instead of one random page each.
    let (written, grams) = std::thread::scope(|scope| {
        let grams = scope.spawn(|| {
            name_index::Sorted::of(
                rows.persons
                    .iter()
                    .map(|(p, _)| (p.id, p.name.as_str(), p.unit.as_u64() as i64)),
            )
        });
        let written = stream(
            tx,
            "persons",
            &with_id(&PERSON_COLUMNS),
            &rows.persons,
            |(person, index)| {
                let id = &person.resident_id;
                let sealed = SealedId {
                    cipher: vault.encrypt(id),
                    index: index.unwrap_or_else(|| vault.blind_index(id)),
                };
                ciphers.push(sealed.cipher);
                numbered(person.id, queries::person_values(sealed, person))
            },
        );
        let grams = grams
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (written, grams)
    });
    written?;
    stream(
        tx,
        "name_grams",
        &name_index::COLUMNS,
        grams.rows(),
        |row| grams.values(row).to_vec(),
    )?;
    stream(tx, "facts", &with_id(&FACT_COLUMNS), &rows.facts, |fact| {
        numbered(
            fact.id,
            queries::fact_values(fact.person, &fact.kind, fact.from, fact.to),
        )
    })?;
    let mut facts = rows.facts.clone();
    facts.sort_unstable_by_key(|fact| (fact.person, fact.from, fact.id));
    let packed: Vec<(&Person, &[&Fact])> = rows
        .persons
        .iter()
        .map(|(person, _)| {
            let start = facts.partition_point(|fact| fact.person < person.id);
            let end = facts.partition_point(|fact| fact.person <= person.id);
            (*person, &facts[start..end])
        })
        .collect();
    stream(
        tx,
        "person_packs",
        &["person", "pack"],
        &packed,
        |(person, facts)| {
            let pack = pack::encode(
                person.sex,
                person.birth_date,
                person.left_on,
                facts.iter().copied(),
            );
            vec![person.id.into(), pack.into()]
        },
    )?;
    stream(
        tx,
        "family_links",
        &["person", "relative", "relation"],
        rows.links,
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
        rows.values,
        queries::value_values,
    )?;
    stream(
        tx,
        "permits",
        &with_id(&permits::PERMIT_COLUMNS),
        rows.permits,
        |permit| numbered(permit.id, permits::permit_values(permit)),
    )?;
    let files = journal::ImportFiles::of(tx, rows.events)?;
    stream(tx, "events", &EVENT_COLUMNS, rows.events, |event| {
        journal::event_values(event, files.id(&event.source), |id| {
            cipher_of(vault, &rows.persons, &ciphers, event.person, id)
        })
    })?;
    tx.after_load()?;
    Ok(())
}

/// A secondary index dropped for a load: its name and the statement that makes it.
pub(super) struct Deferred {
    name: String,
    sql: String,
}

/// Whether none of the tables a load fills, nor a segment, holds a row.
fn registry_empty(tx: &mut dyn Sql) -> Result<bool, StoreError> {
    for table in LOADED.iter().chain(&["person_segments"]) {
        let sql = format!("SELECT 1 FROM {table} LIMIT 1");
        if first(tx, &sql, &[], |row| row.int(0))?.is_some() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Drops the secondary indexes of `tables`; what builds them again.
pub(super) fn drop_indexes(tx: &mut dyn Sql, tables: &[&str]) -> Result<Vec<Deferred>, StoreError> {
    let mut dropped = Vec::new();
    for table in tables {
        let catalog = tx.index_catalog();
        dropped.extend(rows(tx, catalog, &[(*table).into()], |row| {
            Ok(Deferred {
                name: row.text(0)?,
                sql: row.text(1)?,
            })
        })?);
    }
    for index in &dropped {
        tx.batch(&format!("DROP INDEX {}", index.name))?;
    }
    Ok(dropped)
}

/// Builds dropped indexes again, from the rows their tables hold now.
pub(super) fn build_indexes(tx: &mut dyn Sql, dropped: &[Deferred]) -> Result<(), StoreError> {
    for index in dropped {
        tx.batch(&index.sql)?;
    }
    Ok(())
}

/// Drops the secondary indexes of the tables a load fills, noting each in
/// `deferred_indexes`.
fn defer_indexes(tx: &mut dyn Sql) -> Result<Vec<Deferred>, StoreError> {
    let deferred = drop_indexes(tx, &LOADED)?;
    for index in &deferred {
        tx.exec(
            "INSERT INTO deferred_indexes (name, sql) VALUES (?1, ?2)",
            &[index.name.as_str().into(), index.sql.as_str().into()],
        )?;
    }
    Ok(deferred)
}

fn unfinished(names: &[String]) -> StoreError {
    StoreError::Database(format!(
        "expected a database whose bulk load finished, but the load that dropped the indexes {} \
         never rebuilt them (the process stopped during the load): build the database again \
         (anju demo --fresh)",
        names.join(", ")
    ))
}

/// Refuses a database left by a bulk load that never finished (see the module).
pub(crate) fn refuse_unfinished(tx: &mut dyn Sql) -> Result<(), StoreError> {
    let names = rows(
        tx,
        "SELECT name FROM deferred_indexes ORDER BY name",
        &[],
        |row| row.text(0),
    )?;
    if names.is_empty() {
        Ok(())
    } else {
        Err(unfinished(&names))
    }
}

/// A bulk load on one backend connection (see the module).
pub(super) struct BulkLoader<'e, C: Bulk> {
    connection: C,
    vault: &'e Vault,
    /// The indexes to build at the end; none when the registry was not empty.
    deferred: Vec<Deferred>,
    /// Whether a batch of a fast load failed: without a journal its rollback
    /// may be incomplete, so the database is left to be built again.
    failed: bool,
    finished: bool,
}

fn failed_before() -> StoreError {
    StoreError::Database(
        "expected a bulk load whose batches all went in, but one failed: the database must be \
         built again (anju demo --fresh)"
            .into(),
    )
}

impl<'e, C: Bulk> BulkLoader<'e, C> {
    /// Starts a load on `connection`: a fast one when the registry is empty.
    pub(super) fn start(mut connection: C, vault: &'e Vault) -> Result<Self, StoreError> {
        let deferred = connection.write(|tx| {
            tx.lock_log()?;
            if registry_empty(tx)? {
                defer_indexes(tx)
            } else {
                Ok(Vec::new())
            }
        })?;
        let mut loader = BulkLoader {
            connection,
            vault,
            finished: deferred.is_empty(),
            deferred,
            failed: false,
        };
        if !loader.finished {
            // Should this fail, dropping the loader builds the indexes again.
            loader.connection.fast()?;
        }
        Ok(loader)
    }

    /// Builds the deferred indexes, one transaction each, then makes everything
    /// durable and clears the note of the deferred indexes; after a failed
    /// batch, only makes everything durable and leaves the note.
    fn complete(&mut self) -> Result<(), StoreError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        if self.failed {
            self.connection.durable()?;
            return Err(failed_before());
        }
        let built = self.deferred.iter().try_for_each(|index| {
            self.connection
                .write(|tx| build_indexes(tx, std::slice::from_ref(index)))
        });
        self.connection.durable()?;
        built?;
        self.connection.write(|tx| {
            tx.exec("DELETE FROM deferred_indexes", &[])?;
            Ok(())
        })
    }
}

impl<C: Bulk> Loader for BulkLoader<'_, C> {
    fn load(&mut self, batch: &LoadBatch) -> Result<(), StoreError> {
        if self.failed {
            return Err(failed_before());
        }
        let vault = self.vault;
        let loaded = self.connection.write(|tx| load_batch(tx, vault, batch));
        // A fast load is under way until it finishes.
        self.failed = loaded.is_err() && !self.deferred.is_empty() && !self.finished;
        loaded
    }

    fn finish(mut self: Box<Self>) -> Result<(), StoreError> {
        self.complete()
    }
}

impl<C: Bulk> Drop for BulkLoader<'_, C> {
    fn drop(&mut self) {
        let _ = self.complete();
    }
}
