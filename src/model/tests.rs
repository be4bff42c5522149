use serde_json::{json, Value};

use super::*;
use crate::schema::{FieldType, Resource};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(text: &str) {
    let original: Value = serde_json::from_str(text).unwrap();
    let model: T = serde_json::from_value(original.clone()).unwrap();
    assert_eq!(serde_json::to_value(&model).unwrap(), original);
}

#[test]
fn official_create_request_round_trips() {
    round_trip::<PlannerTask>(include_str!("../../tests/fixtures/example-create-request.json"));
}

#[test]
fn official_create_response_round_trips() {
    round_trip::<PlannerTask>(include_str!("../../tests/fixtures/example-create-response.json"));
    let task: PlannerTask =
        serde_json::from_str(include_str!("../../tests/fixtures/example-create-response.json")).unwrap();
    assert_eq!(task.id.as_deref(), Some("01gzSlKkIUSUl6DF_EilrmQAKDhh"));
    let assignment = &task.assignments.unwrap().0["fbab97d0-4932-4511-b675-204639209557"];
    assert_eq!(assignment.order_hint.as_deref(), Some("RWk1"));
    assert_eq!(
        assignment.assigned_by.as_ref().unwrap().user.as_ref().unwrap().id.as_deref(),
        Some("6463a5ce-2119-4198-9f2a-628761df4a62")
    );
}

#[test]
fn unknown_properties_are_kept() {
    let text = json!({
        "id": "x", "title": "t", "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#planner/tasks/$entity",
        "futureThing": { "a": [1, 2] },
        "createdBy": { "user": { "id": "u", "tenant": "t1" }, "phone": { "id": "p" } },
        "appliedCategories": { "@odata.type": "microsoft.graph.appliedCategoriesCollection", "category3": true },
        "previewType": "someLaterKind",
        "assignments": { "u": { "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": "x", "extra": 1 } }
    });
    round_trip::<PlannerTask>(&text.to_string());
    let task: PlannerTask = serde_json::from_value(text).unwrap();
    assert_eq!(task.preview_type, Some(PlannerPreviewType::Other("someLaterKind".into())));
    assert!(task.additional_properties.contains_key("futureThing"));
    assert_eq!(task.applied_categories.unwrap().get(3), Some(true));
}

#[test]
fn legacy_task_round_trips() {
    let text = json!({
        "id": "01gzSlKkIUSUl6DF_EilrmQAKDhh", "@odata.etag": "W/\"abc\"", "title": "t", "planId": "p", "bucketId": "b",
        "assignedTo": "u1", "assignedBy": "u2", "createdBy": "u2", "assignedDateTime": "2015-03-25T18:36:49.2407981Z",
        "createdDateTime": "2015-03-25T18:36:49.2407981Z", "percentComplete": 0, "previewType": "automatic",
        "appliedCategories": { "category0": true }, "hasDescription": false, "orderHint": "a", "assigneePriority": "b",
        "conversationThreadId": "c", "startDateTime": "2015-03-25T18:36:49Z", "dueDateTime": "2015-03-26T18:36:49Z",
        "completedDateTime": "2015-03-27T18:36:49Z"
    });
    round_trip::<LegacyTask>(&text.to_string());
    let task: LegacyTask = serde_json::from_value(text.clone()).unwrap();
    assert!(task.additional_properties.is_empty(), "every 2015 property is declared");
    // Every declared property is in the schema table and the other way round.
    let keys: Vec<&String> = text.as_object().unwrap().keys().collect();
    assert_schema_matches(Resource::LegacyTask, &keys);
}

/// A value of each schema type, so that a fully populated model can be built from the table.
fn sample(ty: FieldType) -> Value {
    match ty {
        FieldType::String => json!("s"),
        FieldType::Int32 => json!(1),
        FieldType::Bool => json!(true),
        FieldType::DateTimeOffset => json!("2015-03-25T18:36:49.2407981Z"),
        FieldType::Date => json!("2015-03-25"),
        FieldType::IdentitySet => json!({ "user": { "id": "u" } }),
        FieldType::Assignments => {
            json!({ "u": { "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" } })
        }
        FieldType::Categories => json!({ "category1": true }),
        FieldType::PreviewType => json!("automatic"),
        FieldType::StringArray => json!(["g"]),
        FieldType::Object => json!({ "justification": "j" }),
    }
}

fn assert_schema_matches(resource: Resource, keys: &[&String]) {
    let mut model: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    let mut table: Vec<&str> = resource.fields().iter().map(|f| f.name).collect();
    model.sort_unstable();
    table.sort_unstable();
    assert_eq!(model, table);
}

#[test]
fn planner_model_declares_exactly_the_schema_table() {
    let full: serde_json::Map<String, Value> =
        Resource::PlannerTask.fields().iter().map(|f| (f.name.to_owned(), sample(f.ty))).collect();
    let task: PlannerTask = serde_json::from_value(Value::Object(full.clone())).unwrap();
    assert!(task.additional_properties.is_empty(), "undeclared: {:?}", task.additional_properties.keys());
    assert_eq!(serde_json::to_value(&task).unwrap(), Value::Object(full.clone()));
    let keys: Vec<&String> = full.keys().collect();
    assert_schema_matches(Resource::PlannerTask, &keys);
}

#[test]
fn builders_make_what_the_docs_send() {
    let mut task = PlannerTask::new("xqQg5FS2LkCp935s-FIFm2QAFkHM", "Update client list");
    task.bucket_id = Some("hsOf2dhOJkqyYYZEtdzDe2QAIUCR".into());
    let mut assignments = PlannerAssignments::default();
    assignments.assign("fbab97d0-4932-4511-b675-204639209557");
    task.assignments = Some(assignments);
    let expected: Value =
        serde_json::from_str(include_str!("../../tests/fixtures/example-create-request.json")).unwrap();
    assert_eq!(serde_json::to_value(&task).unwrap(), expected);
}

#[test]
fn unset_fields_are_left_out() {
    assert_eq!(serde_json::to_value(PlannerTask::default()).unwrap(), json!({}));
    let mut categories = PlannerAppliedCategories::default();
    categories.set(2, true).set(7, false);
    assert_eq!(serde_json::to_value(&categories).unwrap(), json!({ "category2": true, "category7": false }));
}
