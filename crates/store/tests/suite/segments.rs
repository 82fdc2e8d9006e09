//! 人员分段 — a file that only registers many new persons keeps them packed:
//! they are found by ID number and by number exactly as the tables would give
//! them, hold their ID numbers against a second registration, come before
//! anything numbered after them in the log, the scan, the name search and the
//! village lists, and move into the tables when viewed or changed, or when
//! their piece is folded in.

use domain::event::{Change, Event, Source};
use domain::registry::{FactKind, PersonId};
use jiff::civil::date;
use store::{Commit, ImportFile, ImportRow, ImportRun, Receipt, RowOutcome, Store, StoreError};

use super::fixtures::{BINHU, BINHU_2, code, id, own_home, refusal, register, registration, setup};
use super::harness::{TestDb, each_backend};
use super::imports::{another, arrivals, file};

/// Imports `rows` of `file` as they are; what became of each.
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
    };
    let imported = store
        .import(&run, rows, &mut |_, outcome: &RowOutcome| {
            outcomes.push(outcome.clone())
        })
        .unwrap();
    let refused = outcomes
        .iter()
        .find(|o| matches!(o, RowOutcome::Refused(_)));
    assert!(imported.committed, "{refused:?}");
    outcomes
}

/// Imports [`packed_rows`] of `rows` as `file`; what became of each row.
fn import_packed(
    store: &dyn Store,
    actor: &domain::access::User,
    file: &ImportFile,
    rows: &[ImportRow],
) -> Vec<RowOutcome> {
    import(store, actor, file, &packed_rows(rows))
}

/// `rows` and after them registrations of persons 50,000 on, named 王五, as
/// many as make the file's new persons enough for a segment.
fn packed_rows(rows: &[ImportRow]) -> Vec<ImportRow> {
    let last = rows.iter().map(|row| row.row).max().unwrap_or(1);
    let more = store::SEGMENT_MIN_PERSONS.saturating_sub(rows.len()) as u32;
    let padding = (0..more).map(|n| arrival(last + 1 + u64::from(n), 50_000 + n, "王五"));
    rows.iter().cloned().chain(padding).collect()
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
        let added = receipts(&import_packed(&**db, &cast.station, &file(), &rows));
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
        let added = receipts(&import_packed(&**db, &cast.station, &file(), &rows));
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
        let again = import_packed(&**db, &cast.station, &file(), &rows);
        assert!(
            again
                .iter()
                .all(|o| matches!(o, RowOutcome::AlreadyImported)),
            "{again:?}"
        );
        let copy = import_packed(&**db, &cast.station, &another("公安2.csv", "cd"), &rows);
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
        let added = receipts(&import_packed(
            &**db,
            &cast.station,
            &file(),
            &arrivals(0..3),
        ));
        let person = person_of(&added[1]);
        let change = Change::AddFact {
            person,
            fact: FactKind::UnionMembership,
            from: date(2024, 4, 1),
            to: None,
        };
        let receipt = db.submit(&cast.station, Source::Station, change).unwrap();
        assert_eq!(receipt.seq, added.last().unwrap().seq + 1);
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
        let added = receipts(&import_packed(
            &**db,
            &cast.station,
            &file(),
            &arrivals(0..65_537),
        ));
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
        let added = receipts(&import_packed(&**db, s, &file(), &arrivals(0..4)));
        let after = register(db, s, id(101), "赵六", BINHU, date(2024, 5, 1)).unwrap();
        let last = added.last().unwrap().seq;
        assert_eq!((before.seq, last, after.seq), (1, 10_001, 10_002));

        let seqs =
            |events: Vec<Event>| -> Vec<i64> { events.iter().map(|event| event.seq).collect() };
        let all = db.events_after(0, 10).unwrap();
        assert_eq!(seqs(all.clone()), (1..=10).collect::<Vec<_>>());
        for (event, receipt) in all[1..5].iter().zip(&added) {
            assert_eq!(event.person, receipt.person);
            assert_eq!(event.change.name(), "register");
            assert!(matches!(event.source, Source::Import { .. }));
        }
        assert_eq!(seqs(db.events_after(0, 3).unwrap()), [1, 2, 3]);
        assert_eq!(seqs(db.events_after(3, 2).unwrap()), [4, 5]);
        assert_eq!(
            seqs(db.events_after(9_999, 10).unwrap()),
            [10_000, 10_001, 10_002]
        );

        let numbers = |since: &store::LogSince| -> Vec<PersonId> {
            since.new_persons.iter().map(|person| person.id).collect()
        };
        let since = db.log_since(0, 0).unwrap();
        assert_eq!(since.last, 10_002);
        assert!(!since.known_touched);
        assert_eq!(numbers(&since), (1..=10_002).collect::<Vec<_>>());
        let since = db.log_since(2, 2).unwrap();
        assert!(!since.known_touched);
        assert_eq!(numbers(&since), (3..=10_002).collect::<Vec<_>>());
        let since = db.log_since(10_001, 10_001).unwrap();
        assert_eq!((since.last, numbers(&since)), (10_002, vec![10_002]));
        assert_eq!(db.log_since(10_002, 10_002).unwrap().last, 10_002);

        // A person moved out of the segment is read once, from the tables.
        db.person(&cast.officer_binhu, person_of(&added[1]))
            .unwrap();
        assert_eq!(db.raw_count("events"), 3);
        assert_eq!(db.events_after(0, 10).unwrap(), all);
        let since = db.log_since(2, 3).unwrap();
        assert!(since.known_touched, "person 3's registration is seq 3");
        // The scan hands over every person once; what it says of those in a
        // segment is what the tables say once it is folded in (see below).
        let mut scanned = Vec::new();
        db.scan(&mut |_| {}, &mut |batch| scanned.extend(batch), &mut |_| {})
            .unwrap();
        let numbers: Vec<_> = scanned.iter().map(|person| person.id).collect();
        assert_eq!(numbers, (1..=10_002).collect::<Vec<_>>());
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
        let added = receipts(&import_packed(&**db, s, &file(), &rows));
        let last = register(db, s, id(101), "张三", BINHU, date(2024, 5, 1)).unwrap();
        let ids = [&first, &added[0], &added[1], &added[2], &last].map(person_of);
        assert_eq!(ids[..4], [1, 2, 3, 4]);

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
        assert_eq!(seen, [ids[0], ids[2], ids[4], ids[3], ids[1]]);
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
        import_packed(&**db, &cast.station, &file(), &arrivals(0..3));
        let listed = db.person_list(&cast.officer_binhu, code(BINHU)).unwrap();
        let ids: Vec<_> = listed.iter().map(|person| person.id).collect();
        assert_eq!(ids, (1..=10_001).collect::<Vec<_>>());
        assert_eq!(listed[2].resident_id, id(1));
        assert!(
            db.person_list(&cast.officer_binhu, code(BINHU_2))
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn a_folded_piece_leaves_every_reader_reading_the_same() {
    each_backend(|db| {
        let cast = setup(db);
        let s = &cast.station;
        let rows = [arrival(2, 0, "李张三"), arrival(3, 1, "张三")];
        let added = receipts(&import_packed(&**db, s, &file(), &rows));
        db.person(&cast.officer_binhu, person_of(&added[0]))
            .unwrap();
        let read = || {
            let mut scanned = Vec::new();
            db.scan(&mut |_| {}, &mut |batch| scanned.extend(batch), &mut |_| {})
                .unwrap();
            (
                db.events_after(0, 20_000).unwrap(),
                scanned,
                db.log_since(0, 0).unwrap(),
            )
        };
        let before = read();
        assert_eq!(db.fold_segment().unwrap(), Some(added.len() - 1));
        assert_eq!(db.fold_segment().unwrap(), None);
        assert_eq!(db.raw_count("person_segments"), 0);
        assert_eq!(db.raw_count("persons"), added.len() as i64);
        assert_eq!(db.raw_count("events"), added.len() as i64);
        assert_eq!(read(), before);
        let names: Vec<_> = db
            .search_by_name(&cast.officer_binhu, "张三", 10)
            .unwrap()
            .iter()
            .map(|hit| hit.id)
            .collect();
        assert_eq!(names, [person_of(&added[1]), person_of(&added[0])]);
        let next = register(db, s, id(100), "赵六", BINHU, date(2024, 5, 1)).unwrap();
        assert_eq!(next.person, Some(person_of(added.last().unwrap()) + 1));
        assert_eq!(next.seq, added.last().unwrap().seq + 1);
    });
}

#[test]
fn a_refused_row_keeps_a_file_of_new_persons_out_or_is_skipped_as_asked() {
    each_backend(|db| {
        let cast = setup(db);
        let s = &cast.station;
        // The second row registers someone in Liangxi, outside the station's area.
        let mut outside = arrival(3, 1, "张三");
        if let store::RowChange::Change(Change::Register { residence, .. }) = &mut outside.change {
            residence.unit = code(super::fixtures::LIANGXI);
        }
        let rows = [arrival(2, 0, "李四"), outside];
        let mut outcomes = Vec::new();
        let file = file();
        let mut run = ImportRun {
            actor: s,
            file: &file,
            commit: Commit::IfAllValid,
            changes: false,
        };
        let padded = packed_rows(&rows);
        let imported = db
            .import(&run, &padded, &mut |_, outcome: &RowOutcome| {
                outcomes.push(outcome.clone())
            })
            .unwrap();
        assert!(!imported.committed);
        assert!(
            matches!(outcomes[1], RowOutcome::Refused(_)),
            "{:?}",
            outcomes[1]
        );
        assert_eq!(db.raw_count("person_segments"), 0);
        assert_eq!(db.events_after(0, 10).unwrap(), []);

        run.commit = Commit::ValidRows;
        let imported = db
            .import(&run, &padded, &mut |_, _: &RowOutcome| {})
            .unwrap();
        assert!(imported.committed);
        assert_eq!(db.raw_count("person_segments"), 1);
        assert!(
            db.find_by_resident_id(&cast.officer_city, &id(1))
                .unwrap()
                .is_none()
        );
        let first = db
            .find_by_resident_id(&cast.officer_city, &id(0))
            .unwrap()
            .unwrap();
        let last = padded.len() as i64 - 1;
        assert_eq!(first.id, 1);
        assert_eq!(db.events_after(0, usize::MAX).unwrap().len() as i64, last);
    });
}

#[test]
fn a_large_file_naming_a_registered_person_is_planned_into_the_tables() {
    each_backend(|db| {
        let cast = setup(db);
        let s = &cast.station;
        register(db, s, id(0), "李四", BINHU, date(2024, 3, 1)).unwrap();
        let outcomes = import_packed(&**db, s, &file(), &[arrival(2, 0, "李四")]);
        assert_eq!(outcomes[0], RowOutcome::AlreadyHeld);
        assert_eq!(db.raw_count("person_segments"), 0);
        assert_eq!(db.raw_count("persons"), store::SEGMENT_MIN_PERSONS as i64);
    });
}
