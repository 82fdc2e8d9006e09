//! 人员分段 — a file that only registers new persons, imported with
//! `ImportRun::segments`, keeps them packed: they are found by ID number and
//! by number exactly as the tables would give them, hold their ID numbers
//! against a second registration, come before anything numbered after them,
//! and move into the tables when viewed or changed.

use domain::event::{Change, Source};
use domain::registry::{FactKind, PersonId};
use jiff::civil::date;
use store::{Commit, ImportFile, ImportRow, ImportRun, Receipt, RowOutcome, Store, StoreError};

use super::fixtures::{BINHU, BINHU_2, code, id, own_home, refusal, register, registration, setup};
use super::harness::{TestDb, each_backend};
use super::imports::{another, arrivals, file};

/// Imports `rows` of `file`, new persons kept in a segment; what became of each.
fn import(
    store: &dyn Store,
    actor: &domain::access::User,
    file: &ImportFile,
    rows: &[ImportRow],
) -> Vec<RowOutcome> {
    let mut outcomes = Vec::new();
    let run = ImportRun {
        actor,
        file,
        commit: Commit::IfAllValid,
        changes: false,
        segments: true,
    };
    let imported = store
        .import(&run, rows, &mut |_, outcome: &RowOutcome| {
            outcomes.push(outcome.clone())
        })
        .unwrap();
    assert!(imported.committed, "{outcomes:?}");
    outcomes
}

/// The receipt of each row added.
fn receipts(outcomes: &[RowOutcome]) -> Vec<Receipt> {
    outcomes
        .iter()
        .map(|outcome| match outcome {
            RowOutcome::Added(receipt, _) => (**receipt).clone(),
            other => panic!("expected an added row, but found {other:?}"),
        })
        .collect()
}

fn person_of(receipt: &Receipt) -> PersonId {
    receipt.person.expect("a registration's person")
}

#[test]
fn new_persons_of_a_file_are_kept_packed_and_read_as_the_tables_would_give_them() {
    each_backend(|db| {
        let cast = setup(db);
        let rows = arrivals(0..5);
        let added = receipts(&import(&**db, &cast.station, &file(), &rows));
        assert_eq!(db.raw_count("person_segments"), 1);
        assert_eq!(db.raw_count("persons"), 0);
        assert_eq!(db.raw_count("facts"), 0);
        assert_eq!(db.raw_count("events"), 0);
        let never_viewed = person_of(&added[4]);
        assert_eq!(db.views_of(&cast.officer_city, never_viewed).unwrap(), []);

        for (n, (row, receipt)) in rows.iter().zip(&added).enumerate() {
            let found = db
                .find_by_resident_id(&cast.officer_binhu, &id(n as u32))
                .unwrap()
                .expect("found by ID number");
            assert_eq!(found.id, person_of(receipt));
            let page = db.person(&cast.officer_binhu, found.id).unwrap();
            assert_eq!(page.person.name, "张三");
            assert_eq!(page.person.resident_id, id(n as u32));
            assert_eq!(page.person.registered_on, date(2024, 3, 1));
            assert_eq!(page.person.unit, code(BINHU));
            let facts: Vec<_> = page.facts.iter().map(|fact| fact.id).collect();
            assert_eq!(facts, receipt.facts);
            let own_home = own_home(BINHU);
            assert_eq!(
                page.facts[0].kind,
                FactKind::Residence {
                    housing: own_home.housing,
                    unit: own_home.unit,
                    place: None,
                }
            );
            assert_eq!(
                (page.facts[0].from, page.facts[0].to),
                (date(2024, 3, 1), None)
            );
            let timeline = db.timeline(&cast.officer_binhu, found.id).unwrap();
            assert_eq!(timeline.len(), 1);
            assert_eq!(timeline[0].seq, receipt.seq);
            assert_eq!(timeline[0].person, Some(found.id));
            assert_eq!(timeline[0].actor, cast.station.id);
            let store::RowChange::Change(change) = &row.change else {
                panic!("a registration");
            };
            assert_eq!(&timeline[0].change, change);
            let ImportFile { name, sha256 } = file();
            assert_eq!(
                timeline[0].source,
                Source::Import {
                    file: name,
                    sha256,
                    row: row.row,
                }
            );
        }
        // Viewed, they moved into the tables, their registrations into the log.
        assert_eq!(db.raw_count("persons"), 5);
        assert_eq!(db.raw_count("facts"), 5);
        assert_eq!(db.raw_count("events"), 5);
        // Those outside a viewer's area are not found.
        assert_eq!(
            db.find_by_resident_id(&cast.station_liangxi, &id(1))
                .unwrap(),
            None
        );
    });
}

#[test]
fn a_segment_holds_its_id_numbers_and_what_is_numbered_after_it_comes_after() {
    each_backend(|db| {
        let cast = setup(db);
        let rows = arrivals(0..5);
        let added = receipts(&import(&**db, &cast.station, &file(), &rows));
        let last = added.last().unwrap();

        let twice = register(db, &cast.station, id(2), "张三", BINHU, date(2024, 5, 1));
        assert!(matches!(twice, Err(StoreError::Refused(_))), "{twice:?}");
        let refused = refusal(twice.unwrap_err());
        assert_eq!(refused.field, "resident_id", "{refused:?}");
        let next = register(db, &cast.station, id(100), "李四", BINHU, date(2024, 5, 1)).unwrap();
        assert_eq!(person_of(&next), person_of(last) + 1);
        assert_eq!(next.seq, last.seq + 1);
        assert!(next.facts[0] > *last.facts.iter().max().unwrap());

        // The same file again adds nothing; another file of the same rows
        // holds them; neither moves anyone out.
        let again = import(&**db, &cast.station, &file(), &rows);
        assert!(
            again
                .iter()
                .all(|o| matches!(o, RowOutcome::AlreadyImported)),
            "{again:?}"
        );
        let copy = import(&**db, &cast.station, &another("公安2.csv", "cd"), &rows);
        assert!(
            copy.iter().all(|o| matches!(o, RowOutcome::AlreadyHeld)),
            "{copy:?}"
        );
        assert_eq!(db.raw_count("persons"), 1);

        // A file that registers one of them at a new address (in the
        // importer's area) moves them.
        let moved = vec![ImportRow {
            row: 2,
            change: store::RowChange::Change(Change::Register {
                person: domain::registry::NewPerson {
                    resident_id: id(3),
                    name: "张三".into(),
                },
                on: date(2024, 6, 1),
                residence: own_home(BINHU_2),
                facts: vec![],
            }),
        }];
        let outcomes = import(
            &**db,
            &cast.officer_binhu,
            &another("迁移.csv", "ef"),
            &moved,
        );
        let receipt = &receipts(&outcomes)[0];
        assert_eq!(person_of(receipt), person_of(&added[3]));
        let page = db.person(&cast.officer_binhu, person_of(receipt)).unwrap();
        assert_eq!(page.person.unit, code(BINHU_2));
        let days: Vec<_> = page.facts.iter().map(|fact| (fact.from, fact.to)).collect();
        assert_eq!(
            days,
            [
                (date(2024, 3, 1), Some(date(2024, 5, 31))),
                (date(2024, 6, 1), None)
            ]
        );
    });
}

#[test]
fn a_change_to_a_person_in_a_segment_moves_them_out_first() {
    each_backend(|db: &TestDb| {
        let cast = setup(db);
        let added = receipts(&import(&**db, &cast.station, &file(), &arrivals(0..3)));
        let person = person_of(&added[1]);
        let change = Change::AddFact {
            person,
            fact: FactKind::UnionMembership,
            from: date(2024, 4, 1),
            to: None,
        };
        let receipt = db.submit(&cast.station, Source::Station, change).unwrap();
        assert_eq!(receipt.seq, added[2].seq + 1);
        assert_eq!(db.raw_count("persons"), 1);
        let page = db.person(&cast.officer_binhu, person).unwrap();
        let kinds: Vec<_> = page.facts.iter().map(|fact| fact.kind.name()).collect();
        assert_eq!(kinds, ["residence", "union_membership"]);
        let timeline = db.timeline(&cast.officer_binhu, person).unwrap();
        let seqs: Vec<_> = timeline.iter().map(|event| event.seq).collect();
        assert_eq!(seqs, [added[1].seq, receipt.seq]);
    });
}

#[test]
fn a_file_of_more_persons_than_a_piece_holds_is_kept_in_pieces() {
    each_backend(|db| {
        let cast = setup(db);
        let added = receipts(&import(&**db, &cast.station, &file(), &arrivals(0..65_537)));
        assert_eq!(db.raw_count("person_segments"), 2);
        for n in [0, 65_535, 65_536] {
            let found = db
                .find_by_resident_id(&cast.officer_city, &id(n))
                .unwrap()
                .expect("found by ID number");
            assert_eq!(found.id, person_of(&added[n as usize]));
        }
    });
}

/// Row `row` of a file: person `n`, named `name`, registered in Binhu.
fn arrival(row: u64, n: u32, name: &str) -> ImportRow {
    ImportRow {
        row,
        change: store::RowChange::Change(registration(
            id(n),
            name,
            BINHU,
            date(2024, 3, 1),
            vec![],
        )),
    }
}

#[test]
fn the_log_and_the_scan_read_a_segments_registrations_in_their_places() {
    each_backend(|db| {
        let cast = setup(db);
        let s = &cast.station;
        let before = register(db, s, id(100), "王五", BINHU, date(2024, 1, 1)).unwrap();
        let added = receipts(&import(&**db, s, &file(), &arrivals(0..4)));
        let after = register(db, s, id(101), "赵六", BINHU, date(2024, 5, 1)).unwrap();
        assert_eq!((before.seq, after.seq), (1, 6));

        let seqs = |events: Vec<domain::event::Event>| -> Vec<i64> {
            events.iter().map(|event| event.seq).collect()
        };
        let all = db.events_after(0, 10).unwrap();
        assert_eq!(seqs(all.clone()), [1, 2, 3, 4, 5, 6]);
        for (event, receipt) in all[1..5].iter().zip(&added) {
            assert_eq!(event.person, receipt.person);
            assert_eq!(event.change.name(), "register");
            assert!(matches!(event.source, Source::Import { .. }));
        }
        assert_eq!(seqs(db.events_after(0, 3).unwrap()), [1, 2, 3]);
        assert_eq!(seqs(db.events_after(3, 2).unwrap()), [4, 5]);
        assert_eq!(seqs(db.events_after(5, 10).unwrap()), [6]);

        let since = db.log_since(0, 0).unwrap();
        assert_eq!(since.last, 6);
        assert!(!since.known_touched);
        let ids: Vec<_> = since.new_persons.iter().map(|person| person.id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5, 6]);
        let since = db.log_since(2, 2).unwrap();
        assert!(!since.known_touched);
        let ids: Vec<_> = since.new_persons.iter().map(|person| person.id).collect();
        assert_eq!(ids, [3, 4, 5, 6]);
        assert_eq!(db.log_since(6, 6).unwrap().last, 6);

        // A person moved out of the segment is read once, from the tables.
        db.person(&cast.officer_binhu, person_of(&added[1]))
            .unwrap();
        assert_eq!(db.raw_count("events"), 3);
        assert_eq!(db.events_after(0, 10).unwrap(), all);
        let since = db.log_since(2, 3).unwrap();
        assert!(since.known_touched, "person 3's registration is seq 3");
        super::scan::assert_scan_matches_files(db, &cast.officer_binhu, 6);
    });
}

#[test]
fn the_name_search_and_the_village_list_find_persons_in_a_segment() {
    each_backend(|db| {
        let cast = setup(db);
        let s = &cast.station;
        let first = register(db, s, id(100), "张三", BINHU, date(2024, 1, 1)).unwrap();
        let rows = [
            arrival(2, 0, "李张三"),
            arrival(3, 1, "张三"),
            arrival(4, 2, "张三丰"),
        ];
        let added = receipts(&import(&**db, s, &file(), &rows));
        let last = register(db, s, id(101), "张三", BINHU, date(2024, 5, 1)).unwrap();
        let ids = [
            first,
            added[0].clone(),
            added[1].clone(),
            added[2].clone(),
            last,
        ]
        .map(|r| person_of(&r));
        assert_eq!(ids, [1, 2, 3, 4, 5]);

        // Exact names by number, then the others by name; page by page,
        // each hit moving into the tables as it is seen.
        let mut seen = Vec::new();
        let mut after: Option<store::NameCursor> = None;
        loop {
            let page = db
                .search_by_name_page(s, "张三", after.as_ref(), 2)
                .unwrap();
            seen.extend(page.hits.iter().map(|hit| hit.id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
            assert!(seen.len() <= 5, "{seen:?}");
        }
        assert_eq!(seen, [1, 3, 5, 4, 2]);
        assert_eq!(db.raw_count("persons"), 5);
        assert!(
            db.search_by_name(&cast.station_liangxi, "张三", 10)
                .unwrap()
                .is_empty()
        );
    });
    each_backend(|db| {
        let cast = setup(db);
        register(db, &cast.station, id(100), "张三", BINHU, date(2024, 1, 1)).unwrap();
        import(&**db, &cast.station, &file(), &arrivals(0..3));
        let listed = db.person_list(&cast.officer_binhu, code(BINHU)).unwrap();
        let ids: Vec<_> = listed.iter().map(|person| person.id).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
        assert_eq!(listed[2].resident_id, id(1));
        assert!(
            db.person_list(&cast.officer_binhu, code(BINHU_2))
                .unwrap()
                .is_empty()
        );
    });
}
