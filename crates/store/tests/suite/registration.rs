//! 来人登记 — registering a person, finding them again, and refusals that leave
//! nothing behind.

use domain::event::{Change, FactForm, Source};
use domain::registry::{FactKind, InsuranceScheme};
use jiff::civil::date;
use store::StoreError;

use super::fixtures::{BINHU, code, employer, id, refusal, register, registration, setup};
use super::harness::each_backend;

#[test]
fn a_registration_makes_a_person_file() {
    each_backend(|db| {
        let cast = setup(db);
        let insured = FactForm {
            fact: FactKind::Insurance {
                scheme: InsuranceScheme::Pension,
            },
            from: date(2020, 3, 1),
            to: None,
        };
        let change = registration(id(1), "张伟", BINHU, date(2020, 3, 1), vec![insured]);
        let receipt = db.submit(&cast.station, Source::Station, change).unwrap();
        assert_eq!(receipt.seq, 1);
        assert_eq!(receipt.facts.len(), 2);
        let person = receipt.person.unwrap();

        let file = db.person(&cast.station, person).unwrap();
        assert_eq!(file.person.id, person);
        assert_eq!(file.person.resident_id, id(1));
        assert_eq!(file.person.name, "张伟");
        assert_eq!(file.person.unit, code(BINHU));
        assert_eq!(file.person.birth_date, id(1).birth_date());
        assert_eq!(file.person.hukou, code("420102"));
        assert_eq!(file.person.registered_on, date(2020, 3, 1));
        assert_eq!(file.person.left_on, None);
        let kinds: Vec<_> = file.facts.iter().map(|f| f.kind.name()).collect();
        assert_eq!(kinds, ["residence", "insurance"]);
        assert_eq!(
            file.facts.iter().map(|f| f.id).collect::<Vec<_>>(),
            receipt.facts
        );
        assert!(file.family.is_empty());
    });
}

#[test]
fn a_person_is_found_by_id_number_and_by_name() {
    each_backend(|db| {
        let cast = setup(db);
        for (n, name) in [
            (1, "王𠮷"),
            (2, "李䶮"),
            (3, "阿依古丽·买买提"),
            (4, "王小明"),
        ] {
            register(db, &cast.station, id(n), name, BINHU, date(2021, 1, 4)).unwrap();
        }
        let hit = db
            .find_by_resident_id(&cast.station, &id(2))
            .unwrap()
            .unwrap();
        assert_eq!(hit.name, "李䶮");
        assert_eq!(hit.masked_id.len(), 18);
        assert!(
            hit.masked_id.starts_with("420102") && hit.masked_id.contains("**********"),
            "{}",
            hit.masked_id
        );
        assert!(hit.present);
        assert_eq!(db.find_by_resident_id(&cast.station, &id(9)).unwrap(), None);

        let names = |part: &str| -> Vec<String> {
            db.search_by_name(&cast.station, part, 10)
                .unwrap()
                .into_iter()
                .map(|hit| hit.name)
                .collect()
        };
        assert_eq!(names("𠮷"), ["王𠮷"]);
        assert_eq!(names("䶮"), ["李䶮"]);
        assert_eq!(names("·买"), ["阿依古丽·买买提"]);
        assert_eq!(names("王").len(), 2);
        assert!(names("%").is_empty(), "wildcards are taken literally");
        assert_eq!(db.search_by_name(&cast.station, "王", 1).unwrap().len(), 1);
        let empty = refusal(db.search_by_name(&cast.station, "  ", 10).unwrap_err());
        assert_eq!(empty.field, "name");
    });
}

#[test]
fn a_second_registration_of_one_id_number_is_refused() {
    each_backend(|db| {
        let cast = setup(db);
        register(db, &cast.station, id(1), "张伟", BINHU, date(2020, 3, 1)).unwrap();
        let error =
            register(db, &cast.station, id(1), "张伟", BINHU, date(2020, 4, 1)).unwrap_err();
        assert!(matches!(error, StoreError::Refused(_)), "{error:?}");
        let error = refusal(error);
        assert_eq!(error.field, "resident_id");
        insta::assert_json_snapshot!("duplicate_registration", error);
        assert_eq!(db.events_after(0, 10).unwrap().len(), 1);
    });
}

#[test]
fn a_refused_registration_writes_nothing() {
    each_backend(|db| {
        let cast = setup(db);
        let works = employer(db, &cast.station, "无锡示例机械有限公司", BINHU);
        let events_before = db.events_after(0, 100).unwrap().len();
        let facts = vec![
            FactForm {
                fact: FactKind::Employment {
                    employer: works,
                    monthly_wage_fen: 450_000,
                },
                from: date(2020, 3, 1),
                to: None,
            },
            FactForm {
                fact: FactKind::LabourContract { employer: 999_999 },
                from: date(2020, 3, 1),
                to: None,
            },
        ];
        let change = registration(id(1), "张伟", BINHU, date(2020, 3, 1), facts);
        let error = refusal(
            db.submit(&cast.station, Source::Station, change)
                .unwrap_err(),
        );
        assert_eq!(error.field, "facts[1].fact.employer");
        insta::assert_json_snapshot!("unknown_employer_in_registration", error);

        assert_eq!(db.find_by_resident_id(&cast.station, &id(1)).unwrap(), None);
        assert_eq!(db.events_after(0, 100).unwrap().len(), events_before);
        assert_eq!(db.raw_count("persons"), 0);
        assert_eq!(db.raw_count("facts"), 0);
        // The next registration still works and gets the next sequence number.
        let receipt = register(db, &cast.station, id(1), "张伟", BINHU, date(2020, 3, 1)).unwrap();
        assert_eq!(receipt.seq, events_before as i64 + 1);
    });
}

#[test]
fn a_local_hukou_is_not_a_migrant() {
    each_backend(|db| {
        let cast = setup(db);
        let local = domain::resident_id::ResidentId::synthesize(
            320211,
            date(1990, 1, 1),
            11,
            domain::resident_id::Sex::Male,
        );
        let error =
            register(db, &cast.station, local, "本地人", BINHU, date(2020, 3, 1)).unwrap_err();
        assert_eq!(refusal(error).field, "resident_id");
        assert!(matches!(
            db.submit(
                &cast.station,
                Source::Station,
                Change::Leave {
                    person: 12345,
                    on: date(2020, 1, 1)
                }
            ),
            Err(StoreError::Refused(_))
        ));
    });
}

#[test]
fn concurrent_registrations_of_one_id_number_make_one_person() {
    each_backend(|db| {
        let cast = setup(db);
        let outcomes: Vec<bool> = std::thread::scope(|scope| {
            let tries: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        register(db, &cast.station, id(61), "钱多", BINHU, date(2020, 3, 1)).is_ok()
                    })
                })
                .collect();
            tries.into_iter().map(|t| t.join().unwrap()).collect()
        });
        assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{outcomes:?}");
        assert_eq!(db.raw_count("persons"), 1);
        assert_eq!(db.raw_count("events"), 1);
    });
}
