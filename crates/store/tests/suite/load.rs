//! 批量写入 — the demo city's fast path: a batch goes in whole, reads back like
//! registered persons, and the store's own numbering carries on after it.

use std::time::Instant;

use domain::event::{Change, Event, Source};
use domain::registry::{
    Fact, FactKind, FamilyLink, Housing, Person, Record, RecordDetail, Relation,
};
use jiff::civil::{Date, date};
use store::LoadBatch;

use super::fixtures::{BINHU, Cast, code, id, own_home, register, setup};
use super::harness::{TestDb, each_backend, sqlite_only};

/// `count` persons living in [`BINHU`] since 2019, each with a residence and a job
/// at one employer, the first two married, and one registration event each.
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
        let resident_id = id(100_000 + n as u32);
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

fn check_loaded(db: &TestDb, cast: &Cast, count: i64, first_id: i64) {
    let viewer = &cast.officer_binhu;
    let file = db.person(viewer, first_id + 1).unwrap();
    assert_eq!(file.person.resident_id, id(100_001));
    assert_eq!(file.facts.len(), 2);
    assert_eq!(file.family.len(), 1);
    let last = db
        .find_by_resident_id(viewer, &id(100_000 + count as u32 - 1))
        .unwrap()
        .unwrap();
    assert_eq!(last.id, first_id + count - 1);
    let on: Date = date(2020, 1, 1);
    assert_eq!(db.facts_on(viewer, first_id, on).unwrap().len(), 2);
    assert_eq!(
        db.events_after(0, count as usize + 10).unwrap().len(),
        count as usize + 1
    );
    assert_eq!(
        db.timeline(viewer, first_id).unwrap()[0].change.name(),
        "register"
    );
}

#[test]
fn a_loaded_batch_reads_back_and_numbering_continues() {
    each_backend(|db| {
        let cast = setup(db);
        let count = 500;
        // The employer saved by the store before the load takes number 1; the batch uses later ones.
        let first_id = 1_000;
        super::fixtures::employer(db, &cast.station, "先存的公司", BINHU);
        db.load(&batch(&cast, count, first_id)).unwrap();
        check_loaded(db, &cast, count, first_id);

        let receipt =
            register(db, &cast.station, id(7), "新来的", BINHU, date(2021, 1, 1)).unwrap();
        assert_eq!(receipt.person, Some(first_id + count));
        assert_eq!(receipt.facts, [first_id + 2 * count]);
        assert_eq!(receipt.seq, first_id + count);
        assert!(!db.raw_contains(id(100_003).as_str()));

        // A batch that reuses an id fails whole.
        assert!(db.load(&batch(&cast, 2, first_id)).is_err());
        assert_eq!(db.raw_count("persons"), count + 1);
    });
}

/// Loads 100,000 persons (400,000 rows with facts and events) into SQLite (and
/// PostgreSQL when reachable) and prints the rates. Run with
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
    let count = 100_000;
    let loaded = batch(&cast, count, 1_000);
    let rows = loaded.persons.len()
        + loaded.facts.len()
        + loaded.events.len()
        + loaded.links.len()
        + loaded.records.len();
    let started = Instant::now();
    db.load(&loaded).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let rate = rows as f64 / seconds;
    println!(
        "{} load: {count} persons, {rows} rows in {seconds:.2} s = {rate:.0} rows/s",
        db.backend()
    );
}
