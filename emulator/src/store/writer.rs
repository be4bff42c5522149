//! The write side of the store: one thread, one connection, every waiting write in one
//! transaction (group commit), and the per-plan counters that the checks inside it need.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, TryLockError};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use tokio::sync::oneshot;

use graph_tasks::validate::{MAX_ACTIVE_TASKS_IN_PLAN, MAX_TASKS_IN_PLAN};

use super::{kind_name, lock, NewTask, PatchDetails, Plan, Refusal, Seed, Write, Written, MAX_GROUP};
use crate::details;

#[derive(Default, Clone, Copy)]
pub(super) struct Counts {
    tasks: usize,
    active: usize,
}

/// The write side: a connection and the per-plan counters the checks need.
pub(super) struct Engine {
    pub(super) conn: Connection,
    plans: HashMap<String, Counts>,
    bucket_plan: HashMap<String, String>,
    rollback: Rollback,
}

/// What a transaction that fails part-way can do about the writes it already applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rollback {
    /// The file's write-ahead log: the transaction rolls back, and none of its writes is stored.
    Journal,
    /// The in-memory database keeps no journal (`open::tune_memory`): the writes applied before the
    /// one that failed stay, and are answered as stored; that one and those after it are not.
    None,
}

pub(super) enum Job {
    Write(Write, oneshot::Sender<Result<Written, Refusal>>),
    /// Checkpoint the log into the file and stop; answered when done.
    Close(mpsc::Sender<()>),
}

impl Engine {
    /// Puts `seed` in place of an earlier seed and reads the counters.
    pub(super) fn new(conn: Connection, seed: &Seed, rollback: Rollback) -> rusqlite::Result<Engine> {
        // Room for every statement the store prepares (writes, and in memory the reads on the same
        // connection), so that none is compiled again after being pushed out of rusqlite's cache.
        conn.set_prepared_statement_cache_capacity(64);
        let mut engine = Engine { conn, plans: HashMap::new(), bucket_plan: HashMap::new(), rollback };
        let tx = engine.conn.transaction()?;
        tx.execute_batch(
            "DELETE FROM users; DELETE FROM groups; DELETE FROM buckets WHERE plan_id IN (SELECT id FROM plans WHERE seeded = 1); DELETE FROM plans WHERE seeded = 1;",
        )?;
        for user in &seed.users {
            tx.execute(
                "INSERT OR REPLACE INTO users (id, display_name, user_principal_name, mail) VALUES (?1, ?2, ?3, ?4)",
                params![user.id, user.display_name, user.user_principal_name, user.mail],
            )?;
        }
        for group in &seed.groups {
            tx.execute("INSERT OR REPLACE INTO groups (id, display_name) VALUES (?1, ?2)", params![group.id, group.display_name])?;
        }
        for plan in &seed.plans {
            let categories = serde_json::to_string(&plan.categories).unwrap_or_else(|_| "{}".into());
            if tx.execute(
                "INSERT OR IGNORE INTO plans (id, title, seeded, group_id, categories) VALUES (?1, ?2, 1, ?3, ?4)",
                params![plan.id, plan.title, plan.group_id, categories],
            )? == 1
            {
                for bucket in &plan.buckets {
                    tx.execute("INSERT OR IGNORE INTO buckets (id, plan_id, name) VALUES (?1, ?2, ?3)", params![bucket.id, plan.id, bucket.name])?;
                }
            }
        }
        tx.commit()?;
        engine.load()?;
        Ok(engine)
    }

    /// Reads the counters from the tables (at start, after a reset, after a failed commit).
    fn load(&mut self) -> rusqlite::Result<()> {
        let c = &self.conn;
        let mut plans: HashMap<String, Counts> = c
            .prepare("SELECT id FROM plans")?
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|id| id.map(|id| (id, Counts::default())))
            .collect::<rusqlite::Result<_>>()?;
        let bucket_plan = c.prepare("SELECT id, plan_id FROM buckets")?.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut stmt = c.prepare("SELECT plan_id, count(*), sum(active) FROM tasks WHERE plan_id IS NOT NULL GROUP BY plan_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
        for row in rows {
            let (plan, tasks, active) = row?;
            if let Some(counts) = plans.get_mut(&plan) {
                *counts = Counts { tasks: tasks.max(0) as usize, active: active.max(0) as usize };
            }
        }
        self.plans = plans;
        self.bucket_plan = bucket_plan;
        Ok(())
    }

    /// Applies `writes` in one transaction; one result each. When the transaction fails, with a
    /// journal none of them is stored and all of them get `Storage`; without one (in memory) those
    /// applied before the failure keep their results and the others get `Storage`.
    pub(super) fn run(&mut self, writes: Vec<Write>) -> Vec<Result<Written, Refusal>> {
        let count = writes.len();
        let mut results = Vec::with_capacity(count);
        let Err(e) = self.try_run(&writes, &mut results) else { return results };
        match self.rollback {
            Rollback::Journal => {
                let _ = self.conn.execute_batch("ROLLBACK");
                results.clear();
            }
            // ROLLBACK is undefined without a journal (SQLite's docs): the transaction is ended as
            // it stands instead. A result is pushed once its write is wholly applied, so `results`
            // holds exactly the writes that stay; the one that failed may stay part-done (a plan
            // short of buckets), which only running out of memory can cause here.
            Rollback::None => {
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("COMMIT");
                }
            }
        }
        let _ = self.load();
        results.resize(count, Err(Refusal::Storage(e.to_string())));
        results
    }

    fn try_run(&mut self, writes: &[Write], results: &mut Vec<Result<Written, Refusal>>) -> rusqlite::Result<()> {
        // Cached statements: `execute_batch` would compile BEGIN and COMMIT again for every
        // transaction (sqlite3_prepare_v3 was 1.4% of the emulator's CPU under the bench).
        self.conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        for write in writes {
            results.push(match write {
                Write::Task(task) => self.insert_task(task)?,
                Write::Plan(plan) => self.insert_plan(plan)?,
                Write::Reset => self.reset()?,
                Write::PatchDetails(patch) => self.patch_details(patch)?,
                Write::DeleteTask { id, if_match } => self.delete_task(id, if_match)?,
            });
        }
        self.conn.prepare_cached("COMMIT")?.execute([]).map(drop)
    }

    fn insert_task(&mut self, task: &NewTask) -> rusqlite::Result<Result<Written, Refusal>> {
        let plan = match &task.plan_id {
            Some(plan) => match self.plans.get(plan) {
                Some(counts) => Some((plan, *counts)),
                None => return Ok(Err(Refusal::PlanNotFound)),
            },
            None => None,
        };
        if let Some(bucket) = &task.bucket_id {
            match (self.bucket_plan.get(bucket), &plan) {
                (Some(owner), Some((plan, _))) if owner == *plan => {}
                (Some(_), Some(_)) => return Ok(Err(Refusal::BucketOfAnotherPlan)),
                (None, Some(_)) => return Ok(Err(Refusal::BucketNotFound)),
                (_, None) => return Ok(Err(Refusal::BucketWithoutPlan)),
            }
        }
        if let Some((_, counts)) = &plan {
            if counts.tasks >= MAX_TASKS_IN_PLAN {
                return Ok(Err(Refusal::TooManyTasks));
            }
            if task.active && counts.active >= MAX_ACTIVE_TASKS_IN_PLAN {
                return Ok(Err(Refusal::TooManyActiveTasks));
            }
        }
        let inserted = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO tasks (id, kind, plan_id, bucket_id, active, body, details) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?
            .execute(params![task.id, kind_name(task.resource), task.plan_id, task.bucket_id, task.active, task.body, task.details])?;
        if inserted == 0 {
            return Ok(Err(Refusal::IdTaken));
        }
        if let Some(counts) = task.plan_id.as_ref().and_then(|p| self.plans.get_mut(p)) {
            counts.tasks += 1;
            counts.active += usize::from(task.active);
        }
        Ok(Ok(Written::Done))
    }

    /// The etag inside a stored JSON body.
    fn etag_of(body: &str) -> Option<String> {
        serde_json::from_str::<Value>(body).ok()?.get("@odata.etag")?.as_str().map(str::to_owned)
    }

    fn patch_details(&mut self, p: &PatchDetails) -> rusqlite::Result<Result<Written, Refusal>> {
        let row = self
            .conn
            .prepare_cached("SELECT body, details FROM tasks WHERE id = ?1")?
            .query_row([&p.task_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .optional()?;
        let Some((body, current)) = row else { return Ok(Err(Refusal::TaskNotFound)) };
        let (Ok(mut task), Ok(current)) = (serde_json::from_str::<Value>(&body), serde_json::from_str::<Value>(&current)) else {
            return Ok(Err(Refusal::Storage("the stored task is not JSON".into())));
        };
        if p.if_match != "*" && current.get("@odata.etag").and_then(Value::as_str) != Some(p.if_match.as_str()) {
            return Ok(Err(Refusal::PreconditionFailed));
        }
        let stamp = details::Stamp { by: &p.by, now: &p.now, etag: p.details_etag.clone() };
        let patched = match details::apply_patch(&current, &p.patch, &stamp) {
            Ok(d) => d,
            Err(rejection) => return Ok(Err(Refusal::Details(rejection))),
        };
        details::set_task_counts(&mut task, details::counts(&patched));
        task["@odata.etag"] = p.task_etag.clone().into();
        let (task, patched) = (task.to_string(), patched.to_string());
        self.conn.prepare_cached("UPDATE tasks SET body = ?1, details = ?2 WHERE id = ?3")?.execute(params![task, patched, p.task_id])?;
        Ok(Ok(Written::Details(patched)))
    }

    fn delete_task(&mut self, id: &str, if_match: &str) -> rusqlite::Result<Result<Written, Refusal>> {
        let row = self
            .conn
            .prepare_cached("SELECT body, plan_id, active FROM tasks WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, bool>(2)?)))
            .optional()?;
        let Some((body, plan_id, active)) = row else { return Ok(Err(Refusal::TaskNotFound)) };
        if if_match != "*" && Self::etag_of(&body).as_deref() != Some(if_match) {
            return Ok(Err(Refusal::PreconditionFailed));
        }
        self.conn.prepare_cached("DELETE FROM tasks WHERE id = ?1")?.execute([id])?;
        if let Some(counts) = plan_id.as_ref().and_then(|p| self.plans.get_mut(p)) {
            counts.tasks = counts.tasks.saturating_sub(1);
            counts.active = counts.active.saturating_sub(usize::from(active));
        }
        Ok(Ok(Written::Done))
    }

    fn insert_plan(&mut self, plan: &Plan) -> rusqlite::Result<Result<Written, Refusal>> {
        if self.plans.contains_key(&plan.id) || plan.buckets.iter().any(|b| self.bucket_plan.contains_key(&b.id) || b.id == plan.id) {
            return Ok(Err(Refusal::IdTaken));
        }
        let categories = serde_json::to_string(&plan.categories).unwrap_or_else(|_| "{}".into());
        self.conn.prepare_cached("INSERT INTO plans (id, title, seeded, group_id, categories) VALUES (?1, ?2, 0, ?3, ?4)")?.execute(params![
            plan.id,
            plan.title,
            plan.group_id,
            categories
        ])?;
        for bucket in &plan.buckets {
            self.conn.prepare_cached("INSERT INTO buckets (id, plan_id, name) VALUES (?1, ?2, ?3)")?.execute(params![bucket.id, plan.id, bucket.name])?;
            self.bucket_plan.insert(bucket.id.clone(), plan.id.clone());
        }
        self.plans.insert(plan.id.clone(), Counts::default());
        Ok(Ok(Written::Done))
    }

    fn reset(&mut self) -> rusqlite::Result<Result<Written, Refusal>> {
        self.conn.execute_batch(
            "DELETE FROM tasks; DELETE FROM buckets WHERE plan_id IN (SELECT id FROM plans WHERE seeded = 0); DELETE FROM plans WHERE seeded = 0;",
        )?;
        self.load()?;
        Ok(Ok(Written::Done))
    }
}

/// A write waiting for its transaction, and where its result goes.
type Queued = (Write, oneshot::Sender<Result<Written, Refusal>>);

/// In memory: no writer thread. A write joins a queue, and whichever task finds the engine free
/// commits everything queued, its own write and others', in one transaction (flat combining), so
/// that concurrent creates still share a transaction. A commit in memory takes microseconds and
/// never waits for a disk, so it can run on the async worker that asked; handing each write to a
/// thread instead cost a futex wake of that thread per create, and its sleep again (perf: ~8% of
/// the emulator's CPU under the bench, with groups of a few writes).
///
/// Nothing may wait for its result forever: every holder of the engine (a writer or a reader)
/// looks at the queue again after letting the engine go, and takes it up if it is not empty; a
/// write that finds the engine taken leaves its write to that holder.
pub(super) struct Combiner {
    engine: Mutex<Engine>,
    queue: Mutex<Vec<Queued>>,
    closed: AtomicBool,
}

impl Combiner {
    pub(super) fn new(engine: Engine) -> Combiner {
        Combiner { engine: Mutex::new(engine), queue: Mutex::new(Vec::new()), closed: AtomicBool::new(false) }
    }

    /// Queues `write` and commits what is queued unless another task is doing so.
    pub(super) fn submit(&self, write: Write) -> oneshot::Receiver<Result<Written, Refusal>> {
        let (done, result) = oneshot::channel();
        if self.closed.load(Ordering::Acquire) {
            let _ = done.send(Err(Refusal::Storage("the store is closed".into())));
            return result;
        }
        lock(&self.queue).push((write, done));
        self.drain();
        result
    }

    /// Runs `f` with the engine (a read between transactions), then takes up what was queued.
    pub(super) fn with_engine<T>(&self, f: impl FnOnce(&Engine) -> T) -> T {
        let out = f(&lock(&self.engine));
        self.drain();
        out
    }

    /// At a clean stop: what is queued is committed; later writes fail.
    pub(super) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.drain();
    }

    fn drain(&self) {
        loop {
            let mut engine = match self.engine.try_lock() {
                Ok(engine) => engine,
                // A panic in a transaction leaves a connection behind that is still usable.
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                // Its holder looks at the queue once it lets the engine go.
                Err(TryLockError::WouldBlock) => return,
            };
            let group: Vec<Queued> = {
                let mut queue = lock(&self.queue);
                let n = queue.len().min(MAX_GROUP);
                queue.drain(..n).collect()
            };
            if !group.is_empty() {
                let (writes, answers): (Vec<Write>, Vec<_>) = group.into_iter().unzip();
                for (answer, result) in answers.into_iter().zip(engine.run(writes)) {
                    let _ = answer.send(result);
                }
            }
            drop(engine);
            if lock(&self.queue).is_empty() {
                return;
            }
        }
    }
}

/// With `--data`, the writer thread: takes every job that is waiting, commits them together (one
/// fsync for the group), answers each. Its own thread, since a commit waits for the disk.
/// `commits` counts its transactions, for the checkpoint thread.
pub(super) fn serve(mut engine: Engine, jobs: mpsc::Receiver<Job>, commits: &AtomicU64) {
    let mut closing = None;
    while let Ok(first) = jobs.recv() {
        let mut group = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Write(write, done) => group.push((write, done)),
                Job::Close(done) => closing = Some(done),
            }
            if group.len() < MAX_GROUP && closing.is_none() {
                next = jobs.try_recv().ok();
            }
        }
        let (writes, answers): (Vec<Write>, Vec<_>) = group.into_iter().unzip();
        if !writes.is_empty() {
            for (answer, result) in answers.into_iter().zip(engine.run(writes)) {
                let _ = answer.send(result);
            }
            commits.fetch_add(1, Ordering::Release);
        }
        if let Some(done) = closing.take() {
            let _ = engine.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
            let _ = done.send(());
            return;
        }
    }
}
