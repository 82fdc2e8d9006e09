//! 导入记录 — an import run's record through `Store::import`: appended in the
//! transaction of the rows it counts, never submitted as a change, listed to its
//! maker and to who watches the area with its sender's name, and kept with its
//! bad rows, why and as the file gave them (encrypted), for the one who ran it;
//! a run between its batches listed as unfinished until its record replaces it.

use domain::event::{Change, ImportSummary, RefusedRow, RowError, Source};
use jiff::civil::date;
use store::{
    Commit, ImportListener, ImportRow, ImportRun, RefusedPage, RowChange, RowOutcome, RunRecord,
    Store, StoreError,
};

use super::fixtures::{BINHU, id, police_run, registration, setup};
use super::harness::each_backend;
use super::imports::{another, arrivals, file, run};

/// Every row a run refused.
const ALL: RefusedPage = RefusedPage {
    after: 0,
    limit: usize::MAX,
};

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
        let report = db.import_report(&cast.station, seq, ALL).unwrap();
        assert_eq!(
            (
                report.seq,
                &report.summary,
                &report.errors,
                &report.rows[..]
            ),
            (seq, &summary, &errors, &rows[..])
        );
        assert_eq!(report.more_after, None);
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
            let error = db.import_report(viewer, seq, ALL).unwrap_err();
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
        assert_eq!(
            db.import_report(&cast.station, seq, ALL).unwrap().errors,
            []
        );
    });
}

#[test]
fn a_report_of_many_refused_rows_is_read_a_page_at_a_time() {
    each_backend(|db| {
        let cast = setup(db);
        // 2,500 refused rows (rows 2 to 2,501), every tenth with two bad cells.
        let numbers: Vec<u64> = (2..2_502).collect();
        let errors: Vec<RowError> = numbers
            .iter()
            .flat_map(|&row| {
                let columns: &[&str] = if row % 10 == 0 {
                    &["登记日期", "村（社区）代码"]
                } else {
                    &["登记日期"]
                };
                columns.iter().map(move |column| RowError {
                    row,
                    column: (*column).into(),
                    zh: format!("第 {row} 行有误"),
                    en: format!("row {row} is wrong"),
                })
            })
            .collect();
        let rows: Vec<RefusedRow> = numbers
            .iter()
            .map(|&row| RefusedRow {
                row,
                cells: vec![row.to_string()],
            })
            .collect();
        let summary = ImportSummary {
            added: 0,
            refused: numbers.len() as u64,
            committed: false,
            dry_run: true,
            ..police_run(numbers.len() as u64)
        };
        let seq = record(&**db, &cast.station, summary, &errors, &rows);

        // Page by page, each row once with all its errors, in order, whatever
        // the page's size against the pieces the rows are kept in.
        for limit in [1, 999, 1_000, 1_001, 2_499, 2_500] {
            let (mut read_errors, mut read_rows, mut after, mut pages) =
                (Vec::new(), Vec::new(), 0, 0);
            loop {
                let page = RefusedPage { after, limit };
                let report = db.import_report(&cast.station, seq, page).unwrap();
                let held: std::collections::BTreeSet<u64> =
                    report.errors.iter().map(|e| e.row).collect();
                assert!(held.len() <= limit, "limit {limit}: {} rows", held.len());
                assert_eq!(
                    report.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
                    held.iter().copied().collect::<Vec<_>>()
                );
                read_errors.extend(report.errors);
                read_rows.extend(report.rows);
                pages += 1;
                match report.more_after {
                    Some(next) => after = next,
                    None => break,
                }
            }
            assert_eq!(pages, 2_500usize.div_ceil(limit), "limit {limit}");
            assert_eq!(
                (&read_errors, &read_rows),
                (&errors, &rows),
                "limit {limit}"
            );
        }
        // A page after the last row is empty; one of none says rows follow.
        let past = db
            .import_report(
                &cast.station,
                seq,
                RefusedPage {
                    after: 2_501,
                    limit: 10,
                },
            )
            .unwrap();
        assert_eq!((past.errors.len(), past.more_after), (0, None));
        let none = db
            .import_report(&cast.station, seq, RefusedPage { after: 7, limit: 0 })
            .unwrap();
        assert_eq!((none.errors.len(), none.more_after), (0, Some(7)));
    });
}

#[test]
fn a_report_kept_whole_before_it_was_kept_in_pieces_reads_as_one_piece() {
    each_backend(|db| {
        let cast = setup(db);
        let errors = [3, 4].map(|row| RowError {
            row,
            column: "姓名".into(),
            zh: "姓名为空".into(),
            en: "expected a name".into(),
        });
        let rows = [3, 4].map(|row| RefusedRow {
            row,
            cells: vec![id(row as u32).as_str().to_owned(), String::new()],
        });
        let summary = ImportSummary {
            added: 0,
            refused: 2,
            committed: false,
            dry_run: true,
            ..police_run(3)
        };
        let seq = record(&**db, &cast.station, summary, &errors, &rows);
        // The layout of migrations 0011 (PostgreSQL 0013) to 0012 (0014): the
        // run's one sealed piece in a column of its own.
        let version = match db.backend() {
            "postgres" => 15,
            _ => 13,
        };
        for sql in [
            "ALTER TABLE import_runs ADD COLUMN errors BYTEA".to_owned(),
            "UPDATE import_runs SET errors = \
             (SELECT body FROM import_run_refusals r WHERE r.seq = import_runs.seq)"
                .to_owned(),
            "DROP TABLE import_run_refusals".to_owned(),
            format!("DELETE FROM schema_migrations WHERE version = {version}"),
        ] {
            db.raw_exec(&sql).unwrap();
        }
        // Opening migrates; the store opened before reads the new table.
        drop(db.reopen());
        for page in [ALL, RefusedPage { after: 3, limit: 5 }] {
            let report = db.import_report(&cast.station, seq, page).unwrap();
            let from = if page.after == 3 { 1 } else { 0 };
            assert_eq!(
                (&report.errors[..], &report.rows[..], report.more_after),
                (&errors[from..], &rows[from..], None)
            );
        }
        let first = RefusedPage { after: 0, limit: 1 };
        let report = db.import_report(&cast.station, seq, first).unwrap();
        assert_eq!(
            (&report.errors[..], report.more_after),
            (&errors[..1], Some(3))
        );
    });
}
