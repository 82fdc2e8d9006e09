//! 批量写入 — the demo city's fast path: a batch goes in whole, reads back like
//! registered persons, and the store's own numbering carries on after it. Into
//! an empty registry the load builds its indexes at the end, and checks then
//! what they enforce.

use std::time::Instant;

use domain::event::{Change, Event, Source};
use domain::registry::{
    Fact, FactKind, FamilyLink, Housing, Person, Record, RecordDetail, Relation,
};
use jiff::civil::{Date, date};
use store::{LoadBatch, StoreError};

use super::fixtures::{BINHU, Cast, code, id, own_home, register, setup};
use super::harness::{TestDb, each_backend, sqlite_only};

/// The ID number of the person numbered `person` in a batch.
fn resident(person: i64) -> domain::resident_id::ResidentId {
    id(100_000 + person as u32)
}

/// `count` persons living in [`BINHU`] since 2019, numbered from `first_id`,
/// each with a residence and a job at one employer (record `first_id`), the
/// first two married, and one registration event each (after the employer's).
fn batch(cast: &Cast, count: i64, first_id: i64) -> LoadBatch {
    let on = date(2019, 4, 1);
    let employer = Record {
        id: first_id,
        name: "演示制造有限公司".into(),
        unit: code(BINHU),
        from: date(2001, 1, 1),
        to: None,
        detail: RecordDetail::Employer {
            union_since: Some(date(2010, 5, 1)),
            letter_signed_on: None,
        },
    };
    let mut batch = LoadBatch {
        records: vec![employer],
        ..LoadBatch::default()
    };
    for n in 0..count {
        let person_id = first_id + n;
        let resident_id = resident(person_id);
        batch.persons.push(Person {
            id: person_id,
            resident_id,
            name: format!("演示{n}"),
            sex: resident_id.sex(),
            birth_date: resident_id.birth_date(),
            hukou: resident_id.hukou(),
            registered_on: on,
            left_on: None,
            unit: code(BINHU),
        });
        let residence = FactKind::Residence {
            housing: Housing::OwnHome,
            unit: code(BINHU),
            place: None,
        };
        let job = FactKind::Employment {
            employer: first_id,
            monthly_wage_fen: 300_000 + n,
        };
        for (k, kind) in [residence, job].into_iter().enumerate() {
            batch.facts.push(Fact {
                id: first_id + 2 * n + k as i64,
                person: person_id,
                kind,
                from: on,
                to: None,
            });
        }
        let change = Change::Register {
            person: domain::registry::NewPerson {
                resident_id,
                name: format!("演示{n}"),
            },
            on,
            residence: own_home(BINHU),
            facts: vec![],
        };
        batch.events.push(Event {
            seq: first_id + n,
            at: jiff::Timestamp::from_second(1_554_076_800 + n).unwrap(),
            actor: cast.station.id,
            unit: code(BINHU),
            person: Some(person_id),
            source: Source::Demo,
            change,
        });
    }
    batch.links.push(FamilyLink {
        person: first_id,
        relative: first_id + 1,
        relation: Relation::Spouse,
    });
    batch
}

/// Loads `batches` through one loader and finishes it.
fn load_all(db: &TestDb, batches: &[LoadBatch]) -> Result<(), StoreError> {
    let mut loader = db.loader()?;
    for batch in batches {
        loader.load(batch)?;
    }
    loader.finish()
}

/// A batch made by [`batch`] reads back through every query.
fn check_loaded(db: &TestDb, cast: &Cast, count: i64, first_id: i64) {
    let viewer = &cast.officer_binhu;
    let file = db.person(viewer, first_id + 1).unwrap();
    assert_eq!(file.person.resident_id, resident(first_id + 1));
    assert_eq!(file.facts.len(), 2);
    assert_eq!(
        file.facts[1].kind,
        FactKind::Employment {
            employer: first_id,
            monthly_wage_fen: 300_001
        }
    );
    assert_eq!(file.family.len(), 1);
    let last = db
        .find_by_resident_id(viewer, &resident(first_id + count - 1))
        .unwrap()
        .unwrap();
    assert_eq!(last.id, first_id + count - 1);
    let name = format!("演示{}", count - 1);
    let named = db.search_by_name(viewer, &name, 100).unwrap();
    assert_eq!(named[0].name, name, "exact name first");
    assert!(named.iter().any(|hit| hit.id == last.id), "{named:?}");
    let on: Date = date(2020, 1, 1);
    assert_eq!(db.facts_on(viewer, first_id, on).unwrap().len(), 2);
    let timeline = db.timeline(viewer, first_id).unwrap();
    assert_eq!(timeline[0].change.name(), "register");
    assert_eq!(timeline[0].source, Source::Demo);
    assert_eq!(
        db.record(viewer, first_id).unwrap().name,
        "演示制造有限公司"
    );
    super::scan::assert_scan_matches_files(db, viewer, db.raw_count("persons"));
}

/// A person with the ID number of person 1, written past the store: refused
/// when the unique index on ID numbers is in place.
fn duplicate_id_number(db: &TestDb) -> Result<u64, String> {
    db.raw_exec(
        "INSERT INTO persons (id_cipher, id_index, name, sex, birth_date, hukou, registered_on, unit) \
         SELECT id_cipher, id_index, name, sex, birth_date, hukou, registered_on, unit FROM persons WHERE id = 1",
    )
}

#[test]
fn a_loaded_batch_reads_back_and_numbering_continues() {
    each_backend(|db| {
        let cast = setup(db);
        let count = 500;
        // The employer saved by the store before the load takes number 1; the batch uses later ones.
        let first_id = 1_000;
        super::fixtures::employer(db, &cast.station, "先存的公司", BINHU);
        let mut loader = db.loader().unwrap();
        loader.load(&batch(&cast, count, first_id)).unwrap();
        // A registry that was not empty keeps its indexes during the load.
        assert_eq!(db.raw_count("deferred_indexes"), 0);
        loader.finish().unwrap();
        check_loaded(db, &cast, count, first_id);
        assert_eq!(
            db.events_after(0, count as usize + 10).unwrap().len(),
            count as usize + 1
        );

        let receipt =
            register(db, &cast.station, id(7), "新来的", BINHU, date(2021, 1, 1)).unwrap();
        assert_eq!(receipt.person, Some(first_id + count));
        assert_eq!(receipt.facts, [first_id + 2 * count]);
        assert_eq!(receipt.seq, first_id + count);
        assert!(!db.raw_contains(resident(first_id + 3).as_str()));

        // A batch that reuses an id fails whole.
        let mut loader = db.loader().unwrap();
        assert!(loader.load(&batch(&cast, 2, first_id)).is_err());
        loader.finish().unwrap();
        assert_eq!(db.raw_count("persons"), count + 1);
    });
}

#[test]
fn a_load_into_an_empty_registry_builds_its_indexes_at_the_end() {
    each_backend(|db| {
        let cast = setup(db);
        let mut loader = db.loader().unwrap();
        loader.load(&batch(&cast, 300, 1)).unwrap();
        // The secondary indexes are gone until the end, and noted; SQLite writes
        // without a journal.
        assert!(db.raw_count("deferred_indexes") >= 7);
        assert_ne!(db.raw_wal(), Some(true));
        assert_eq!(duplicate_id_number(db), Ok(1));
        db.raw_exec("DELETE FROM persons WHERE id > 300").unwrap();
        loader.load(&batch(&cast, 200, 1_001)).unwrap();
        loader.finish().unwrap();
        assert_eq!(db.raw_count("deferred_indexes"), 0);
        assert_ne!(db.raw_wal(), Some(false));

        check_loaded(db, &cast, 300, 1);
        check_loaded(db, &cast, 200, 1_001);
        assert_eq!(db.events_after(0, 1_000).unwrap().len(), 500);
        let receipt =
            register(db, &cast.station, id(7), "新来的", BINHU, date(2021, 1, 1)).unwrap();
        assert_eq!(receipt.person, Some(1_201));
        assert_eq!(receipt.seq, 1_201);
        let unique = duplicate_id_number(db);
        assert!(unique.is_err(), "{unique:?}");
        assert!(!db.raw_contains(resident(3).as_str()));
        drop(db.reopen());
    });
}

#[test]
fn a_fast_load_checks_uniqueness_when_it_finishes() {
    each_backend(|db| {
        let cast = setup(db);
        let mut loader = db.loader().unwrap();
        loader.load(&batch(&cast, 20, 1)).unwrap();
        // Other numbers, the same ID numbers: nothing checks them yet.
        let mut again = batch(&cast, 20, 101);
        for (person, first) in again.persons.iter_mut().zip(1..) {
            person.resident_id = resident(first);
        }
        loader.load(&again).unwrap();
        let error = loader.finish().unwrap_err();
        assert!(matches!(error, StoreError::Database(_)), "{error}");
        // The load did not finish: the database is not opened again.
        let refused = db.try_reopen().map(drop).unwrap_err().to_string();
        assert!(refused.contains("bulk load"), "{refused}");
    });
}

#[test]
fn a_fast_load_with_a_failed_batch_must_be_built_again() {
    each_backend(|db| {
        let cast = setup(db);
        let mut loader = db.loader().unwrap();
        loader.load(&batch(&cast, 20, 1)).unwrap();
        // Numbers already taken: the batch fails, and so does the rest of the load.
        assert!(loader.load(&batch(&cast, 20, 1)).is_err());
        assert!(loader.load(&batch(&cast, 20, 101)).is_err());
        assert!(loader.finish().is_err());
        let refused = db.try_reopen().map(drop).unwrap_err().to_string();
        assert!(refused.contains("bulk load"), "{refused}");
    });
}

/// A reader that keeps SQLite's write-ahead log open keeps the load from
/// switching the journal off; the load goes on with the log, and ends the same.
#[test]
fn a_fast_load_beside_an_open_reader_keeps_the_log() {
    let db = sqlite_only();
    let cast = setup(&db);
    let reader = db.raw_reader();
    let mut loader = db.loader().unwrap();
    loader.load(&batch(&cast, 100, 1)).unwrap();
    assert_eq!(db.raw_wal(), Some(true));
    loader.finish().unwrap();
    drop(reader);
    check_loaded(&db, &cast, 100, 1);
    assert_eq!(db.raw_count("deferred_indexes"), 0);
    assert!(duplicate_id_number(&db).is_err());
}

#[test]
fn a_loader_dropped_unfinished_still_builds_its_indexes() {
    each_backend(|db| {
        let cast = setup(db);
        let mut loader = db.loader().unwrap();
        loader.load(&batch(&cast, 50, 1)).unwrap();
        drop(loader);
        assert_eq!(db.raw_count("deferred_indexes"), 0);
        check_loaded(db, &cast, 50, 1);
        assert!(duplicate_id_number(db).is_err());
    });
}

#[test]
fn a_database_left_by_an_interrupted_load_is_refused() {
    each_backend(|db| {
        setup(db);
        db.raw_exec("INSERT INTO deferred_indexes (name, sql) VALUES ('facts_person', 'CREATE INDEX facts_person ON facts (person)')")
            .unwrap();
        let refused = db.try_reopen().map(drop).unwrap_err().to_string();
        assert!(
            refused.contains("facts_person") && refused.contains("--fresh"),
            "{refused}"
        );
    });
}

/// Loads 100,000 persons (400,000 rows with facts and events) into an empty
/// registry in SQLite (and PostgreSQL when reachable), in batches of 10,000
/// persons, and prints the rates. Run with
/// `cargo test -p store --release -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a check"]
fn load_throughput() {
    measure(&sqlite_only());
    if let Some(db) = super::harness::postgres_only() {
        measure(&db);
    }
}

fn measure(db: &TestDb) {
    let cast = setup(db);
    let batches: Vec<LoadBatch> = (0..10)
        .map(|k| batch(&cast, 10_000, 1 + k * 10_000))
        .collect();
    let rows: usize = batches
        .iter()
        .map(|b| b.persons.len() + b.facts.len() + b.events.len() + b.links.len() + b.records.len())
        .sum();
    let started = Instant::now();
    load_all(db, &batches).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let rate = rows as f64 / seconds;
    println!(
        "{} load: 100000 persons, {rows} rows in {seconds:.2} s = {rate:.0} rows/s",
        db.backend()
    );
}
