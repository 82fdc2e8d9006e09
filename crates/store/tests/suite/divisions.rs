//! 区划调整 — a merger is recorded and the hierarchy reads back with its history.

use domain::event::Source;
use jiff::civil::date;

use super::fixtures::{BINHU, BINHU_2, code, id, refusal, register, registration, setup};
use super::harness::each_backend;

#[test]
fn a_merger_is_recorded_with_history() {
    each_backend(|db| {
        let cast = setup(db);
        let before = db.hierarchy().unwrap();
        assert_eq!(before.units(), domain::division::Hierarchy::wuxi().units());

        db.record_merge(&[code(BINHU), code(BINHU_2)], code(BINHU), date(2024, 1, 1))
            .unwrap();
        let after = db.hierarchy().unwrap();
        let merged = after.unit(code(BINHU_2)).unwrap();
        assert_eq!(
            (merged.valid_to, merged.successor),
            (Some(date(2023, 12, 31)), Some(code(BINHU)))
        );
        assert_eq!(after.unit(code(BINHU)).unwrap().valid_to, None);
        let chongan = after.unit(code("320202")).unwrap();
        assert_eq!(
            (chongan.valid_to, chongan.successor),
            (Some(date(2015, 10, 28)), Some(code("320213")))
        );
        assert_eq!(after.len(), before.len());

        // The write path sees the merger at once: the old community takes no one after it.
        let late = registration(id(51), "许可", BINHU_2, date(2024, 2, 1), vec![]);
        let error = refusal(db.submit(&cast.station, Source::Station, late).unwrap_err());
        assert_eq!(error.field, "residence.unit");
        register(
            db,
            &cast.officer_binhu,
            id(52),
            "许诺",
            BINHU_2,
            date(2023, 2, 1),
        )
        .unwrap();

        let error = db
            .record_merge(&[code(BINHU_2)], code(BINHU), date(2024, 6, 1))
            .unwrap_err();
        assert_eq!(refusal(error).field, "old");
    });
}
