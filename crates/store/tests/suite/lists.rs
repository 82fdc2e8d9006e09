//! 人员名单 — the persons of a unit for a viewer whose role and scope allow it,
//! each recorded as viewed; and what the log's newest events did, for a server
//! keeping up with other processes' writes.

use domain::access::User;
use domain::event::{Change, Source};
use domain::registry::{FactKind, PersonId};
use jiff::civil::date;
use store::StoreError;

use super::fixtures::{BINHU, BINHU_2, LIANGXI, code, id, register, setup};
use super::harness::{TestDb, each_backend};

#[test]
fn a_list_holds_the_persons_of_a_unit_inside_the_viewers_and_records_each_view() {
    each_backend(|db| {
        let cast = setup(db);
        let binhu = registered(db, &cast.station, 1, BINHU);
        registered(db, &cast.station_liangxi, 2, LIANGXI);
        let listed = db.person_list(&cast.officer_binhu, code("320211")).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, binhu);
        assert_eq!(listed[0].resident_id, id(1));
        let views = db.views_of(&cast.officer_binhu, binhu).unwrap();
        assert_eq!(views[0].what, "list");
        assert_eq!(
            db.person_list(&cast.officer_city, code("3202"))
                .unwrap()
                .len(),
            2
        );
    });
}

#[test]
fn a_list_is_refused_outside_the_viewers_unit_and_to_roles_that_read_no_persons() {
    each_backend(|db| {
        let cast = setup(db);
        registered(db, &cast.station, 1, BINHU);
        let outside = db.person_list(&cast.station, code("320213")).unwrap_err();
        let StoreError::Forbidden(error) = outside else {
            panic!("{outside:?}")
        };
        assert_eq!(error.field, "unit");
        insta::allow_duplicates! {
            insta::assert_snapshot!(error.message.to_string(), @"单位 320213 不在您的管辖范围内 / expected a unit inside your own, but found 320213");
        }
        let neighbour = db.person_list(&cast.station, code(BINHU_2)).unwrap_err();
        assert!(
            matches!(neighbour, StoreError::Forbidden(_)),
            "{neighbour:?}"
        );
        let leader = db.person_list(&cast.leader, code("3202")).unwrap_err();
        assert!(matches!(leader, StoreError::Forbidden(_)), "{leader:?}");
        assert_eq!(db.raw_count("person_views"), 0);
    });
}

/// Registers the person with ID `id(n)` in `village`; their number.
fn registered(db: &TestDb, actor: &User, n: u32, village: &str) -> PersonId {
    register(db, actor, id(n), "张三", village, date(2024, 3, 1))
        .unwrap()
        .person
        .unwrap()
}

#[test]
fn the_log_since_a_point_names_new_persons_and_whether_known_ones_changed() {
    each_backend(|db| {
        let cast = setup(db);
        let first = registered(db, &cast.station, 1, BINHU);
        let seen = db.log_since(0, 0).unwrap();
        assert_eq!(seen.new_persons.len(), 1);
        assert!(!seen.known_touched);
        let second = registered(db, &cast.station, 2, BINHU);
        let since = db.log_since(seen.last, first).unwrap();
        assert_eq!(since.last, seen.last + 1);
        assert!(!since.known_touched);
        assert_eq!(
            since.new_persons.iter().map(|p| p.id).collect::<Vec<_>>(),
            [second]
        );
        assert_eq!(db.log_since(since.last, second).unwrap().last, since.last);

        db.submit(
            &cast.station,
            Source::Station,
            Change::AddFact {
                person: first,
                fact: FactKind::UnionMembership,
                from: date(2024, 5, 1),
                to: None,
            },
        )
        .unwrap();
        let touched = db.log_since(since.last, second).unwrap();
        assert!(touched.known_touched);
        assert!(touched.new_persons.is_empty() && touched.other.is_empty());
    });
}
