//! Bulk creation decisions: which tasks go in the next batch, one shared throttle, what a
//! sub-response means for its task, and how a task that may exist is reconciled with the plan's
//! listing. Pure: the wasm loop tells it the time and what arrived, and does what it says.
//!
//! Exactly once: a create that may have been committed (a 500, 502 or 504, a timeout, a network
//! failure after sending, a batch whose response was lost) is never sent again blindly. It is looked
//! for in the plan (same title and bucket, created by this caller since the run began, not claimed by
//! another task of the run); found, that task is the result; not found after the service has had time
//! to store it ([`Bulk::settle_ms`]), it is sent again, and a last look after the run removes any copy
//! that a late commit made.

use crate::error::{Error, ErrorKind};
use crate::retry::{RetryPolicy, RETRY_AFTER_MARGIN_MS};

/// How many times a task is looked for before it is taken as not created.
pub const RECONCILE_LOOKS: u8 = 2;

/// What a create's answer means for its task.
#[derive(Debug)]
pub enum Verdict {
    /// The task exists and the answer holds it.
    Created,
    /// Throttled or unavailable (or not sent at all): send again after the wait, if any.
    Retry {
        /// The service's `Retry-After`, in ms.
        retry_after_ms: Option<u64>,
        /// The error, reported if the retries run out.
        error: Error,
    },
    /// The create may have been committed: reconcile, never resend blindly.
    MayExist(Error),
    /// Refused for good.
    Failed(Error),
}

/// Reads a create's outcome (`Ok` for a good 201) as a [`Verdict`].
pub fn classify(outcome: Result<(), Error>) -> Verdict {
    let error = match outcome {
        Ok(()) => return Verdict::Created,
        Err(error) => error,
    };
    let throttled = matches!(error.status, Some(429 | 503)) && error.kind == ErrorKind::Http;
    let not_sent = error.kind == ErrorKind::Network && !error.may_have_been_created;
    if throttled || not_sent {
        Verdict::Retry { retry_after_ms: error.retry_after_ms, error }
    } else if error.may_have_been_created {
        Verdict::MayExist(error)
    } else {
        Verdict::Failed(error)
    }
}

/// The one throttle of a run (and of every call that shares a client): after a 429 or 503 nothing new
/// is sent until the longest wait asked for is over.
#[derive(Clone, Debug, Default)]
pub struct Throttle {
    until_ms: f64,
    backoffs: u32,
}

impl Throttle {
    /// The time before which nothing may be sent, when that is after `now`.
    pub fn waiting_until(&self, now_ms: f64) -> Option<f64> {
        (self.until_ms > now_ms).then_some(self.until_ms)
    }

    /// A `Retry-After` was received: hold every new send until it is over (plus a margin, so that a
    /// timer never fires early).
    pub fn hold(&mut self, retry_after_ms: u64, now_ms: f64) {
        let until = now_ms + retry_after_ms.saturating_add(RETRY_AFTER_MARGIN_MS) as f64;
        if until > self.until_ms {
            self.until_ms = until;
        }
    }

    /// Throttled without a `Retry-After`: back off exponentially with full jitter.
    pub fn back_off(&mut self, policy: &RetryPolicy, jitter: f64, now_ms: f64) {
        let ceiling =
            policy.base_delay_ms.saturating_mul(1u64 << self.backoffs.min(30)).min(policy.max_delay_ms.max(1));
        self.backoffs = self.backoffs.saturating_add(1);
        let wait = (ceiling as f64 * jitter.clamp(0.0, 1.0)) as u64;
        self.hold(wait, now_ms);
    }

    /// A send went through: the next backoff starts small again.
    pub fn relax(&mut self) {
        self.backoffs = 0;
    }
}

/// Where one task of the run is.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Not sent yet, or safe to send again.
    Pending,
    /// In a batch whose answer has not arrived.
    InFlight,
    /// May exist: look for it at `look_at_ms`; `looks` done so far.
    MayExist {
        /// When to look.
        look_at_ms: f64,
        /// How many looks found nothing.
        looks: u8,
    },
    /// Created (or found).
    Done,
    /// Failed for good (the wasm loop holds the error).
    Failed,
}

/// A task of the plan as its listing shows it, for matching.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// The task id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its bucket.
    pub bucket_id: Option<String>,
    /// `createdBy.user.id`.
    pub created_by: Option<String>,
    /// `createdDateTime`, in ms since the epoch.
    pub created_ms: Option<i64>,
    /// Its etag, for deleting a duplicate.
    pub etag: Option<String>,
}

/// What a reconciliation decided.
#[derive(Debug, Default, PartialEq)]
pub struct Reconciled {
    /// Tasks found: (task index, the listed task id).
    pub found: Vec<(usize, String)>,
    /// Copies to delete: (task id, etag), and the task index each is counted on.
    pub duplicates: Vec<(usize, String, Option<String>)>,
}

#[derive(Clone, Debug)]
struct Item {
    phase: Phase,
    attempts: u32,
    title: String,
    bucket_id: Option<String>,
    /// The id of the task that is this item's result, once known.
    task_id: Option<String>,
    /// Sent again after a look found nothing: a late commit could still make a copy.
    resent_after_look: bool,
}

/// The state of one bulk run.
#[derive(Clone, Debug)]
pub struct Bulk {
    items: Vec<Item>,
    /// The run's throttle.
    pub throttle: Throttle,
    policy: RetryPolicy,
    reconcile: bool,
    /// How long the service is given to store a task before a look that finds nothing counts: Graph
    /// lists are not guaranteed to show a write the moment it is acknowledged, and a gateway timeout
    /// can come back before the write behind it has been committed.
    pub settle_ms: f64,
    /// The earliest creation time a task of this run can have (ms since the epoch, server clock).
    since_ms: Option<i64>,
}

impl Bulk {
    /// A run over tasks given as (title, bucket id); `valid[i]` false marks a task refused before the
    /// run (it is never sent).
    pub fn new(tasks: Vec<(String, Option<String>)>, valid: &[bool], policy: RetryPolicy, reconcile: bool) -> Bulk {
        let items = tasks
            .into_iter()
            .enumerate()
            .map(|(i, (title, bucket_id))| Item {
                phase: if valid.get(i).copied().unwrap_or(false) { Phase::Pending } else { Phase::Failed },
                attempts: 0,
                title,
                bucket_id,
                task_id: None,
                resent_after_look: false,
            })
            .collect();
        Bulk { items, throttle: Throttle::default(), policy, reconcile, settle_ms: 3000.0, since_ms: None }
    }

    /// Starts every still-pending task as "may exist", to be looked for before anything is sent (a
    /// resumed run whose earlier attempt began at `since_ms`).
    pub fn resume_from(&mut self, since_ms: i64, now_ms: f64) {
        self.since_ms = Some(since_ms);
        for item in &mut self.items {
            if item.phase == Phase::Pending {
                // One look is enough: the earlier run is over, nothing of it can still commit.
                item.phase = Phase::MayExist { look_at_ms: now_ms, looks: RECONCILE_LOOKS - 1 };
            }
        }
    }

    /// Notes the server's clock (a `Date` header, ms) of an answer: the run's tasks were all created
    /// after the first one minus the longest a request can take to be answered.
    pub fn saw_server_time(&mut self, date_ms: i64, attempt_bound_ms: i64) {
        let since = date_ms.saturating_sub(attempt_bound_ms.max(60_000));
        if self.since_ms.is_none_or(|s| since < s) {
            self.since_ms = Some(since);
        }
    }

    /// The phase of task `index`.
    pub fn phase(&self, index: usize) -> Option<&Phase> {
        self.items.get(index).map(|i| &i.phase)
    }

    /// Up to `max` tasks for the next batch, marked in flight; empty while the throttle holds.
    pub fn next_batch(&mut self, max: usize, now_ms: f64) -> Vec<usize> {
        if self.throttle.waiting_until(now_ms).is_some() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (i, item) in self.items.iter_mut().enumerate() {
            if out.len() >= max {
                break;
            }
            if item.phase == Phase::Pending {
                item.phase = Phase::InFlight;
                item.attempts += 1;
                out.push(i);
            }
        }
        out
    }

    /// Records what a create's answer means. Returns the error to report when the task failed for
    /// good (`None` otherwise).
    pub fn settle(&mut self, index: usize, verdict: Verdict, jitter: f64, now_ms: f64) -> Option<Error> {
        let max_retries = self.policy.max_retries;
        let reconcile = self.reconcile;
        let item = self.items.get_mut(index)?;
        match verdict {
            Verdict::Created => {
                item.phase = Phase::Done;
                self.throttle.relax();
                None
            }
            Verdict::Retry { retry_after_ms, error } => {
                match retry_after_ms {
                    Some(wait) if wait > self.policy.max_delay_ms => {
                        item.phase = Phase::Failed;
                        return Some(error);
                    }
                    Some(wait) => self.throttle.hold(wait, now_ms),
                    None if error.kind == ErrorKind::Http => self.throttle.back_off(&self.policy, jitter, now_ms),
                    None => {}
                }
                if item.attempts > max_retries {
                    item.phase = Phase::Failed;
                    return Some(error);
                }
                item.phase = Phase::Pending;
                None
            }
            Verdict::MayExist(error) => {
                if reconcile {
                    item.phase = Phase::MayExist { look_at_ms: now_ms, looks: 0 };
                    None
                } else {
                    item.phase = Phase::Failed;
                    Some(error)
                }
            }
            Verdict::Failed(error) => {
                item.phase = Phase::Failed;
                Some(error)
            }
        }
    }

    /// Records the task id of a created task (so that no other task of the run claims it).
    pub fn set_task_id(&mut self, index: usize, id: String) {
        if let Some(item) = self.items.get_mut(index) {
            item.task_id = Some(id);
        }
    }

    /// Marks a task failed from outside (an abort, a step after the create).
    pub fn fail(&mut self, index: usize) {
        if let Some(item) = self.items.get_mut(index) {
            item.phase = Phase::Failed;
        }
    }

    /// Whether a look at the plan is due: some task may exist and its look time has come.
    pub fn look_due(&self, now_ms: f64) -> bool {
        self.items.iter().any(|i| matches!(i.phase, Phase::MayExist { look_at_ms, .. } if look_at_ms <= now_ms))
    }

    /// The buckets to list for the tasks whose look is due (`None`: the whole plan), deduplicated.
    pub fn buckets_to_look_in(&self, now_ms: f64) -> Vec<Option<String>> {
        let mut out: Vec<Option<String>> = Vec::new();
        for item in &self.items {
            if matches!(item.phase, Phase::MayExist { look_at_ms, .. } if look_at_ms <= now_ms)
                && !out.contains(&item.bucket_id)
            {
                out.push(item.bucket_id.clone());
            }
        }
        out
    }

    /// Matches the tasks whose look is due with `listed` (the listing of their buckets or plan, every
    /// page), made by `caller` (when known). A task found is done; one not found is looked for again
    /// after [`Bulk::settle_ms`], and sent again after [`RECONCILE_LOOKS`] looks. Copies beyond the
    /// run's own tasks of the same title and bucket are returned for deletion.
    pub fn reconcile(&mut self, listed: &[Listed], caller: Option<&str>, now_ms: f64) -> Reconciled {
        let mut out = Reconciled::default();
        let claimed: Vec<String> = self.items.iter().filter_map(|i| i.task_id.clone()).collect();
        let since = self.since_ms;
        let candidate = |task: &Listed, title: &str, bucket: &Option<String>| {
            task.title == title
                && &task.bucket_id == bucket
                && caller.is_none_or(|c| task.created_by.as_deref() == Some(c))
                && since.is_none_or(|s| task.created_ms.is_none_or(|t| t >= s))
                && !claimed.contains(&task.id)
        };
        let due: Vec<usize> = (0..self.items.len())
            .filter(|&i| {
                matches!(self.items.get(i).map(|it| &it.phase), Some(Phase::MayExist { look_at_ms, .. }) if *look_at_ms <= now_ms)
            })
            .collect();
        let created = |t: Option<&&Listed>| t.and_then(|t| t.created_ms).unwrap_or(i64::MAX);
        let mut taken: Vec<String> = Vec::new();
        let mut keys_done: Vec<(String, Option<String>)> = Vec::new();
        for &i in &due {
            let Some(item) = self.items.get(i) else { continue };
            let key = (item.title.clone(), item.bucket_id.clone());
            if keys_done.contains(&key) {
                continue;
            }
            keys_done.push(key.clone());
            // Every due task of this key, in input order, and every listed match, oldest first.
            let group: Vec<usize> = due
                .iter()
                .copied()
                .filter(|&j| self.items.get(j).is_some_and(|it| it.title == key.0 && it.bucket_id == key.1))
                .collect();
            let mut matches: Vec<&Listed> =
                listed.iter().filter(|t| candidate(t, &key.0, &key.1) && !taken.contains(&t.id)).collect();
            // Oldest first; an insertion sort, since a key has a handful of matches and the standard
            // sorts weigh kilobytes of wasm.
            for k in 1..matches.len() {
                let mut j = k;
                while j > 0 && created(matches.get(j - 1)) > created(matches.get(j)) {
                    matches.swap(j - 1, j);
                    j -= 1;
                }
            }
            // Tasks of this key that are not due (in flight or pending) may yet claim a match: leave
            // them one each before calling anything a duplicate.
            let others_open = self
                .items
                .iter()
                .filter(|it| {
                    it.title == key.0
                        && it.bucket_id == key.1
                        && matches!(it.phase, Phase::Pending | Phase::InFlight | Phase::MayExist { .. })
                })
                .count()
                - group.len();
            for (slot, &j) in group.iter().enumerate() {
                let Some(item) = self.items.get_mut(j) else { continue };
                match matches.get(slot) {
                    Some(task) => {
                        taken.push(task.id.clone());
                        item.phase = Phase::Done;
                        item.task_id = Some(task.id.clone());
                        out.found.push((j, task.id.clone()));
                    }
                    None => {
                        let looks = match item.phase {
                            Phase::MayExist { looks, .. } => looks + 1,
                            _ => RECONCILE_LOOKS,
                        };
                        if looks >= RECONCILE_LOOKS {
                            item.phase = Phase::Pending;
                            item.resent_after_look = true;
                        } else {
                            item.phase = Phase::MayExist { look_at_ms: now_ms + self.settle_ms, looks };
                        }
                    }
                }
            }
            if others_open == 0 {
                let first = group.first().copied().unwrap_or(i);
                for extra in matches.iter().skip(group.len()) {
                    taken.push(extra.id.clone());
                    out.duplicates.push((first, extra.id.clone(), extra.etag.clone()));
                }
            }
        }
        out
    }

    /// Moves every due look to `at_ms` (the listing failed: decide nothing now).
    pub fn postpone_looks(&mut self, at_ms: f64) {
        for item in &mut self.items {
            if let Phase::MayExist { look_at_ms, .. } = &mut item.phase {
                if *look_at_ms < at_ms {
                    *look_at_ms = at_ms;
                }
            }
        }
    }

    /// Keys (title, bucket) of tasks that were sent again after a look found nothing: a late commit
    /// of the first send could have made a copy, so the run ends with one more look at these.
    pub fn keys_to_verify(&self) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for item in &self.items {
            let key = (item.title.clone(), item.bucket_id.clone());
            if item.resent_after_look && item.phase == Phase::Done && !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }

    /// The copies in `listed` of the keys to verify: tasks of the run's title and bucket, by the
    /// caller, since the run began, that no task of the run holds. (task index, id, etag).
    pub fn extra_copies(&self, listed: &[Listed], caller: Option<&str>) -> Vec<(usize, String, Option<String>)> {
        let claimed: Vec<&str> = self.items.iter().filter_map(|i| i.task_id.as_deref()).collect();
        let mut out = Vec::new();
        for (title, bucket) in self.keys_to_verify() {
            let owner =
                self.items.iter().position(|i| i.title == title && i.bucket_id == bucket && i.resent_after_look);
            for task in listed {
                let ours = task.title == title
                    && task.bucket_id == bucket
                    && caller.is_none_or(|c| task.created_by.as_deref() == Some(c))
                    && self.since_ms.is_none_or(|s| task.created_ms.is_none_or(|t| t >= s));
                if ours && !claimed.contains(&task.id.as_str()) {
                    out.push((owner.unwrap_or(0), task.id.clone(), task.etag.clone()));
                }
            }
        }
        out
    }

    /// When the loop next has something to do without an answer arriving: the throttle's end or a
    /// look's time. `None` when nothing waits on time.
    pub fn next_wake(&self, now_ms: f64) -> Option<f64> {
        let mut wake: Option<f64> = None;
        let mut consider = |t: f64| wake = Some(wake.map_or(t, |w: f64| w.min(t)));
        let pending = self.items.iter().any(|i| i.phase == Phase::Pending);
        if let (true, Some(until)) = (pending, self.throttle.waiting_until(now_ms)) {
            consider(until);
        }
        for item in &self.items {
            if let Phase::MayExist { look_at_ms, .. } = item.phase {
                consider(look_at_ms.max(now_ms));
            }
        }
        wake
    }

    /// Counts for progress: (created, failed, in flight, total).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let count = |p: fn(&Phase) -> bool| self.items.iter().filter(|i| p(&i.phase)).count();
        (
            count(|p| *p == Phase::Done),
            count(|p| *p == Phase::Failed),
            count(|p| *p == Phase::InFlight),
            self.items.len(),
        )
    }

    /// Whether every task has its result.
    pub fn finished(&self) -> bool {
        self.items.iter().all(|i| matches!(i.phase, Phase::Done | Phase::Failed))
    }

    /// Every task not finished (for an abort): (index, whether it may have been created).
    pub fn unfinished(&self) -> Vec<(usize, bool)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.phase {
                Phase::Pending => Some((i, item.resent_after_look)),
                Phase::InFlight | Phase::MayExist { .. } => Some((i, true)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, retry_after_ms: Option<u64>) -> Error {
        let mut e = Error::new(ErrorKind::Http, "x");
        e.status = Some(status);
        e.retry_after_ms = retry_after_ms;
        e.may_have_been_created = matches!(status, 500 | 502 | 504);
        e
    }

    fn run(n: usize) -> Bulk {
        let tasks = (0..n).map(|i| (format!("t{i}"), Some("b".to_string()))).collect();
        Bulk::new(tasks, &vec![true; n], RetryPolicy { max_retries: 10, ..RetryPolicy::default() }, true)
    }

    fn listed(id: &str, title: &str, at: i64) -> Listed {
        Listed {
            id: id.into(),
            title: title.into(),
            bucket_id: Some("b".into()),
            created_by: Some("me".into()),
            created_ms: Some(at),
            etag: Some(format!("W/\"{id}\"")),
        }
    }

    #[test]
    fn verdicts() {
        assert!(matches!(classify(Ok(())), Verdict::Created));
        assert!(matches!(classify(Err(http(429, Some(1000)))), Verdict::Retry { retry_after_ms: Some(1000), .. }));
        assert!(matches!(classify(Err(http(503, None))), Verdict::Retry { retry_after_ms: None, .. }));
        assert!(matches!(classify(Err(http(504, None))), Verdict::MayExist(_)));
        assert!(matches!(classify(Err(http(500, None))), Verdict::MayExist(_)));
        assert!(matches!(classify(Err(http(400, None))), Verdict::Failed(_)));
        let not_sent = Error::new(ErrorKind::Network, "refused");
        assert!(matches!(classify(Err(not_sent)), Verdict::Retry { .. }));
        let sent = Error::new(ErrorKind::Timeout, "t").with_may_have_been_created(true);
        assert!(matches!(classify(Err(sent)), Verdict::MayExist(_)));
    }

    #[test]
    fn batches_of_twenty_and_invalid_tasks_are_never_sent() {
        let mut valid = vec![true; 45];
        valid[3] = false;
        let tasks = (0..45).map(|i| (format!("t{i}"), None)).collect();
        let mut bulk = Bulk::new(tasks, &valid, RetryPolicy::default(), true);
        let a = bulk.next_batch(20, 0.0);
        let b = bulk.next_batch(20, 0.0);
        let c = bulk.next_batch(20, 0.0);
        assert_eq!((a.len(), b.len(), c.len()), (20, 20, 4));
        assert!(!a.contains(&3));
        assert!(bulk.next_batch(20, 0.0).is_empty());
        assert_eq!(bulk.counts(), (0, 1, 44, 45));
    }

    #[test]
    fn a_retry_after_holds_every_new_send_until_the_longest_wait() {
        let mut bulk = run(3);
        let batch = bulk.next_batch(20, 0.0);
        bulk.settle(batch[0], classify(Err(http(429, Some(2000)))), 0.5, 100.0);
        bulk.settle(batch[1], classify(Err(http(429, Some(500)))), 0.5, 100.0);
        bulk.settle(batch[2], classify(Ok(())), 0.5, 100.0);
        let until = 100.0 + 2000.0 + RETRY_AFTER_MARGIN_MS as f64;
        assert_eq!(bulk.throttle.waiting_until(100.0), Some(until));
        assert!(bulk.next_batch(20, until - 1.0).is_empty(), "nothing before the longest Retry-After");
        assert_eq!(bulk.next_wake(200.0), Some(until));
        assert_eq!(bulk.next_batch(20, until), vec![0, 1]);
    }

    #[test]
    fn a_wait_past_max_delay_fails_the_task() {
        let mut bulk = run(1);
        bulk.next_batch(20, 0.0);
        let e = bulk.settle(0, classify(Err(http(429, Some(10_000_000)))), 0.5, 0.0);
        assert_eq!(e.unwrap().retry_after_ms, Some(10_000_000));
        assert!(bulk.finished());
    }

    #[test]
    fn retries_run_out() {
        let mut bulk = Bulk::new(
            vec![("t".into(), None)],
            &[true],
            RetryPolicy { max_retries: 2, ..RetryPolicy::default() },
            true,
        );
        let mut now = 0.0;
        for round in 0..3 {
            let batch = bulk.next_batch(20, now);
            assert_eq!(batch, vec![0], "round {round}");
            let e = bulk.settle(0, classify(Err(http(503, Some(10)))), 0.5, now);
            now += 100.0;
            assert_eq!(e.is_some(), round == 2);
        }
    }

    #[test]
    fn a_task_that_may_exist_is_found_and_not_resent() {
        let mut bulk = run(2);
        bulk.saw_server_time(10_000_000, 30_000);
        bulk.next_batch(20, 0.0);
        bulk.settle(0, classify(Err(http(504, None))), 0.5, 0.0);
        bulk.settle(1, classify(Ok(())), 0.5, 0.0);
        bulk.set_task_id(1, "created-1".into());
        assert!(bulk.look_due(0.0));
        assert_eq!(bulk.buckets_to_look_in(0.0), vec![Some("b".to_string())]);
        let plan = vec![
            listed("old", "t0", 1_000),            // before the run
            listed("created-1", "t1", 10_000_000), // claimed by task 1
            Listed { created_by: Some("someone else".into()), ..listed("theirs", "t0", 10_000_000) },
            listed("mine", "t0", 10_000_100),
        ];
        let r = bulk.reconcile(&plan, Some("me"), 0.0);
        assert_eq!(r.found, vec![(0, "mine".to_string())]);
        assert!(r.duplicates.is_empty());
        assert!(bulk.finished());
        assert!(bulk.next_batch(20, 0.0).is_empty(), "never sent again");
    }

    #[test]
    fn not_found_twice_is_sent_again_and_verified_at_the_end() {
        let mut bulk = run(1);
        bulk.next_batch(20, 0.0);
        bulk.settle(0, classify(Err(http(504, None))), 0.5, 0.0);
        let r = bulk.reconcile(&[], Some("me"), 0.0);
        assert!(r.found.is_empty());
        assert!(!bulk.look_due(100.0), "the second look waits for the service to settle");
        assert_eq!(bulk.next_wake(100.0), Some(bulk.settle_ms));
        assert!(bulk.next_batch(20, 100.0).is_empty());
        bulk.reconcile(&[], Some("me"), bulk.settle_ms);
        assert_eq!(bulk.next_batch(20, bulk.settle_ms), vec![0], "sent again after two looks");
        bulk.settle(0, classify(Ok(())), 0.5, 0.0);
        bulk.set_task_id(0, "second".into());
        assert_eq!(bulk.keys_to_verify(), vec![("t0".to_string(), Some("b".to_string()))]);
        // The first send committed late: its copy is found and removed.
        let extra = bulk.extra_copies(&[listed("late", "t0", 5), listed("second", "t0", 6)], Some("me"));
        assert_eq!(extra, vec![(0, "late".to_string(), Some("W/\"late\"".to_string()))]);
    }

    #[test]
    fn copies_beyond_the_runs_own_tasks_are_duplicates() {
        let mut bulk = run(1);
        bulk.next_batch(20, 0.0);
        bulk.settle(0, classify(Err(http(502, None))), 0.5, 0.0);
        let r = bulk.reconcile(&[listed("a", "t0", 2), listed("b", "t0", 1)], None, 0.0);
        assert_eq!(r.found, vec![(0, "b".to_string())], "the oldest is kept");
        assert_eq!(r.duplicates, vec![(0, "a".to_string(), Some("W/\"a\"".to_string()))]);
    }

    #[test]
    fn same_titles_claim_one_task_each() {
        let tasks = vec![("same".to_string(), None), ("same".to_string(), None)];
        let mut bulk = Bulk::new(tasks, &[true, true], RetryPolicy::default(), true);
        bulk.next_batch(20, 0.0);
        bulk.settle(0, classify(Err(http(504, None))), 0.5, 0.0);
        bulk.settle(1, classify(Err(http(504, None))), 0.5, 0.0);
        let plan = vec![Listed { bucket_id: None, ..listed("x", "same", 1) }];
        let r = bulk.reconcile(&plan, Some("me"), 0.0);
        assert_eq!(r.found, vec![(0, "x".to_string())]);
        assert_eq!(bulk.phase(1), Some(&Phase::MayExist { look_at_ms: bulk.settle_ms, looks: 1 }));
    }

    #[test]
    fn without_reconcile_a_task_that_may_exist_fails() {
        let mut bulk = Bulk::new(vec![("t".into(), None)], &[true], RetryPolicy::default(), false);
        bulk.next_batch(20, 0.0);
        let e = bulk.settle(0, classify(Err(http(504, None))), 0.5, 0.0).unwrap();
        assert!(e.may_have_been_created);
    }

    #[test]
    fn a_resumed_run_looks_before_it_sends() {
        let mut bulk = run(2);
        bulk.resume_from(1_000, 0.0);
        assert!(bulk.next_batch(20, 0.0).is_empty());
        let r = bulk.reconcile(&[listed("done-before", "t0", 2_000)], Some("me"), 0.0);
        assert_eq!(r.found, vec![(0, "done-before".to_string())]);
        assert_eq!(bulk.next_batch(20, 0.0), vec![1], "not found in a finished run: sent");
    }

    #[test]
    fn abort_reports_what_may_exist() {
        let mut bulk = run(3);
        bulk.next_batch(1, 0.0);
        bulk.next_batch(1, 0.0);
        bulk.settle(1, classify(Ok(())), 0.5, 0.0);
        assert_eq!(bulk.unfinished(), vec![(0, true), (2, false)]);
    }
}
