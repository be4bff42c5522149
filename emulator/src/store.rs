//! The emulator's data: seed users, plans and buckets, and the tasks created at run time.
//!
//! One `Store` sits behind one mutex. Task bodies are kept as serialized JSON (without
//! `@odata.context`, which depends on the URL a client reads them through).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use graph_tasks::validate::is_planner_id;

pub(crate) use graph_tasks::validate::{MAX_ACTIVE_TASKS_IN_PLAN, MAX_TASKS_IN_PLAN};

/// A user the seed knows, with a display name for `createdBy`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct User {
    /// The user id (a GUID in Graph).
    pub(crate) id: String,
    /// The display name.
    pub(crate) display_name: String,
}

/// A bucket of a plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Bucket {
    /// 28-character Planner id.
    pub(crate) id: String,
    /// The bucket's name.
    pub(crate) name: String,
}

/// A plan and its buckets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Plan {
    /// 28-character Planner id.
    pub(crate) id: String,
    /// The plan's title.
    pub(crate) title: String,
    /// Its buckets.
    #[serde(default)]
    pub(crate) buckets: Vec<Bucket>,
}

/// The seed file's shape, which is also what `GET /_emulator/seed` returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Seed {
    /// Known users.
    #[serde(default)]
    pub(crate) users: Vec<User>,
    /// Plans with their buckets.
    #[serde(default)]
    pub(crate) plans: Vec<Plan>,
}

/// The default user: the caller when the token is not a JWT with an `oid` (the id of the docs'
/// example `createdBy`).
pub(crate) const DEFAULT_USER_ID: &str = "6463a5ce-2119-4198-9f2a-628761df4a62";
/// The default user's display name.
pub(crate) const DEFAULT_USER_NAME: &str = "Dev User";
/// The plan of the docs' example request.
pub(crate) const EXAMPLE_PLAN_ID: &str = "xqQg5FS2LkCp935s-FIFm2QAFkHM";
/// The bucket of the docs' example request.
pub(crate) const EXAMPLE_BUCKET_ID: &str = "hsOf2dhOJkqyYYZEtdzDe2QAIUCR";

impl Seed {
    /// The built-in seed: the ids of the docs' examples, a second bucket, and a second plan whose
    /// bucket lets tests send "a bucket of another plan".
    pub(crate) fn builtin() -> Seed {
        let user = |id: &str, name: &str| User { id: id.to_owned(), display_name: name.to_owned() };
        let bucket = |id: &str, name: &str| Bucket { id: id.to_owned(), name: name.to_owned() };
        Seed {
            users: vec![
                user(DEFAULT_USER_ID, DEFAULT_USER_NAME),
                user("fbab97d0-4932-4511-b675-204639209557", "Alex Wilber"),
                user("8b081ef6-4792-4def-b2c9-c363a1bf41d5", "Megan Bowen"),
                user("e3d0513b-449e-4198-ba6f-bd97ae7cae85", "Adele Vance"),
                user("2ed03dfd-01d8-4005-a9ef-fa8ee546dc6c", "Lee Gu"),
            ],
            plans: vec![
                Plan {
                    id: EXAMPLE_PLAN_ID.to_owned(),
                    title: "Client onboarding".to_owned(),
                    buckets: vec![bucket(EXAMPLE_BUCKET_ID, "To do"), bucket("gcrYAaAkgU2EQUvpkNNXLGQAGTtu", "In progress")],
                },
                Plan {
                    id: "CONGZUWfGUu4msTgNP66e2UAAhu4".to_owned(),
                    title: "Product launch".to_owned(),
                    buckets: vec![bucket("qDtPxzqhnUyK3Rdb9Sj6qWUAGEvC", "Backlog"), bucket("Nd9Xb4dL1EyAqRkcWt7Zc2UADm5n", "Done")],
                },
            ],
        }
    }

    /// Checks ids: plan and bucket ids in Planner format and unique, user ids non-empty.
    pub(crate) fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for u in &self.users {
            if u.id.trim().is_empty() {
                return Err("a user has an empty id".into());
            }
        }
        for p in &self.plans {
            check_plan(p)?;
            for id in std::iter::once(&p.id).chain(p.buckets.iter().map(|b| &b.id)) {
                if !seen.insert(id.clone()) {
                    return Err(format!("id {id} appears twice"));
                }
            }
        }
        Ok(())
    }
}

/// Checks one plan's ids.
pub(crate) fn check_plan(p: &Plan) -> Result<(), String> {
    if !is_planner_id(&p.id) {
        return Err(format!("plan id {:?} is not a Planner id (28 characters of A-Z a-z 0-9 _ -)", p.id));
    }
    for b in &p.buckets {
        if !is_planner_id(&b.id) {
            return Err(format!("bucket id {:?} is not a Planner id (28 characters of A-Z a-z 0-9 _ -)", b.id));
        }
    }
    Ok(())
}

/// Which resource a stored task is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `plannerTask`.
    Planner,
    /// The 2015 beta `task`.
    Legacy,
}

impl Kind {
    /// The journal's name for it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Planner => "planner",
            Kind::Legacy => "legacy",
        }
    }
}

/// A created task.
#[derive(Clone, Debug)]
pub(crate) struct StoredTask {
    /// Its id.
    pub(crate) id: String,
    /// Its plan, when it has one (legacy tasks may not).
    pub(crate) plan_id: Option<String>,
    /// `percentComplete` below 100.
    pub(crate) active: bool,
    /// Planner or legacy.
    pub(crate) kind: Kind,
    /// The JSON object as answered, without `@odata.context`.
    pub(crate) body: String,
}

#[derive(Default)]
struct PlanTasks {
    tasks: Vec<usize>,
    active: usize,
}

/// Why a task cannot go into its plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LimitExceeded {
    /// 9000 tasks already.
    Tasks,
    /// 2400 active tasks already.
    ActiveTasks,
}

/// All data.
pub(crate) struct Store {
    seed: Seed,
    users: Vec<User>,
    plans: Vec<Plan>,
    plan_index: HashMap<String, usize>,
    bucket_plan: HashMap<String, String>,
    tasks: Vec<Option<StoredTask>>,
    task_index: HashMap<String, usize>,
    plan_tasks: HashMap<String, PlanTasks>,
}

impl Store {
    /// A store holding `seed` and no tasks.
    pub(crate) fn new(seed: Seed) -> Store {
        let mut s = Store {
            seed: Seed::default(),
            users: Vec::new(),
            plans: Vec::new(),
            plan_index: HashMap::new(),
            bucket_plan: HashMap::new(),
            tasks: Vec::new(),
            task_index: HashMap::new(),
            plan_tasks: HashMap::new(),
        };
        s.seed = seed;
        s.reset();
        s
    }

    /// Back to the seed: no tasks, no plans created at run time.
    pub(crate) fn reset(&mut self) {
        self.users = self.seed.users.clone();
        self.plans.clear();
        self.plan_index.clear();
        self.bucket_plan.clear();
        self.tasks.clear();
        self.task_index.clear();
        self.plan_tasks.clear();
        for p in self.seed.plans.clone() {
            self.add_plan(p);
        }
    }

    /// Adds a plan; false when its id (or a bucket id) is taken.
    pub(crate) fn add_plan(&mut self, plan: Plan) -> bool {
        if self.plan_index.contains_key(&plan.id) || plan.buckets.iter().any(|b| self.bucket_plan.contains_key(&b.id)) {
            return false;
        }
        for b in &plan.buckets {
            self.bucket_plan.insert(b.id.clone(), plan.id.clone());
        }
        self.plan_index.insert(plan.id.clone(), self.plans.len());
        self.plans.push(plan);
        true
    }

    /// Whether an id is in use by a plan or a bucket.
    pub(crate) fn id_taken(&self, id: &str) -> bool {
        self.plan_index.contains_key(id) || self.bucket_plan.contains_key(id) || self.task_index.contains_key(id)
    }

    /// Whether the plan exists.
    pub(crate) fn has_plan(&self, id: &str) -> bool {
        self.plan_index.contains_key(id)
    }

    /// The plan a bucket belongs to.
    pub(crate) fn bucket_plan(&self, bucket_id: &str) -> Option<&str> {
        self.bucket_plan.get(bucket_id).map(String::as_str)
    }

    /// A user's display name, when the seed knows the user.
    pub(crate) fn user_name(&self, id: &str) -> Option<&str> {
        self.users.iter().find(|u| u.id == id).map(|u| u.display_name.as_str())
    }

    /// Whether one more task (active or not) fits into the plan.
    pub(crate) fn check_limits(&self, plan_id: &str, active: bool) -> Result<(), LimitExceeded> {
        let Some(p) = self.plan_tasks.get(plan_id) else { return Ok(()) };
        if p.tasks.len() >= MAX_TASKS_IN_PLAN {
            return Err(LimitExceeded::Tasks);
        }
        if active && p.active >= MAX_ACTIVE_TASKS_IN_PLAN {
            return Err(LimitExceeded::ActiveTasks);
        }
        Ok(())
    }

    /// Stores a task; false when its id is taken.
    pub(crate) fn insert_task(&mut self, task: StoredTask) -> bool {
        if self.task_index.contains_key(&task.id) {
            return false;
        }
        let index = self.tasks.len();
        if let Some(plan) = &task.plan_id {
            let p = self.plan_tasks.entry(plan.clone()).or_default();
            p.tasks.push(index);
            if task.active {
                p.active += 1;
            }
        }
        self.task_index.insert(task.id.clone(), index);
        self.tasks.push(Some(task));
        true
    }

    /// Forgets a task (its journal write failed, so it was never acknowledged).
    pub(crate) fn remove_task(&mut self, id: &str) {
        let Some(index) = self.task_index.remove(id) else { return };
        if let Some(task) = self.tasks.get_mut(index).and_then(Option::take) {
            if let Some(p) = task.plan_id.as_ref().and_then(|plan| self.plan_tasks.get_mut(plan)) {
                p.tasks.retain(|&i| i != index);
                if task.active {
                    p.active = p.active.saturating_sub(1);
                }
            }
        }
    }

    /// A task by id.
    pub(crate) fn task(&self, id: &str) -> Option<&StoredTask> {
        self.task_index.get(id).and_then(|&i| self.tasks.get(i)).and_then(Option::as_ref)
    }

    /// The tasks of a plan in creation order.
    pub(crate) fn plan_tasks(&self, plan_id: &str) -> Vec<&StoredTask> {
        match self.plan_tasks.get(plan_id) {
            Some(p) => p.tasks.iter().filter_map(|&i| self.tasks.get(i).and_then(Option::as_ref)).collect(),
            None => Vec::new(),
        }
    }

    /// The number of stored tasks.
    pub(crate) fn tasks_stored(&self) -> usize {
        self.task_index.len()
    }

    /// Users and plans as they are now (seed plus plans created at run time).
    pub(crate) fn view(&self) -> Seed {
        Seed { users: self.users.clone(), plans: self.plans.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_seed_is_valid_and_has_the_example_ids() {
        let seed = Seed::builtin();
        seed.check().unwrap();
        let store = Store::new(seed);
        assert!(store.has_plan(EXAMPLE_PLAN_ID));
        assert_eq!(store.bucket_plan(EXAMPLE_BUCKET_ID), Some(EXAMPLE_PLAN_ID));
        assert_eq!(store.user_name("fbab97d0-4932-4511-b675-204639209557"), Some("Alex Wilber"));
        assert_eq!(store.user_name(DEFAULT_USER_ID), Some(DEFAULT_USER_NAME));
        let other = store.view().plans.into_iter().find(|p| p.id != EXAMPLE_PLAN_ID).unwrap();
        assert!(!other.buckets.is_empty());
    }

    fn task(id: &str, plan: &str, active: bool) -> StoredTask {
        StoredTask { id: id.into(), plan_id: Some(plan.into()), active, kind: Kind::Planner, body: "{}".into() }
    }

    #[test]
    fn limits_and_removal() {
        let mut s = Store::new(Seed::builtin());
        for i in 0..MAX_ACTIVE_TASKS_IN_PLAN {
            assert!(s.insert_task(task(&format!("a{i}"), "p", true)));
        }
        assert_eq!(s.check_limits("p", true), Err(LimitExceeded::ActiveTasks));
        assert_eq!(s.check_limits("p", false), Ok(()));
        s.remove_task("a0");
        assert_eq!(s.check_limits("p", true), Ok(()));
        assert!(s.task("a0").is_none());
        assert!(!s.insert_task(task("a1", "p", true)));
        for i in 0..(MAX_TASKS_IN_PLAN - MAX_ACTIVE_TASKS_IN_PLAN + 1) {
            assert!(s.insert_task(task(&format!("d{i}"), "p", false)));
        }
        assert_eq!(s.check_limits("p", false), Err(LimitExceeded::Tasks));
        assert_eq!(s.plan_tasks("p").len(), MAX_TASKS_IN_PLAN);
        s.reset();
        assert_eq!(s.tasks_stored(), 0);
    }
}
