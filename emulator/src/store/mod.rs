//! The store: users, plans, buckets and tasks in SQLite (rusqlite, SQLite compiled in).
//!
//! Every write that is waiting is committed in one transaction (group commit), and each write is
//! answered only after that commit. With `--data FILE` the database is a file in WAL mode with
//! `synchronous=FULL`: one writer thread commits (a commit waits for the disk, so not on the async
//! workers), and reads use a second connection, which WAL lets run beside the writer and which sees
//! committed data only. Without `--data` the database is in memory: whichever task finds its one
//! connection free commits what is queued (`writer::Combiner`), and reads use it between
//! transactions.
//!
//! The writer checks a create against the plan it goes into (the plan exists, the bucket is the
//! plan's, the plan's limits) inside the same transaction as the insert, from counters it keeps in
//! memory beside the tables, so that concurrent creates cannot pass a limit together.

mod checkpoint;
mod open;
mod seed;
mod writer;

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::AtomicU64;
use std::sync::{mpsc, Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;
use tokio::sync::oneshot;

use graph_tasks::schema::Resource;

use crate::details;
use checkpoint::Checkpointer;
use writer::{serve, Combiner, Engine, Job, Rollback};

pub(crate) use seed::{check_plan, Bucket, Group, Plan, Seed, User, DEFAULT_USER_ID, DEFAULT_USER_NAME};

/// The most writes one transaction takes; more wait for the next one.
const MAX_GROUP: usize = 1024;

/// A task to insert, as the service answers it.
#[derive(Clone, Debug)]
pub(crate) struct NewTask {
    pub(crate) id: String,
    pub(crate) resource: Resource,
    pub(crate) plan_id: Option<String>,
    pub(crate) bucket_id: Option<String>,
    /// `percentComplete` below 100.
    pub(crate) active: bool,
    /// The JSON object, without `@odata.context` (it depends on the URL a client reads it through).
    pub(crate) body: String,
    /// Its `plannerTaskDetails`, likewise.
    pub(crate) details: String,
}

/// A PATCH of a task's details, with what the service sets.
#[derive(Clone, Debug)]
pub(crate) struct PatchDetails {
    pub(crate) task_id: String,
    /// `If-Match`: the details' etag the client last read (or `*`).
    pub(crate) if_match: String,
    pub(crate) patch: Value,
    /// The caller as an identitySet, for `lastModifiedBy`.
    pub(crate) by: Value,
    pub(crate) now: String,
    /// The details' new etag, and the task's (its counters change).
    pub(crate) details_etag: String,
    pub(crate) task_etag: String,
}

/// One change to the store.
#[derive(Clone, Debug)]
pub(crate) enum Write {
    /// Creates a task.
    Task(NewTask),
    /// Creates a plan with its buckets.
    Plan(Plan),
    /// Back to the seed: no tasks, no plans created at run time.
    Reset,
    /// Merges a PATCH into a task's details.
    PatchDetails(PatchDetails),
    /// Deletes a task (and its details) whose etag is `if_match` (or `*`).
    DeleteTask { id: String, if_match: String },
}

/// What a stored write gives back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    Done,
    /// The details after a PATCH.
    Details(String),
}

/// Why a write was not stored.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Refusal {
    /// The task's plan does not exist.
    PlanNotFound,
    /// The bucket belongs to another plan.
    BucketOfAnotherPlan,
    /// No such bucket.
    BucketNotFound,
    /// A bucket without a plan.
    BucketWithoutPlan,
    /// The plan holds `MAX_TASKS_IN_PLAN` tasks.
    TooManyTasks,
    /// The plan holds `MAX_ACTIVE_TASKS_IN_PLAN` active tasks and this one is active.
    TooManyActiveTasks,
    /// The id is taken.
    IdTaken,
    /// No task has this id.
    TaskNotFound,
    /// `If-Match` is not the current etag.
    PreconditionFailed,
    /// The details PATCH is refused.
    Details(details::Rejection),
    /// The database could not be written; nothing of the write was stored.
    Storage(String),
}

/// What opening found.
#[derive(Debug, Default)]
pub(crate) struct OpenReport {
    /// Bytes at the end of the write-ahead log that are no whole frame (a torn write), ignored.
    pub(crate) torn_wal_bytes: u64,
}

/// Where writes and reads go.
enum Engines {
    /// In memory: one connection, written by whichever task finds it free (see [`Combiner`]), and
    /// read between its transactions.
    Memory(Combiner),
    /// A file: the writer thread, a connection of their own for reads, which WAL lets run beside
    /// the writer, and the checkpoint thread.
    File { writer: mpsc::Sender<Job>, reader: Mutex<Connection>, checkpointer: Checkpointer },
}

/// All data, and the way to change it.
pub(crate) struct Store {
    engines: Engines,
    /// Display names by user id (the seed's users; they do not change at run time).
    user_names: HashMap<String, String>,
    /// The seed's users and groups, in seed order.
    users: Vec<User>,
    groups: Vec<Group>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves a connection behind that is still usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The `kind` column's value.
fn kind_name(resource: Resource) -> &'static str {
    match resource {
        Resource::PlannerTask => "planner",
        Resource::LegacyTask => "legacy",
    }
}

fn kind_of(name: &str) -> Option<Resource> {
    match name {
        "planner" => Some(Resource::PlannerTask),
        "legacy" => Some(Resource::LegacyTask),
        _ => None,
    }
}

impl Store {
    /// Opens the store: in memory without `data`, else the emulator's database at `data` (created
    /// when missing or empty; any other file is refused unchanged). The seed replaces the seed
    /// plans and users of an earlier run; tasks and plans created at run time stay.
    pub(crate) fn open(data: Option<&Path>, seed: &Seed) -> Result<(Store, OpenReport), String> {
        let user_names = seed.users.iter().map(|u| (u.id.clone(), u.display_name.clone())).collect();
        let mut report = OpenReport::default();
        let engines = match data {
            None => {
                let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
                open::tune_memory(&conn).map_err(|e| e.to_string())?;
                open::init(&conn).map_err(|e| e.to_string())?;
                Engines::Memory(Combiner::new(Engine::new(conn, seed, Rollback::None).map_err(|e| e.to_string())?))
            }
            Some(path) => {
                open::check_file(path)?;
                report.torn_wal_bytes = open::torn_wal_tail(path);
                let conn = open::open_file(path)?;
                let engine = Engine::new(conn, seed, Rollback::Journal).map_err(|e| format!("cannot read the journal {}: {e}", path.display()))?;
                let reader = Mutex::new(open::open_reader(path)?);
                let commits = Arc::new(AtomicU64::new(0));
                let checkpointer = Checkpointer::start(open::open_checkpointer(path)?, commits.clone())?;
                let (writer, jobs) = mpsc::channel();
                std::thread::Builder::new().name("store-writer".into()).spawn(move || serve(engine, jobs, &commits)).map_err(|e| e.to_string())?;
                Engines::File { writer, reader, checkpointer }
            }
        };
        Ok((Store { engines, user_names, users: seed.users.clone(), groups: seed.groups.clone() }, report))
    }

    /// Stores `write`; returns once it is committed (on disk with `--data`), or why it was not.
    pub(crate) async fn write(&self, write: Write) -> Result<Written, Refusal> {
        let result = match &self.engines {
            Engines::Memory(combiner) => combiner.submit(write),
            Engines::File { writer, .. } => {
                let (done, result) = oneshot::channel();
                writer.send(Job::Write(write, done)).map_err(|_| Refusal::Storage("the store's writer has stopped".into()))?;
                result
            }
        };
        result.await.unwrap_or_else(|_| Err(Refusal::Storage("the store's writer has stopped".into())))
    }

    /// At a clean stop: moves everything from the write-ahead log into the file (which alone then
    /// holds the data) and stops the writer. Writes after this fail.
    pub(crate) fn close(&self) {
        match &self.engines {
            Engines::Memory(combiner) => combiner.close(),
            Engines::File { writer, checkpointer, .. } => {
                checkpointer.stop();
                let (done, finished) = mpsc::channel();
                if writer.send(Job::Close(done)).is_ok() {
                    let _ = finished.recv();
                }
            }
        }
    }

    fn read<T>(&self, query: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, String> {
        match &self.engines {
            Engines::Memory(combiner) => combiner.with_engine(|engine| query(&engine.conn)),
            Engines::File { reader, .. } => query(&lock(reader)),
        }
        .map_err(|e| format!("the store could not be read: {e}"))
    }

    /// A seed user's display name.
    pub(crate) fn user_name(&self, id: &str) -> Option<&str> {
        self.user_names.get(id).map(String::as_str)
    }

    /// A task's resource and body.
    pub(crate) fn task(&self, id: &str) -> Result<Option<(Resource, String)>, String> {
        self.read(|c| {
            let row = c
                .prepare_cached("SELECT kind, body FROM tasks WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .optional()?;
            Ok(row.and_then(|(kind, body)| Some((kind_of(&kind)?, body))))
        })
    }

    /// A task's details.
    pub(crate) fn details(&self, id: &str) -> Result<Option<String>, String> {
        self.read(|c| c.prepare_cached("SELECT details FROM tasks WHERE id = ?1")?.query_row([id], |r| r.get::<_, String>(0)).optional())
    }

    /// The bodies of a plan's tasks in creation order; `None` when there is no such plan.
    pub(crate) fn plan_tasks(&self, plan_id: &str) -> Result<Option<Vec<String>>, String> {
        self.read(|c| {
            let exists = c.prepare_cached("SELECT 1 FROM plans WHERE id = ?1")?.query_row([plan_id], |_| Ok(())).optional()?.is_some();
            if !exists {
                return Ok(None);
            }
            let mut stmt = c.prepare_cached("SELECT body FROM tasks WHERE plan_id = ?1 ORDER BY seq")?;
            let bodies = stmt.query_map([plan_id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some(bodies))
        })
    }

    /// The number of stored tasks.
    pub(crate) fn tasks_stored(&self) -> Result<u64, String> {
        self.read(|c| c.query_row("SELECT count(*) FROM tasks", [], |r| r.get::<_, i64>(0)).map(|n| n.max(0) as u64))
    }

    /// The seed's users.
    pub(crate) fn users(&self) -> &[User] {
        &self.users
    }

    /// The seed's groups.
    pub(crate) fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// Plans chosen by `filter` (a SQL condition on `plans`, with `?1` bound to `arg`), with their
    /// buckets: the seed's first, then those created at run time.
    fn plans_where(&self, filter: &str, arg: &str) -> Result<Vec<Plan>, String> {
        self.read(|c| {
            let sql = format!("SELECT id, title, group_id, categories FROM plans WHERE {filter} ORDER BY seeded DESC, seq");
            let mut plans = c
                .prepare_cached(&sql)?
                .query_map([arg], |r| {
                    let categories: String = r.get(3)?;
                    Ok(Plan {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        buckets: Vec::new(),
                        group_id: r.get(2)?,
                        categories: serde_json::from_str(&categories).unwrap_or_default(),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut buckets = c.prepare_cached("SELECT id, name FROM buckets WHERE plan_id = ?1 ORDER BY seq")?;
            for plan in &mut plans {
                plan.buckets = buckets.query_map([&plan.id], |r| Ok(Bucket { id: r.get(0)?, name: r.get(1)? }))?.collect::<rusqlite::Result<Vec<_>>>()?;
            }
            Ok(plans)
        })
    }

    /// A plan with its buckets.
    pub(crate) fn plan(&self, id: &str) -> Result<Option<Plan>, String> {
        Ok(self.plans_where("id = ?1", id)?.pop())
    }

    /// The plans a group owns.
    pub(crate) fn group_plans(&self, group_id: &str) -> Result<Vec<Plan>, String> {
        self.plans_where("group_id = ?1", group_id)
    }

    /// The bodies of a bucket's tasks in creation order; `None` when there is no such bucket.
    pub(crate) fn bucket_tasks(&self, bucket_id: &str) -> Result<Option<Vec<String>>, String> {
        self.read(|c| {
            let exists = c.prepare_cached("SELECT 1 FROM buckets WHERE id = ?1")?.query_row([bucket_id], |_| Ok(())).optional()?.is_some();
            if !exists {
                return Ok(None);
            }
            let mut stmt = c.prepare_cached("SELECT body FROM tasks WHERE bucket_id = ?1 ORDER BY seq")?;
            let bodies = stmt.query_map([bucket_id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Some(bodies))
        })
    }

    /// Users, groups and plans as they are now: the seed's plans, then those created at run time.
    pub(crate) fn view(&self) -> Result<Seed, String> {
        Ok(Seed { users: self.users.clone(), groups: self.groups.clone(), plans: self.plans_where("1 = 1 OR ?1 = ''", "")? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use graph_tasks::validate::{MAX_ACTIVE_TASKS_IN_PLAN, MAX_TASKS_IN_PLAN};
    use seed::{EXAMPLE_BUCKET_ID, EXAMPLE_PLAN_ID};

    fn task(id: &str, plan: &str, active: bool) -> Write {
        Write::Task(NewTask {
            id: id.into(),
            resource: Resource::PlannerTask,
            plan_id: Some(plan.into()),
            bucket_id: None,
            active,
            body: "{}".into(),
            details: "{}".into(),
        })
    }

    fn run(store: &Store, write: Write) -> Result<Written, Refusal> {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(store.write(write))
    }

    #[test]
    fn limits_checks_and_reset() {
        let (store, _) = Store::open(None, &Seed::builtin()).unwrap();
        let plan = Plan { id: "AAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(), title: "p".into(), buckets: vec![], group_id: None, categories: Default::default() };
        run(&store, Write::Plan(plan.clone())).unwrap();
        assert_eq!(run(&store, Write::Plan(plan)), Err(Refusal::IdTaken));
        let p = "AAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        for i in 0..MAX_ACTIVE_TASKS_IN_PLAN {
            run(&store, task(&format!("a{i}"), p, true)).unwrap();
        }
        assert_eq!(run(&store, task("x", p, true)), Err(Refusal::TooManyActiveTasks));
        assert_eq!(run(&store, task("a1", p, false)), Err(Refusal::IdTaken));
        for i in 0..(MAX_TASKS_IN_PLAN - MAX_ACTIVE_TASKS_IN_PLAN) {
            run(&store, task(&format!("d{i}"), p, false)).unwrap();
        }
        assert_eq!(run(&store, task("y", p, false)), Err(Refusal::TooManyTasks));
        assert_eq!(store.plan_tasks(p).unwrap().unwrap().len(), MAX_TASKS_IN_PLAN);
        assert_eq!(run(&store, task("z", "BBBBBBBBBBBBBBBBBBBBBBBBBBBB", true)), Err(Refusal::PlanNotFound));
        let mut in_bucket = NewTask {
            id: "b".into(),
            resource: Resource::PlannerTask,
            plan_id: Some(p.into()),
            bucket_id: Some(EXAMPLE_BUCKET_ID.into()),
            active: true,
            body: "{}".into(),
            details: "{}".into(),
        };
        assert_eq!(run(&store, Write::Task(in_bucket.clone())), Err(Refusal::BucketOfAnotherPlan));
        in_bucket.plan_id = Some(EXAMPLE_PLAN_ID.into());
        run(&store, Write::Task(in_bucket)).unwrap();
        assert_eq!(store.task("b").unwrap().unwrap(), (Resource::PlannerTask, "{}".to_owned()));
        run(&store, Write::Reset).unwrap();
        assert_eq!(store.tasks_stored().unwrap(), 0);
        assert!(store.plan_tasks(p).unwrap().is_none());
        assert_eq!(store.view().unwrap().plans.len(), Seed::builtin().plans.len());
        assert_eq!(store.user_name(DEFAULT_USER_ID), Some(DEFAULT_USER_NAME));
    }

    /// With `--data` the log is copied into the file as the writer goes, not only every 10,000
    /// pages or at a clean stop: the file grows while the writes go on.
    #[test]
    fn the_checkpoint_thread_copies_the_log_into_the_file() {
        let dir = std::env::temp_dir().join(format!("graph-emulator-store-{}-checkpoint", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("data.db");
        let (store, _) = Store::open(Some(&path), &Seed::builtin()).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        // 300 commits of a task each: far under the writer's own 10,000 pages.
        let body = format!("{{\"title\":\"{}\"}}", "x".repeat(2000));
        for i in 0..300 {
            let Write::Task(mut t) = task(&format!("c{i}"), EXAMPLE_PLAN_ID, false) else { unreachable!() };
            t.body = body.clone();
            run(&store, Write::Task(t)).unwrap();
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < before + 300 * 2000 {
            assert!(std::time::Instant::now() < deadline, "the file did not grow: the log was not copied");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        store.close();
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// In memory no thread writes: a write that finds a reader holding the engine is committed by
    /// that reader once it is done.
    #[test]
    fn a_write_left_to_a_reader_is_committed_by_it() {
        let (store, _) = Store::open(None, &Seed::builtin()).unwrap();
        let Engines::Memory(combiner) = &store.engines else { unreachable!("in memory") };
        let ((held, is_held), (release, released)) = (mpsc::channel(), mpsc::channel::<()>());
        let mut result = None;
        std::thread::scope(|s| {
            s.spawn(move || {
                combiner.with_engine(|_| {
                    held.send(()).unwrap();
                    released.recv().unwrap();
                })
            });
            is_held.recv().unwrap();
            let mut waiting = combiner.submit(task("left", EXAMPLE_PLAN_ID, false));
            assert!(waiting.try_recv().is_err(), "the reader holds the engine");
            release.send(()).unwrap();
            result = Some(waiting);
        });
        assert_eq!(result.unwrap().try_recv().unwrap(), Ok(Written::Done));
    }

    /// Many writers and readers at once: every write is committed (a write left to whoever holds
    /// the engine is taken up, whether that holder was writing or reading).
    #[test]
    fn concurrent_writes_and_reads_in_memory_all_complete() {
        let (store, _) = Store::open(None, &Seed::builtin()).unwrap();
        let store = std::sync::Arc::new(store);
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap();
        rt.block_on(async {
            let writes = (0..4000).map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    if i % 3 == 0 {
                        store.tasks_stored().unwrap();
                    }
                    store.write(task(&format!("t{i}"), EXAMPLE_PLAN_ID, false)).await
                })
            });
            let all = futures_util::future::join_all(writes);
            for result in tokio::time::timeout(std::time::Duration::from_secs(30), all).await.expect("a write was never committed") {
                result.unwrap().unwrap();
            }
        });
        assert_eq!(store.tasks_stored().unwrap(), 4000);
        store.close();
        assert!(matches!(run(&store, task("late", EXAMPLE_PLAN_ID, false)), Err(Refusal::Storage(_))));
    }
}
