//! With `--data`: a thread that copies the write-ahead log into the database file while the writer
//! goes on committing.
//!
//! A checkpoint run by the writer itself (SQLite's `wal_autocheckpoint`, every 10,000 pages) stops
//! every write for as long as it copies and syncs the database file: 10 to 20 ms under the bench,
//! for every create waiting then, which was the tail of the latency with `--data` (p99 16 ms in
//! paired bench runs, 5.8 ms with this thread). A PASSIVE checkpoint from a connection of its own
//! runs beside the writer (WAL allows one writer and one checkpointer at once), so this thread
//! keeps the log copied a few commits behind the writer.
//!
//! The writer's own autocheckpoint stays: only a checkpoint that finds no commit after it lets
//! SQLite start the log again from its beginning, which a checkpoint beside a busy writer seldom
//! does, and the writer's, finding nearly everything copied already, is short.
//!
//! Durability does not depend on any of this: a commit is on disk (in the log, synced) before it is
//! answered; checkpoints only move committed pages into the file.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::lock;

/// How often the thread looks at the writer's commits.
const TICK: Duration = Duration::from_millis(5);
/// A checkpoint once the writer has made this many commits since the last one, so that passes
/// follow the rate of commits (a slow disk commits less often, and gets fewer passes) ...
const COMMITS: u64 = 8;
/// ... or once this many ticks went by with at least one commit (a light load is copied too).
const IDLE_TICKS: u32 = 10;
/// The running checkpoint thread.
pub(super) struct Checkpointer {
    stop: Mutex<Option<mpsc::Sender<()>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    /// Starts the thread on `conn`; `commits` counts the writer's commits (it checkpoints only after
    /// new ones).
    pub(super) fn start(conn: Connection, commits: Arc<AtomicU64>) -> Result<Checkpointer, String> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("store-checkpoint".into())
            .spawn(move || {
                let (mut copied, mut ticks) = (0, 0);
                // Until stopped (a message or the sender dropped).
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                    ticks += 1;
                    let now = commits.load(Ordering::Acquire);
                    if now - copied >= COMMITS || (now != copied && ticks >= IDLE_TICKS) {
                        (copied, ticks) = (now, 0);
                        // A busy or failed checkpoint is tried again later; the log keeps everything.
                        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(Checkpointer { stop: Mutex::new(Some(stop)), thread: Mutex::new(Some(thread)) })
    }

    /// Stops the thread and waits for it, so that the writer's last checkpoint (at a clean stop)
    /// does not find this one busy.
    pub(super) fn stop(&self) {
        drop(lock(&self.stop).take());
        if let Some(thread) = lock(&self.thread).take() {
            let _ = thread.join();
        }
    }
}
