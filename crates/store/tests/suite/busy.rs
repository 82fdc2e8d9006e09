//! 忙 — another process holding SQLite's writer (an `anju import` of a large
//! file, all or nothing): a write waits for it longer than such an import takes,
//! and one that waits longer still is `Busy`, with nothing written.

use std::time::{Duration, Instant};

use jiff::civil::date;
use store::StoreError;

use super::fixtures::{BINHU, id, register, setup};
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
