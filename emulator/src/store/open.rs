//! Opening `--data FILE`: what makes a file the emulator's database, the schema, and the checks
//! that refuse any other file before SQLite may write to it.

use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

/// `PRAGMA application_id` of the emulator's databases: "GTkE" (graph-tasks emulator). A database
/// without it was made by someone else and is refused.
pub(crate) const APPLICATION_ID: i32 = 0x4754_6b45;
/// `PRAGMA user_version`: the schema this build reads and writes. A larger one is refused.
pub(crate) const SCHEMA_VERSION: i32 = 1;

/// The schema (documented in emulator/README.md, "Durability"). `seq` is the creation order.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    id                  TEXT PRIMARY KEY,
    display_name        TEXT NOT NULL,
    user_principal_name TEXT,
    mail                TEXT
);
CREATE TABLE IF NOT EXISTS groups (
    id           TEXT PRIMARY KEY,
    display_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    seeded     INTEGER NOT NULL,
    group_id   TEXT,
    categories TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS plans_by_group ON plans (group_id, seq);
CREATE TABLE IF NOT EXISTS buckets (
    seq     INTEGER PRIMARY KEY,
    id      TEXT NOT NULL UNIQUE,
    plan_id TEXT NOT NULL,
    name    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS buckets_by_plan ON buckets (plan_id, seq);
CREATE TABLE IF NOT EXISTS tasks (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    kind      TEXT NOT NULL CHECK (kind IN ('planner', 'legacy')),
    plan_id   TEXT,
    bucket_id TEXT,
    active    INTEGER NOT NULL,
    body      TEXT NOT NULL,
    details   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tasks_by_plan ON tasks (plan_id, seq);
CREATE INDEX IF NOT EXISTS tasks_by_bucket ON tasks (bucket_id, seq);
";

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

fn refuse(path: &Path, why: &str) -> String {
    format!("cannot use {} as --data, the emulator's task journal: {why}; the file was not changed", path.display())
}

/// Refuses, by reading its first 100 bytes only, a file that is not the emulator's database: not
/// SQLite, SQLite of another application, or a newer schema. An empty or missing file is new.
pub(crate) fn check_file(path: &Path) -> Result<(), String> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refuse(path, &e.to_string())),
    };
    if meta.is_dir() {
        return Err(refuse(path, "it is a directory"));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut header = Vec::with_capacity(100);
    std::fs::File::open(path).and_then(|f| f.take(100).read_to_end(&mut header)).map_err(|e| refuse(path, &e.to_string()))?;
    if header.len() < 100 || &header[..16] != SQLITE_MAGIC {
        let old_journal = header.len() > 9 && header[..8].iter().all(u8::is_ascii_hexdigit) && header[8] == b' ';
        return Err(refuse(
            path,
            if old_journal {
                "it is the text journal of an older graph-emulator, which this one does not read (it keeps its data in SQLite)"
            } else {
                "it is not a SQLite database"
            },
        ));
    }
    let be = |at: usize| i32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let (version, application) = (be(60), be(68));
    if application != APPLICATION_ID {
        return Err(refuse(path, "it is a SQLite database of another application (its application_id is not the emulator's)"));
    }
    if version > SCHEMA_VERSION {
        return Err(refuse(path, &format!("it was written by a newer graph-emulator (schema {version}; this one reads {SCHEMA_VERSION})")));
    }
    Ok(())
}

/// The bytes at the end of `FILE-wal` that cannot be a whole frame: what a crash in the middle of a
/// write leaves. SQLite ignores them itself (every frame is checksummed); this only reports them.
pub(crate) fn torn_wal_tail(path: &Path) -> u64 {
    let mut wal = PathBuf::from(path);
    wal.as_mut_os_string().push("-wal");
    let Ok(data) = std::fs::read(&wal) else { return 0 };
    if data.is_empty() {
        return 0;
    }
    let magic = data.get(..4).map(|m| u32::from_be_bytes([m[0], m[1], m[2], m[3]]));
    let page_size = data.get(8..12).map(|p| u32::from_be_bytes([p[0], p[1], p[2], p[3]]) as u64);
    match (magic, page_size) {
        (Some(0x377f_0682 | 0x377f_0683), Some(page)) if data.len() >= 32 && page.is_power_of_two() && page >= 512 => (data.len() as u64 - 32) % (24 + page),
        _ => data.len() as u64,
    }
}

/// Opens (creating if new) the emulator's database at `path`, after [`check_file`] let it through.
pub(crate) fn open_file(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| refuse(path, &e.to_string()))?;
    let application: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|e| refuse(path, &e.to_string()))?;
    if application == 0 {
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(|e| refuse(path, &e.to_string()))?;
        if tables > 0 {
            return Err(refuse(path, "it is a SQLite database of another application"));
        }
        // A new file: the schema and the ids are written before WAL is on, straight into the file,
        // so that its header says whose it is even if the process dies right after.
        init(&conn).map_err(|e| format!("cannot create the journal {}: {e}", path.display()))?;
    } else if application != APPLICATION_ID {
        return Err(refuse(path, "it is a SQLite database of another application"));
    } else {
        let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|e| refuse(path, &e.to_string()))?;
        if version > SCHEMA_VERSION {
            return Err(refuse(path, &format!("it was written by a newer graph-emulator (schema {version})")));
        }
    }
    conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| format!("cannot open the journal {}: {e}", path.display()))?;
    // FULL: each commit is on disk (fsync of the WAL) before the 201 it acknowledges.
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| format!("cannot open the journal {}: {e}", path.display()))?;
    // The checkpoint thread (checkpoint.rs) copies the log into the file as the writer goes; the
    // writer's own checkpoint every 10,000 pages (40 MB), which then finds little left to copy, is
    // what starts the log again from its beginning. Measured under the bench with the checkpoint
    // thread off: every 1,000 pages (SQLite's default) p99 6.2 ms and 25,100 creates/s, every
    // 10,000 p99 5.8-14.6 ms (one or two 10-20 ms stalls per run) and 26,000/s. A clean stop
    // checkpoints everything.
    conn.pragma_update(None, "wal_autocheckpoint", 10_000).map_err(|e| format!("cannot open the journal {}: {e}", path.display()))?;
    Ok(conn)
}

/// The in-memory database (no `--data`), before the schema: it has no durability to keep, so it
/// keeps no rollback journal, and its pages are large. Measured on 30,000 bench-shaped inserts in
/// groups of 8 (`:memory:`, SQLite 3.50):
///
/// - SQLite's default there is `journal_mode=MEMORY`: each transaction copies every page it is the
///   first to change into a journal in memory, about 1.7 µs of a 6.5 µs insert. `OFF` keeps none.
/// - With 4 KiB pages an in-memory database gets slower as it grows (6.5 µs per insert at 30,000
///   tasks, 23 µs at 300,000): a B-tree rebalance renumbers pages through a temporary page number
///   (the lock-byte page, 262,145 for 4 KiB pages), and the commit that follows then sweeps the
///   whole page-cache hash table, which in memory holds every page of the database. 32 KiB pages
///   make that table an eighth the size and the temporary number 32,769: 3.2 µs per insert at
///   30,000 tasks, 4.3 µs at 300,000 (16 and 64 KiB measured within 10% of it).
///
/// Without a journal a transaction cannot be rolled back: [`super::writer::Engine`] then keeps what
/// a failed group got done (only running out of memory can fail one here) and says so per write.
/// `synchronous` does not matter in memory: nothing is ever synced.
pub(crate) fn tune_memory(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "page_size", MEMORY_PAGE_SIZE)?;
    conn.pragma_update(None, "journal_mode", "OFF")
}

/// The page size of the in-memory database (see [`tune_memory`]).
pub(crate) const MEMORY_PAGE_SIZE: i64 = 32 << 10;

/// A connection to the same file for the checkpoint thread (`checkpoint.rs`). `synchronous=FULL`
/// as the writer's: a checkpoint syncs the database file before the log may be started again.
pub(crate) fn open_checkpointer(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| format!("cannot open the journal {} for checkpoints: {e}", path.display()))?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(|e| e.to_string())?;
    Ok(conn)
}

/// A second connection to the same file for reads, which WAL lets run beside the writer.
pub(crate) fn open_reader(path: &Path) -> Result<Connection, String> {
    let conn = Connection::open(path).map_err(|e| format!("cannot open the journal {} for reading: {e}", path.display()))?;
    conn.pragma_update(None, "query_only", true).map_err(|e| e.to_string())?;
    Ok(conn)
}

/// Writes the schema and the emulator's ids into an empty database.
pub(crate) fn init(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!("BEGIN; {SCHEMA} PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("graph-emulator-open-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("data.db")
    }

    #[test]
    fn foreign_files_are_refused_and_left_alone() {
        let path = temp("foreign");
        for content in [&b"# README\n"[..], b"0badc0de {\"t\":\"task\"}\r\n", b"\0asm\x01\0\0\0", &[7u8; 4096]] {
            std::fs::write(&path, content).unwrap();
            let err = check_file(&path).unwrap_err();
            assert!(err.contains("was not changed"), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), content);
        }
        // SQLite of another application.
        let _ = std::fs::remove_file(&path);
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
        let before = std::fs::read(&path).unwrap();
        assert!(check_file(&path).unwrap_err().contains("another application"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // A newer schema of the emulator's own.
        let _ = std::fs::remove_file(&path);
        let conn = Connection::open(&path).unwrap();
        init(&conn).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        drop(conn);
        assert!(check_file(&path).unwrap_err().contains("newer"));
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[test]
    fn memory_database_keeps_no_journal_and_large_pages() {
        let conn = Connection::open_in_memory().unwrap();
        tune_memory(&conn).unwrap();
        init(&conn).unwrap();
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        let page: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!((mode.as_str(), page), ("off", MEMORY_PAGE_SIZE));
    }

    #[test]
    fn own_files_open_and_new_ones_are_created() {
        let path = temp("own");
        check_file(&path).unwrap();
        drop(open_file(&path).unwrap());
        check_file(&path).unwrap();
        let conn = open_file(&path).unwrap();
        let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
