//! 导入记录 — an import run's record through `Store::import`: appended in the
//! transaction of the rows it counts, never submitted as a change, listed to its
//! maker and to who watches the area with its sender's name, and kept with its
//! bad rows, why and as the file gave them (encrypted), for the one who ran it;
//! a run between its batches listed as unfinished until its record replaces it.

use domain::event::{Change, ImportSummary, RefusedRow, RowError, Source};
use jiff::civil::date;
use store::{
    Commit, ImportListener, ImportRow, ImportRun, RowChange, RowOutcome, RunRecord, Store,
    StoreError,
};

use super::fixtures::{BINHU, id, police_run, registration, setup};
use super::harness::each_backend;
use super::imports::{another, arrivals, file, run};

/// A listener that hears no row and ends the run with a record made beforehand.
struct Given<'a>(RunRecord<'a>);

impl ImportListener for Given<'_> {
    fn row(&mut self, _row: u64, _outcome: &RowOutcome) {}

    fn ends_run(&mut self, _committed: bool) -> Option<RunRecord<'_>> {
        Some(self.0.clone())
    }
}

/// A listener for a batch of a run that goes on: it hears no row, ends no
/// run, and gives the run as it stands.
struct Batch(ImportSummary);

impl ImportListener for Batch {
    fn row(&mut self, _row: u64, _outcome: &RowOutcome) {}

    fn ends_run(&mut self, _committed: bool) -> Option<RunRecord<'_>> {
        None
    }

    fn unfinished(&self) -> Option<ImportSummary> {
        Some(self.0.clone())
    }
}

/// Records, as `actor`, a run whose rows were counted elsewhere, with the rows
/// it refused; its event.
fn record(
    store: &dyn Store,
    actor: &domain::access::User,
    summary: ImportSummary,
    errors: &[RowError],
    rows: &[RefusedRow],
) -> i64 {
    let file = another(&summary.file, &summary.sha256[..2]);
    let run = ImportRun {
        actor,
        file: &file,
        commit: Commit::Never,
        changes: false,
    };
    let mut given = Given(RunRecord {
        summary,
        errors,
        rows,
    });
    store.import(&run, &[], &mut given).unwrap().event.unwrap()
}

#[test]
fn a_run_is_recorded_with_its_rows_as_an_event_that_cannot_be_submitted() {
    each_backend(|db| {
        let cast = setup(db);
        let summary = police_run(3);
        // The record is appended in the transaction of the rows it counts.
        let run = ImportRun {
            actor: &cast.station,
            file: &file(),
            commit: Commit::IfAllValid,
            changes: false,
        };
        let mut given = Given(RunRecord {
            summary: summary.clone(),
            errors: &[],
            rows: &[],
        });
        let imported = db.import(&run, &arrivals(0..3), &mut given).unwrap();
        assert!(imported.committed);
        let events = db.events_after(0, 10).unwrap();
        let seqs: Vec<i64> = events.iter().map(|event| event.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4]);
        assert_eq!(imported.event, Some(4));
        assert_eq!(
            events[3].change,
            Change::Import {
                summary: summary.clone()
            }
        );
        // A call that ends no run records none.
        let more = arrivals(3..4);
        let imported = db.import(&run, &more, &mut |_, _: &RowOutcome| {}).unwrap();
        assert_eq!((imported.committed, imported.event), (true, None));
        assert_eq!(db.events_after(4, 10).unwrap().len(), 1);
        assert!(
            db.submit(&cast.station, Source::Station, Change::Import { summary })
                .is_err()
        );
    });
}

#[test]
fn a_run_between_its_batches_is_listed_unfinished_until_its_record_replaces_it() {
    each_backend(|db| {
        let cast = setup(db);
        let earlier = ImportSummary {
            file: "旧.csv".into(),
            ..police_run(1)
        };
        let old = record(&**db, &cast.station, earlier, &[], &[]);
        let old = (Some(old), "旧.csv".to_owned(), 1);
        let run = ImportRun {
            actor: &cast.station,
            file: &file(),
            commit: Commit::ValidRows,
            changes: false,
        };
        let so_far = |added| ImportSummary {
            added,
            valid_rows_only: true,
            ..police_run(4)
        };
        let listed = |viewer: &domain::access::User, limit| -> Vec<(Option<i64>, String, u64)> {
            db.import_runs(viewer, limit)
                .unwrap()
                .into_iter()
                .map(|run| (run.seq, run.summary.file, run.summary.added))
                .collect()
        };
        let unfinished = |added| (None, "公安.csv".to_owned(), added);
        db.import(&run, &arrivals(0..2), &mut Batch(so_far(2)))
            .unwrap();
        // Unfinished runs come first; the limit counts them.
        assert_eq!(listed(&cast.station, 10), [unfinished(2), old.clone()]);
        assert_eq!(listed(&cast.station, 1), [unfinished(2)]);
        // The next batch keeps the run as it then stands, in place of the first's.
        db.import(&run, &arrivals(2..3), &mut Batch(so_far(3)))
            .unwrap();
        assert_eq!(listed(&cast.station, 10), [unfinished(3), old.clone()]);
        // Who watches the area sees it with its sender; no one else does.
        let watched = db.import_runs(&cast.officer_binhu, 10).unwrap();
        assert_eq!(
            (watched[0].seq, watched[0].actor, watched[0].sender.as_str()),
            (None, cast.station.id, cast.station.name.as_str())
        );
        assert!(listed(&cast.station_liangxi, 10).is_empty());
        // A call that commits nothing keeps nothing.
        let refused = ImportRun {
            commit: Commit::IfAllValid,
            ..run
        };
        // The first row's person again, another day: the planner refuses it.
        let again = [ImportRow {
            row: 9,
            change: RowChange::Change(registration(id(0), "张三", BINHU, date(2024, 4, 1), vec![])),
        }];
        let imported = db.import(&refused, &again, &mut Batch(so_far(9))).unwrap();
        assert!(!imported.committed);
        assert_eq!(listed(&cast.station, 10), [unfinished(3), old.clone()]);
        // A dry run of the file, recorded, does not finish it.
        let dry = ImportSummary {
            added: 0,
            committed: false,
            dry_run: true,
            ..so_far(0)
        };
        let dry = record(&**db, &cast.station, dry, &[], &[]);
        let dry = (Some(dry), "公安.csv".to_owned(), 0);
        assert_eq!(
            listed(&cast.station, 10),
            [unfinished(3), dry.clone(), old.clone()]
        );
        // The last batch's record replaces it.
        let mut last = Given(RunRecord {
            summary: so_far(4),
            errors: &[],
            rows: &[],
        });
        let seq = db.import(&run, &arrivals(3..4), &mut last).unwrap().event;
        assert_eq!(
            listed(&cast.station, 10),
            [(seq, "公安.csv".to_owned(), 4), dry, old]
        );
    });
}

#[test]
fn runs_are_listed_newest_first_to_their_maker_and_to_who_watches_the_area() {
    each_backend(|db| {
        let cast = setup(db);
        let summary = |file: &str, added: u64| ImportSummary {
            file: file.into(),
            added,
            already: 3 - added,
            ..police_run(3)
        };
        // The station's rows, and a run of someone else's between its own.
        run(&**db, &cast.station, &arrivals(0..3), Commit::IfAllValid);
        record(&**db, &cast.station, summary("一.csv", 3), &[], &[]);
        record(&**db, &cast.officer_binhu, summary("他人.csv", 3), &[], &[]);
        record(&**db, &cast.station, summary("二.csv", 0), &[], &[]);
        record(
            &**db,
            &cast.station_liangxi,
            summary("梁溪.csv", 3),
            &[],
            &[],
        );
        let files = |viewer: &domain::access::User, limit: usize| -> Vec<String> {
            db.import_runs(viewer, limit)
                .unwrap()
                .into_iter()
                .map(|run| run.summary.file)
                .collect()
        };
        // Station staff see their own runs.
        assert_eq!(files(&cast.station, 10), ["二.csv", "一.csv"]);
        assert_eq!(files(&cast.station, 1), ["二.csv"]);
        // Officers and leaders see every run of their area's users.
        assert_eq!(
            files(&cast.officer_binhu, 10),
            ["二.csv", "他人.csv", "一.csv"]
        );
        assert_eq!(
            files(&cast.leader, 10),
            ["梁溪.csv", "二.csv", "他人.csv", "一.csv"]
        );
        assert_eq!(files(&cast.officer_city, 2), ["梁溪.csv", "二.csv"]);
        // Each with who sent it, by number and name.
        let senders: Vec<_> = db
            .import_runs(&cast.leader, 10)
            .unwrap()
            .into_iter()
            .map(|run| (run.actor, run.sender))
            .collect();
        let named = |user: &domain::access::User| (user.id, user.name.clone());
        assert_eq!(
            senders,
            [
                named(&cast.station_liangxi),
                named(&cast.station),
                named(&cast.officer_binhu),
                named(&cast.station),
            ]
        );
        assert_eq!(senders[1].1, "测试用户 station");
    });
}

#[test]
fn a_runs_bad_rows_are_kept_beside_it_for_the_one_who_ran_it() {
    each_backend(|db| {
        let cast = setup(db);
        run(&**db, &cast.station, &arrivals(0..1), Commit::IfAllValid);
        let row_event = db.events_after(0, 100).unwrap().last().unwrap().seq;
        let summary = ImportSummary {
            added: 0,
            refused: 2,
            committed: false,
            dry_run: true,
            ..police_run(4)
        };
        let error = |row: u64, column: &str, why: &str| RowError {
            row,
            column: column.into(),
            zh: format!("{why}（中文）"),
            en: why.into(),
        };
        // A reason may quote a cell that holds an ID number.
        let quoted = id(5);
        let errors = vec![
            error(
                2,
                "身份证号",
                &format!("expected 18 characters, but found {quoted}"),
            ),
            error(
                2,
                "登记日期",
                "expected a valid date as YYYY-MM-DD, but found \"3月\"",
            ),
            error(5, "", "expected a registered person"),
        ];
        let rows = [2, 5].map(|row| RefusedRow {
            row,
            cells: vec![quoted.as_str().to_owned(), "王芳".into(), "3月".into()],
        });
        let seq = record(&**db, &cast.station, summary.clone(), &errors, &rows);
        let report = db.import_report(&cast.station, seq).unwrap();
        assert_eq!(
            (
                report.seq,
                &report.summary,
                &report.errors,
                &report.rows[..]
            ),
            (seq, &summary, &errors, &rows[..])
        );
        assert_eq!(report.at, db.events_after(seq - 1, 1).unwrap()[0].at);
        assert_eq!(report.summary.rows_to_add(), 2);
        assert!(!db.raw_contains(quoted.as_str()), "kept in clear");

        // Someone else's run, an event that records no run, and no event at
        // all are alike not found.
        for (viewer, seq) in [
            (&cast.officer_binhu, seq),
            (&cast.station, row_event),
            (&cast.station, seq + 1),
        ] {
            let error = db.import_report(viewer, seq).unwrap_err();
            assert!(
                matches!(error, StoreError::NotFound { what: "import", .. }),
                "{error}"
            );
        }

        // A run that refused no row has nothing beside it.
        let clean = ImportSummary {
            refused: 0,
            ..summary
        };
        let seq = record(&**db, &cast.station, clean, &[], &[]);
        assert_eq!(db.import_report(&cast.station, seq).unwrap().errors, []);
    });
}
