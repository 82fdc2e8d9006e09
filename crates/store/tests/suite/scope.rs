//! 权限范围 — a user sees and changes only their subtree; persons outside it do
//! not exist for them, and roles without access to persons are told so.

use domain::event::{Change, Source};
use jiff::civil::date;
use store::{Page, StoreError};

use super::fixtures::{BINHU, LIANGXI, employer, id, refusal, register, registration, setup};
use super::harness::each_backend;

fn not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound { what: "person", .. }))
}

#[test]
fn a_district_officer_cannot_see_another_districts_person() {
    each_backend(|db| {
        let cast = setup(db);
        let person = register(
            db,
            &cast.station_liangxi,
            id(21),
            "周杰",
            LIANGXI,
            date(2020, 7, 1),
        )
        .unwrap()
        .person
        .unwrap();
        let officer = &cast.officer_binhu;
        assert!(not_found(db.person(officer, person)));
        assert!(not_found(db.facts_on(officer, person, date(2020, 7, 1))));
        assert!(not_found(db.timeline(officer, person)));
        assert!(not_found(db.views_of(officer, person)));
        assert_eq!(db.find_by_resident_id(officer, &id(21)).unwrap(), None);
        assert!(db.search_by_name(officer, "周", 10).unwrap().is_empty());
        // Nothing the officer tried is recorded as a view; the city officer sees it all.
        assert!(db.views_of(&cast.officer_city, person).unwrap().is_empty());
        assert_eq!(
            db.person(&cast.officer_city, person).unwrap().person.name,
            "周杰"
        );
        // A missing person looks the same as one outside the scope.
        assert!(not_found(db.person(officer, 424_242)));
    });
}

#[test]
fn a_station_cannot_register_into_another_village() {
    each_backend(|db| {
        let cast = setup(db);
        let change = registration(id(22), "吴敏", LIANGXI, date(2020, 7, 1), vec![]);
        let error = db
            .submit(&cast.station, Source::Station, change)
            .unwrap_err();
        assert!(matches!(error, StoreError::Forbidden(_)), "{error:?}");
        insta::assert_json_snapshot!("registration_outside_scope", refusal(error));
        assert_eq!(db.raw_count("persons"), 0);
        assert!(db.events_after(0, 10).unwrap().is_empty());
    });
}

#[test]
fn a_leader_reads_no_person_records() {
    each_backend(|db| {
        let cast = setup(db);
        let person = register(db, &cast.station, id(23), "郑洁", BINHU, date(2020, 7, 1))
            .unwrap()
            .person
            .unwrap();
        let error = db.person(&cast.leader, person).unwrap_err();
        assert!(matches!(error, StoreError::Forbidden(_)), "{error:?}");
        insta::assert_json_snapshot!("leader_reads_person", refusal(error));
        assert!(matches!(
            db.search_by_name(&cast.leader, "郑", 5),
            Err(StoreError::Forbidden(_))
        ));
        assert!(matches!(
            db.find_by_resident_id(&cast.leader, &id(23)),
            Err(StoreError::Forbidden(_))
        ));
        let moved = Change::Leave {
            person,
            on: date(2020, 8, 1),
        };
        assert!(matches!(
            db.submit(&cast.leader, Source::Station, moved),
            Err(StoreError::Forbidden(_))
        ));
    });
}

#[test]
fn records_are_scoped_too() {
    each_backend(|db| {
        let cast = setup(db);
        let here = employer(db, &cast.station, "滨湖示例公司", BINHU);
        let there = employer(db, &cast.station_liangxi, "梁溪示例公司", LIANGXI);
        assert_eq!(
            db.record(&cast.officer_binhu, here).unwrap().name,
            "滨湖示例公司"
        );
        assert!(matches!(
            db.record(&cast.officer_binhu, there),
            Err(StoreError::NotFound { what: "record", .. })
        ));
        let page = Page {
            after: 0,
            offset: 0,
            limit: 10,
        };
        let ids = |user, kind| {
            db.records(user, kind, page)
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&cast.officer_binhu, Some("employer")), [here]);
        assert_eq!(ids(&cast.officer_city, None), [here, there]);
        assert!(ids(&cast.officer_city, Some("hotel")).is_empty());
        assert_eq!(
            db.records(
                &cast.officer_city,
                None,
                Page {
                    after: 0,
                    offset: 1,
                    limit: 10
                }
            )
            .unwrap()
            .len(),
            1
        );
        // The next page by key: the records numbered after the last one shown.
        let after_here = Page {
            after: here.min(there),
            offset: 0,
            limit: 10,
        };
        let rest: Vec<_> = db
            .records(&cast.officer_city, None, after_here)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(rest, [here.max(there)]);
        // Picked by part of the name, within the area and the kinds asked for.
        let named = |user, kinds: &[&str], part| {
            db.records_named(user, kinds, part, 5)
                .unwrap()
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(named(&cast.officer_binhu, &["employer"], "示例"), [here]);
        assert_eq!(named(&cast.officer_city, &["employer"], "示例").len(), 2);
        assert!(named(&cast.officer_city, &["landlord"], "示例").is_empty());
        assert!(named(&cast.officer_city, &["employer"], "%").is_empty());
    });
}
