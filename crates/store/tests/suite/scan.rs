//! 引擎读取 — what the indicator engine is built from: the scan hands over every
//! person as their rows say (sex, birth date, departure, every fact), after normal
//! writes and after a bulk load, and also for persons written before packs existed.

use domain::access::User;
use domain::event::{Change, Source};
use domain::registry::{FactKind, InsuranceScheme};
use jiff::civil::date;
use store::{CountedPerson, Store};

use super::fixtures::{BINHU, BINHU_2, employer, id, own_home, register, setup};
use super::harness::{TestDb, each_backend};

/// Every person the scan hands over, by number.
fn scanned(store: &dyn Store) -> Vec<CountedPerson> {
    let mut persons = Vec::new();
    store
        .scan(&mut |_| {}, &mut |batch| persons.extend(batch), &mut |_| {})
        .unwrap();
    persons
}

/// Each scanned person is what their file says, and every person is scanned.
pub(super) fn assert_scan_matches_files(db: &TestDb, viewer: &User, persons: i64) {
    let counted = scanned(&**db);
    assert_eq!(counted.len() as i64, persons);
    for person in counted {
        let file = db.person(viewer, person.id).unwrap();
        let expected = CountedPerson {
            id: file.person.id,
            sex: file.person.sex,
            birth_date: file.person.birth_date,
            left_on: file.person.left_on,
            facts: file.facts,
        };
        assert_eq!(person, expected);
    }
}

#[test]
fn the_scan_follows_every_write() {
    each_backend(|db| {
        let cast = setup(db);
        let actor = &cast.officer_binhu;
        let submit = |change| db.submit(actor, Source::Station, change).unwrap();
        let job = employer(db, actor, "无锡三号机械厂", BINHU);
        let first = register(db, actor, id(7), "刘洋", BINHU, date(2020, 1, 6))
            .unwrap()
            .person
            .unwrap();
        let second = register(db, actor, id(8), "𠮷田", BINHU, date(2024, 2, 29))
            .unwrap()
            .person
            .unwrap();
        submit(Change::ChangeEmployer {
            person: first,
            on: date(2020, 2, 1),
            employer: job,
            monthly_wage_fen: 400_000,
        });
        let insurance = submit(Change::AddFact {
            person: first,
            fact: FactKind::Insurance {
                scheme: InsuranceScheme::Medical,
            },
            from: date(2020, 9, 1),
            to: None,
        })
        .facts[0];
        submit(Change::EndFact {
            person: first,
            fact: insurance,
            last_day: date(2020, 12, 31),
        });
        submit(Change::Move {
            person: first,
            on: date(2021, 3, 1),
            residence: own_home(BINHU_2),
        });
        submit(Change::Leave {
            person: second,
            on: date(2025, 1, 1),
        });
        assert_scan_matches_files(db, actor, 2);

        // Persons written before packs existed are read from their rows.
        db.raw_exec("DELETE FROM person_packs").unwrap();
        assert_scan_matches_files(db, actor, 2);
    });
}
