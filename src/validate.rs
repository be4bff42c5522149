//! Every rule the service documents for a create, checked before anything is sent.
//!
//! The same function serves the client (which fills in what the docs say a client must send, and
//! refuses the rest) and the emulator (which, like the service, refuses what is missing). All problems
//! are reported at once.

use crate::datetime::{parse_date, parse_datetime_offset};
use crate::error::Problem;
use crate::json::{as_integer, JsonKind, JsonView};
use crate::schema::{self, Access, FieldType, Resource, ASSIGNMENT_ODATA_TYPE};

/// The service's limit on assignees per task (`MaximumAssigneesInTasks`, planner-limits.md).
pub const MAX_ASSIGNEES: usize = 20;
#[doc(hidden)]
pub use crate::service::{is_planner_id, MAX_ACTIVE_TASKS_IN_PLAN, MAX_TASKS_IN_PLAN};

/// Who is validating: the rules are the same, the response to a missing assignment field differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The client fills in an assignment's missing `@odata.type` and `orderHint` (see [`AssignmentFix`])
    /// and refuses more than [`MAX_ASSIGNEES`] assignees before sending.
    Client,
    /// The service refuses a missing `@odata.type` or `orderHint` (400), properties the resource does
    /// not declare, and `planId`/`bucketId` values that are not Planner ids; it leaves the assignee
    /// count to its 403 limit check.
    Service,
}

/// What the client adds to one assignment before sending, as the docs require.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignmentFix {
    /// The assignee's user id (the key in `assignments`).
    pub user_id: String,
    /// Add `"@odata.type": "#microsoft.graph.plannerAssignment"`.
    pub add_odata_type: bool,
    /// Add `"orderHint": " !"`.
    pub add_order_hint: bool,
}

/// Checks a task for a create. On success, returns the assignment fields the client must fill in
/// (always empty in [`Mode::Service`]).
pub fn validate_create<V: JsonView>(
    task: &V,
    resource: Resource,
    mode: Mode,
) -> Result<Vec<AssignmentFix>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut fixes = Vec::new();
    if task.kind() != JsonKind::Object {
        problems.push(Problem::new("", must_be("an object", task.kind())));
        return Err(problems);
    }

    for (name, value) in task.members() {
        let Some(field) = resource.field(&name) else {
            // The client lets properties it does not know pass through (the service may know them);
            // the service refuses them. Annotations (`@odata.type`, `x@odata.bind`) are not properties.
            if mode == Mode::Service && !name.contains('@') {
                let message = match resource {
                    Resource::PlannerTask => "is not a property of microsoft.graph.plannerTask",
                    Resource::LegacyTask => "is not a property of microsoft.graph.task",
                };
                problems.push(Problem::new(name, message));
            }
            continue;
        };
        if field.access == Access::ReadOnly {
            problems.push(Problem::new(name, "is set by the service and cannot be sent in a create"));
            continue;
        }
        if value.kind() == JsonKind::Null && field.name != "title" {
            continue;
        }
        let before = problems.len();
        check_type(&value, field.ty, &name, Strictness::Create, resource, &mut problems);
        if problems.len() > before {
            continue;
        }
        match field.name {
            "title" | "planId" | "bucketId" | "assignedTo" | "conversationThreadId"
                if value.as_str().is_some_and(|t| t.trim().is_empty()) =>
            {
                problems.push(Problem::new(name, "must not be blank"));
            }
            "planId" | "bucketId" if mode == Mode::Service && value.as_str().is_some_and(|id| !is_planner_id(&id)) => {
                problems.push(Problem::new(
                    name,
                    "is not a valid Planner id: 28 case-sensitive characters of A-Z, a-z, 0-9, _ and -",
                ));
            }
            "priority" => check_range(&value, 0, 10, &name, &mut problems),
            "percentComplete" => check_range(&value, 0, 100, &name, &mut problems),
            "orderHint" | "assigneePriority" => {
                if let Some(hint) = value.as_str() {
                    check_order_hint(&hint, &name, &mut problems);
                }
            }
            "assignments" => check_assignments(&value, mode, &mut fixes, &mut problems),
            _ => {}
        }
    }

    if task.get("title").is_none() {
        problems.push(Problem::new("title", "is required"));
    }
    if resource == Resource::PlannerTask && task.get("planId").is_none_or(|p| p.kind() == JsonKind::Null) {
        problems.push(Problem::new("planId", "is required: a task is created in an existing plan"));
    }
    check_start_before_due(task, &mut problems);

    if problems.is_empty() {
        Ok(fixes)
    } else {
        Err(problems)
    }
}

/// How strictly [`check_type`] reads a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// A create: formats are checked (dates, preview types, category names).
    Create,
    /// A response: only JSON types are checked, so that a value the service adds later still reads.
    Response,
}

fn must_be(expected: &str, found: JsonKind) -> String {
    let mut m = String::from("must be ");
    m.push_str(expected);
    m.push_str(", not ");
    m.push_str(found.describe());
    m
}

fn child_path(parent: &str, key: &str) -> String {
    let mut p = String::with_capacity(parent.len() + key.len() + 1);
    p.push_str(parent);
    p.push('.');
    p.push_str(key);
    p
}

/// Checks that `value` has the JSON shape of `ty`; pushes one problem per mismatch.
pub(crate) fn check_type<V: JsonView>(
    value: &V,
    ty: FieldType,
    path: &str,
    strictness: Strictness,
    resource: Resource,
    problems: &mut Vec<Problem>,
) {
    let kind = value.kind();
    let create = strictness == Strictness::Create;
    match ty {
        FieldType::String => {
            if kind != JsonKind::String {
                problems.push(Problem::new(path, must_be("a string", kind)));
            }
        }
        FieldType::Bool => {
            if kind != JsonKind::Bool {
                problems.push(Problem::new(path, must_be("a boolean", kind)));
            }
        }
        FieldType::Int32 => match as_integer(value) {
            Some(n) if i32::try_from(n).is_ok() => {}
            _ if kind == JsonKind::Number => problems.push(Problem::new(path, "must be a whole number within 32 bits")),
            _ => problems.push(Problem::new(path, must_be("a whole number", kind))),
        },
        FieldType::DateTimeOffset => match value.as_str() {
            Some(text) => {
                if create && parse_datetime_offset(&text).is_none() {
                    problems.push(Problem::new(
                        path,
                        "must be an ISO 8601 date-time with an offset, like 2026-12-01T17:00:00Z",
                    ));
                }
            }
            None => problems.push(Problem::new(path, must_be("an ISO 8601 date-time string", kind))),
        },
        FieldType::Date => match value.as_str() {
            Some(text) => {
                if create && parse_date(&text).is_none() {
                    problems.push(Problem::new(path, "must be a date like 2026-12-01"));
                }
            }
            None => problems.push(Problem::new(path, must_be("a date string", kind))),
        },
        FieldType::PreviewType => match value.as_str() {
            Some(text) => {
                if create && !schema::PREVIEW_TYPES.contains(&&*text) {
                    problems.push(Problem::new(
                        path,
                        "must be one of automatic, noPreview, checklist, description, reference",
                    ));
                }
            }
            None => problems.push(Problem::new(path, must_be("a string", kind))),
        },
        FieldType::StringArray => {
            if kind == JsonKind::Array {
                for (i, item) in value.items().iter().enumerate() {
                    if item.kind() != JsonKind::String {
                        problems.push(Problem::new(
                            child_path(path, &crate::text::decimal(i as u64)),
                            must_be("a string", item.kind()),
                        ));
                    }
                }
            } else {
                problems.push(Problem::new(path, must_be("an array of strings", kind)));
            }
        }
        FieldType::Object => {
            if kind != JsonKind::Object {
                problems.push(Problem::new(path, must_be("an object", kind)));
            }
        }
        FieldType::IdentitySet => {
            if kind != JsonKind::Object {
                problems.push(Problem::new(path, must_be("an identitySet object", kind)));
                return;
            }
            for (key, identity) in value.members() {
                // identitySet is open: `user`, `application`, `device` and dynamic members are identities
                // (objects) or null; `@odata.*` annotations are strings.
                if key.starts_with('@') || matches!(identity.kind(), JsonKind::Null | JsonKind::Object) {
                    continue;
                }
                problems.push(Problem::new(child_path(path, &key), must_be("an identity object", identity.kind())));
            }
        }
        FieldType::Categories => {
            if kind != JsonKind::Object {
                problems.push(Problem::new(path, must_be("an object of categoryN: boolean", kind)));
                return;
            }
            for (key, flag) in value.members() {
                if key.starts_with("@odata.") {
                    continue;
                }
                if create && schema::category_number(resource, &key).is_none() {
                    let (low, high) = resource.category_range();
                    let mut m = String::from("is not a category: use category");
                    crate::text::push_decimal(&mut m, u64::from(low));
                    m.push_str(" to category");
                    crate::text::push_decimal(&mut m, u64::from(high));
                    problems.push(Problem::new(child_path(path, &key), m));
                } else if flag.kind() != JsonKind::Bool {
                    problems.push(Problem::new(child_path(path, &key), must_be("a boolean", flag.kind())));
                }
            }
        }
        FieldType::Assignments => {
            if kind != JsonKind::Object {
                problems.push(Problem::new(path, must_be("an object keyed by user id", kind)));
                return;
            }
            for (user_id, assignment) in value.members() {
                let sub = child_path(path, &user_id);
                match assignment.kind() {
                    JsonKind::Object => {
                        if let Some(hint) = assignment.get("orderHint") {
                            if hint.kind() != JsonKind::String {
                                problems.push(Problem::new(
                                    child_path(&sub, "orderHint"),
                                    must_be("a string", hint.kind()),
                                ));
                            }
                        }
                        if let Some(t) = assignment.get("@odata.type") {
                            if t.kind() != JsonKind::String {
                                problems
                                    .push(Problem::new(child_path(&sub, "@odata.type"), must_be("a string", t.kind())));
                            }
                        }
                    }
                    // A null assignee removes an assignment in an update; a response may carry it too.
                    JsonKind::Null if !create => {}
                    other => problems.push(Problem::new(sub, must_be("a plannerAssignment object", other))),
                }
            }
        }
    }
}

fn check_range<V: JsonView>(value: &V, low: i64, high: i64, path: &str, problems: &mut Vec<Problem>) {
    if let Some(n) = as_integer(value) {
        if n < low || n > high {
            let mut m = String::from("must be between ");
            crate::text::push_decimal(&mut m, low as u64);
            m.push_str(" and ");
            crate::text::push_decimal(&mut m, high as u64);
            problems.push(Problem::new(path, m));
        }
    }
}

/// Order hints (`orderHint`, `assigneePriority`, an assignment's `orderHint`, a checklist item's
/// `orderHint`, a reference's `previewPriority`): the docs define only their characters, "any
/// character between ordinals 32 (space) and 126 (`~`)" (planner-order-hint-format.md), so that is all
/// this refuses. The `"<previous> <next>!"` form is how a client asks for a place, not the only value
/// the service takes: the 2015 page's own example sends `"orderHint-value"`, and a hint the service
/// returned for another task is a valid value too.
pub fn check_order_hint(hint: &str, path: &str, problems: &mut Vec<Problem>) {
    if !hint.chars().all(|c| (' '..='~').contains(&c)) {
        problems.push(Problem::new(path, "may only contain characters from ordinal 32 (space) to 126 (~)"));
    }
}

fn check_assignments<V: JsonView>(
    assignments: &V,
    mode: Mode,
    fixes: &mut Vec<AssignmentFix>,
    problems: &mut Vec<Problem>,
) {
    let entries = assignments.members();
    if mode == Mode::Client && entries.len() > MAX_ASSIGNEES {
        problems.push(Problem::new(
            "assignments",
            "has more than 20 assignees, the service's limit (MaximumAssigneesInTasks)",
        ));
    }
    for (user_id, assignment) in entries {
        let path = child_path("assignments", &user_id);
        if user_id.trim().is_empty() {
            problems.push(Problem::new(path.clone(), "needs a user id as its key"));
        }
        // check_type has already refused values that are not objects.
        let odata_type = assignment.get("@odata.type");
        let order_hint = assignment.get("orderHint");
        let mut fix = AssignmentFix { user_id: user_id.to_string(), add_odata_type: false, add_order_hint: false };
        match odata_type.as_ref().map(|t| t.as_str().map(|s| s.into_owned())) {
            None => match mode {
                Mode::Client => fix.add_odata_type = true,
                Mode::Service => problems.push(Problem::new(
                    child_path(&path, "@odata.type"),
                    "is required: plannerAssignments values must declare @odata.type #microsoft.graph.plannerAssignment",
                )),
            },
            Some(Some(t)) if t == ASSIGNMENT_ODATA_TYPE || *t == ASSIGNMENT_ODATA_TYPE[1..] => {}
            Some(_) => problems.push(Problem::new(child_path(&path, "@odata.type"), "must be #microsoft.graph.plannerAssignment")),
        }
        match order_hint.as_ref().map(|h| h.as_str().map(|s| s.into_owned())) {
            None => match mode {
                Mode::Client => fix.add_order_hint = true,
                Mode::Service => problems
                    .push(Problem::new(child_path(&path, "orderHint"), "is required on a new assignment; send \" !\"")),
            },
            Some(Some(hint)) => check_order_hint(&hint, &child_path(&path, "orderHint"), problems),
            Some(None) => {}
        }
        for read_only in ["assignedBy", "assignedDateTime"] {
            if assignment.get(read_only).is_some() {
                problems.push(Problem::new(
                    child_path(&path, read_only),
                    "is set by the service and cannot be sent in a create",
                ));
            }
        }
        if fix.add_odata_type || fix.add_order_hint {
            fixes.push(fix);
        }
    }
}

fn check_start_before_due<V: JsonView>(task: &V, problems: &mut Vec<Problem>) {
    let instant = |name: &str| task.get(name).and_then(|v| v.as_str().and_then(|s| parse_datetime_offset(&s)));
    if let (Some(start), Some(due)) = (instant("startDateTime"), instant("dueDateTime")) {
        if start > due {
            problems.push(Problem::new("startDateTime", "must not be after dueDateTime"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn client(task: &Value) -> Result<Vec<AssignmentFix>, Vec<Problem>> {
        validate_create(&task, Resource::PlannerTask, Mode::Client)
    }

    fn fields(task: Value) -> Vec<String> {
        client(&task).expect_err("should be refused").into_iter().map(|p| p.field).collect()
    }

    fn ok(task: Value) {
        if let Err(p) = client(&task) {
            panic!("{task} refused: {p:?}");
        }
    }

    fn base() -> Value {
        json!({ "planId": "xqQg5FS2LkCp935s-FIFm2QAFkHM", "title": "t" })
    }

    fn with(key: &str, value: Value) -> Value {
        let mut t = base();
        t[key] = value;
        t
    }

    #[test]
    fn official_example_passes_in_both_modes() {
        let text = include_str!("../tests/fixtures/example-create-request.json");
        let task: Value = serde_json::from_str(text).unwrap();
        assert_eq!(client(&task), Ok(vec![]));
        assert_eq!(validate_create(&&task, Resource::PlannerTask, Mode::Service), Ok(vec![]));
    }

    #[test]
    fn title_required_and_not_blank() {
        assert_eq!(fields(json!({ "planId": "p" })), ["title"]);
        assert_eq!(fields(with("title", json!("   "))), ["title"]);
        assert_eq!(fields(with("title", json!(null))), ["title"]);
        assert_eq!(fields(with("title", json!(5))), ["title"]);
        ok(with("title", json!("x")));
    }

    #[test]
    fn plan_id_required_for_planner_only() {
        assert_eq!(fields(json!({ "title": "t" })), ["planId"]);
        assert_eq!(fields(json!({ "title": "t", "planId": null })), ["planId"]);
        assert!(validate_create(&&json!({ "title": "t" }), Resource::LegacyTask, Mode::Client).is_ok());
    }

    #[test]
    fn priority_bounds() {
        ok(with("priority", json!(0)));
        ok(with("priority", json!(10)));
        assert_eq!(fields(with("priority", json!(-1))), ["priority"]);
        assert_eq!(fields(with("priority", json!(11))), ["priority"]);
        assert_eq!(fields(with("priority", json!(1.5))), ["priority"]);
        assert_eq!(fields(with("priority", json!("5"))), ["priority"]);
    }

    #[test]
    fn percent_complete_bounds() {
        ok(with("percentComplete", json!(0)));
        ok(with("percentComplete", json!(100)));
        assert_eq!(fields(with("percentComplete", json!(-1))), ["percentComplete"]);
        assert_eq!(fields(with("percentComplete", json!(101))), ["percentComplete"]);
        assert_eq!(fields(with("percentComplete", json!(4_294_967_296u64))), ["percentComplete"]);
    }

    fn assignees(n: usize) -> Value {
        let map: serde_json::Map<String, Value> = (0..n)
            .map(|i| (format!("user-{i}"), json!({ "@odata.type": ASSIGNMENT_ODATA_TYPE, "orderHint": " !" })))
            .collect();
        with("assignments", Value::Object(map))
    }

    #[test]
    fn at_most_twenty_assignees() {
        ok(assignees(20));
        assert_eq!(fields(assignees(21)), ["assignments"]);
        // The service answers 403 for this, so the emulator's mode leaves the count alone.
        assert!(validate_create(&&assignees(21), Resource::PlannerTask, Mode::Service).is_ok());
    }

    #[test]
    fn assignment_fields_filled_in_by_client_refused_by_service() {
        let task = with(
            "assignments",
            json!({ "u1": {}, "u2": { "orderHint": " !" }, "u3": { "@odata.type": ASSIGNMENT_ODATA_TYPE } }),
        );
        let fixes = client(&task).unwrap();
        assert_eq!(
            fixes,
            vec![
                AssignmentFix { user_id: "u1".into(), add_odata_type: true, add_order_hint: true },
                AssignmentFix { user_id: "u2".into(), add_odata_type: true, add_order_hint: false },
                AssignmentFix { user_id: "u3".into(), add_odata_type: false, add_order_hint: true },
            ]
        );
        let problems = validate_create(&&task, Resource::PlannerTask, Mode::Service).unwrap_err();
        let f: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            f,
            [
                "assignments.u1.@odata.type",
                "assignments.u1.orderHint",
                "assignments.u2.@odata.type",
                "assignments.u3.orderHint"
            ]
        );
    }

    #[test]
    fn assignment_values_must_be_objects_of_the_right_type() {
        assert_eq!(fields(with("assignments", json!({ "u1": true }))), ["assignments.u1"]);
        assert_eq!(fields(with("assignments", json!({ "u1": null }))), ["assignments.u1"]);
        assert_eq!(fields(with("assignments", json!([]))), ["assignments"]);
        assert_eq!(
            fields(with("assignments", json!({ "u1": { "@odata.type": "#microsoft.graph.user" } }))),
            ["assignments.u1.@odata.type"]
        );
        assert_eq!(fields(with("assignments", json!({ "u1": { "orderHint": 5 } }))), ["assignments.u1.orderHint"]);
        assert_eq!(
            fields(with("assignments", json!({ "u1": { "orderHint": "\u{7f}" } }))),
            ["assignments.u1.orderHint"]
        );
        assert_eq!(
            fields(with("assignments", json!({ "u1": { "assignedDateTime": "2015-03-25T18:36:49Z" } }))),
            ["assignments.u1.assignedDateTime"]
        );
        assert_eq!(fields(with("assignments", json!({ "": {} }))), ["assignments."]);
    }

    #[test]
    fn categories() {
        ok(with("appliedCategories", json!({ "category1": true, "category25": false })));
        assert_eq!(fields(with("appliedCategories", json!({ "category26": true }))), ["appliedCategories.category26"]);
        assert_eq!(fields(with("appliedCategories", json!({ "category0": true }))), ["appliedCategories.category0"]);
        assert_eq!(fields(with("appliedCategories", json!({ "category3": "yes" }))), ["appliedCategories.category3"]);
        assert_eq!(fields(with("appliedCategories", json!({ "urgent": true }))), ["appliedCategories.urgent"]);
        assert_eq!(fields(with("appliedCategories", json!(["category1"]))), ["appliedCategories"]);
        let legacy = json!({ "title": "t", "appliedCategories": { "category0": true, "category6": true } });
        let problems = validate_create(&&legacy, Resource::LegacyTask, Mode::Client).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "appliedCategories.category6");
    }

    #[test]
    fn dates_need_an_offset_and_start_not_after_due() {
        ok(with("dueDateTime", json!("2026-12-01T17:00:00Z")));
        ok(with("dueDateTime", json!("2026-12-01T17:00:00.1234567+05:30")));
        assert_eq!(fields(with("dueDateTime", json!("2026-12-01T17:00:00"))), ["dueDateTime"]);
        assert_eq!(fields(with("dueDateTime", json!("tomorrow"))), ["dueDateTime"]);
        assert_eq!(fields(with("startDateTime", json!(1700000000))), ["startDateTime"]);
        let mut t = with("startDateTime", json!("2026-12-02T00:00:00Z"));
        t["dueDateTime"] = json!("2026-12-01T23:59:59Z");
        assert_eq!(fields(t.clone()), ["startDateTime"]);
        t["dueDateTime"] = json!("2026-12-02T00:00:00Z");
        ok(t.clone());
        // The same instant in another offset is not "after".
        t["startDateTime"] = json!("2026-12-02T01:00:00+01:00");
        ok(t);
    }

    #[test]
    fn order_hint_characters() {
        ok(with("orderHint", json!(" !")));
        ok(with("assigneePriority", json!("8586 8587!")));
        assert_eq!(fields(with("orderHint", json!("a\u{7f}!"))), ["orderHint"]);
        assert_eq!(fields(with("orderHint", json!("é !"))), ["orderHint"]);
        assert_eq!(fields(with("orderHint", json!("a\u{1f}!"))), ["orderHint"]);
        ok(with("orderHint", json!("~ !")));
        // Only the characters are documented: service-made hints and the 2015 page's example pass.
        ok(with("assigneePriority", json!("85752723360752+")));
        ok(with("orderHint", json!("RWk1")));
        ok(with("orderHint", json!("orderHint-value")));
        ok(with("orderHint", json!("")));
        let legacy = json!({ "title": "t", "orderHint": "orderHint-value", "assigneePriority": "x" });
        assert!(validate_create(&&legacy, Resource::LegacyTask, Mode::Client).is_ok());
        assert!(validate_create(&&legacy, Resource::LegacyTask, Mode::Service).is_ok());
        assert_eq!(fields(with("orderHint", json!("tab\t!"))), ["orderHint"]);
    }

    #[test]
    fn read_only_properties_are_refused() {
        for name in [
            "id",
            "createdDateTime",
            "createdBy",
            "completedDateTime",
            "completedBy",
            "hasDescription",
            "referenceCount",
            "checklistItemCount",
            "activeChecklistItemCount",
            "@odata.etag",
        ] {
            let problems = client(&with(name, json!("x"))).unwrap_err();
            assert_eq!(problems.len(), 1, "{name}");
            assert_eq!(problems[0].field, name);
            assert!(problems[0].message.contains("set by the service"), "{name}");
        }
    }

    #[test]
    fn every_problem_is_reported() {
        let problems =
            client(&json!({ "priority": 99, "percentComplete": -5, "id": "x", "dueDateTime": "soon" })).unwrap_err();
        let mut f: Vec<_> = problems.into_iter().map(|p| p.field).collect();
        f.sort();
        assert_eq!(f, ["dueDateTime", "id", "percentComplete", "planId", "priority", "title"]);
    }

    #[test]
    fn not_an_object() {
        for v in [json!(null), json!([]), json!("task"), json!(1)] {
            assert_eq!(client(&v).unwrap_err().len(), 1);
        }
    }

    #[test]
    fn unknown_properties_pass_the_client_and_not_the_service() {
        ok(with("someFutureProperty", json!({ "x": 1 })));
        let task = with("dueDate", json!("2026-12-01"));
        let problems = validate_create(&&task, Resource::PlannerTask, Mode::Service).unwrap_err();
        assert_eq!(problems, vec![Problem::new("dueDate", "is not a property of microsoft.graph.plannerTask")]);
        let annotated = with("@odata.type", json!("#microsoft.graph.plannerTask"));
        assert!(validate_create(&&annotated, Resource::PlannerTask, Mode::Service).is_ok());
        let legacy = json!({ "title": "t", "priority": 1 });
        assert_eq!(validate_create(&&legacy, Resource::LegacyTask, Mode::Service).unwrap_err()[0].field, "priority");
    }

    #[test]
    fn the_service_checks_planner_id_format() {
        let task = json!({ "planId": "short", "bucketId": "hsOf2dhOJkqyYYZEtdzDe2QAIUCR", "title": "t" });
        assert!(client(&task).is_ok(), "the client leaves id formats to the service");
        let problems = validate_create(&&task, Resource::PlannerTask, Mode::Service).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "planId");
    }

    #[test]
    fn planner_ids() {
        assert!(is_planner_id("xqQg5FS2LkCp935s-FIFm2QAFkHM"));
        assert!(is_planner_id("01gzSlKkIUSUl6DF_EilrmQAKDhh"));
        assert!(!is_planner_id("xqQg5FS2LkCp935s-FIFm2QAFkH"));
        assert!(!is_planner_id("xqQg5FS2LkCp935s-FIFm2QAFkH!"));
    }
}
