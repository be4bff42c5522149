//! The seed: the users, plans and buckets the emulator starts with (`--seed FILE` or the built-in
//! one), in the shape `GET /_emulator/seed` answers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use graph_tasks::validate::is_planner_id;

/// A user the seed knows: `createdBy` names, `GET /users/{id | userPrincipalName}`, `/me`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct User {
    /// The user id (a GUID in Graph).
    pub(crate) id: String,
    /// The display name.
    pub(crate) display_name: String,
    /// `userPrincipalName` (`AlexW@contoso.com`), matched without regard to case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_principal_name: Option<String>,
    /// `mail`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) mail: Option<String>,
}

/// A Microsoft 365 group, which owns plans (`GET /groups/{id}/planner/plans`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Group {
    pub(crate) id: String,
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
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Plan {
    /// 28-character Planner id.
    pub(crate) id: String,
    /// The plan's title.
    pub(crate) title: String,
    /// Its buckets, in board order.
    #[serde(default)]
    pub(crate) buckets: Vec<Bucket>,
    /// The group that owns it (`container`); plans without one belong to no group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) group_id: Option<String>,
    /// The labels' names, `category1`..`category25` (plan details' `categoryDescriptions`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) categories: BTreeMap<String, String>,
}

/// The seed file's shape, which is also what `GET /_emulator/seed` returns.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Seed {
    /// Known users.
    #[serde(default)]
    pub(crate) users: Vec<User>,
    /// Groups that own plans.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) groups: Vec<Group>,
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

/// The group of the built-in seed, which owns its plans.
pub(crate) const EXAMPLE_GROUP_ID: &str = "ebf3b108-5234-4e22-b93d-656d7dae5874";

impl Seed {
    /// The built-in seed: the ids of the docs' examples; a group that owns two plans with several
    /// buckets and named labels; users with `userPrincipalName` and `mail`; and a second plan whose
    /// bucket lets tests send "a bucket of another plan".
    pub(crate) fn builtin() -> Seed {
        let user = |id: &str, name: &str, upn: &str| User {
            id: id.to_owned(),
            display_name: name.to_owned(),
            user_principal_name: Some(format!("{upn}@contoso.com")),
            mail: Some(format!("{upn}@contoso.com")),
        };
        let bucket = |id: &str, name: &str| Bucket { id: id.to_owned(), name: name.to_owned() };
        let labels = |names: &[&str]| names.iter().enumerate().map(|(i, n)| (format!("category{}", i + 1), (*n).to_owned())).collect();
        Seed {
            users: vec![
                user(DEFAULT_USER_ID, DEFAULT_USER_NAME, "DevUser"),
                user("fbab97d0-4932-4511-b675-204639209557", "Alex Wilber", "AlexW"),
                user("8b081ef6-4792-4def-b2c9-c363a1bf41d5", "Megan Bowen", "MeganB"),
                user("e3d0513b-449e-4198-ba6f-bd97ae7cae85", "Adele Vance", "AdeleV"),
                user("2ed03dfd-01d8-4005-a9ef-fa8ee546dc6c", "Lee Gu", "LeeG"),
            ],
            groups: vec![Group { id: EXAMPLE_GROUP_ID.to_owned(), display_name: "Contoso Marketing".to_owned() }],
            plans: vec![
                Plan {
                    id: EXAMPLE_PLAN_ID.to_owned(),
                    title: "Client onboarding".to_owned(),
                    buckets: vec![
                        bucket(EXAMPLE_BUCKET_ID, "To do"),
                        bucket("gcrYAaAkgU2EQUvpkNNXLGQAGTtu", "In progress"),
                        bucket("Ws2mT1YtIUaVq3Jd7Cq0nWUAKx9p", "Done"),
                    ],
                    group_id: Some(EXAMPLE_GROUP_ID.to_owned()),
                    categories: labels(&["Urgent", "Blocked", "Client", "Internal", "Waiting"]),
                },
                Plan {
                    id: "CONGZUWfGUu4msTgNP66e2UAAhu4".to_owned(),
                    title: "Product launch".to_owned(),
                    buckets: vec![
                        bucket("qDtPxzqhnUyK3Rdb9Sj6qWUAGEvC", "Backlog"),
                        bucket("Nd9Xb4dL1EyAqRkcWt7Zc2UADm5n", "Done"),
                        bucket("Rv8KcQ2xZUyGm1Tb4Hs6pWUAFn3e", "Review"),
                    ],
                    group_id: Some(EXAMPLE_GROUP_ID.to_owned()),
                    categories: labels(&["Urgent", "Blocked", "Marketing", "Design"]),
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
            if let Some(g) = &p.group_id {
                if !self.groups.iter().any(|group| &group.id == g) {
                    return Err(format!("plan {} names group {g}, which the seed does not list", p.id));
                }
            }
            for key in p.categories.keys() {
                let n = key.strip_prefix("category").and_then(|n| n.parse::<u32>().ok());
                if !n.is_some_and(|n| (1..=25).contains(&n)) || key.starts_with("category0") {
                    return Err(format!("plan {}: {key} is not category1..category25", p.id));
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_seed_is_valid_and_has_the_example_ids() {
        let seed = Seed::builtin();
        seed.check().unwrap();
        let plan = seed.plans.iter().find(|p| p.id == EXAMPLE_PLAN_ID).unwrap();
        assert!(plan.buckets.iter().any(|b| b.id == EXAMPLE_BUCKET_ID));
        assert!(seed.users.iter().any(|u| u.id == DEFAULT_USER_ID && u.display_name == DEFAULT_USER_NAME));
        let other = seed.plans.iter().find(|p| p.id != EXAMPLE_PLAN_ID).unwrap();
        assert!(!other.buckets.is_empty());
        let mut twice = seed.clone();
        twice.plans.push(seed.plans[0].clone());
        assert!(twice.check().is_err());
    }
}
