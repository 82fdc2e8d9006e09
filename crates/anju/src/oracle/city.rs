//! 演示城市入引擎 — the demo city generated in memory, streamed into the indicator
//! engine and into the oracle's CSV export at once: no database in between, so that
//! 10,000,000 persons need no 26 GB file.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;

use analytics::sql::Export;
use analytics::{Engine, PersonState};
use anyhow::{Result, anyhow, bail};
use domain::division::Hierarchy;
use domain::policy::Policy;
use domain::registry::RecordDetail;
use domain::reported_value::ReportedValue;
use jiff::civil::Date;
use store::LoadBatch;

use crate::demo::{self, Generated, Options};

/// The engine built from the demo city, and what went in.
pub struct City {
    pub engine: Engine,
    pub generated: Generated,
    /// The first persons generated, with their facts, as the engine has them: for
    /// measuring writes.
    pub sample: Vec<store::PersonState>,
}

/// How many persons [`City::sample`] keeps.
const SAMPLE: usize = 2_000;

/// Generates the demo city of `options` (on a second thread), builds the engine of
/// `policy` from it and, when `export` names a folder, writes the export there with
/// the unit tree as of each of the dates.
pub fn build(
    options: &Options,
    policy: Arc<Policy>,
    export: Option<(&Path, &[Date])>,
) -> Result<City> {
    let hierarchy = Hierarchy::wuxi();
    let mut engine = Engine::new(policy, hierarchy.clone());
    let mut writer = export.map(|(dir, _)| Export::create(dir)).transpose()?;
    let (sender, receiver) = mpsc::sync_channel::<LoadBatch>(2);
    let mut sample = Vec::new();
    let generated = std::thread::scope(|scope| -> Result<Generated> {
        let generator = scope.spawn(move || {
            demo::in_memory(options, |batch| {
                sender
                    .send(batch)
                    .map_err(|_| anyhow!("the engine stopped taking batches"))
            })
        });
        let fed = feed(&mut engine, &mut writer, &mut sample, receiver);
        let generated = generator
            .join()
            .map_err(|_| anyhow!("the generator panicked"))?;
        fed?;
        generated
    })?;
    if let (Some(writer), Some((_, dates))) = (writer, export) {
        writer.finish(hierarchy, dates)?;
    }
    Ok(City {
        engine,
        generated,
        sample,
    })
}

/// Puts the first batch's records (every employer among them) into the engine, then
/// every person through one loader, then the records saved with the persons (a
/// rented house, a settlement: none that a person's count reads) and the reported
/// values.
fn feed(
    engine: &mut Engine,
    export: &mut Option<Export>,
    sample: &mut Vec<store::PersonState>,
    receiver: mpsc::Receiver<LoadBatch>,
) -> Result<()> {
    let mut batches = receiver.into_iter();
    let mut values: Vec<ReportedValue> = Vec::new();
    let mut later = Vec::new();
    if let Some(first) = batches.next() {
        for record in &first.records {
            engine.put_record(record, &[])?;
            if let Some(export) = export {
                export.record(record)?;
            }
        }
        values.extend(first.values);
    }
    let mut loader = engine.loader();
    for mut batch in batches {
        for record in batch.records.drain(..) {
            if matches!(record.detail, RecordDetail::Employer { .. }) {
                bail!(
                    "the demo saved employer {} after its first batch",
                    record.id
                );
            }
            if let Some(export) = export {
                export.record(&record)?;
            }
            later.push(record);
        }
        batch.facts.sort_by_key(|fact| fact.person);
        let mut states = Vec::with_capacity(batch.persons.len());
        let mut rest = batch.facts.as_slice();
        let mut persons = batch.persons.iter().collect::<Vec<_>>();
        persons.sort_by_key(|person| person.id);
        for person in persons {
            let skipped = rest.partition_point(|fact| fact.person < person.id);
            rest = &rest[skipped..];
            let count = rest.partition_point(|fact| fact.person == person.id);
            let (facts, after) = rest.split_at(count);
            rest = after;
            if let Some(export) = export {
                export.person(person, facts)?;
            }
            if sample.len() < SAMPLE {
                sample.push(store::PersonState {
                    person: person.clone(),
                    facts: facts.to_vec(),
                });
            }
            states.push(PersonState::of(person, facts));
        }
        if batch.facts.len() != states.iter().map(|s| s.facts.len()).sum::<usize>() {
            bail!("the demo sent facts of persons outside their batch");
        }
        loader.add(&states);
        values.extend(batch.values);
    }
    loader.finish();
    for record in &later {
        engine.put_record(record, &[])?;
    }
    for value in &values {
        engine.set_aggregate(value.unit, &value.name, value.from, value.to, value.value)?;
        if let Some(export) = export {
            export.value(value)?;
        }
    }
    Ok(())
}
