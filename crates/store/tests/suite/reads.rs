//! 查阅记录 — every read of a person is recorded; users and sessions.

use domain::access::Role;
use jiff::civil::date;
use jiff::{Timestamp, ToSpan};
use store::NewUser;

use super::fixtures::{BINHU, code, id, refusal, register, setup};
use super::harness::each_backend;

#[test]
fn every_read_of_a_person_is_recorded() {
    each_backend(|db| {
        let cast = setup(db);
        let person = register(db, &cast.station, id(31), "黄磊", BINHU, date(2020, 1, 1))
            .unwrap()
            .person
            .unwrap();
        let officer = &cast.officer_binhu;
        db.person(officer, person).unwrap();
        db.facts_on(officer, person, date(2020, 2, 2)).unwrap();
        db.timeline(officer, person).unwrap();
        db.find_by_resident_id(officer, &id(31)).unwrap().unwrap();
        db.search_by_name(officer, "黄", 10).unwrap();
        db.person(&cast.station, person).unwrap();

        let views = db.views_of(officer, person).unwrap();
        let seen: Vec<_> = views
            .iter()
            .map(|view| (view.viewer_login.as_str(), view.what.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("station", "file"),
                ("officer-binhu", "search"),
                ("officer-binhu", "lookup"),
                ("officer-binhu", "timeline"),
                ("officer-binhu", "facts"),
                ("officer-binhu", "file"),
            ]
        );
        assert!(views.windows(2).all(|pair| pair[0].at >= pair[1].at));
        assert_eq!(views[0].viewer, cast.station.id);
        // Looking at the views is not itself a view.
        assert_eq!(db.views_of(officer, person).unwrap().len(), 6);
    });
}

#[test]
fn users_log_in_through_sessions() {
    each_backend(|db| {
        let cast = setup(db);
        let (user, hash) = db.credentials("officer-binhu").unwrap().unwrap();
        assert_eq!(user, cast.officer_binhu);
        assert!(hash.starts_with("$argon2id$"));
        assert_eq!(db.credentials("nobody").unwrap(), None);
        assert_eq!(db.user(user.id).unwrap(), Some(user.clone()));
        assert_eq!(db.user(user.id + 1000).unwrap(), None);

        let again = NewUser {
            login: "station".into(),
            name: "重名".into(),
            role: Role::StationStaff,
            unit: code(BINHU),
            department: None,
            password_hash: "x".into(),
        };
        insta::assert_json_snapshot!("login_taken", refusal(db.create_user(again).unwrap_err()));
        let manager_of_nothing = NewUser {
            login: "manager".into(),
            name: "无部门".into(),
            role: Role::DepartmentManager,
            unit: code("3202"),
            department: None,
            password_hash: "x".into(),
        };
        insta::assert_json_snapshot!(
            "data_manager_without_department",
            refusal(db.create_user(manager_of_nothing).unwrap_err())
        );

        let now = Timestamp::from_second(1_700_000_000).unwrap();
        db.create_session(user.id, [1; 32], now + 8.hours())
            .unwrap();
        assert_eq!(
            db.session_user([1; 32], now).unwrap(),
            Some(cast.officer_binhu.clone())
        );
        assert_eq!(
            db.session_user([1; 32], now + 9.hours()).unwrap(),
            None,
            "expired"
        );
        assert_eq!(
            db.session_user([2; 32], now).unwrap(),
            None,
            "unknown token"
        );
    });
}
