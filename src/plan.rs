//! Names instead of ids (issue 15): a plan, its buckets and labels read once, and a task input's
//! `bucket`, `assignees` and `labels` resolved against them.
//!
//! Pure: the wasm face ([`crate::wasm`]'s `openPlan`) sends the requests these functions build, hands
//! back what arrived, and applies a [`Resolved`] to its own copy of the caller's input. Everything that
//! decides (what a page holds, whether a next link may be followed, which bucket a name means, who
//! still needs a directory lookup, what every problem is) is here and tested natively.

use std::borrow::Cow;

use crate::contract::ClientCode;
use crate::details::is_guid;
use crate::error::{Error, Problem};
use crate::json::{JsonKind, JsonNode, JsonView};
use crate::request::push_path_segment;
use crate::schema::{category_number, Resource, ASSIGNMENT_ODATA_TYPE, FIRST_ORDER_HINT};
use crate::text::push_json_string;

/// The most pages of one list the client follows (a plan has at most a few hundred buckets; Planner
/// pages hold hundreds of items): past it the list is taken as endless.
pub const MAX_PAGES: usize = 100;

/// More people than this to look up at once go in `$batch` requests rather than one GET each.
pub const BATCH_LOOKUPS_OVER: usize = 4;

/// A plan as `GET /planner/plans/{id}` (or a group's plan list) gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanInfo {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The group that owns it (`container.containerId` of a group container, else the deprecated `owner`).
    pub group_id: Option<String>,
}

/// A bucket: its id and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// Everything names are resolved against: the plan, its buckets in board order, its named labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The plan.
    pub info: PlanInfo,
    /// Its buckets, every page, in the order the service listed them.
    pub buckets: Vec<Bucket>,
    /// Its named labels: `(N, name)` for `categoryN`, N from 1 to 25, in key order. Unnamed ones are absent.
    pub labels: Vec<(u32, String)>,
}

fn str_of<V: JsonView>(value: &V, key: &str) -> Option<String> {
    value.get(key).and_then(|v| v.as_str().map(Cow::into_owned))
}

fn wrong_shape(what: &str) -> Error {
    let mut m = String::from("The service's answer is not ");
    m.push_str(what);
    Error::invalid_response(ClientCode::WrongShape, m)
}

/// Reads a `plannerPlan`.
pub fn parse_plan<V: JsonView>(plan: &V) -> Result<PlanInfo, Error> {
    let id = str_of(plan, "id").filter(|id| !id.is_empty()).ok_or_else(|| wrong_shape("a plan with an id"))?;
    let container = plan.get("container").filter(|c| c.kind() == JsonKind::Object);
    let group_id = container
        .filter(|c| str_of(c, "type").is_some_and(|t| t.eq_ignore_ascii_case("group")))
        .and_then(|c| str_of(&c, "containerId"))
        .or_else(|| str_of(plan, "owner"))
        .filter(|g| !g.is_empty());
    Ok(PlanInfo { id, title: str_of(plan, "title").unwrap_or_default(), group_id })
}

/// Reads `plannerPlanDetails`: the named labels of `categoryDescriptions` (null and empty ones absent).
pub fn parse_labels<V: JsonView>(details: &V) -> Result<Vec<(u32, String)>, Error> {
    if details.kind() != JsonKind::Object {
        return Err(wrong_shape("plan details"));
    }
    let mut labels = Vec::new();
    if let Some(descriptions) = details.get("categoryDescriptions") {
        for (key, value) in descriptions.members() {
            if let (Some(n), Some(name)) = (category_number(Resource::PlannerTask, &key), value.as_str()) {
                if !name.is_empty() {
                    labels.push((n, name.into_owned()));
                }
            }
        }
    }
    // In key order (a hand-written insertion: the labels are at most 25, and a sort costs the wasm kilobytes).
    let mut ordered: Vec<(u32, String)> = Vec::with_capacity(labels.len());
    for label in labels {
        let at = ordered.iter().position(|(n, _)| *n > label.0).unwrap_or(ordered.len());
        ordered.insert(at, label);
    }
    Ok(ordered)
}

/// One page of a list: its items and the next page's URL, when there is one the client may follow.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// `@odata.nextLink`.
    pub next: Option<String>,
}

/// Reads one page of a list (`{"value": [...], "@odata.nextLink": "..."}`), each item through `item`.
///
/// The next link is followed only when it is on the origin of `base` (the base URL the client was
/// given): the token goes with it, and it must never travel to another host.
pub fn parse_page<V: JsonView, T>(
    page: &V,
    base: &str,
    item: impl Fn(&V) -> Result<T, Error>,
) -> Result<Page<T>, Error> {
    let value = page.get("value").filter(|v| v.kind() == JsonKind::Array).ok_or_else(|| wrong_shape("a list"))?;
    let items = value.items().iter().map(item).collect::<Result<Vec<T>, Error>>()?;
    let next = match page.get("@odata.nextLink") {
        None => None,
        Some(link) if link.kind() == JsonKind::Null => None,
        Some(link) => {
            let link = link.as_str().map(Cow::into_owned).unwrap_or_default();
            if !same_origin(&link, base) {
                return Err(Error::invalid_response(
                    ClientCode::ForeignNextLink,
                    "The service's @odata.nextLink leads to another origin than baseUrl: it is not followed, \
                     the token would go with it",
                ));
            }
            Some(link)
        }
    };
    Ok(Page { items, next })
}

/// Reads one bucket of a list.
pub fn parse_bucket<V: JsonView>(bucket: &V) -> Result<Bucket, Error> {
    let id = str_of(bucket, "id").filter(|id| !id.is_empty()).ok_or_else(|| wrong_shape("a bucket with an id"))?;
    Ok(Bucket { id, name: str_of(bucket, "name").unwrap_or_default() })
}

/// The origin (`scheme://authority`, lowercased) of an absolute http(s) URL.
fn origin(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"))?;
    let end = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#' | b'\\')).unwrap_or(rest.len());
    let scheme_len = lower.len() - rest.len();
    lower.get(..scheme_len + end).map(str::to_owned)
}

/// Whether `link` is an absolute URL on the origin of `base`, with a path after it, and nothing a URL
/// parser could read another way (spaces, controls, backslashes, user info).
pub fn same_origin(link: &str, base: &str) -> bool {
    if link.bytes().any(|b| b <= 0x20 || b == 0x7f || b == b'\\') {
        return false;
    }
    match (origin(link), origin(base)) {
        (Some(a), Some(b)) => {
            a == b && !a.as_bytes().contains(&b'@') && link.as_bytes().get(a.len()).is_some_and(|b| *b == b'/')
        }
        _ => false,
    }
}

/// `{base}/planner/plans/{id}`.
pub fn plan_url(base: &str, plan_id: &str) -> String {
    let mut url = String::from(base);
    url.push_str("/planner/plans/");
    push_path_segment(&mut url, plan_id);
    url
}

/// `{base}/planner/plans/{id}/details`.
pub fn plan_details_url(base: &str, plan_id: &str) -> String {
    let mut url = plan_url(base, plan_id);
    url.push_str("/details");
    url
}

/// `{base}/planner/plans/{id}/buckets`.
pub fn buckets_url(base: &str, plan_id: &str) -> String {
    let mut url = plan_url(base, plan_id);
    url.push_str("/buckets");
    url
}

/// `{base}/groups/{id}/planner/plans`.
pub fn group_plans_url(base: &str, group_id: &str) -> String {
    let mut url = String::from(base);
    url.push_str("/groups/");
    push_path_segment(&mut url, group_id);
    url.push_str("/planner/plans");
    url
}

/// The path (below the version) that looks a person up by userPrincipalName: `/users/{upn}`, or
/// `/users('{upn}')` for one that starts with `$`, which user-get.md says the plain form refuses;
/// `$select=id`, the one property used (a `$select` also lowers the request's throttling cost).
pub fn user_path(upn: &str) -> String {
    let mut path = String::from("/users");
    if upn.starts_with('$') {
        path.push_str("('");
        let mut quoted = String::with_capacity(upn.len());
        for c in upn.chars() {
            if c == '\'' {
                quoted.push('\'');
            }
            quoted.push(c);
        }
        push_path_segment(&mut path, &quoted);
        path.push_str("')");
    } else {
        path.push('/');
        push_path_segment(&mut path, upn);
    }
    path.push_str("?$select=id");
    path
}

/// The path (below the version) that looks a person up by mail: `/users?$filter=mail eq '…'`.
pub fn mail_filter_path(mail: &str) -> String {
    let mut filter = String::from("mail eq '");
    for c in mail.chars() {
        if c == '\'' {
            filter.push('\'');
        }
        filter.push(c);
    }
    filter.push('\'');
    let mut path = String::from("/users?$filter=");
    push_path_segment(&mut path, &filter);
    path.push_str("&$select=id,mail");
    path
}

/// The user id in the answer to `GET /users/{upn}` (a 200).
pub fn parse_user<V: JsonView>(user: &V) -> Result<String, Error> {
    str_of(user, "id").filter(|id| !id.is_empty()).ok_or_else(|| wrong_shape("a user with an id"))
}

/// What the directory said about one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Person {
    /// This user id.
    Found(String),
    /// Nobody: a 404 from `/users/{upn}` and nobody with that mail.
    Unknown,
    /// Several users have that mail.
    Ambiguous(usize),
}

/// Reads the answer to a mail lookup (a 200 with `value`).
pub fn parse_mail_lookup<V: JsonView>(answer: &V) -> Result<Person, Error> {
    let value = answer.get("value").filter(|v| v.kind() == JsonKind::Array).ok_or_else(|| wrong_shape("a list"))?;
    let users = value.items();
    match users.as_slice() {
        [] => Ok(Person::Unknown),
        [one] => parse_user(one).map(Person::Found),
        many => Ok(Person::Ambiguous(many.len())),
    }
}

/// People looked up so far by one plan handle, by what the caller wrote (compared without ASCII case,
/// as userPrincipalNames and mail addresses are).
#[derive(Clone, Debug, Default)]
pub struct PeopleCache {
    known: Vec<(String, Person)>,
}

impl PeopleCache {
    /// What is known about `who`.
    pub fn get(&self, who: &str) -> Option<&Person> {
        self.known.iter().find(|(k, _)| k.eq_ignore_ascii_case(who)).map(|(_, p)| p)
    }

    /// Records what the directory said about `who`.
    pub fn insert(&mut self, who: &str, person: Person) {
        match self.known.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(who)) {
            Some(slot) => slot.1 = person,
            None => self.known.push((who.to_owned(), person)),
        }
    }

    /// How many people are known.
    pub fn len(&self) -> usize {
        self.known.len()
    }

    /// Whether nobody is known yet.
    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }
}

/// Whether an assignee as written needs a directory lookup: a user id (a GUID) does not.
pub fn needs_lookup(who: &str) -> bool {
    !is_guid(who)
}

/// The people of `inputs` (their `assignees`) that need a lookup and are not in `cache`: each once, in
/// the order they first appear.
pub fn people_to_look_up<V: JsonView>(inputs: &[V], cache: &PeopleCache) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for input in inputs {
        let Some(assignees) = input.get("assignees") else { continue };
        for who in assignees.items() {
            let Some(who) = who.as_str() else { continue };
            if !who.is_empty()
                && needs_lookup(&who)
                && cache.get(&who).is_none()
                && !out.iter().any(|o| o.eq_ignore_ascii_case(&who))
            {
                out.push(who.into_owned());
            }
        }
    }
    out
}

/// The members of a plan task input that are names, which the resolved task does not carry.
pub const NAME_FIELDS: [&str; 3] = ["bucket", "assignees", "labels"];

/// What a task input's names resolved to, for the face to apply to its copy of the input: remove
/// [`NAME_FIELDS`], set `planId` to the plan's, `bucketId`, one assignment per user id (with
/// `@odata.type` and the order hint `" !"`, unless the input's `assignments` has it already), and
/// `appliedCategories.categoryN = true` for each label.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    /// The bucket, when `bucket` was given.
    pub bucket_id: Option<String>,
    /// The assignees' user ids, each once.
    pub assignees: Vec<String>,
    /// The labels' numbers (`N` of `categoryN`), each once.
    pub categories: Vec<u32>,
}

/// How names are compared without case: a lowercasing function. The wasm face passes JavaScript's own
/// `toLowerCase` (so that the wasm carries no Unicode tables); natively, [`lowercase`].
pub type Fold<'a> = &'a dyn Fn(&str) -> String;

/// Unicode lowercase, the [`Fold`] of native callers and tests.
pub fn lowercase(text: &str) -> String {
    text.to_lowercase()
}

fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    out.push_str(text);
    out.push('"');
}

fn push_list<'a>(out: &mut String, names: impl Iterator<Item = &'a str>) {
    let mut any = false;
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_quoted(out, name);
        any = true;
    }
    if !any {
        out.push_str("none");
    }
}

fn indexed(field: &str, i: usize) -> String {
    let mut f = String::from(field);
    f.push('[');
    crate::text::push_decimal(&mut f, i as u64);
    f.push(']');
    f
}

/// Resolves the names of one task input against `plan` and the people looked up so far. Every problem
/// is returned at once, one per name, each listing what does exist.
pub fn resolve_task<V: JsonView>(
    input: &V,
    plan: &Plan,
    people: &PeopleCache,
    fold: Fold<'_>,
) -> Result<Resolved, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut resolved = Resolved::default();
    if input.kind() != JsonKind::Object {
        return Err(vec![Problem::new("", "must be an object")]);
    }
    if let Some(plan_id) = input.get("planId") {
        if plan_id.as_str().as_deref() != Some(plan.info.id.as_str()) {
            let mut m = String::from("is the plan's own (");
            m.push_str(&plan.info.id);
            m.push_str("): leave it out");
            problems.push(Problem::new("planId", m));
        }
    }
    if let Some(bucket) = input.get("bucket") {
        if input.get("bucketId").is_some() {
            problems.push(Problem::new("bucket", "give bucket or bucketId, not both"));
        } else {
            match bucket.as_str() {
                None => problems.push(Problem::new("bucket", "must be a bucket's name or id")),
                Some(name) => match resolve_bucket(&name, plan, fold) {
                    Ok(id) => resolved.bucket_id = Some(id),
                    Err(m) => problems.push(Problem::new("bucket", m)),
                },
            }
        }
    }
    if let Some(assignees) = input.get("assignees") {
        if assignees.kind() != JsonKind::Array {
            problems.push(Problem::new("assignees", "must be an array of user ids, userPrincipalNames or emails"));
        }
        for (i, who) in assignees.items().iter().enumerate() {
            let Some(who) = who.as_str().filter(|w| !w.is_empty()) else {
                problems.push(Problem::new(indexed("assignees", i), "must be a user id, userPrincipalName or email"));
                continue;
            };
            let id = if needs_lookup(&who) {
                match people.get(&who) {
                    Some(Person::Found(id)) => id.clone(),
                    Some(Person::Ambiguous(n)) => {
                        let mut m = String::from("is the mail of ");
                        crate::text::push_decimal(&mut m, *n as u64);
                        m.push_str(" users: give the userPrincipalName or the user id");
                        problems.push(Problem::new(indexed("assignees", i), m));
                        continue;
                    }
                    other => {
                        let mut m = String::from(if other.is_some() {
                            "the directory knows no user with this userPrincipalName or mail: "
                        } else {
                            "was not looked up: "
                        });
                        push_quoted(&mut m, &who);
                        problems.push(Problem::new(indexed("assignees", i), m));
                        continue;
                    }
                }
            } else {
                who.into_owned()
            };
            if !resolved.assignees.contains(&id) {
                resolved.assignees.push(id);
            }
        }
    }
    if let Some(labels) = input.get("labels") {
        if labels.kind() != JsonKind::Array {
            problems.push(Problem::new("labels", "must be an array of label names or categoryN keys"));
        }
        for (i, label) in labels.items().iter().enumerate() {
            let Some(label) = label.as_str() else {
                problems.push(Problem::new(indexed("labels", i), "must be a label's name or a categoryN key"));
                continue;
            };
            match resolve_label(&label, plan, fold) {
                Ok(n) => {
                    if !resolved.categories.contains(&n) {
                        resolved.categories.push(n);
                    }
                }
                Err(m) => problems.push(Problem::new(indexed("labels", i), m)),
            }
        }
    }
    if problems.is_empty() {
        Ok(resolved)
    } else {
        Err(problems)
    }
}

fn resolve_bucket(name: &str, plan: &Plan, fold: Fold<'_>) -> Result<String, String> {
    if let Some(b) = plan.buckets.iter().find(|b| b.id == name) {
        return Ok(b.id.clone());
    }
    let folded = fold(name);
    let matches: Vec<&Bucket> = plan.buckets.iter().filter(|b| fold(&b.name) == folded).collect();
    match matches.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => {
            let mut m = String::from("no bucket is named ");
            push_quoted(&mut m, name);
            m.push_str("; the plan's buckets are ");
            push_list(&mut m, plan.buckets.iter().map(|b| b.name.as_str()));
            Err(m)
        }
        many => {
            let mut m = String::from("several buckets are named ");
            push_quoted(&mut m, name);
            m.push_str(": give one of their ids, ");
            push_list(&mut m, many.iter().map(|b| b.id.as_str()));
            Err(m)
        }
    }
}

fn resolve_label(label: &str, plan: &Plan, fold: Fold<'_>) -> Result<u32, String> {
    if let Some(n) = category_number(Resource::PlannerTask, label) {
        return Ok(n);
    }
    let folded = fold(label);
    let matches: Vec<u32> = plan.labels.iter().filter(|(_, l)| fold(l) == folded).map(|(n, _)| *n).collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => {
            let mut m = String::from("no label is named ");
            push_quoted(&mut m, label);
            m.push_str("; the plan's labels are ");
            push_list(&mut m, plan.labels.iter().map(|(_, l)| l.as_str()));
            Err(m)
        }
        many => {
            let mut m = String::from("several labels are named ");
            push_quoted(&mut m, label);
            m.push_str(": give one of their keys, ");
            let keys: Vec<String> = many.iter().map(|n| category_key(*n)).collect();
            push_list(&mut m, keys.iter().map(String::as_str));
            Err(m)
        }
    }
}

/// `categoryN`.
pub fn category_key(n: u32) -> String {
    let mut key = String::from("category");
    crate::text::push_decimal(&mut key, u64::from(n));
    key
}

/// The plain plannerTask of a task input (`input`, the client's copy) once its names resolved to
/// `resolved`, as JSON text: without [`NAME_FIELDS`], with the plan's `planId` and the resolved
/// `bucketId`, one assignment per resolved user id that the input's `assignments` lacks (with
/// `@odata.type` and the order hint `" !"`), and `appliedCategories.categoryN: true` for each label.
/// Members the client sets replace the input's and come after the others; everything else is written
/// as it was read. An `assignments` or `appliedCategories` that is not an object is left as the caller
/// gave it, for validation to report.
pub fn resolved_task_text(input: &JsonNode<'_>, plan_id: &str, resolved: &Resolved) -> String {
    let is_object = |name: &str| input.get(name).map(|v| v.kind());
    let assignments = is_object("assignments");
    let categories = is_object("appliedCategories");
    let new_assignees: Vec<&String> =
        resolved.assignees.iter().filter(|id| input.get("assignments").and_then(|a| a.get(id)).is_none()).collect();
    let category_keys: Vec<String> = resolved.categories.iter().map(|n| category_key(*n)).collect();
    let mut assignment = String::from("{\"@odata.type\":");
    push_json_string(&mut assignment, ASSIGNMENT_ODATA_TYPE);
    assignment.push_str(",\"orderHint\":");
    push_json_string(&mut assignment, FIRST_ORDER_HINT);
    assignment.push('}');
    let push_assignments = |out: &mut String, first: bool| {
        push_pairs(out, first, new_assignees.iter().map(|id| (id.as_str(), &*assignment)))
    };
    let push_categories =
        |out: &mut String, first: bool| push_pairs(out, first, category_keys.iter().map(|key| (key.as_str(), "true")));
    let mut out = String::new();
    input.write_members(
        &mut out,
        &mut |path, key| match path {
            [] => NAME_FIELDS.contains(&key) || key == "planId" || (key == "bucketId" && resolved.bucket_id.is_some()),
            [parent] if parent == "appliedCategories" => category_keys.iter().any(|k| k == key),
            _ => false,
        },
        &mut |path, out| match path {
            [] => {
                out.push_str(",\"planId\":");
                push_json_string(out, plan_id);
                if let Some(bucket) = &resolved.bucket_id {
                    out.push_str(",\"bucketId\":");
                    push_json_string(out, bucket);
                }
                if assignments.is_none() && !new_assignees.is_empty() {
                    out.push_str(",\"assignments\":{");
                    push_assignments(out, true);
                    out.push('}');
                }
                if categories.is_none() && !category_keys.is_empty() {
                    out.push_str(",\"appliedCategories\":{");
                    push_categories(out, true);
                    out.push('}');
                }
            }
            [parent] if parent == "assignments" && assignments == Some(JsonKind::Object) => {
                push_assignments(out, false)
            }
            [parent] if parent == "appliedCategories" && categories == Some(JsonKind::Object) => {
                push_categories(out, false)
            }
            _ => {}
        },
    );
    out
}

/// Writes `"key":value` pairs (each value JSON text already), the first after a comma unless `first`.
fn push_pairs<'a>(out: &mut String, first: bool, pairs: impl Iterator<Item = (&'a str, &'a str)>) {
    for (i, (key, value)) in pairs.enumerate() {
        if i > 0 || !first {
            out.push(',');
        }
        push_json_string(out, key);
        out.push(':');
        out.push_str(value);
    }
}

/// The plan of `plans` (a group's) titled `title`, compared without case: none, or more than one, is
/// a validation error (field `title`) listing the candidates.
pub fn match_plan_title(plans: &[PlanInfo], title: &str, fold: Fold<'_>) -> Result<PlanInfo, Error> {
    let folded = fold(title);
    let matches: Vec<&PlanInfo> = plans.iter().filter(|p| fold(&p.title) == folded).collect();
    let message = match matches.as_slice() {
        [one] => return Ok((*one).clone()),
        [] => {
            let mut m = String::from("the group has no plan titled ");
            push_quoted(&mut m, title);
            m.push_str("; its plans are ");
            push_list(&mut m, plans.iter().map(|p| p.title.as_str()));
            m
        }
        many => {
            let mut m = String::from("several of the group's plans are titled ");
            push_quoted(&mut m, title);
            m.push_str(": open one by planId, ");
            push_list(&mut m, many.iter().map(|p| p.id.as_str()));
            m
        }
    };
    let mut e = Error::validation(vec![Problem::new("title", message)]);
    e.message = String::from("The plan was not opened: ");
    if let Some(p) = e.problems.first() {
        e.message.push_str(&p.message);
    }
    Err(e)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_resolved_task_is_written_with_the_members_the_client_sets() {
        use crate::json::JsonTree;
        let number = |n: &str| n.parse().unwrap();
        let resolved = super::Resolved {
            bucket_id: Some("b1".into()),
            assignees: vec!["u1".into(), "u2".into()],
            categories: vec![3, 7],
        };
        let input = JsonTree::parse(
            r#"{"title":"t","bucket":"Doing","assignees":["ann"],"labels":["Red"],"planId":"p","assignments":{"u1":{"orderHint":"x!"}},"appliedCategories":{"category3":false,"category1":true}}"#,
            number,
        )
        .unwrap();
        let text = super::resolved_task_text(&input.root(), "p", &resolved);
        assert_eq!(
            text,
            r##"{"title":"t","assignments":{"u1":{"orderHint":"x!"},"u2":{"@odata.type":"#microsoft.graph.plannerAssignment","orderHint":" !"}},"appliedCategories":{"category1":true,"category3":true,"category7":true},"planId":"p","bucketId":"b1"}"##
        );
        // Neither container given: both are added; an empty input gets the plan's id alone.
        let bare = JsonTree::parse(r#"{"title":"t"}"#, number).unwrap();
        let text = super::resolved_task_text(&bare.root(), "p", &resolved);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["assignments"]["u2"]["orderHint"], " !");
        assert_eq!(value["appliedCategories"]["category7"], true);
        let empty = JsonTree::parse("{}", number).unwrap();
        assert_eq!(super::resolved_task_text(&empty.root(), "p", &super::Resolved::default()), r#"{"planId":"p"}"#);
        // A container that is not an object is left for validation to report.
        let odd = JsonTree::parse(r#"{"assignments":[1]}"#, number).unwrap();
        assert!(super::resolved_task_text(&odd.root(), "p", &resolved).contains(r#""assignments":[1]"#));
    }

    use super::*;
    use crate::error::ErrorKind;
    use serde_json::{json, Value};

    fn plan() -> Plan {
        Plan {
            info: PlanInfo { id: "plan1".into(), title: "Client onboarding".into(), group_id: Some("g".into()) },
            buckets: vec![
                Bucket { id: "b1".into(), name: "To do".into() },
                Bucket { id: "b2".into(), name: "In progress".into() },
                Bucket { id: "b3".into(), name: "Done".into() },
                Bucket { id: "b4".into(), name: "DONE".into() },
                Bucket { id: "b5".into(), name: "Überprüfen".into() },
            ],
            labels: vec![(1, "Urgent".into()), (2, "Blocked".into()), (7, "Client".into()), (9, "client".into())],
        }
    }

    fn people() -> PeopleCache {
        let mut c = PeopleCache::default();
        c.insert("AlexW@contoso.com", Person::Found("alex-id".into()));
        c.insert("megan@contoso.com", Person::Found("megan-id".into()));
        c.insert("nobody@contoso.com", Person::Unknown);
        c.insert("team@contoso.com", Person::Ambiguous(2));
        c
    }

    fn resolve(input: Value) -> Result<Resolved, Vec<Problem>> {
        resolve_task(&&input, &plan(), &people(), &lowercase)
    }

    #[test]
    fn plans_and_their_groups() {
        let p = json!({ "id": "p", "title": "T", "owner": "old",
            "container": { "@odata.type": "microsoft.graph.plannerPlanContainer", "containerId": "g", "type": "group" } });
        assert_eq!(
            parse_plan(&&p).unwrap(),
            PlanInfo { id: "p".into(), title: "T".into(), group_id: Some("g".into()) }
        );
        let p = json!({ "id": "p", "title": "T", "owner": "old" });
        assert_eq!(parse_plan(&&p).unwrap().group_id.as_deref(), Some("old"));
        let p = json!({ "id": "p", "container": { "containerId": "r", "type": "roster" } });
        assert_eq!(parse_plan(&&p).unwrap(), PlanInfo { id: "p".into(), title: String::new(), group_id: None });
        let e = parse_plan(&&json!({ "title": "x" })).unwrap_err();
        assert_eq!((e.kind, e.code.as_deref()), (ErrorKind::InvalidResponse, Some("wrongShape")));
    }

    #[test]
    fn labels_are_the_named_categories() {
        let mut descriptions = serde_json::Map::new();
        for n in 1..=25 {
            descriptions.insert(format!("category{n}"), Value::Null);
        }
        descriptions.insert("category3".into(), json!("Blocked"));
        descriptions.insert("category25".into(), json!("Last"));
        descriptions.insert("category1".into(), json!("Urgent"));
        descriptions.insert("category2".into(), json!(""));
        descriptions.insert("category26".into(), json!("Beyond"));
        descriptions.insert("@odata.type".into(), json!("x"));
        let details = json!({ "id": "p", "categoryDescriptions": descriptions, "sharedWith": {} });
        assert_eq!(
            parse_labels(&&details).unwrap(),
            vec![(1, "Urgent".into()), (3, "Blocked".into()), (25, "Last".into())]
        );
        assert_eq!(parse_labels(&&json!({ "id": "p" })).unwrap(), vec![]);
        assert!(parse_labels(&&json!([1])).is_err());
    }

    #[test]
    fn pages_follow_only_same_origin_links() {
        let base = "http://127.0.0.1:8787/v1.0";
        let page = json!({ "value": [{ "id": "b1", "name": "To do" }, { "id": "b2" }],
            "@odata.nextLink": "http://127.0.0.1:8787/v1.0/planner/plans/p/buckets?$skiptoken=2" });
        let p = parse_page(&&page, base, parse_bucket).unwrap();
        assert_eq!(p.items[0], Bucket { id: "b1".into(), name: "To do".into() });
        assert_eq!(p.items[1].name, "");
        assert_eq!(p.next.as_deref(), Some("http://127.0.0.1:8787/v1.0/planner/plans/p/buckets?$skiptoken=2"));
        let last = json!({ "value": [], "@odata.nextLink": null });
        assert!(parse_page(&&last, base, parse_bucket).unwrap().next.is_none());
        for foreign in [
            "https://127.0.0.1:8787/v1.0/x",
            "http://127.0.0.1:8788/v1.0/x",
            "http://127.0.0.1:8787@evil.example/x",
            "http://127.0.0.1:8787.evil.example/x",
            "http://evil.example/v1.0/x",
            "//evil.example/x",
            "/v1.0/x",
            "http://127.0.0.1:8787\\@evil.example/x",
            "http://127.0.0.1:8787/v1.0/x y",
            "",
        ] {
            let page = json!({ "value": [], "@odata.nextLink": foreign });
            let e = parse_page(&&page, base, parse_bucket).unwrap_err();
            assert_eq!(e.code.as_deref(), Some("foreignNextLink"), "{foreign}");
        }
        assert!(same_origin("HTTPS://Graph.Microsoft.com/v1.0/x", "https://graph.microsoft.com/v1.0"));
        assert!(parse_page(&&json!({ "value": [{ "name": "no id" }] }), base, parse_bucket).is_err());
        assert!(parse_page(&&json!({ "items": [] }), base, parse_bucket).is_err());
    }

    #[test]
    fn urls_encode_each_segment() {
        let base = "https://graph.microsoft.com/v1.0";
        assert_eq!(plan_url(base, "a/b"), "https://graph.microsoft.com/v1.0/planner/plans/a%2Fb");
        assert_eq!(plan_details_url(base, "p"), "https://graph.microsoft.com/v1.0/planner/plans/p/details");
        assert_eq!(buckets_url(base, "p"), "https://graph.microsoft.com/v1.0/planner/plans/p/buckets");
        assert_eq!(group_plans_url(base, "g?x"), "https://graph.microsoft.com/v1.0/groups/g%3Fx/planner/plans");
        assert_eq!(user_path("AlexW@contoso.com"), "/users/AlexW%40contoso.com?$select=id");
        assert_eq!(user_path("$x'@y.com"), "/users('%24x%27%27%40y.com')?$select=id");
        assert_eq!(user_path("a#b@c.com"), "/users/a%23b%40c.com?$select=id");
        assert_eq!(
            mail_filter_path("o'neil@contoso.com"),
            "/users?$filter=mail%20eq%20%27o%27%27neil%40contoso.com%27&$select=id,mail"
        );
    }

    #[test]
    fn lookups_read_users_and_mail_lists() {
        assert_eq!(parse_user(&&json!({ "id": "u1", "mail": "a@b" })).unwrap(), "u1");
        assert!(parse_user(&&json!({ "mail": "a@b" })).is_err());
        assert_eq!(parse_mail_lookup(&&json!({ "value": [] })).unwrap(), Person::Unknown);
        assert_eq!(parse_mail_lookup(&&json!({ "value": [{ "id": "u" }] })).unwrap(), Person::Found("u".into()));
        assert_eq!(
            parse_mail_lookup(&&json!({ "value": [{ "id": "u" }, { "id": "v" }] })).unwrap(),
            Person::Ambiguous(2)
        );
        assert!(parse_mail_lookup(&&json!({})).is_err());
    }

    #[test]
    fn who_needs_a_lookup() {
        let inputs = [
            json!({ "assignees": ["AlexW@contoso.com", "fbab97d0-4932-4511-b675-204639209557", "lee@contoso.com"] }),
            json!({ "assignees": ["alexw@CONTOSO.com", "LEE@contoso.com", "new@contoso.com", 5, ""] }),
            json!({ "title": "no assignees" }),
        ];
        let views: Vec<&Value> = inputs.iter().collect();
        assert_eq!(people_to_look_up(&views, &people()), vec!["lee@contoso.com", "new@contoso.com"]);
        assert!(!needs_lookup("FBAB97D0-4932-4511-B675-204639209557"));
        let mut c = PeopleCache::default();
        assert!(c.is_empty());
        c.insert("a@b", Person::Unknown);
        c.insert("A@B", Person::Found("x".into()));
        assert_eq!((c.len(), c.get("a@B")), (1, Some(&Person::Found("x".into()))));
    }

    #[test]
    fn names_resolve_without_case() {
        let r = resolve(json!({
            "title": "t",
            "bucket": "in PROGRESS",
            "assignees": ["alexw@contoso.com", "8b081ef6-4792-4def-b2c9-c363a1bf41d5", "AlexW@contoso.com", "megan@contoso.com"],
            "labels": ["urgent", "category3", "Urgent", "category25"],
        }))
        .unwrap();
        assert_eq!(r.bucket_id.as_deref(), Some("b2"));
        assert_eq!(r.assignees, vec!["alex-id", "8b081ef6-4792-4def-b2c9-c363a1bf41d5", "megan-id"]);
        assert_eq!(r.categories, vec![1, 3, 25]);
        assert_eq!(resolve(json!({ "bucket": "b3" })).unwrap().bucket_id.as_deref(), Some("b3"));
        assert_eq!(resolve(json!({ "bucket": "ÜBERPRÜFEN" })).unwrap().bucket_id.as_deref(), Some("b5"));
        assert_eq!(resolve(json!({ "planId": "plan1", "title": "t" })).unwrap(), Resolved::default());
    }

    #[test]
    fn names_compare_exactly_but_for_case() {
        let problems = resolve(json!({ "bucket": "To do " })).unwrap_err();
        assert_eq!(problems[0].field, "bucket");
        let problems = resolve(json!({ "labels": ["Urgent!"] })).unwrap_err();
        assert_eq!(problems[0].field, "labels[0]");
    }

    #[test]
    fn every_problem_at_once_listing_what_exists() {
        let problems = resolve(json!({
            "planId": "other",
            "bucket": "Doing",
            "assignees": ["AlexW@contoso.com", 7, "nobody@contoso.com", "team@contoso.com", "unseen@contoso.com"],
            "labels": ["Urgent", "Nope", "client", "category26", false],
        }))
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "planId",
                "bucket",
                "assignees[1]",
                "assignees[2]",
                "assignees[3]",
                "assignees[4]",
                "labels[1]",
                "labels[2]",
                "labels[3]",
                "labels[4]"
            ]
        );
        assert_eq!(
            problems[1].message,
            "no bucket is named \"Doing\"; the plan's buckets are \"To do\", \"In progress\", \"Done\", \"DONE\", \"Überprüfen\""
        );
        assert_eq!(
            problems[3].message,
            "the directory knows no user with this userPrincipalName or mail: \"nobody@contoso.com\""
        );
        assert!(problems[4].message.contains("2 users"));
        assert!(problems[5].message.starts_with("was not looked up"));
        assert_eq!(
            problems[6].message,
            "no label is named \"Nope\"; the plan's labels are \"Urgent\", \"Blocked\", \"Client\", \"client\""
        );
        assert_eq!(
            problems[7].message,
            "several labels are named \"client\": give one of their keys, \"category7\", \"category9\""
        );
        let problems = resolve(json!({ "bucket": "done" })).unwrap_err();
        assert_eq!(problems[0].message, "several buckets are named \"done\": give one of their ids, \"b3\", \"b4\"");
        let problems = resolve(json!({ "bucket": "To do", "bucketId": "b1" })).unwrap_err();
        assert_eq!(problems[0].message, "give bucket or bucketId, not both");
        let problems = resolve(json!({ "bucket": 3, "assignees": "a@b", "labels": {} })).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, vec!["bucket", "assignees", "labels"]);
        assert_eq!(resolve(json!([1])).unwrap_err()[0].message, "must be an object");
        let empty = Plan { buckets: vec![], labels: vec![], ..plan() };
        let problems =
            resolve_task(&&json!({ "bucket": "x", "labels": ["y"] }), &empty, &people(), &lowercase).unwrap_err();
        assert!(problems[0].message.ends_with("buckets are none"));
        assert!(problems[1].message.ends_with("labels are none"));
    }

    #[test]
    fn plan_titles_match_without_case() {
        let plans = vec![
            PlanInfo { id: "p1".into(), title: "Client onboarding".into(), group_id: None },
            PlanInfo { id: "p2".into(), title: "Launch".into(), group_id: None },
            PlanInfo { id: "p3".into(), title: "launch".into(), group_id: None },
        ];
        assert_eq!(match_plan_title(&plans, "CLIENT onboarding", &lowercase).unwrap().id, "p1");
        let e = match_plan_title(&plans, "Nope", &lowercase).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        assert_eq!(e.problems[0].field, "title");
        assert_eq!(
            e.problems[0].message,
            "the group has no plan titled \"Nope\"; its plans are \"Client onboarding\", \"Launch\", \"launch\""
        );
        let e = match_plan_title(&plans, "LAUNCH", &lowercase).unwrap_err();
        assert_eq!(
            e.problems[0].message,
            "several of the group's plans are titled \"LAUNCH\": open one by planId, \"p2\", \"p3\""
        );
        assert!(e.message.starts_with("The plan was not opened: "));
    }
}
