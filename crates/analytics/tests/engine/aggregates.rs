//! Reported values: a unit's own report for the period containing the date, else
//! the sum of its children's, else missing ("no data"); the most specific period
//! wins; reports replaced and withdrawn; ratios of two reported values and of a
//! reported value over counted persons.

use jiff::civil::date;

use super::support::*;

#[test]
fn own_value_else_the_childrens_sum_else_missing() {
    let people = [
        P::man(1).lives(V1, date(2024, 1, 1), None),
        P::man(2).lives(V1, date(2024, 1, 1), None),
        P::man(3).lives(V2, date(2024, 1, 1), None),
        P::man(4).lives(V4, date(2024, 1, 1), None),
    ];
    let mut engine = seed_engine(&[], &people);
    let year = |engine: &mut analytics::Engine, unit: &str, value| {
        engine
            .set_aggregate(
                code(unit),
                "estimated_migrants",
                date(2025, 1, 1),
                date(2025, 12, 31),
                value,
            )
            .unwrap();
    };
    year(&mut engine, V1, 4);
    year(&mut engine, V2, 2);
    let on = date(2025, 6, 30);
    assert_eq!(nd(&engine, V1, "R1", on), ("2".into(), "4".into()));
    // The town reports nothing: its villages' sum.
    assert_eq!(nd(&engine, TOWN_A1, "R1", on), ("3".into(), "6".into()));
    // Town A2 and its village report nothing; district A sums what there is.
    assert_eq!(nd(&engine, DISTRICT_A, "R1", on), ("3".into(), "6".into()));
    assert_eq!(
        result(&engine, TOWN_A2, "R1", on).band,
        analytics::Band::NoData
    );
    // Nothing anywhere in district B: missing, no data.
    let b = result(&engine, DISTRICT_B, "R1", on);
    assert_eq!(
        (b.denominator, b.value, b.band),
        (None, None, analytics::Band::NoData)
    );
    // The district's own report overrides its children.
    year(&mut engine, DISTRICT_A, 10);
    assert_eq!(nd(&engine, DISTRICT_A, "R1", on), ("3".into(), "10".into()));
    assert_eq!(nd(&engine, CITY, "R1", on), ("4".into(), "10".into()));
    // Outside the reported period: missing.
    assert_eq!(nd(&engine, V1, "R1", date(2026, 1, 1)).1, "-");
    // Replaced, then withdrawn.
    year(&mut engine, V1, 8);
    assert_eq!(nd(&engine, TOWN_A1, "R1", on).1, "10");
    assert!(
        engine
            .clear_aggregate(
                code(V1),
                "estimated_migrants",
                date(2025, 1, 1),
                date(2025, 12, 31)
            )
            .unwrap()
    );
    assert_eq!(nd(&engine, TOWN_A1, "R1", on).1, "2");
    assert_eq!(engine.aggregate_count(), 2);
}

#[test]
fn the_shortest_period_containing_the_date_wins() {
    let mut engine = seed_engine(&[], &[]);
    let set = |engine: &mut analytics::Engine, from, to, value| {
        engine
            .set_aggregate(code(V1), "hotel_guests", from, to, value)
            .unwrap();
    };
    set(&mut engine, date(2025, 1, 1), date(2025, 12, 31), 1200);
    set(&mut engine, date(2025, 4, 1), date(2025, 6, 30), 300);
    engine
        .set_aggregate(
            code(V1),
            "hotel_guests_verified",
            date(2025, 1, 1),
            date(2025, 12, 31),
            1200,
        )
        .unwrap();
    assert_eq!(
        nd(&engine, V1, "R4", date(2025, 3, 31)),
        ("1200".into(), "1200".into())
    );
    assert_eq!(
        nd(&engine, V1, "R4", date(2025, 5, 1)),
        ("1200".into(), "300".into())
    );
    // R4 both ways reported: 400 %, green.
    assert_eq!(
        result(&engine, V1, "R4", date(2025, 5, 1)).value,
        Some(400.0)
    );
}

#[test]
fn crime_rate_is_a_reported_count_per_thousand_counted_persons() {
    let people: Vec<P> = (1..=1000)
        .map(|id| P::man(id).lives(if id % 2 == 0 { V1 } else { V4 }, date(2024, 1, 1), None))
        .collect();
    let mut engine = seed_engine(&[], &people);
    let on = date(2025, 6, 30);
    // No report: the numerator is missing.
    let missing = result(&engine, CITY, "L4", on);
    assert_eq!(
        (missing.numerator, missing.band),
        (None, analytics::Band::NoData)
    );
    assert_eq!(missing.denominator.unwrap().to_string(), "1000");
    let report = |engine: &mut analytics::Engine, unit: &str, n| {
        engine
            .set_aggregate(
                code(unit),
                "migrant_offenders",
                date(2025, 1, 1),
                date(2025, 12, 31),
                n,
            )
            .unwrap();
    };
    // 3 per 1,000 exactly: at most 3 ‰ is met.
    report(&mut engine, V1, 1);
    report(&mut engine, V4, 2);
    let city = result(&engine, CITY, "L4", on);
    assert_eq!(city.value, Some(3.0));
    assert_eq!(city.band, analytics::Band::Green);
    // V4: 2 of 500 = 4 ‰, within 10 of the target: yellow.
    assert_eq!(result(&engine, V4, "L4", on).band, analytics::Band::Yellow);
    report(&mut engine, V4, 7);
    // 14 ‰ at V4 is more than 10 above 3: red; the city's 8 ‰ is yellow.
    assert_eq!(result(&engine, V4, "L4", on).band, analytics::Band::Red);
    assert_eq!(
        result(&engine, CITY, "L4", on).band,
        analytics::Band::Yellow
    );
}

#[test]
fn reports_for_unknown_units_or_backwards_periods_are_refused() {
    let mut engine = seed_engine(&[], &[]);
    let unknown = engine.set_aggregate(code("320299"), "x", date(2025, 1, 1), date(2025, 1, 2), 1);
    assert!(matches!(
        unknown,
        Err(analytics::EngineError::UnknownUnit { .. })
    ));
    let backwards = engine.set_aggregate(code(V1), "x", date(2025, 1, 2), date(2025, 1, 1), 1);
    assert!(matches!(
        backwards,
        Err(analytics::EngineError::BadPeriod { .. })
    ));
}
