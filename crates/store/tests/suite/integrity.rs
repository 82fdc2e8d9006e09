//! 数据安全 — the log cannot be rewritten, ID numbers never reach the disk in
//! clear, and the log gives back exactly what was submitted.

use domain::division::Hierarchy;
use domain::event::{Change, Correction, Source};
use domain::migrant::MigrantRule;
use jiff::civil::date;

use super::fixtures::{BINHU, code, id, refusal, register, registration, setup};
use super::harness::{each_backend, postgres_only};

#[test]
fn events_are_append_only() {
    each_backend(|db| {
        let cast = setup(db);
        register(db, &cast.station, id(41), "林峰", BINHU, date(2020, 1, 1)).unwrap();
        let update = db.raw_exec("UPDATE events SET actor = 99");
        assert!(
            update.as_ref().is_err_and(|e| e.contains("append-only")),
            "{update:?}"
        );
        let delete = db.raw_exec("DELETE FROM events");
        assert!(
            delete.as_ref().is_err_and(|e| e.contains("append-only")),
            "{delete:?}"
        );
        assert_eq!(db.raw_count("events"), 1);
    });
}

#[test]
fn the_log_gives_back_what_was_submitted() {
    each_backend(|db| {
        let cast = setup(db);
        let change = registration(id(42), "何静", BINHU, date(2020, 1, 1), vec![]);
        let person = db
            .submit(&cast.station, Source::Station, change.clone())
            .unwrap()
            .person
            .unwrap();
        let fix = Change::Correct {
            reason: "身份证号码录入错误".into(),
            correction: Correction::Person {
                person,
                name: "何静".into(),
                resident_id: id(43),
            },
        };
        let source = Source::Import {
            file: "公安.csv".into(),
            sha256: "ab".repeat(32),
            row: 7,
        };
        db.submit(&cast.officer_binhu, source.clone(), fix.clone())
            .unwrap();

        let events = db.events_after(0, 10).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!((events[0].seq, events[1].seq), (1, 2));
        assert_eq!(events[0].change, change);
        assert_eq!(events[0].person, Some(person));
        assert_eq!(events[0].unit, code(BINHU));
        assert_eq!(events[1].change, fix);
        assert_eq!(events[1].source, source);
        assert_eq!(events[1].actor, cast.officer_binhu.id);
        assert_eq!(db.timeline(&cast.station, person).unwrap(), events);
        assert_eq!(db.events_after(1, 10).unwrap(), events[1..]);
        assert_eq!(db.events_after(0, 1).unwrap().len(), 1);
    });
}

#[test]
fn id_numbers_are_not_stored_in_clear() {
    each_backend(|db| {
        let cast = setup(db);
        let person = register(db, &cast.station, id(44), "罗敏", BINHU, date(2020, 1, 1))
            .unwrap()
            .person
            .unwrap();
        let fix = Correction::Person {
            person,
            name: "罗敏".into(),
            resident_id: id(45),
        };
        db.submit(
            &cast.station,
            Source::Station,
            Change::Correct {
                reason: "录入错误".into(),
                correction: fix,
            },
        )
        .unwrap();
        db.search_by_name(&cast.station, "罗", 5).unwrap();
        assert!(
            db.raw_contains("罗敏"),
            "the scan finds what is stored in clear"
        );
        for number in [id(44), id(45)] {
            assert!(
                !db.raw_contains(number.as_str()),
                "{} found in clear",
                number.as_str()
            );
        }
    });
}

#[test]
fn a_city_is_initialised_once() {
    each_backend(|db| {
        setup(db);
        let error = db
            .initialise(Hierarchy::wuxi(), &MigrantRule::new(code("3202")))
            .unwrap_err();
        insta::assert_json_snapshot!("initialised_twice", refusal(error));
    });
}

#[test]
fn a_reopened_database_keeps_its_data_and_schema() {
    each_backend(|db| {
        let cast = setup(db);
        let person = register(db, &cast.station, id(46), "高远", BINHU, date(2020, 1, 1))
            .unwrap()
            .person
            .unwrap();
        let migrations = db.raw_count("schema_migrations");
        let again = db.reopen();
        assert_eq!(
            again.person(&cast.station, person).unwrap().person.name,
            "高远"
        );
        // One row per migration (0001 to 0014, on PostgreSQL to 0016): none
        // ran again on reopening.
        let expected = match db.backend() {
            "postgres" => 16,
            _ => 14,
        };
        assert_eq!(migrations, expected);
        assert_eq!(db.raw_count("schema_migrations"), migrations);
        // Writes through either store share one log.
        let receipt = register(db, &cast.station, id(47), "高山", BINHU, date(2020, 1, 2)).unwrap();
        assert_eq!(receipt.seq, 2);
        assert_eq!(again.events_after(0, 10).unwrap().len(), 2);
    });
}

/// On PostgreSQL a fact's person is checked once per statement (migration 0011)
/// rather than by a foreign key; the rule is the same: no fact names a person
/// who is not registered.
#[test]
fn facts_name_registered_persons_on_postgres() {
    let Some(db) = postgres_only() else {
        return;
    };
    let cast = setup(&db);
    let person = register(&db, &cast.station, id(44), "林峰", BINHU, date(2020, 1, 1))
        .unwrap()
        .person
        .unwrap();
    let facts = db.raw_count("facts");
    let nobody = person + 1000;
    let refused = |sql: String| {
        let result = db.raw_exec(&sql);
        assert!(
            result
                .as_ref()
                .is_err_and(|e| e.contains("a fact names a person not in persons")),
            "{sql}: {result:?}"
        );
    };
    refused(format!(
        "INSERT INTO facts (id, person, kind, from_day) VALUES (1000, {nobody}, 'residence', '2020-01-01')"
    ));
    refused(format!(
        "UPDATE facts SET person = {nobody} WHERE person = {person}"
    ));
    refused(format!("DELETE FROM persons WHERE id = {person}"));
    refused(format!(
        "UPDATE persons SET id = {nobody} WHERE id = {person}"
    ));
    assert_eq!(db.raw_count("facts"), facts);
    // A fact of a registered person, and a change that keeps its person, pass.
    assert_eq!(
        db.raw_exec(&format!(
            "INSERT INTO facts (id, person, kind, from_day) VALUES (1001, {person}, 'residence', '2021-01-01')"
        )),
        Ok(1)
    );
    assert_eq!(
        db.raw_exec(&format!(
            "UPDATE facts SET to_day = '2022-01-01' WHERE person = {person} AND from_day = '2021-01-01'"
        )),
        Ok(1)
    );
    assert_eq!(db.raw_count("facts"), facts + 1);
}
