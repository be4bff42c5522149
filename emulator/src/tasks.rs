//! From a validated create body to the resource the service answers with.
//!
//! The rules come from the core (`graph_tasks::validate`); this module adds only what the core does
//! not decide because only a service can: unknown properties, id formats, and the values the service
//! chooses (id, times, order hints, defaults, `createdBy`, completed assignments).

use serde_json::{Map, Value};

use graph_tasks::json::as_integer;
use graph_tasks::model::{LegacyTask, PlannerAppliedCategories, PlannerAssignment, PlannerAssignments, PlannerPreviewType, PlannerTask};
use graph_tasks::schema::ASSIGNMENT_ODATA_TYPE;

use crate::auth::Caller;
use crate::sorted_json;

/// The number of assignees a create asks for.
pub(crate) fn assignee_count(body: &Value) -> usize {
    body.get("assignments").and_then(Value::as_object).map_or(0, Map::len)
}

/// A string member, `None` when absent or null.
pub(crate) fn str_member(body: &Value, name: &str) -> Option<String> {
    body.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn int_member(body: &Value, name: &str) -> Option<i32> {
    body.get(name).and_then(|v| as_integer(&v)).and_then(|n| i32::try_from(n).ok())
}

/// What the service chooses for one task.
pub(crate) struct ServiceValues<'a> {
    /// The new id.
    pub(crate) id: String,
    /// `@odata.etag`.
    pub(crate) etag: String,
    /// `createdDateTime` (and `assignedDateTime`).
    pub(crate) now: String,
    /// The next service order hint.
    pub(crate) next_hint: &'a mut dyn FnMut() -> String,
}

/// A task ready to store.
pub(crate) struct BuiltTask {
    /// Its JSON, without `@odata.context`.
    pub(crate) json: String,
    /// `percentComplete` below 100.
    pub(crate) active: bool,
}

fn categories(body: &Value) -> PlannerAppliedCategories {
    let mut c: PlannerAppliedCategories = body.get("appliedCategories").and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default();
    // "When they don't apply, properties are automatically removed by setting their values to false."
    c.categories.retain(|_, applied| *applied);
    c.additional_properties.clear();
    c
}

/// The nullable v1.0 properties of a `plannerTask` that the service writes as null.
const NULLABLE: [&str; 6] = ["bucketId", "startDateTime", "dueDateTime", "completedDateTime", "completedBy", "conversationThreadId"];

/// The `plannerTask` the service answers for a validated create `body`.
pub(crate) fn build_planner(body: &Value, caller: &Caller, v: ServiceValues<'_>) -> Result<BuiltTask, serde_json::Error> {
    let task = planner_task(body, caller, v);
    let active = task.percent_complete.unwrap_or(0) < 100;
    // Members in name order (as a `Value` writes them, which is how tasks have always been
    // written), and every nullable v1.0 property, with null when it has no value, as the service
    // writes them.
    Ok(BuiltTask { json: sorted_json::to_string(&task, &NULLABLE)?, active })
}

fn planner_task(body: &Value, caller: &Caller, v: ServiceValues<'_>) -> PlannerTask {
    let percent = int_member(body, "percentComplete").unwrap_or(0);
    let me = caller.identity_set();
    let mut assignments = PlannerAssignments::default();
    if let Some(map) = body.get("assignments").and_then(Value::as_object) {
        for user_id in map.keys() {
            assignments.0.insert(
                user_id.clone(),
                PlannerAssignment {
                    odata_type: Some(ASSIGNMENT_ODATA_TYPE.to_owned()),
                    assigned_by: Some(me.clone()),
                    assigned_date_time: Some(v.now.clone()),
                    order_hint: Some((v.next_hint)()),
                    ..PlannerAssignment::default()
                },
            );
        }
    }
    let completed = percent >= 100;
    PlannerTask {
        id: Some(v.id),
        odata_etag: Some(v.etag),
        plan_id: str_member(body, "planId"),
        bucket_id: str_member(body, "bucketId"),
        title: str_member(body, "title"),
        order_hint: Some((v.next_hint)()),
        assignee_priority: Some(str_member(body, "assigneePriority").unwrap_or_default()),
        percent_complete: Some(percent),
        priority: Some(int_member(body, "priority").unwrap_or(5)),
        start_date_time: str_member(body, "startDateTime"),
        due_date_time: str_member(body, "dueDateTime"),
        created_date_time: Some(v.now.clone()),
        completed_date_time: completed.then(|| v.now.clone()),
        completed_by: completed.then(|| me.clone()),
        created_by: Some(me),
        has_description: Some(false),
        preview_type: Some(str_member(body, "previewType").map_or(PlannerPreviewType::Automatic, |p| PlannerPreviewType::from(p.as_str()))),
        reference_count: Some(0),
        checklist_item_count: Some(0),
        active_checklist_item_count: Some(0),
        conversation_thread_id: str_member(body, "conversationThreadId"),
        applied_categories: Some(categories(body)),
        assignments: Some(assignments),
        goal_ids: body.get("goalIds").and_then(|g| serde_json::from_value(g.clone()).ok()),
        is_on_my_day: body.get("isOnMyDay").and_then(Value::as_bool),
        recurrence: body.get("recurrence").filter(|r| !r.is_null()).cloned(),
        ..PlannerTask::default()
    }
}

/// The 2015 beta `task` the service answers for a validated create `body`: people are user-id strings.
pub(crate) fn build_legacy(body: &Value, caller: &Caller, v: ServiceValues<'_>) -> Result<BuiltTask, serde_json::Error> {
    let percent = int_member(body, "percentComplete").unwrap_or(0);
    let assigned_to = str_member(body, "assignedTo");
    let completed = percent >= 100;
    let task = LegacyTask {
        id: Some(v.id),
        odata_etag: Some(v.etag),
        applied_categories: Some(categories(body)),
        assigned_by: assigned_to.as_ref().map(|_| caller.id.clone()),
        assigned_date_time: assigned_to.as_ref().map(|_| v.now.clone()),
        assigned_to,
        assignee_priority: Some(str_member(body, "assigneePriority").unwrap_or_default()),
        bucket_id: str_member(body, "bucketId"),
        completed_date_time: completed.then(|| v.now.clone()),
        conversation_thread_id: str_member(body, "conversationThreadId"),
        created_by: Some(caller.id.clone()),
        created_date_time: Some(v.now.clone()),
        due_date_time: str_member(body, "dueDateTime"),
        has_description: Some(false),
        order_hint: Some((v.next_hint)()),
        percent_complete: Some(percent),
        plan_id: str_member(body, "planId"),
        preview_type: Some(PlannerPreviewType::Automatic),
        start_date_time: str_member(body, "startDateTime"),
        title: str_member(body, "title"),
        ..LegacyTask::default()
    };
    Ok(BuiltTask { json: serde_json::to_string(&task)?, active: !completed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(hints: &mut dyn FnMut() -> String) -> ServiceValues<'_> {
        ServiceValues { id: "01gzSlKkIUSUl6DF_EilrmQAKDhh".into(), etag: "W/\"x\"".into(), now: "2015-03-25T18:36:49.2407981Z".into(), next_hint: hints }
    }

    #[test]
    fn planner_defaults_and_assignments() {
        let caller = Caller { id: "u".into(), display_name: Some("U".into()) };
        let body = json!({ "planId": "p", "title": "t", "assignments": { "a": { "@odata.type": "microsoft.graph.plannerAssignment", "orderHint": " !" } }, "appliedCategories": { "category1": true, "category2": false } });
        let mut n = 0;
        let mut hints = || {
            n += 1;
            format!("h{n}")
        };
        let built = build_planner(&body, &caller, values(&mut hints)).unwrap();
        let v: Value = serde_json::from_str(&built.json).unwrap();
        assert_eq!(v["priority"], 5);
        assert_eq!(v["percentComplete"], 0);
        assert_eq!(v["previewType"], "automatic");
        assert_eq!(v["hasDescription"], false);
        assert_eq!(v["dueDateTime"], Value::Null);
        assert_eq!(v["appliedCategories"], json!({ "category1": true }));
        assert_eq!(v["createdBy"], json!({ "user": { "id": "u", "displayName": "U" } }));
        let a = &v["assignments"]["a"];
        assert_eq!(a["@odata.type"], ASSIGNMENT_ODATA_TYPE);
        assert_eq!(a["assignedBy"]["user"]["id"], "u");
        assert_eq!(a["orderHint"], "h1");
        assert_eq!(v["orderHint"], "h2");
        assert!(built.active);
    }

    /// The task as it was written before `sorted_json`: through a `Value`.
    fn through_value(task: &PlannerTask) -> String {
        let mut value = serde_json::to_value(task).unwrap();
        let object = value.as_object_mut().unwrap();
        for name in NULLABLE {
            object.entry(name).or_insert(Value::Null);
        }
        serde_json::to_string(&value).unwrap()
    }

    #[test]
    fn planner_tasks_are_written_as_through_a_value() {
        let caller = Caller { id: "6463a5ce-2119-4198-9f2a-628761df4a62".into(), display_name: Some("Dev \"User\" é".into()) };
        let bodies = [
            json!({ "planId": "xqQg5FS2LkCp935s-FIFm2QAFkHM", "bucketId": "hsOf2dhOJkqyYYZEtdzDe2QAIUCR", "title": "bench task 1",
                    "assignments": { "fbab97d0-4932-4511-b675-204639209557": { "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" } } }),
            json!({ "planId": "p", "title": "t\n\u{1}", "percentComplete": 100, "priority": 1, "startDateTime": "2026-01-01T00:00:00Z",
                    "dueDateTime": "2026-02-01T00:00:00Z", "conversationThreadId": "c", "previewType": "checklist", "assigneePriority": "x",
                    "appliedCategories": { "category3": true, "category1": true, "category2": false }, "goalIds": ["g2", "g1"], "isOnMyDay": true,
                    "recurrence": { "schedule": { "pattern": { "type": "weekly", "interval": 1.5, "daysOfWeek": ["monday"] } }, "seriesId": null },
                    "assignments": { "b": { "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" }, "a": { "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" } } }),
            json!({ "title": "no plan" }),
        ];
        for body in &bodies {
            let mut n = 0;
            let mut hints = || {
                n += 1;
                format!("85842695{n:011}")
            };
            let task = planner_task(body, &caller, values(&mut hints));
            assert_eq!(sorted_json::to_string(&task, &NULLABLE).unwrap(), through_value(&task));
        }
        let mut hints = || "h".to_owned();
        assert!(!build_planner(&bodies[1], &caller, values(&mut hints)).unwrap().active);
    }

    #[test]
    fn legacy_people_are_strings() {
        let caller = Caller { id: "u".into(), display_name: None };
        let body = json!({ "title": "t", "assignedTo": "x", "percentComplete": 100 });
        let mut hints = || "h".to_owned();
        let built = build_legacy(&body, &caller, values(&mut hints)).unwrap();
        let v: Value = serde_json::from_str(&built.json).unwrap();
        assert_eq!(v["createdBy"], "u");
        assert_eq!(v["assignedBy"], "u");
        assert_eq!(v["assignedTo"], "x");
        assert!(v["completedDateTime"].is_string());
        assert!(!built.active);
    }
}
