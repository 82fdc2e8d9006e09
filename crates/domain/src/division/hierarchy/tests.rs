//! Tests of the hierarchy: Wuxi's embedded data and its 2015 merger, other cities
//! from the NBS files, malformed files, and recorded mergers.

use std::sync::LazyLock;

use jiff::civil::date;

use super::*;
use crate::division::CodeLevel;

fn code(text: &str) -> DivisionCode {
    text.parse().unwrap()
}

fn count_at(hierarchy: &Hierarchy, level: CodeLevel, on: Date) -> usize {
    hierarchy
        .units()
        .iter()
        .filter(|unit| unit.code.level() == level && hierarchy.valid_on(unit.code, on))
        .count()
}

const TODAY: Date = date(2024, 1, 1);
const BEFORE_MERGER: Date = date(2014, 1, 1);
const AFTER_MERGER: Date = date(2016, 1, 1);

#[test]
fn wuxi_has_its_1350_units_and_3_historical_districts() {
    let wuxi = Hierarchy::wuxi();
    assert_eq!(wuxi.len(), 1 + 7 + 88 + 1254 + 3);
    assert_eq!(wuxi.city(), code("3202"));
    assert_eq!(wuxi.root().name, "无锡市");
    assert_eq!(count_at(wuxi, CodeLevel::District, TODAY), 7);
    assert_eq!(count_at(wuxi, CodeLevel::Town, TODAY), 88);
    assert_eq!(count_at(wuxi, CodeLevel::Village, TODAY), 1254);
    let leaves: Vec<&Unit> = wuxi.leaf_units(TODAY).collect();
    assert_eq!(leaves.len(), 1254);
    assert!(
        leaves
            .iter()
            .all(|unit| unit.code.level() == CodeLevel::Village)
    );
    assert_eq!(wuxi.children(wuxi.city(), TODAY).count(), 7);
    assert!(
        wuxi.units()
            .windows(2)
            .all(|pair| pair[0].code < pair[1].code)
    );
}

#[test]
fn wuxi_merger_of_2015() {
    let wuxi = Hierarchy::wuxi();
    let (chongan, liangxi) = (code("320202"), code("320213"));
    assert_eq!(wuxi.unit(chongan).unwrap().name, "崇安区");
    assert!(wuxi.valid_on(chongan, BEFORE_MERGER));
    assert!(wuxi.valid_on(chongan, date(2015, 10, 28)));
    assert!(!wuxi.valid_on(chongan, date(2015, 10, 29)));
    assert!(!wuxi.valid_on(chongan, AFTER_MERGER));
    assert!(!wuxi.valid_on(liangxi, BEFORE_MERGER));
    assert!(wuxi.valid_on(liangxi, date(2015, 10, 29)));

    for old in ["320202", "320203", "320204"] {
        assert_eq!(wuxi.current_successor(code(old), AFTER_MERGER), liangxi);
        assert_eq!(wuxi.current_successor(code(old), BEFORE_MERGER), code(old));
        assert_eq!(wuxi.current_successor(code(old), Date::MAX), liangxi);
    }
    // Before the merger, 梁溪区's units did not exist: a count then finds the old
    // districts, which have no recorded towns, as leaves.
    assert_eq!(wuxi.children(wuxi.city(), BEFORE_MERGER).count(), 6 + 3);
    assert!(wuxi.is_leaf(chongan, BEFORE_MERGER));
    assert!(!wuxi.is_leaf(chongan, AFTER_MERGER));
    assert_eq!(wuxi.children(liangxi, BEFORE_MERGER).count(), 0);
    let liangxi_village = wuxi
        .leaf_units(TODAY)
        .find(|unit| liangxi.contains(unit.code))
        .unwrap()
        .code;
    assert!(!wuxi.valid_on(liangxi_village, BEFORE_MERGER));
    assert_eq!(
        wuxi.current_successor(liangxi_village, BEFORE_MERGER),
        wuxi.city()
    );
}

#[test]
fn path_runs_from_the_city_down() {
    let wuxi = Hierarchy::wuxi();
    let village = wuxi.leaf_units(TODAY).next().unwrap();
    let path = wuxi.path(village.code);
    let levels: Vec<CodeLevel> = path.iter().map(|unit| unit.code.level()).collect();
    assert_eq!(
        levels,
        [
            CodeLevel::City,
            CodeLevel::District,
            CodeLevel::Town,
            CodeLevel::Village
        ]
    );
    assert_eq!(path[3], village);
    assert_eq!(wuxi.path(code("320202")).len(), 2);
    assert!(wuxi.path(code("320299")).is_empty());
    assert!(wuxi.unit(code("320299")).is_none());
    assert!(!wuxi.valid_on(code("320299"), TODAY));
}

/// The folder of NBS division files for tests: `ANJU_DIVISIONS_DIR`, or the
/// repository's sample of Beijing and Suzhou (`data/china-divisions`).
fn divisions_folder() -> String {
    std::env::var("ANJU_DIVISIONS_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/china-divisions").to_owned()
    })
}

/// The division files, read once. Missing files fail the test.
static SHARED: LazyLock<[String; 4]> = LazyLock::new(|| {
    let folder = divisions_folder();
    ["cities.csv", "areas.csv", "streets.csv", "villages.csv"].map(|file| {
        let path = format!("{folder}/{file}");
        std::fs::read_to_string(&path).unwrap_or_else(|error| {
            panic!("the division files are missing: cannot read {path} ({error}); they belong in data/china-divisions of the repository, or in ANJU_DIVISIONS_DIR")
        })
    })
});

fn shared_files() -> DivisionFiles<'static> {
    let [cities, areas, streets, villages] = &*SHARED;
    DivisionFiles {
        cities,
        areas,
        streets,
        villages,
        history: None,
    }
}

#[test]
fn suzhou_and_beijing_from_the_shared_files() {
    let suzhou = Hierarchy::from_csv(code("3205"), shared_files()).unwrap();
    assert_eq!(suzhou.root().name, "苏州市");
    assert_eq!(suzhou.len(), 1 + 10 + 118 + 2248);
    assert_eq!(suzhou.leaf_units(TODAY).count(), 2248);

    let beijing = Hierarchy::from_csv(code("1101"), shared_files()).unwrap();
    assert_eq!(beijing.len(), 1 + 16 + 349 + 7535);
    assert_eq!(count_at(&beijing, CodeLevel::District, TODAY), 16);
}

#[test]
fn a_city_without_districts_hangs_its_towns_on_the_city() {
    // 东莞市 (4419) is listed as its own area 441900; its towns hang on the city.
    let dongguan = Hierarchy::from_csv(code("4419"), shared_files()).unwrap();
    assert_eq!(count_at(&dongguan, CodeLevel::District, TODAY), 0);
    let town = dongguan.children(dongguan.city(), TODAY).next().unwrap();
    assert_eq!(town.code.level(), CodeLevel::Town);
}

#[test]
fn the_wuxi_extract_matches_the_shared_files() {
    let shared = Hierarchy::from_csv(code("3202"), shared_files()).unwrap();
    let embedded = Hierarchy::from_csv(
        code("3202"),
        DivisionFiles {
            history: None,
            ..DivisionFiles::wuxi()
        },
    )
    .unwrap();
    assert_eq!(shared.units(), embedded.units());
}

const CITIES: &str = "code,name,provinceCode\n3202,\"无锡市\",32\n";
const AREAS: &str =
    "code,name,cityCode,provinceCode\n320205,\"锡山区\",3202,32\n320211,\"滨湖区\",3202,32\n";
const STREETS: &str =
    "code,name,areaCode,provinceCode,cityCode\n320205001,\"东亭街道\",320205,32,3202\n";
const VILLAGES: &str = "code,name,streetCode,provinceCode,cityCode,areaCode\n";

fn small(areas: &'static str, streets: &'static str) -> Result<Hierarchy, CsvError> {
    Hierarchy::from_csv(
        code("3202"),
        DivisionFiles {
            cities: CITIES,
            areas,
            streets,
            villages: VILLAGES,
            history: None,
        },
    )
}

#[test]
fn malformed_files_name_the_file_and_line() {
    assert_eq!(small(AREAS, STREETS).unwrap().len(), 4);

    let short_row = "code,name,areaCode,provinceCode,cityCode\n320205001,\"东亭街道\",320205,32,3202\n320205002,\"安镇街道\"\n";
    let error = small(AREAS, short_row).unwrap_err();
    assert_eq!(
        (error.file.as_str(), error.line),
        ("streets.csv", Some(3)),
        "{error}"
    );
    assert!(error.to_string().starts_with("streets.csv:3: "), "{error}");

    let outside = "code,name,areaCode,provinceCode,cityCode\n320205001,\"东亭街道\",320205,32,3202\n320211001,\"某街道\",320205,32,3202\n";
    let error = small(AREAS, outside).unwrap_err();
    assert_eq!(error.line, Some(3));
    assert_eq!(
        error.message.en,
        "expected code 320211001 to lie inside its parent 320205, but it does not"
    );

    let orphan = "code,name,areaCode,provinceCode,cityCode\n320299001,\"某街道\",320299,32,3202\n";
    let error = small(AREAS, orphan).unwrap_err();
    assert_eq!(
        (error.line, error.message.en.as_str()),
        (
            Some(2),
            "expected parent 320299 to be listed before, but it was not found"
        )
    );

    let bad_code =
        "code,name,cityCode,provinceCode\n320205,\"锡山区\",3202,32\n32021x,\"滨湖区\",3202,32\n";
    let error = small(bad_code, STREETS).unwrap_err();
    assert_eq!((error.file.as_str(), error.line), ("areas.csv", Some(3)));
    assert_eq!(
        error.message.en,
        "expected a 6-digit district code, but found \"32021x\""
    );

    let no_column = "code,name,provinceCode\n320205,\"锡山区\",32\n";
    let error = small(no_column, STREETS).unwrap_err();
    assert_eq!((error.file.as_str(), error.line), ("areas.csv", Some(1)));

    let twice =
        "code,name,cityCode,provinceCode\n320205,\"锡山区\",3202,32\n320205,\"锡山区\",3202,32\n";
    assert_eq!(small(twice, STREETS).unwrap_err().line, Some(3));

    let field = FieldError::from(small(AREAS, short_row).unwrap_err());
    assert_eq!(field.field, "streets.csv:3");

    let error = Hierarchy::from_csv(
        code("3205"),
        DivisionFiles {
            cities: CITIES,
            areas: AREAS,
            streets: STREETS,
            villages: VILLAGES,
            history: None,
        },
    )
    .unwrap_err();
    assert_eq!((error.file.as_str(), error.line), ("cities.csv", None));
}

#[test]
fn history_rows_are_checked() {
    let with = |history: &'static str| {
        Hierarchy::from_csv(
            code("3202"),
            DivisionFiles {
                cities: CITIES,
                areas: AREAS,
                streets: STREETS,
                villages: VILLAGES,
                history: Some(history),
            },
        )
    };
    let header = "code,name,parentCode,validFrom,validTo,successorCode\n";
    let unknown_successor = format!("{header}320202,\"崇安区\",3202,,2015-10-28,320213\n").leak();
    let error = with(unknown_successor).unwrap_err();
    assert_eq!(
        (error.file.as_str(), error.line),
        ("history.csv", Some(2)),
        "{error}"
    );
    let bad_date = format!("{header}320202,\"崇安区\",3202,,2015-13-01,\n").leak();
    assert_eq!(
        with(bad_date).unwrap_err().message.en,
        "expected a date YYYY-MM-DD, but found \"2015-13-01\""
    );
    let wrong_name = format!("{header}320205,\"锡北区\",,,,\n").leak();
    assert_eq!(with(wrong_name).unwrap_err().line, Some(2));
    let looping =
        format!("{header}320205,,,,2015-01-01,320211\n320211,,,,2016-01-01,320205\n").leak();
    assert_eq!(with(looping).unwrap_err().line, Some(3));
}

#[test]
fn record_merge_ends_old_units_and_starts_the_new_one() {
    let mut wuxi = Hierarchy::wuxi().clone();
    let (xishan, huishan, binhu) = (code("320205"), code("320206"), code("320211"));
    let on = date(2030, 1, 1);
    let before = date(2029, 12, 31);
    // 惠山区 merges into 锡山区, which carries on.
    wuxi.record_merge(&[xishan, huishan], xishan, on).unwrap();
    assert!(wuxi.valid_on(huishan, before) && !wuxi.valid_on(huishan, on));
    assert_eq!(wuxi.unit(huishan).unwrap().valid_to, Some(before));
    assert_eq!(wuxi.unit(xishan).unwrap().valid_from, None);
    assert_eq!(wuxi.current_successor(huishan, on), xishan);
    let huishan_village = wuxi
        .leaf_units(before)
        .find(|unit| huishan.contains(unit.code))
        .unwrap()
        .code;
    assert!(!wuxi.valid_on(huishan_village, on));
    assert_eq!(wuxi.current_successor(huishan_village, on), xishan);
    assert_eq!(wuxi.children(wuxi.city(), on).count(), 6);

    // Into a new unit: it starts on the day.
    let new = code("320215");
    let unit = Unit {
        code: new,
        name: "新区".into(),
        parent: Some(wuxi.city()),
        valid_from: None,
        valid_to: None,
        successor: None,
    };
    wuxi.add_unit(unit).unwrap();
    wuxi.record_merge(&[binhu], new, date(2031, 1, 1)).unwrap();
    assert_eq!(wuxi.unit(new).unwrap().valid_from, Some(date(2031, 1, 1)));
    assert!(!wuxi.valid_on(new, date(2030, 6, 1)));

    // Refused: an ended unit, an unknown one, a unit of another level.
    let error = wuxi
        .record_merge(&[huishan], xishan, date(2032, 1, 1))
        .unwrap_err();
    assert_eq!(error.field, "old");
    assert_eq!(
        wuxi.record_merge(&[code("320299")], xishan, on)
            .unwrap_err()
            .field,
        "old"
    );
    assert_eq!(
        wuxi.record_merge(&[xishan], code("320299"), on)
            .unwrap_err()
            .field,
        "into"
    );
    let town = wuxi.children(xishan, on).next().unwrap().code;
    assert_eq!(
        wuxi.record_merge(&[town], xishan, date(2033, 1, 1))
            .unwrap_err()
            .field,
        "old"
    );
    assert_eq!(wuxi.record_merge(&[], xishan, on).unwrap_err().field, "old");
}

#[test]
fn add_unit_checks_the_parent() {
    let mut wuxi = Hierarchy::wuxi().clone();
    let unit = |code_text: &str, parent: &str| Unit {
        code: code(code_text),
        name: "某地".into(),
        parent: Some(code(parent)),
        valid_from: None,
        valid_to: None,
        successor: None,
    };
    assert_eq!(
        wuxi.add_unit(unit("320211999", "320205"))
            .unwrap_err()
            .field,
        "code"
    );
    assert_eq!(
        wuxi.add_unit(unit("320299001", "320299"))
            .unwrap_err()
            .field,
        "parent"
    );
    assert_eq!(
        wuxi.add_unit(unit("320205", "3202")).unwrap_err().field,
        "code"
    );
    wuxi.add_unit(unit("320205999", "320205")).unwrap();
    assert_eq!(
        wuxi.children(code("320205"), TODAY).last().unwrap().code,
        code("320205999")
    );
}
