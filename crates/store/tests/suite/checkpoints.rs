//! 检查点 — SQLite's write-ahead log reaches the database file while the store
//! stays open, without a commit waiting for it.

use std::time::{Duration, Instant};

use super::fixtures::{BINHU, id, register, setup};
use super::harness::sqlite_only;
use jiff::civil::date;

#[test]
fn commits_are_copied_into_the_database_file_while_the_store_is_open() {
    let db = sqlite_only();
    let cast = setup(&db);
    for n in 1..=50 {
        register(&db, &cast.station, id(n), "王芳", BINHU, date(2024, 3, 1)).unwrap();
    }
    // The writer never checkpoints itself: the checkpoint thread does, soon.
    let start = Instant::now();
    while db.raw_checkpointed() != Some(true) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the log was not copied into the database file within 30 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(db.raw_count("persons"), 50);
}
