//! 姓名查找 — the name index: rare characters and the middle dot found by
//! character, exact names first, pages that follow each other, and an index kept
//! in step with corrections, moves and databases written before it existed or
//! before it was keyed.

use domain::access::User;
use domain::event::{Change, Correction, Source};
use jiff::civil::date;
use store::NameCursor;

use super::fixtures::{BINHU, LIANGXI, id, own_home, register, setup};
use super::harness::{TestDb, each_backend};

/// The names of the first `limit` hits for `part`, as `viewer` finds them.
fn names(db: &TestDb, viewer: &User, part: &str) -> Vec<String> {
    db.search_by_name(viewer, part, 20)
        .unwrap()
        .into_iter()
        .map(|hit| hit.name)
        .collect()
}

/// Registers each of `names` in `village`, numbered from `first`.
fn register_all(db: &TestDb, actor: &User, first: u32, village: &str, names: &[&str]) -> Vec<i64> {
    names
        .iter()
        .zip(first..)
        .map(|(name, n)| {
            register(db, actor, id(n), name, village, date(2021, 1, 4))
                .unwrap()
                .person
                .unwrap()
        })
        .collect()
}

#[test]
fn rare_characters_and_the_middle_dot_are_found_by_character() {
    each_backend(|db| {
        let cast = setup(db);
        register_all(
            db,
            &cast.station,
            1,
            BINHU,
            &[
                "王𠮷",
                "𠮷大勇",
                "李䶮",
                "阿依古丽·买买提",
                "吉克·阿依",
                "王大",
            ],
        );
        let s = &cast.station;
        assert_eq!(names(db, s, "𠮷"), ["王𠮷", "𠮷大勇"]);
        assert_eq!(names(db, s, "王𠮷"), ["王𠮷"]);
        assert_eq!(names(db, s, "𠮷大"), ["𠮷大勇"]);
        assert_eq!(names(db, s, "䶮"), ["李䶮"]);
        assert_eq!(names(db, s, "·买"), ["阿依古丽·买买提"]);
        // The dot as other keyboards type it, and spaces around it.
        assert_eq!(names(db, s, "吉克‧阿依"), ["吉克·阿依"]);
        assert_eq!(names(db, s, "吉克 . 阿依"), ["吉克·阿依"]);
        assert_eq!(names(db, s, "古丽·买买提"), ["阿依古丽·买买提"]);
        // Every pair of the query must be there, in order.
        assert!(names(db, s, "大王").is_empty());
        assert!(names(db, s, "王大勇").is_empty());
        assert!(
            names(db, s, "%").is_empty(),
            "wildcards are taken literally"
        );
    });
}

#[test]
fn exact_names_come_first_then_by_name_page_after_page() {
    each_backend(|db| {
        let cast = setup(db);
        let ids = register_all(
            db,
            &cast.station,
            10,
            BINHU,
            &["王伟明", "王伟", "李王伟", "赵六", "王伟", "王伟伟"],
        );
        let s = &cast.station;
        assert_eq!(
            names(db, s, "王伟"),
            ["王伟", "王伟", "李王伟", "王伟伟", "王伟明"]
        );
        let first = db.search_by_name_page(s, "王伟", None, 2).unwrap();
        let exact: Vec<_> = first.hits.iter().map(|hit| hit.id).collect();
        assert_eq!(exact, [ids[1], ids[4]], "exact names by number");
        // Page by page, one at a time: the same hits, each once.
        let mut seen = Vec::new();
        let mut after: Option<NameCursor> = None;
        loop {
            let page = db
                .search_by_name_page(s, "王伟", after.as_ref(), 1)
                .unwrap();
            seen.extend(page.hits.iter().map(|hit| hit.name.clone()));
            match page.next {
                Some(next) => {
                    // The cursor survives a link.
                    after = Some(NameCursor::parse(&next.to_text()).unwrap());
                }
                None => break,
            }
            assert!(seen.len() <= 5, "{seen:?}");
        }
        assert_eq!(seen, names(db, s, "王伟"));
        let whole = db.search_by_name_page(s, "王伟", None, 5).unwrap();
        assert_eq!(whole.hits.len(), 5);
        assert_eq!(whole.next, None, "no page after the last hit");
    });
}

#[test]
fn a_corrected_name_is_no_longer_found_under_the_old_one() {
    each_backend(|db| {
        let cast = setup(db);
        let s = &cast.station;
        let person = register_all(db, s, 30, BINHU, &["张三丰"])[0];
        let correction = Change::Correct {
            reason: "登记时姓名录入错误".into(),
            correction: Correction::Person {
                person,
                name: "张三峰".into(),
                resident_id: id(30),
            },
        };
        db.submit(s, Source::Station, correction).unwrap();
        assert!(names(db, s, "三丰").is_empty());
        assert!(names(db, s, "张三丰").is_empty());
        assert_eq!(names(db, s, "三峰"), ["张三峰"]);
        assert_eq!(names(db, s, "张三"), ["张三峰"], "found once, not twice");
    });
}

#[test]
fn a_search_keeps_to_the_viewers_area_where_the_person_lives_now() {
    each_backend(|db| {
        let cast = setup(db);
        let person = register_all(db, &cast.station, 40, BINHU, &["周杰伦"])[0];
        register_all(db, &cast.station_liangxi, 41, LIANGXI, &["周杰"]);
        assert_eq!(names(db, &cast.officer_binhu, "周杰"), ["周杰伦"]);
        assert_eq!(names(db, &cast.station_liangxi, "周杰"), ["周杰"]);
        assert_eq!(names(db, &cast.officer_city, "周杰"), ["周杰", "周杰伦"]);
        let moved = Change::Move {
            person,
            on: date(2022, 5, 1),
            residence: own_home(LIANGXI),
        };
        db.submit(&cast.officer_city, Source::Station, moved)
            .unwrap();
        assert!(names(db, &cast.officer_binhu, "周杰").is_empty());
        assert_eq!(names(db, &cast.station_liangxi, "周杰"), ["周杰", "周杰伦"]);
        let leader = db.search_by_name(&cast.leader, "周杰", 5).unwrap_err();
        assert!(
            matches!(leader, store::StoreError::Forbidden(_)),
            "{leader:?}"
        );
    });
}

#[test]
fn a_database_written_before_the_index_is_indexed_when_opened() {
    each_backend(|db| {
        let cast = setup(db);
        register_all(db, &cast.station, 50, BINHU, &["钱学森", "钱三强"]);
        db.raw_exec("DELETE FROM name_grams").unwrap();
        assert_eq!(db.raw_count("name_grams"), 0);
        let reopened = db.reopen();
        let found: Vec<_> = reopened
            .search_by_name(&cast.station, "钱", 5)
            .unwrap()
            .into_iter()
            .map(|hit| hit.name)
            .collect();
        assert_eq!(found, ["钱三强", "钱学森"]);
        assert_eq!(names(db, &cast.station, "学森"), ["钱学森"]);
    });
}

#[test]
fn a_database_indexed_before_the_index_was_keyed_is_moved_over_when_opened() {
    each_backend(|db| {
        let cast = setup(db);
        register_all(db, &cast.station, 60, BINHU, &["华罗庚", "华佗"]);
        let rows = db.raw_count("name_grams");
        // The layout of 0005: a table without a key and a covering index; one row
        // written twice, which the key would refuse.
        for sql in [
            "CREATE TABLE name_grams_0005 AS SELECT gram, name, person, unit FROM name_grams",
            "DROP TABLE name_grams",
            "ALTER TABLE name_grams_0005 RENAME TO name_grams",
            "CREATE INDEX name_grams_key ON name_grams (gram, name, person, unit)",
            "INSERT INTO name_grams SELECT gram, name, person, unit FROM name_grams \
             WHERE name = '华佗' AND gram < 1000000",
            "DELETE FROM schema_migrations WHERE version = 7",
        ] {
            db.raw_exec(sql).unwrap();
        }
        assert!(db.raw_count("name_grams") > rows);
        // Opening migrates; the store opened before reads the new table.
        drop(db.reopen());
        assert_eq!(db.raw_count("name_grams"), rows);
        assert_eq!(names(db, &cast.station, "华"), ["华佗", "华罗庚"]);
        assert_eq!(names(db, &cast.station, "罗庚"), ["华罗庚"]);
        // The key refuses a repeated row.
        let again = "INSERT INTO name_grams SELECT gram, name, person, unit FROM name_grams \
                     WHERE name = '华佗'";
        assert!(db.raw_exec(again).is_err());
    });
}
