//! 检查点 — the write-ahead log copied into the database file by a thread of
//! its own, so that no commit waits for it.
//!
//! By SQLite's default, a commit that takes the log past 1,000 pages also
//! copies the log into the file before it returns: a million-row import paid
//! seconds there, after its rows were durable. A commit is durable once its
//! log is synced; copying the log into the file is upkeep, as PostgreSQL's
//! checkpointer writes its tables after the commits that changed them. So the
//! writer never checkpoints ([`WRITER_LOG`]); it [`Checkpointer::nudge`]s this
//! thread after each commit, which runs a passive checkpoint (one that waits
//! for no reader and no writer) on a connection it opens for that checkpoint
//! alone. Nudges that come while one runs are folded into the next. Once a
//! checkpoint has copied the whole log and no reader is using it, the next
//! commit writes the log from its start again and the file is cut back to 64
//! MiB. Dropping the checkpointer lets a running checkpoint finish.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// What the writer's connection is set to: no checkpoint of its own, and the
/// size in bytes the log file is cut back to when it starts again.
pub(super) const WRITER_LOG: &str =
    "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;";

/// The thread that checkpoints one database, and how to wake it.
pub(super) struct Checkpointer {
    nudge: Option<SyncSender<()>>,
    /// Held by the thread while its connection is open.
    running: Arc<Mutex<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`.
    pub(super) fn start(path: PathBuf) -> std::io::Result<Self> {
        let (nudge, nudged) = sync_channel(1);
        let running = Arc::new(Mutex::new(()));
        let held = Arc::clone(&running);
        let thread = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&path, &held, &nudged))?;
        Ok(Self {
            nudge: Some(nudge),
            running,
            thread: Some(thread),
        })
    }

    /// Says that a commit has added to the log. A full channel means a
    /// checkpoint is already due; a closed one, that the thread is gone (the
    /// last connection to close then checkpoints).
    pub(super) fn nudge(&self) {
        if let Some(nudge) = &self.nudge {
            let _ = nudge.try_send(());
        }
    }

    /// Keeps every checkpoint waiting, and the thread's connection closed,
    /// while the guard lives: the journal can only be switched off when no
    /// other connection has the log open.
    pub(super) fn hold(&self) -> MutexGuard<'_, ()> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Checkpoints once per nudge until the sending side is dropped.
fn run(path: &Path, running: &Mutex<()>, nudged: &Receiver<()>) {
    while nudged.recv().is_ok() {
        let _running = running.lock().unwrap_or_else(PoisonError::into_inner);
        // A checkpoint that fails (a full disk) leaves the log as it was, to
        // be copied by the next one.
        let _ = checkpoint(path);
    }
}

fn checkpoint(path: &Path) -> rusqlite::Result<()> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?.query_row(
        "PRAGMA main.wal_checkpoint(PASSIVE)",
        [],
        |_| Ok(()),
    )
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.nudge = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
