//! 忙 — another process holding SQLite's writer (an `anju import` of a large
//! file, all or nothing): a write waits for it longer than such an import takes,
//! and one that waits longer still is `Busy`, with nothing written; a dry run
//! plans its rows meanwhile, and needs the writer only for its record.

use std::time::{Duration, Instant};

use domain::event::{Change, ImportSummary};
use jiff::civil::date;
use store::{
    Commit, ImportFile, ImportListener, ImportRow, ImportRun, RowChange, RowOutcome, RunRecord,
    StoreError,
};

use super::fixtures::{BINHU, id, police_run, register, registration, setup};
use super::harness::{TestDb, sqlite_only};

/// Another connection takes the writer's lock, and lets it go after `hold`.
fn held_by_another_process(db: &TestDb, hold: Duration) -> std::thread::JoinHandle<()> {
    let other = db.raw_reader();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    std::thread::spawn(move || {
        std::thread::sleep(hold);
        other.execute_batch("COMMIT").unwrap();
    })
}

#[test]
fn a_write_waits_for_another_process_then_is_busy_with_nothing_written() {
    let db = sqlite_only();
    let cast = setup(&db);
    let register = |n| register(&db, &cast.station, id(n), "王芳", BINHU, date(2024, 3, 1));

    // Held for longer than SQLite's usual five seconds: the write waits.
    let release = held_by_another_process(&db, Duration::from_secs(7));
    register(1).unwrap();
    release.join().unwrap();

    // Held for longer than a write waits: busy, and nothing written.
    let release = held_by_another_process(&db, Duration::from_secs(33));
    let start = Instant::now();
    let error = register(2).unwrap_err();
    assert!(matches!(error, StoreError::Busy(_)), "{error}");
    assert!(
        start.elapsed() >= Duration::from_secs(29),
        "{:?}",
        start.elapsed()
    );
    release.join().unwrap();
    assert_eq!(db.raw_count("persons"), 1);
    register(2).unwrap();
}

/// Hears when the first row was planned, and ends the run with `record`.
struct Timed<'a> {
    first_row: Option<Instant>,
    record: RunRecord<'a>,
}

impl ImportListener for Timed<'_> {
    fn row(&mut self, _row: u64, _outcome: &RowOutcome) {
        self.first_row.get_or_insert_with(Instant::now);
    }

    fn ends_run(&mut self, committed: bool) -> Option<RunRecord<'_>> {
        assert!(!committed);
        Some(self.record.clone())
    }
}

#[test]
fn a_dry_run_is_planned_while_another_process_writes_then_recorded() {
    let db = sqlite_only();
    let cast = setup(&db);
    let rows: Vec<ImportRow> = (0..3)
        .map(|n| ImportRow {
            row: u64::from(n) + 2,
            change: RowChange::Change(registration(id(n), "王芳", BINHU, date(2024, 3, 1), vec![])),
        })
        .collect();
    let summary = ImportSummary {
        added: 0,
        committed: false,
        dry_run: true,
        ..police_run(3)
    };
    let file = ImportFile {
        name: summary.file.clone(),
        sha256: summary.sha256.clone(),
    };
    let run = ImportRun {
        actor: &cast.station,
        file: &file,
        commit: Commit::Never,
        changes: false,
    };
    let mut listener = Timed {
        first_row: None,
        record: RunRecord {
            summary,
            errors: &[],
            rows: &[],
        },
    };
    let hold = Duration::from_secs(2);
    let start = Instant::now();
    let release = held_by_another_process(&db, hold);
    let imported = db.import(&run, &rows, &mut listener).unwrap();
    // The rows were planned at once; only the record waited for the writer.
    let planned = listener.first_row.expect("rows heard") - start;
    assert!(planned < hold, "planned after {planned:?}");
    assert!(start.elapsed() >= hold);
    release.join().unwrap();
    assert!(!imported.committed);
    let event = imported.event.expect("a recorded run");
    assert!(matches!(
        db.events_after(event - 1, 1).unwrap()[0].change,
        Change::Import { .. }
    ));
    assert_eq!(db.raw_count("persons"), 0);
}
