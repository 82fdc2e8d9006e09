//! The dated hierarchy: a merged district counts before the merger under the old
//! district and after under its successor; units valid on the date only; a cube
//! over the small city and over the whole of Wuxi; refused questions.

use std::sync::Arc;

use analytics::{Engine, EngineError};
use domain::division::{CodeLevel, Hierarchy};
use jiff::civil::date;

use super::support::*;

#[test]
fn a_merged_district_counts_under_the_old_code_then_the_successor() {
    // Lives in the old district (itself a leaf before the merger) from 2010 on; a
    // second person lives in the new district's village from 2016.
    let people = [
        P::man(1).lives(OLD_DISTRICT, date(2010, 1, 1), None),
        P::man(2).lives(V5, date(2016, 1, 1), None),
    ];
    let engine = seed_engine(&[], &people);
    let count = |unit, on| nd(&engine, unit, "R1", on).0;
    assert_eq!(count(OLD_DISTRICT, LAST_OLD_DAY), "1");
    assert_eq!(count(CITY, LAST_OLD_DAY), "1");
    // From the merger day: under 320213 (at district level, in none of its towns).
    assert_eq!(count(NEW_DISTRICT, MERGER_DAY), "1");
    assert_eq!(count(TOWN_N1, MERGER_DAY), "0");
    assert_eq!(count(CITY, MERGER_DAY), "1");
    assert_eq!(count(NEW_DISTRICT, date(2016, 1, 1)), "2");
    assert_eq!(count(V5, date(2016, 1, 1)), "1");
    assert_eq!(count(CITY, date(2016, 1, 1)), "2");
    // The old district is not a unit after the merger, nor the new one before.
    assert_eq!(
        engine.evaluate(code(OLD_DISTRICT), MERGER_DAY),
        Err(EngineError::UnitNotValid {
            unit: code(OLD_DISTRICT),
            date: MERGER_DAY
        })
    );
    assert!(engine.evaluate(code(NEW_DISTRICT), LAST_OLD_DAY).is_err());
    // The city's children on each side of the merger.
    let children = |on| {
        let mut units: Vec<String> = engine
            .evaluate(code(CITY), on)
            .unwrap()
            .into_iter()
            .filter(|r| r.indicator == "R1")
            .map(|r| r.unit.to_string())
            .collect();
        units.remove(0);
        units
    };
    assert_eq!(
        children(LAST_OLD_DAY),
        [OLD_DISTRICT, DISTRICT_A, DISTRICT_B]
    );
    assert_eq!(children(MERGER_DAY), [DISTRICT_A, DISTRICT_B, NEW_DISTRICT]);
}

#[test]
fn the_cube_has_every_unit_valid_on_its_date() {
    let engine = seed_engine(&[], &[P::man(1).lives(V1, date(2020, 1, 1), None)]);
    let width = engine.policy().indicators.len();
    let before = engine.cube(LAST_OLD_DAY).unwrap();
    // City, 3 districts (old one included), 3 towns, 4 villages.
    assert_eq!(before.units().len(), 11);
    assert_eq!(before.len(), 11 * width);
    let after = engine.cube(MERGER_DAY).unwrap();
    // City, 3 districts, 4 towns, 5 villages.
    assert_eq!(after.units().len(), 13);
    // The cube agrees with evaluate for every unit.
    for unit in after.units() {
        let evaluated = engine.evaluate(*unit, MERGER_DAY).unwrap();
        for r in evaluated.iter().filter(|r| r.unit == *unit) {
            assert_eq!(after.get(*unit, &r.indicator).as_ref(), Some(r));
        }
    }
    assert_eq!(after.results().count(), after.len());
}

#[test]
fn questions_the_engine_refuses() {
    let engine = seed_engine(&[], &[]);
    assert!(matches!(
        engine.evaluate(code("320299"), date(2025, 1, 1)),
        Err(EngineError::UnknownUnit { .. })
    ));
    let early = engine.evaluate(code(CITY), date(1949, 12, 31)).unwrap_err();
    assert!(matches!(early, EngineError::DateOutOfRange { .. }));
    assert!(
        early
            .to_string()
            .starts_with("expected a date from 1950-01-01")
    );
    assert!(early.message().zh.contains("1949-12-31"));
    assert!(engine.cube(date(2200, 1, 1)).is_err());
    assert!(engine.cube(analytics::last_supported()).is_ok());
    assert!(engine.cube(analytics::EPOCH).is_ok());
}

#[test]
fn all_of_wuxi() {
    let wuxi = Hierarchy::wuxi().clone();
    let villages: Vec<String> = wuxi
        .leaf_units(date(2025, 1, 1))
        .map(|u| u.code.to_string())
        .collect();
    assert_eq!(villages.len(), 1254);
    let people: Vec<P> = villages
        .iter()
        .enumerate()
        .map(|(i, v)| P::man(i as i64 + 1).lives(v, date(2020, 1, 1), None))
        .collect();
    let mut engine = Engine::new(Arc::new(super::seed::policy()), wuxi.clone());
    let states: Vec<_> = people.iter().map(P::state).collect();
    engine.loader().add(&states);
    let on = date(2025, 12, 31);
    let cube = engine.cube(on).unwrap();
    assert_eq!(cube.units().len(), 1 + 7 + 88 + 1254);
    assert_eq!(cube.len(), 1350 * engine.policy().indicators.len());
    assert_eq!(
        cube.get(code("3202"), "R1")
            .unwrap()
            .numerator
            .unwrap()
            .to_string(),
        "1254"
    );
    let towns_in_liangxi = wuxi
        .children(code("320213"), on)
        .filter(|u| u.code.level() == CodeLevel::Town)
        .count();
    let r9 = cube.get(code("320213"), "R9").unwrap();
    assert_eq!(
        r9.denominator.unwrap().to_string(),
        towns_in_liangxi.to_string()
    );
    // Before the merger, 崇安区, 南长区 and 北塘区 are units; 梁溪区 and its subtree are not.
    let before = engine.cube(date(2014, 6, 30)).unwrap();
    assert!(before.units().contains(&code("320202")));
    assert!(!before.units().contains(&code("320213")));
}
