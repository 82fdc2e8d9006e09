//! 导入 — rows of a department file through `Store::import`: each row an event
//! with its file, hash and row (the file kept once); a row imported once is
//! never applied again; all or nothing rolls back every row when one is
//! refused; a dry run writes nothing; a fact names its person by ID number and
//! name, or is refused with the reason; a row the record holds is held, a last
//! day ends or corrects a fact, a new address is a move. The runs' records are
//! [`super::import_runs`]'.

use domain::event::{Change, Correction, Source};
use domain::plan::Refusal;
use domain::registry::FactKind;
use jiff::civil::date;
use store::{Commit, Effect, ImportFile, ImportRow, ImportRun, RowChange, RowOutcome, Store};

use super::fixtures::{BINHU, BINHU_2, code, id, registration, setup};
use super::harness::{TestDb, each_backend};

/// A file named `name` whose SHA-256 is `byte` (two hex digits) 32 times.
pub(super) fn another(name: &str, byte: &str) -> ImportFile {
    ImportFile {
        name: name.into(),
        sha256: byte.repeat(32),
    }
}

/// The person the first row of a run that committed was added for.
fn added_for(outcomes: &[RowOutcome], committed: bool) -> domain::registry::PersonId {
    assert!(committed, "{outcomes:?}");
    match outcomes {
        [RowOutcome::Added(receipt, _), ..] => receipt.person.expect("a row about a person"),
        _ => panic!("{outcomes:?}"),
    }
}

pub(super) fn file() -> ImportFile {
    another("公安.csv", "ab")
}

/// The source of row `row` of [`file`].
fn source(row: u64) -> Source {
    let ImportFile { name, sha256 } = file();
    Source::Import {
        file: name,
        sha256,
        row,
    }
}

pub(super) fn arrivals(numbers: std::ops::Range<u32>) -> Vec<ImportRow> {
    numbers
        .map(|n| ImportRow {
            row: u64::from(n) + 2,
            change: RowChange::Change(registration(id(n), "张三", BINHU, date(2024, 3, 1), vec![])),
        })
        .collect()
}

/// Runs an import of [`file`]; what became of each row, and whether it committed.
pub(super) fn run(
    store: &dyn Store,
    actor: &domain::access::User,
    rows: &[ImportRow],
    commit: Commit,
) -> (Vec<RowOutcome>, bool) {
    run_of(store, actor, &file(), rows, commit)
}

/// Runs an import of `file`; what became of each row, and whether it committed.
fn run_of(
    store: &dyn Store,
    actor: &domain::access::User,
    file: &ImportFile,
    rows: &[ImportRow],
    commit: Commit,
) -> (Vec<RowOutcome>, bool) {
    let mut outcomes = Vec::new();
    let run = ImportRun {
        actor,
        file,
        commit,
        changes: false,
    };
    let imported = store
        .import(&run, rows, &mut |_, outcome: &RowOutcome| {
            outcomes.push(outcome.clone())
        })
        .unwrap();
    (outcomes, imported.committed)
}

/// Row `row`: person `n` a union member from `from` (to `to`).
fn union(row: u64, n: u32, from: jiff::civil::Date, to: Option<jiff::civil::Date>) -> ImportRow {
    ImportRow {
        row,
        change: RowChange::PersonFact {
            resident_id: id(n),
            name: "张三".into(),
            fact: FactKind::UnionMembership,
            from,
            to,
        },
    }
}

/// The union membership `viewer` sees of `person` on `day`.
fn membership_on(
    db: &TestDb,
    viewer: &domain::access::User,
    person: domain::registry::PersonId,
    day: jiff::civil::Date,
) -> Option<domain::registry::Fact> {
    db.facts_on(viewer, person, day)
        .unwrap()
        .into_iter()
        .find(|fact| fact.kind == FactKind::UnionMembership)
}

fn added(outcomes: &[RowOutcome]) -> usize {
    outcomes
        .iter()
        .filter(|o| matches!(o, RowOutcome::Added(..)))
        .count()
}

#[test]
fn rows_are_events_with_their_file_and_a_second_run_adds_nothing() {
    each_backend(|db| {
        let cast = setup(db);
        let rows = arrivals(0..3);
        let (outcomes, committed) = run(&**db, &cast.station, &rows, Commit::IfAllValid);
        assert!(committed);
        assert_eq!(added(&outcomes), 3);
        let events = db.events_after(0, 10).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].source, source(2));

        let (again, committed) = run(&**db, &cast.station, &arrivals(0..4), Commit::IfAllValid);
        assert!(committed);
        assert_eq!(
            again[..3],
            [
                RowOutcome::AlreadyImported,
                RowOutcome::AlreadyImported,
                RowOutcome::AlreadyImported
            ]
        );
        assert_eq!(added(&again), 1);
        assert_eq!(db.raw_count("persons"), 4);
        // The file is kept once, however many of its rows are in.
        assert_eq!(db.raw_count("import_files"), 1);
        let events = db.events_after(3, 10).unwrap();
        assert_eq!(events[0].source, source(5));
    });
}

#[test]
fn a_row_logged_before_files_were_kept_once_still_names_its_file() {
    each_backend(|db| {
        let cast = setup(db);
        run(&**db, &cast.station, &arrivals(0..1), Commit::IfAllValid);
        // As migrations 0001 to 0008 logged an imported row: the file's name
        // and hash in its detail, no file number.
        let detail = format!(
            r#"'{{"file":"旧.csv","row":5,"sha256":"{}"}}'"#,
            "cd".repeat(32)
        );
        let detail = match db.backend() {
            "postgres" => format!("{detail}::jsonb"),
            _ => detail,
        };
        let old = format!(
            "INSERT INTO events (seq, at, actor, unit, person, channel, source_detail, change) \
             SELECT 2, at, actor, unit, person, channel, {detail}, change FROM events WHERE seq = 1"
        );
        db.raw_exec(&old).unwrap();
        let events = db.events_after(0, 10).unwrap();
        assert_eq!(
            events[1].source,
            Source::Import {
                file: "旧.csv".into(),
                sha256: "cd".repeat(32),
                row: 5
            }
        );
        assert_eq!(events[0].source, source(2));
    });
}

#[test]
fn all_or_nothing_writes_nothing_when_a_row_is_refused_and_a_dry_run_never_writes() {
    each_backend(|db| {
        let cast = setup(db);
        let mut rows = arrivals(0..3);
        // The same person again, another day: the planner refuses the second
        // registration.
        rows.push(ImportRow {
            row: 9,
            change: RowChange::Change(registration(id(0), "张三", BINHU, date(2024, 4, 1), vec![])),
        });
        let (outcomes, committed) = run(&**db, &cast.station, &rows, Commit::IfAllValid);
        assert!(!committed);
        assert!(
            matches!(outcomes[3], RowOutcome::Refused(Refusal::Invalid(_))),
            "{outcomes:?}"
        );
        assert_eq!(db.raw_count("persons"), 0);
        assert_eq!(db.raw_count("import_ranges"), 0);

        let (outcomes, committed) = run(&**db, &cast.station, &rows[..3], Commit::Never);
        assert!(!committed);
        assert_eq!(added(&outcomes), 3);
        assert_eq!(db.raw_count("events"), 0);

        let (outcomes, committed) = run(&**db, &cast.station, &rows, Commit::ValidRows);
        assert!(committed);
        assert_eq!(added(&outcomes), 3);
        assert_eq!(db.raw_count("persons"), 3);
    });
}

#[test]
fn a_fact_names_its_person_by_id_number_and_name_or_is_refused() {
    each_backend(|db| {
        let cast = setup(db);
        run(&**db, &cast.station, &arrivals(0..2), Commit::IfAllValid);
        let fact = |n, name: &str| ImportRow {
            row: 20 + u64::from(n),
            change: RowChange::PersonFact {
                resident_id: id(n),
                name: name.into(),
                fact: FactKind::UnionMembership,
                from: date(2024, 5, 1),
                to: None,
            },
        };
        // The name as a spreadsheet may hold it (spaces in it) is the name.
        let rows = [fact(0, " 张 三"), fact(7, "张三"), fact(1, "李四")];
        let (outcomes, _) = run(&**db, &cast.station, &rows, Commit::ValidRows);
        let RowOutcome::Added(receipt, _) = &outcomes[0] else {
            panic!("{outcomes:?}")
        };
        assert_eq!(receipt.facts.len(), 1);
        let refusal = |outcome: &RowOutcome| match outcome {
            RowOutcome::Refused(Refusal::Invalid(error)) => {
                (error.field.clone(), error.message.to_string())
            }
            other => panic!("{other:?}"),
        };
        insta::allow_duplicates! {
            // No one has that ID number.
            insta::assert_debug_snapshot!(refusal(&outcomes[1]), @r#"
            (
                "resident_id",
                "找不到身份证号为 42010219600101007X 的登记人员 / expected a registered person, but found none with ID number 42010219600101007X",
            )
            "#);
            // Someone else has: a row shifted against its ID numbers.
            insta::assert_debug_snapshot!(refusal(&outcomes[2]), @r#"
            (
                "name",
                "姓名“李四”与身份证号 420102196001010010 登记的姓名不符 / expected the name registered with ID number 420102196001010010, but found \"李四\"",
            )
            "#);
        }

        // Someone registered outside the importer's area is refused as such,
        // before anything is said of their record (here: that it holds the fact).
        let (outcomes, _) = run_of(
            &**db,
            &cast.station_liangxi,
            &another("梁溪.csv", "9a"),
            &[fact(0, "张三")],
            Commit::ValidRows,
        );
        let [RowOutcome::Refused(Refusal::Forbidden(error))] = &outcomes[..] else {
            panic!("{outcomes:?}")
        };
        assert_eq!(error.field, "unit");
    });
}

#[test]
fn a_file_sent_again_adds_what_is_new_a_last_day_ends_a_fact_and_a_new_address_is_a_move() {
    each_backend(|db| {
        let cast = setup(db);
        let mut first = arrivals(0..2);
        first.push(union(4, 0, date(2024, 5, 1), None));
        let (_, committed) = run(&**db, &cast.station, &first, Commit::IfAllValid);
        assert!(committed);
        let events = db.events_after(0, 100).unwrap().len();

        // The next extract, other bytes: the same rows, then a new person.
        let next = another("公安-十二月.csv", "ef");
        let mut again = first.clone();
        again.extend(
            arrivals(2..3)
                .into_iter()
                .map(|row| ImportRow { row: 5, ..row }),
        );
        let (outcomes, committed) = run_of(&**db, &cast.station, &next, &again, Commit::IfAllValid);
        assert!(committed, "{outcomes:?}");
        assert_eq!(outcomes[..3], [const { RowOutcome::AlreadyHeld }; 3]);
        assert_eq!(added(&outcomes), 1);
        assert_eq!(db.events_after(0, 100).unwrap().len(), events + 1);

        // A row that gives the last day of an open fact from that day ends it
        // (the contract the last extract listed as running has ended); sent
        // again, it is held.
        let ended = union(4, 0, date(2024, 5, 1), Some(date(2025, 1, 31)));
        let january = another("工会-一月.csv", "34");
        let (outcomes, committed) = run_of(
            &**db,
            &cast.station,
            &january,
            std::slice::from_ref(&ended),
            Commit::IfAllValid,
        );
        assert!(matches!(
            outcomes[..],
            [RowOutcome::Added(_, Effect::Ended)]
        ));
        let person = added_for(&outcomes, committed);
        let membership = membership_on(db, &cast.station, person, date(2025, 1, 31))
            .expect("a member on the last day");
        assert_eq!(membership.to, Some(date(2025, 1, 31)));
        assert!(matches!(
            db.events_after(0, 100).unwrap().last().unwrap().change,
            Change::EndFact { fact, .. } if fact == membership.id
        ));
        let (outcomes, _) = run_of(&**db, &cast.station, &next, &[ended], Commit::IfAllValid);
        assert_eq!(outcomes, [RowOutcome::AlreadyHeld]);

        // In one file too: a person registered, a fact opened, then ended.
        let mut one_file = arrivals(7..8);
        one_file.extend([
            union(3, 7, date(2024, 5, 1), None),
            union(4, 7, date(2024, 5, 1), Some(date(2024, 9, 30))),
        ]);
        let whole = another("公安和工会.csv", "56");
        let (outcomes, committed) =
            run_of(&**db, &cast.station, &whole, &one_file, Commit::IfAllValid);
        let person = added_for(&outcomes, committed);
        let membership = membership_on(db, &cast.station, person, date(2024, 9, 30))
            .expect("a member on the last day");
        assert_eq!(membership.to, Some(date(2024, 9, 30)));
        assert!(matches!(
            db.events_after(0, 1000).unwrap().last().unwrap().change,
            Change::EndFact { person: ended, fact, .. }
                if fact == membership.id && ended == person
        ));

        // A registration at another address, later than the current one began,
        // is the police registering a move; sent again, it is held.
        let moved_on = ImportRow {
            row: 2,
            change: RowChange::Change(registration(
                id(1),
                "张三",
                BINHU_2,
                date(2024, 8, 1),
                vec![],
            )),
        };
        let august = another("公安-八月.csv", "78");
        let officer = &cast.officer_binhu;
        let (outcomes, committed) = run_of(
            &**db,
            officer,
            &august,
            std::slice::from_ref(&moved_on),
            Commit::IfAllValid,
        );
        assert!(matches!(
            outcomes[..],
            [RowOutcome::Added(_, Effect::Moved)]
        ));
        let person = added_for(&outcomes, committed);
        assert_eq!(
            db.person(officer, person).unwrap().person.unit,
            code(BINHU_2)
        );
        assert!(matches!(
            db.events_after(0, 1000).unwrap().last().unwrap().change,
            Change::Move { on, .. } if on == date(2024, 8, 1)
        ));
        let (outcomes, _) = run_of(&**db, officer, &next, &[moved_on], Commit::IfAllValid);
        assert_eq!(outcomes, [RowOutcome::AlreadyHeld]);

        // What disagrees with the record is still refused: the same person
        // registered another day, the union membership from another day.
        let mut moved = arrivals(1..2);
        let RowChange::Change(Change::Register { on, .. }) = &mut moved[0].change else {
            unreachable!()
        };
        *on = date(2024, 4, 1);
        let disagreeing = [moved.remove(0), union(4, 0, date(2024, 12, 1), None)];
        let other = another("公安-更正.csv", "12");
        let (outcomes, committed) = run_of(
            &**db,
            &cast.station,
            &other,
            &disagreeing,
            Commit::IfAllValid,
        );
        assert!(!committed);
        assert!(
            outcomes.iter().all(|o| matches!(o, RowOutcome::Refused(_))),
            "{outcomes:?}"
        );
    });
}

#[test]
fn a_last_day_other_than_the_records_corrects_it_and_a_running_fact_ended_is_refused() {
    each_backend(|db| {
        let cast = setup(db);
        let (from, june, december) = (date(2024, 5, 1), date(2025, 6, 30), date(2025, 12, 31));
        let mut first = arrivals(0..1);
        first.push(union(3, 0, from, Some(june)));
        let (outcomes, committed) = run(&**db, &cast.station, &first, Commit::IfAllValid);
        let person = added_for(&outcomes, committed);

        // The next extract: the membership runs to December. The department's
        // file has the last word on its dates: the record is corrected, and
        // the same row sent again is held.
        let extended = union(2, 0, from, Some(december));
        let later = another("工会-十二月.csv", "cd");
        let (outcomes, committed) = run_of(
            &**db,
            &cast.station,
            &later,
            std::slice::from_ref(&extended),
            Commit::IfAllValid,
        );
        assert!(matches!(
            outcomes[..],
            [RowOutcome::Added(_, Effect::Corrected)]
        ));
        assert_eq!(added_for(&outcomes, committed), person);
        let membership = membership_on(db, &cast.station, person, december).expect("a member");
        assert_eq!((membership.from, membership.to), (from, Some(december)));
        assert!(matches!(
            &db.events_after(0, 100).unwrap().last().unwrap().change,
            Change::Correct { correction: Correction::Fact { fact, to, .. }, .. }
                if *fact == membership.id && *to == Some(december)
        ));
        let again = another("工会-十二月-再次.csv", "ce");
        let (outcomes, _) = run_of(
            &**db,
            &cast.station,
            &again,
            &[extended],
            Commit::IfAllValid,
        );
        assert_eq!(outcomes, [RowOutcome::AlreadyHeld]);

        // In one file: a fact added, then given another last day.
        let mut one_file = arrivals(5..6);
        one_file.extend([
            union(3, 5, from, Some(december)),
            union(4, 5, from, Some(june)),
        ]);
        let whole = another("公安和工会.csv", "56");
        let (outcomes, committed) =
            run_of(&**db, &cast.station, &whole, &one_file, Commit::IfAllValid);
        let person = added_for(&outcomes, committed);
        let membership = membership_on(db, &cast.station, person, june).expect("a member");
        assert_eq!(membership.to, Some(june));
        assert!(membership_on(db, &cast.station, person, december).is_none());
        assert!(matches!(
            &db.events_after(0, 100).unwrap().last().unwrap().change,
            Change::Correct { correction: Correction::Fact { person: of, fact, .. }, .. }
                if *fact == membership.id && *of == person
        ));

        // A fact the record holds as ended, listed as running, is a new fact
        // that overlaps it: for a person to look at, not to reopen it.
        let running = union(2, 5, from, None);
        let stale = another("工会-旧.csv", "de");
        let (outcomes, committed) =
            run_of(&**db, &cast.station, &stale, &[running], Commit::IfAllValid);
        assert!(!committed);
        assert!(
            matches!(outcomes[..], [RowOutcome::Refused(_)]),
            "{outcomes:?}"
        );
    });
}

#[test]
fn a_registration_that_differs_from_the_record_otherwise_is_neither_held_nor_a_move() {
    each_backend(|db| {
        let cast = setup(db);
        run(&**db, &cast.station, &arrivals(0..1), Commit::IfAllValid);
        let officer = &cast.officer_binhu;
        let permit = domain::event::FactForm {
            fact: FactKind::TemporaryResidencePermit {
                number: "苏锡暂字2024000123".into(),
            },
            from: date(2024, 8, 1),
            to: None,
        };
        let row = |change| ImportRow {
            row: 2,
            change: RowChange::Change(change),
        };
        let rows = [
            // Another name for the same ID number, at the same address and day.
            row(registration(id(0), "李四", BINHU, date(2024, 3, 1), vec![])),
            // Another address, but before the current one began.
            row(registration(
                id(0),
                "张三",
                BINHU_2,
                date(2024, 2, 1),
                vec![],
            )),
            // Another address later, with a permit the record does not hold.
            row(registration(
                id(0),
                "张三",
                BINHU_2,
                date(2024, 8, 1),
                vec![permit],
            )),
        ];
        for (n, one) in rows.into_iter().enumerate() {
            let (outcomes, committed) = run_of(
                &**db,
                officer,
                &another(&format!("公安-{n}.csv"), "cc"),
                &[one],
                Commit::IfAllValid,
            );
            assert!(!committed, "{n}: {outcomes:?}");
            assert!(
                matches!(outcomes[..], [RowOutcome::Refused(_)]),
                "{n}: {outcomes:?}"
            );
        }
    });
}

#[test]
fn a_value_reported_again_as_it_stands_is_held_unless_the_file_reports_it_twice() {
    each_backend(|db| {
        let cast = setup(db);
        let value = |row: u64, unit: &str, value: i64| ImportRow {
            row,
            change: RowChange::Change(Change::ReportValue {
                value: domain::reported_value::ReportedValue {
                    unit: code(unit),
                    name: "hotel_guests".into(),
                    from: date(2025, 1, 1),
                    to: date(2025, 3, 31),
                    value,
                },
            }),
        };
        let officer = &cast.officer_binhu;
        let first = [value(2, BINHU, 40), value(3, BINHU_2, 7)];
        let (outcomes, committed) = run(&**db, officer, &first, Commit::IfAllValid);
        assert!(committed);
        assert_eq!(added(&outcomes), 2);

        // The next file: one value as it stands, one changed.
        let again = [value(2, BINHU, 40), value(3, BINHU_2, 8)];
        let (outcomes, committed) = run_of(
            &**db,
            officer,
            &another("统计-二.csv", "9a"),
            &again,
            Commit::IfAllValid,
        );
        assert!(committed);
        assert_eq!(outcomes[0], RowOutcome::AlreadyHeld);
        assert!(matches!(outcomes[1], RowOutcome::Added(..)), "{outcomes:?}");

        // Twice in one file, the last row decides: neither is held.
        let twice = [value(2, BINHU, 41), value(3, BINHU, 40)];
        let (outcomes, _) = run_of(
            &**db,
            officer,
            &another("统计-三.csv", "9b"),
            &twice,
            Commit::IfAllValid,
        );
        assert_eq!(added(&outcomes), 2);
        let mut values = Vec::new();
        db.scan(&mut |_| {}, &mut |_| {}, &mut |value| values.push(value))
            .unwrap();
        let binhu = values.iter().find(|v| v.unit == code(BINHU)).unwrap();
        assert_eq!(binhu.value, 40);
    });
}

#[test]
fn rows_about_one_person_are_planned_in_file_order_against_what_the_rows_before_left() {
    each_backend(|db| {
        let cast = setup(db);
        let fact = |row: u64, kind: FactKind| ImportRow {
            row,
            change: RowChange::PersonFact {
                resident_id: id(3),
                name: "张三".into(),
                fact: kind,
                from: date(2024, 5, 1),
                to: None,
            },
        };
        // A fact about a person the file registers only later is refused; a fact
        // after the registration is added to the new person.
        let rows = [
            fact(2, FactKind::SkillsTraining),
            arrivals(3..4).remove(0),
            fact(6, FactKind::UnionMembership),
            arrivals(5..6).remove(0),
        ];
        let (outcomes, committed) = run(&**db, &cast.station, &rows, Commit::ValidRows);
        assert!(committed);
        assert!(
            matches!(outcomes[0], RowOutcome::Refused(_)),
            "{outcomes:?}"
        );
        let [
            RowOutcome::Added(registered, _),
            RowOutcome::Added(joined, _),
            RowOutcome::Added(other, _),
        ] = &outcomes[1..]
        else {
            panic!("{outcomes:?}")
        };
        assert_eq!(joined.person, registered.person);
        assert_ne!(other.person, registered.person);
        assert_eq!(
            (registered.seq + 1, joined.seq + 1),
            (joined.seq, other.seq),
            "events numbered in file order"
        );
        let person = registered.person.unwrap();
        let file = db.person(&cast.station, person).unwrap();
        assert_eq!(file.facts.len(), 2, "{:?}", file.facts);
        assert_eq!(file.facts[1].id, joined.facts[0]);
        let events = db.timeline(&cast.station, person).unwrap();
        assert!(matches!(events[1].change, Change::AddFact { person: p, .. } if p == person));

        // The refused row is tried again; the added ones are not.
        let (again, _) = run(&**db, &cast.station, &rows, Commit::ValidRows);
        assert!(matches!(again[0], RowOutcome::Added(..)), "{again:?}");
        assert_eq!(again[1..], [const { RowOutcome::AlreadyImported }; 3]);
        assert_eq!(db.person(&cast.station, person).unwrap().facts.len(), 3);
    });
}

/// The number of indexes of `persons`, as the database's catalogue lists them.
fn person_indexes(db: &TestDb) -> i64 {
    db.raw_count(match db.backend() {
        "sqlite" => "sqlite_schema WHERE type = 'index' AND tbl_name = 'persons'",
        _ => "pg_indexes WHERE tablename = 'persons'",
    })
}

#[test]
fn a_file_adding_many_persons_leaves_every_index_whole() {
    each_backend(|db| {
        let cast = setup(db);
        let before = person_indexes(db);
        // Many next to the registry: SQLite builds the persons' indexes again.
        let (outcomes, committed) = run(&**db, &cast.station, &arrivals(0..60), Commit::IfAllValid);
        assert!(committed);
        assert_eq!(added(&outcomes), 60);
        assert_eq!(person_indexes(db), before);
        let copy = "INSERT INTO persons (id_cipher, id_index, name, sex, birth_date, hukou, \
                    registered_on, left_on, unit) SELECT id_cipher, id_index, name, sex, \
                    birth_date, hukou, registered_on, left_on, unit FROM persons \
                    ORDER BY id DESC LIMIT 1";
        let refused = db.raw_exec(copy).unwrap_err();
        assert!(refused.to_lowercase().contains("unique"), "{refused}");
        // A fact about an imported person finds them by ID number.
        let (outcomes, _) = run(
            &**db,
            &cast.station,
            &[ImportRow {
                row: 100,
                change: RowChange::PersonFact {
                    resident_id: id(59),
                    name: "张三".into(),
                    fact: FactKind::UnionMembership,
                    from: date(2024, 4, 1),
                    to: None,
                },
            }],
            Commit::IfAllValid,
        );
        assert_eq!(added(&outcomes), 1, "{outcomes:?}");
    });
}

#[test]
fn a_large_all_or_nothing_file_of_facts_is_planned_in_sections_as_if_whole() {
    each_backend(|db| {
        let cast = setup(db);
        let (_, committed) = run(
            &**db,
            &cast.station,
            &arrivals(0..1_000),
            Commit::IfAllValid,
        );
        assert!(committed);
        // 50,001 rows, more than a section: a thousand persons' union
        // memberships of a day each, every other day, the persons' rows
        // interleaved; the last row about person 0 again, planned in the
        // second section against what the first wrote.
        let day = |k: i64| {
            date(2020, 1, 1)
                .checked_add(jiff::Span::new().days(2 * k))
                .unwrap()
        };
        let mut rows: Vec<ImportRow> = (0..50_000u32)
            .map(|i| {
                let k = i64::from(i / 1_000);
                union(u64::from(i) + 2, i % 1_000, day(k), Some(day(k)))
            })
            .collect();
        let union_file = another("工会.csv", "cd");
        let events = db.raw_count("events");
        let first = db
            .find_by_resident_id(&cast.station, &id(0))
            .unwrap()
            .unwrap()
            .id;
        let memberships = |db: &TestDb| {
            let file = db.person(&cast.station, first).unwrap();
            file.facts
                .iter()
                .filter(|fact| fact.kind == FactKind::UnionMembership)
                .count()
        };

        // The last row, from the day before the first's, overlaps it: refused,
        // and nothing is written.
        rows.push(union(50_002, 0, date(2019, 12, 31), Some(day(0))));
        let (outcomes, committed) =
            run_of(&**db, &cast.station, &union_file, &rows, Commit::IfAllValid);
        assert!(!committed);
        assert_eq!(added(&outcomes), 50_000);
        assert!(
            matches!(outcomes[50_000], RowOutcome::Refused(_)),
            "{:?}",
            outcomes[50_000]
        );
        assert_eq!(db.raw_count("events"), events);
        assert_eq!(memberships(db), 0);

        // A day of its own: every row written, the last after the first's.
        rows[50_000] = union(50_002, 0, day(50), Some(day(50)));
        let (outcomes, committed) =
            run_of(&**db, &cast.station, &union_file, &rows, Commit::IfAllValid);
        assert!(committed);
        assert_eq!(added(&outcomes), 50_001);
        assert_eq!(memberships(db), 51);
        assert_eq!(db.raw_count("events"), events + 50_001);
        let (again, _) = run_of(&**db, &cast.station, &union_file, &rows, Commit::IfAllValid);
        assert!(again.iter().all(|o| *o == RowOutcome::AlreadyImported));
    });
}
