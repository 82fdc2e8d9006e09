//! Bands decided exactly on the unrounded value: at the target green, just short
//! yellow down to `yellow_within` points, red beyond; no target and no data; the
//! JSON shape of a result.

use domain::policy::{Direction, Rational, ValueUnit};
use domain::registry::FactKind;
use jiff::civil::date;

use super::seed::{fact, indicator, one, persons, policy_of};
use super::support::*;
use analytics::Band;

/// `n` persons in V1, the first `married` of them married.
fn people(n: i64, married: i64) -> Vec<P> {
    (1..=n)
        .map(|id| {
            let p = P::woman(id).lives(V1, date(2024, 1, 1), None);
            if id <= married {
                p.with(FactKind::Married, date(2024, 1, 1), None)
            } else {
                p
            }
        })
        .collect()
}

/// "Married share" with a target in percent, direction as given.
fn share_engine(target: Rational, direction: Direction, people: &[P]) -> analytics::Engine {
    let mut policy = policy_of(vec![indicator(
        "M",
        ValueUnit::Percent,
        direction,
        &[],
        one(persons(Some(fact("married")))),
        Some(one(persons(None))),
    )]);
    policy.indicators[0].targets = vec![Some(target); 3];
    engine_with(&policy, &[], people)
}

fn band(engine: &analytics::Engine) -> Band {
    result(engine, V1, "M", date(2025, 6, 30)).band
}

#[test]
fn at_least_bands_on_their_exact_edges() {
    let seventy = Rational::whole(70);
    assert_eq!(
        band(&share_engine(seventy, Direction::AtLeast, &people(100, 70))),
        Band::Green
    );
    assert_eq!(
        band(&share_engine(seventy, Direction::AtLeast, &people(100, 69))),
        Band::Yellow
    );
    // Exactly 10 points short is still yellow; more is red.
    assert_eq!(
        band(&share_engine(seventy, Direction::AtLeast, &people(100, 60))),
        Band::Yellow
    );
    assert_eq!(
        band(&share_engine(seventy, Direction::AtLeast, &people(100, 59))),
        Band::Red
    );
}

#[test]
fn thirds_are_compared_exactly_not_as_floats() {
    // Target 200/3 % = 66.666…; 2 of 3 meets it exactly.
    let target = Rational {
        numer: 200,
        denom: 3,
    };
    let engine = share_engine(target, Direction::AtLeast, &people(3, 2));
    let r = result(&engine, V1, "M", date(2025, 6, 30));
    assert_eq!(r.band, Band::Green);
    assert_eq!(r.target.unwrap().to_string(), "200/3");
    // Target 66.67 %: 2 of 3 (66.666… %) shows as 66.7 but is short, so yellow.
    let hundredths = Rational {
        numer: 6667,
        denom: 100,
    };
    let short = result(
        &share_engine(hundredths, Direction::AtLeast, &people(3, 2)),
        V1,
        "M",
        date(2025, 6, 30),
    );
    assert_eq!(short.band, Band::Yellow);
    assert_eq!(format!("{:.1}", short.value.unwrap()), "66.7");
}

#[test]
fn at_most_bands_mirror() {
    let five = Rational::whole(5);
    assert_eq!(
        band(&share_engine(five, Direction::AtMost, &people(100, 5))),
        Band::Green
    );
    assert_eq!(
        band(&share_engine(five, Direction::AtMost, &people(100, 15))),
        Band::Yellow
    );
    assert_eq!(
        band(&share_engine(five, Direction::AtMost, &people(100, 16))),
        Band::Red
    );
}

#[test]
fn no_target_outside_the_plan_and_no_data_without_persons() {
    let engine = share_engine(Rational::whole(50), Direction::AtLeast, &people(4, 2));
    assert_eq!(
        result(&engine, V1, "M", date(2027, 1, 1)).band,
        Band::NoTarget
    );
    assert_eq!(result(&engine, V1, "M", date(2027, 1, 1)).target, None);
    let empty = result(&engine, V2, "M", date(2025, 6, 30));
    assert_eq!((empty.value, empty.band), (None, Band::NoData));
    assert_eq!(empty.denominator.unwrap().to_string(), "0");
}

#[test]
fn a_result_serialises_with_exact_numbers_as_strings() {
    let engine = share_engine(Rational::whole(80), Direction::AtLeast, &people(8, 7));
    let r = result(&engine, TOWN_A1, "M", date(2025, 12, 31));
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        json,
        r#"{"indicator":"M","unit":"320205001","as_of":"2025-12-31","numerator":"7","denominator":"8","value":87.5,"target":"80","band":"green"}"#
    );
    let none = result(&engine, V2, "M", date(2025, 12, 31));
    let json = serde_json::to_value(&none).unwrap();
    assert_eq!(json["value"], serde_json::Value::Null);
    assert_eq!(json["band"], "no_data");
    // The cube serialises as a list of the same.
    let cube = serde_json::to_value(engine.cube(date(2025, 12, 31)).unwrap()).unwrap();
    assert_eq!(
        cube.as_array().unwrap().len(),
        engine.cube(date(2025, 12, 31)).unwrap().len()
    );
}
