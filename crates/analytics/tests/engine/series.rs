//! Series: one indicator over months, quarters or years, each as of its period's
//! last day (or the series' last day), and "no data" where the unit did not exist.

use analytics::{Band, Step};
use domain::registry::FactKind;
use jiff::civil::date;

use super::support::*;

#[test]
fn monthly_quarterly_and_yearly_as_of_each_periods_last_day() {
    let job = FactKind::Employment {
        employer: 7,
        monthly_wage_fen: 300_000,
    };
    let people = [
        P::man(1)
            .lives(V1, date(2024, 1, 1), None)
            .with(job.clone(), date(2024, 1, 1), None)
            .with(
                FactKind::LabourContract { employer: 7 },
                date(2025, 2, 28),
                None,
            ),
        P::man(2)
            .lives(V1, date(2024, 1, 1), None)
            .with(job, date(2025, 3, 15), None),
    ];
    let engine = seed_engine(&[], &people);
    let monthly = engine
        .series(
            code(TOWN_A1),
            "E1",
            date(2025, 1, 15),
            date(2025, 4, 10),
            Step::Month,
        )
        .unwrap();
    let points: Vec<(String, String, String)> = monthly
        .iter()
        .map(|r| {
            (
                r.as_of.to_string(),
                r.numerator.unwrap().to_string(),
                r.denominator.unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("2025-01-31", "0", "1"),
        ("2025-02-28", "1", "1"),
        ("2025-03-31", "1", "2"),
        ("2025-04-10", "1", "2"),
    ];
    assert_eq!(
        points,
        expected.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    assert!(
        monthly
            .iter()
            .all(|r| r.indicator == "E1" && r.unit == code(TOWN_A1))
    );
    let quarterly = engine
        .series(
            code(CITY),
            "E1",
            date(2024, 11, 1),
            date(2025, 12, 31),
            Step::Quarter,
        )
        .unwrap();
    let days: Vec<String> = quarterly.iter().map(|r| r.as_of.to_string()).collect();
    assert_eq!(
        days,
        [
            "2024-12-31",
            "2025-03-31",
            "2025-06-30",
            "2025-09-30",
            "2025-12-31"
        ]
    );
    let yearly = engine
        .series(
            code(CITY),
            "E1",
            date(2024, 6, 1),
            date(2026, 1, 1),
            Step::Year,
        )
        .unwrap();
    let values: Vec<Option<f64>> = yearly.iter().map(|r| r.value).collect();
    assert_eq!(values, [Some(0.0), Some(50.0), Some(50.0)]);
    // The same numbers as evaluate on those days.
    for r in &quarterly {
        assert_eq!(
            Some(r),
            engine
                .evaluate(code(CITY), r.as_of)
                .unwrap()
                .iter()
                .find(|x| x.indicator == "E1")
        );
    }
}

#[test]
fn a_unit_before_it_existed_has_no_data() {
    let engine = seed_engine(&[], &[P::man(1).lives(V5, date(2016, 1, 1), None)]);
    let series = engine
        .series(
            code(NEW_DISTRICT),
            "R1",
            date(2015, 8, 1),
            date(2016, 1, 31),
            Step::Month,
        )
        .unwrap();
    let bands: Vec<(String, Band)> = series
        .iter()
        .map(|r| (r.as_of.to_string(), r.band))
        .collect();
    assert_eq!(bands[0], ("2015-08-31".to_string(), Band::NoData));
    assert_eq!(bands[1], ("2015-09-30".to_string(), Band::NoData));
    // Valid from 2015-10-29: October's last day counts (no estimate: still no data,
    // but a numerator).
    assert_eq!(series[2].numerator.unwrap().to_string(), "0");
    assert_eq!(series[5].numerator.unwrap().to_string(), "1");
    assert!(
        engine
            .series(
                code(CITY),
                "NOPE",
                date(2025, 1, 1),
                date(2025, 2, 1),
                Step::Month
            )
            .is_err()
    );
    assert!(
        engine
            .series(
                code(CITY),
                "R1",
                date(2025, 2, 1),
                date(2025, 1, 1),
                Step::Month
            )
            .is_err()
    );
}
