//! 汇总值 — values reported for a unit and a period: stored, replaced by a later
//! report of the same unit, name and period (the log keeps both), handed to the
//! indicator engine by the scan; bad reports refused with the field named (a name
//! no indicator of the store's policy reads among them), and only officers,
//! department managers and administrators report, inside their subtree.

use domain::event::{Change, Source};
use domain::reported_value::ReportedValue;
use jiff::civil::date;
use store::{Store, StoreError};

use super::fixtures::{BINHU, LIANGXI, code, setup};
use super::harness::each_backend;
use super::permits::seed_rules;

fn estimate(unit: &str, value: i64) -> ReportedValue {
    ReportedValue {
        unit: code(unit),
        name: "estimated_migrants".into(),
        from: date(2025, 1, 1),
        to: date(2025, 12, 31),
        value,
    }
}

fn report(value: ReportedValue) -> Change {
    Change::ReportValue { value }
}

/// Every value the scan hands over.
fn scanned(store: &dyn Store) -> Vec<ReportedValue> {
    let mut values = Vec::new();
    store
        .scan(&mut |_| {}, &mut |_| {}, &mut |value| values.push(value))
        .unwrap();
    values
}

#[test]
fn a_report_is_stored_and_a_second_one_replaces_it() {
    each_backend(|db| {
        let cast = setup(db);
        let receipt = db
            .submit(
                &cast.officer_binhu,
                Source::Station,
                report(estimate(BINHU, 100)),
            )
            .unwrap();
        assert_eq!(receipt.changed.value, Some(estimate(BINHU, 100)));
        assert_eq!(receipt.person, None);
        assert_eq!(scanned(&**db), vec![estimate(BINHU, 100)]);

        // Another period of the same name is another value.
        let first_half = ReportedValue {
            to: date(2025, 6, 30),
            value: 90,
            ..estimate(BINHU, 0)
        };
        db.submit(
            &cast.officer_binhu,
            Source::Station,
            report(first_half.clone()),
        )
        .unwrap();
        let receipt = db
            .submit(
                &cast.officer_city,
                Source::Station,
                report(estimate(BINHU, 120)),
            )
            .unwrap();
        assert_eq!(receipt.changed.value, Some(estimate(BINHU, 120)));
        assert_eq!(db.raw_count("reported_values"), 2);
        let mut values = scanned(&*db.reopen());
        values.sort_by_key(|v| v.to);
        assert_eq!(values, vec![first_half, estimate(BINHU, 120)]);

        // The log keeps every report, filed under the unit.
        let events = db.events_after(0, 10).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].change, report(estimate(BINHU, 100)));
        assert_eq!(events[2].change, report(estimate(BINHU, 120)));
        assert!(
            events
                .iter()
                .all(|e| e.unit == code(BINHU) && e.person.is_none())
        );
    });
}

#[test]
fn bad_reports_are_refused_with_the_field_named() {
    each_backend(|db| {
        let cast = setup(db);
        let cases = [
            (
                ReportedValue {
                    name: "Estimated-Migrants".into(),
                    ..estimate(BINHU, 1)
                },
                "name",
            ),
            (
                ReportedValue {
                    name: "a".repeat(65),
                    ..estimate(BINHU, 1)
                },
                "name",
            ),
            (
                ReportedValue {
                    name: String::new(),
                    ..estimate(BINHU, 1)
                },
                "name",
            ),
            (
                ReportedValue {
                    to: date(2024, 12, 31),
                    ..estimate(BINHU, 1)
                },
                "to",
            ),
            (estimate(BINHU, -1), "value"),
            // 苏州市 is not part of Wuxi; nor is a village code Wuxi never had.
            (estimate("320508001001", 1), "unit"),
            (estimate("320211999999", 1), "unit"),
        ];
        for (value, field) in cases {
            let error = db
                .submit(&cast.officer_city, Source::Station, report(value.clone()))
                .unwrap_err();
            match error {
                StoreError::Refused(error) => {
                    assert_eq!(error.field, field, "{value:?}");
                    assert!(
                        !error.message.zh.is_empty() && error.message.en.starts_with("expected")
                    );
                }
                other => panic!("{value:?}: expected a refusal, but found {other:?}"),
            }
        }
        assert_eq!(db.raw_count("reported_values"), 0);
        assert!(db.events_after(0, 10).unwrap().is_empty());
    });
}

#[test]
fn a_value_no_indicator_reads_is_refused_once_the_store_has_the_policy() {
    each_backend(|db| {
        let cast = setup(db);
        // A name misspelled in a department's file: kept, it would never count.
        let misspelled = ReportedValue {
            name: "estimated_migrant".into(),
            ..estimate(BINHU, 1)
        };
        // A store given no policy has no list of names to hold it to.
        db.submit(
            &cast.officer_city,
            Source::Station,
            report(misspelled.clone()),
        )
        .unwrap();
        seed_rules(db);
        let error = db
            .submit(&cast.officer_city, Source::Station, report(misspelled))
            .unwrap_err();
        let StoreError::Refused(error) = error else {
            panic!("expected a refusal, but found {error:?}");
        };
        assert_eq!(error.field, "name");
        assert!(
            error.message.zh.contains("estimated_migrants")
                && error.message.en.contains("but found \"estimated_migrant\""),
            "{error}"
        );
        db.submit(
            &cast.officer_city,
            Source::Station,
            report(estimate(BINHU, 1)),
        )
        .unwrap();
    });
}

#[test]
fn only_offices_report_and_only_inside_their_subtree() {
    each_backend(|db| {
        let cast = setup(db);
        let forbidden = |actor, value: ReportedValue, field: &str| match db
            .submit(actor, Source::Station, report(value))
            .unwrap_err()
        {
            StoreError::Forbidden(error) => assert_eq!(error.field, field),
            other => panic!("expected forbidden, but found {other:?}"),
        };
        forbidden(&cast.officer_binhu, estimate(LIANGXI, 5), "unit");
        forbidden(&cast.officer_binhu, estimate("3202", 5), "unit");
        forbidden(&cast.station, estimate(BINHU, 5), "role");
        forbidden(&cast.leader, estimate(BINHU, 5), "role");
        assert_eq!(db.raw_count("reported_values"), 0);
        // A district officer reports for the district itself; the city for any unit.
        db.submit(
            &cast.officer_binhu,
            Source::Station,
            report(estimate("320211", 5)),
        )
        .unwrap();
        db.submit(
            &cast.officer_city,
            Source::Station,
            report(estimate(LIANGXI, 5)),
        )
        .unwrap();
        assert_eq!(db.raw_count("reported_values"), 2);
    });
}

#[test]
fn values_loaded_in_bulk_are_scanned() {
    each_backend(|db| {
        setup(db);
        let batch = store::LoadBatch {
            values: vec![estimate(BINHU, 40), estimate(LIANGXI, 60)],
            ..store::LoadBatch::default()
        };
        let mut loader = db.loader().unwrap();
        loader.load(&batch).unwrap();
        loader.finish().unwrap();
        let mut values = scanned(&**db);
        values.sort_by_key(|v| v.unit);
        assert_eq!(values, batch.values);
    });
}
