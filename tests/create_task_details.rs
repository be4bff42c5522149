//! createTask with `details` (issue 14): the create, then the task's details read and PATCHed, then the
//! task read again; against the emulator's details endpoints over real HTTP, in Node and in Chromium.
//!
//! What the emulator received is read back from its request record. Every request of one createTask
//! carries the same `client-request-id`, so one id finds them all; faults name the method they hit.
#![cfg(target_arch = "wasm32")]

use gloo_net::http::Request;
use graph_tasks::create_task_js;
use js_sys::JSON;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

mod support;
use support::{control, emulator, fault, get, received, tasks_in_plan, to_json, unique};

async fn call(method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}{}", emulator(), path);
    let builder = match method {
        "GET" => Request::get(&url),
        _ => Request::post(&url),
    }
    .header("Authorization", "Bearer dev-token");
    let response = match body {
        Some(body) => builder.header("Content-Type", "application/json").body(body.to_string()).unwrap().send().await,
        None => builder.send().await,
    }
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let text = response.text().await.unwrap();
    (response.status(), serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn new_plan(title: &str) -> String {
    let plan = control("POST", "/_emulator/plans", Some(json!({ "title": title }))).await;
    plan["id"].as_str().unwrap().to_owned()
}

/// What the emulator received under this `client-request-id`, as `(method, path)` and the records.
fn methods_and_paths(records: &[Value]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|r| (r["method"].as_str().unwrap_or("").to_owned(), r["path"].as_str().unwrap_or("").to_owned()))
        .collect()
}

fn options(client_request_id: &str, extra: Value) -> JsValue {
    let mut o = json!({
        "accessToken": "dev-token", "baseUrl": format!("{}/v1.0", emulator()), "clientRequestId": client_request_id
    });
    if let (Some(o), Some(extra)) = (o.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
    JSON::parse(&o.to_string()).unwrap()
}

async fn create(task: Value, options: JsValue) -> Result<Value, JsValue> {
    let task = JSON::parse(&task.to_string()).unwrap();
    wasm_bindgen_futures::JsFuture::from(create_task_js(task, options)).await.map(|t| to_json(&t)).map_err(|e| {
        assert!(e.is_instance_of::<js_sys::Error>(), "rejected with a non-Error: {e:?}");
        assert_eq!(get(&e, "name").as_string().as_deref(), Some("GraphError"));
        e
    })
}

/// The titles of a details object's checklist, in the service's order (by order hint, ordinally).
fn checklist_titles(details: &Value) -> Vec<String> {
    let mut items: Vec<&Value> = details["checklist"].as_object().map(|m| m.values().collect()).unwrap_or_default();
    items.sort_by(|a, b| a["orderHint"].as_str().unwrap_or("").cmp(b["orderHint"].as_str().unwrap_or("")));
    items.iter().map(|i| i["title"].as_str().unwrap_or("").to_owned()).collect()
}

fn body_of(record: &Value) -> Value {
    serde_json::from_str(record["body"].as_str().unwrap_or("null")).unwrap_or(Value::Null)
}

#[wasm_bindgen_test]
async fn every_details_field_gives_the_task_and_details_as_the_service_holds_them() {
    let plan = new_plan("details: every field").await;
    let crid = unique("details-all");
    let task = json!({
        "planId": plan, "title": "Quarterly review",
        "details": {
            "description": "Numbers for Q3",
            "previewType": "checklist",
            "checklist": ["Collect", { "title": "Check", "isChecked": true }, { "title": "Send" }],
            "references": [
                { "url": "https://contoso.sharepoint.com/q3.xlsx", "alias": "Q3", "type": "Excel" },
                { "url": "http://developer.microsoft.com" }
            ]
        }
    });
    let created = create(task, options(&crid, json!({}))).await.unwrap_or_else(|e| panic!("{}", to_json(&e)));

    let seen = received(&crid).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let task_path = format!("/v1.0/planner/tasks/{id}");
    let details_path = format!("{task_path}/details");
    assert_eq!(
        methods_and_paths(&seen),
        [
            ("POST".to_owned(), "/v1.0/planner/tasks".to_owned()),
            ("GET".to_owned(), details_path.clone()),
            ("PATCH".to_owned(), details_path.clone()),
            ("GET".to_owned(), task_path.clone()),
        ],
        "four requests per complete task"
    );
    assert!(body_of(&seen[0]).get("details").is_none(), "the create is sent without details");
    let patch = &seen[2];
    assert!(patch["headers"]["if-match"].as_str().is_some_and(|e| !e.is_empty() && e != "*"));
    assert_eq!(patch["headers"]["prefer"], "return=representation");

    // The result is the task and its details as the service now holds them.
    let (status, held_task) = call("GET", &task_path, None).await;
    assert_eq!(status, 200);
    let (status, held_details) = call("GET", &details_path, None).await;
    assert_eq!(status, 200);
    let mut without_details = created.clone();
    let details = without_details.as_object_mut().unwrap().remove("details").expect("the result has details");
    assert_eq!(without_details, held_task, "the task as re-read, with its etag and counts after the PATCH");
    assert_eq!(details, held_details);
    assert_eq!(details["description"], "Numbers for Q3");
    assert_eq!(details["previewType"], "checklist");
    assert_eq!(checklist_titles(&details), ["Collect", "Check", "Send"]);
    assert_eq!(created["checklistItemCount"], 3);
    assert_eq!(created["activeChecklistItemCount"], 2);
    assert_eq!(created["referenceCount"], 2);
    assert_eq!(created["hasDescription"], true);
    let excel = &details["references"]["https%3A//contoso%2Esharepoint%2Ecom/q3%2Exlsx"];
    assert_eq!(excel["alias"], "Q3");
    assert_eq!(excel["type"], "Excel");
    assert!(details["references"]["http%3A//developer%2Emicrosoft%2Ecom"].is_object());
}

#[wasm_bindgen_test]
async fn the_checklist_order_is_kept_and_references_are_encoded() {
    let plan = new_plan("details: order and keys").await;
    let crid = unique("details-order");
    // Titles whose alphabetical order is the reverse of the given one, so only the order hints keep it.
    let titles: Vec<String> = (0..20).map(|i| format!("{} step", (b'z' - i as u8) as char)).collect();
    let url = "https://u@contoso.com/a%20b.docx#page=2";
    let task = json!({
        "planId": plan, "title": "Ordered",
        "details": { "checklist": titles, "references": [{ "url": url, "alias": "Spec", "type": "Word" }] }
    });
    let created = create(task, options(&crid, json!({}))).await.unwrap_or_else(|e| panic!("{}", to_json(&e)));
    assert_eq!(checklist_titles(&created["details"]), titles);

    let seen = received(&crid).await;
    let patch = seen.iter().find(|r| r["method"] == "PATCH").expect("a PATCH");
    let body = body_of(patch);
    let checklist = body["checklist"].as_object().unwrap();
    assert_eq!(checklist.len(), 20);
    for (id, item) in checklist {
        let b = id.as_bytes();
        assert!(id.len() == 36 && b[14] == b'4' && matches!(b[19], b'8' | b'9' | b'a' | b'b'), "UUID v4: {id}");
        assert_eq!(item["@odata.type"], "microsoft.graph.plannerChecklistItem");
    }
    let key = "https%3A//u%40contoso%2Ecom/a%2520b%2Edocx%23page=2";
    assert_eq!(
        body["references"],
        json!({ key: {
            "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "Spec", "type": "Word", "previewPriority": " !"
        } })
    );
    assert_eq!(created["details"]["references"][key]["alias"], "Spec");
}

#[wasm_bindgen_test]
async fn a_412_on_the_first_patch_ends_in_success_after_a_fresh_read() {
    let plan = new_plan("details: 412").await;
    let crid = unique("details-412");
    fault(json!([{ "method": "PATCH", "status": 412, "clientRequestId": crid }])).await;
    let task = json!({ "planId": plan, "title": "Raced", "details": { "description": "after a conflict" } });
    let created = create(task, options(&crid, json!({}))).await.unwrap_or_else(|e| panic!("{}", to_json(&e)));
    assert_eq!(created["details"]["description"], "after a conflict");
    assert_eq!(created["hasDescription"], true);
    let seen: Vec<String> = methods_and_paths(&received(&crid).await).into_iter().map(|(m, _)| m).collect();
    assert_eq!(seen, ["POST", "GET", "PATCH", "GET", "PATCH", "GET"], "a fresh etag read before the second PATCH");
    assert_eq!(tasks_in_plan(&plan).await, 1);
}

#[wasm_bindgen_test]
async fn a_patch_refused_for_good_rejects_with_the_created_task() {
    let plan = new_plan("details: 403").await;
    let crid = unique("details-403");
    let refusal = json!({ "error": { "code": "MaximumChecklistItemsOnTask", "message": "The checklist property on the plannerTaskDetails resource contains too many values." } });
    fault(json!([{ "method": "PATCH", "status": 403, "body": refusal.to_string(), "contentType": "application/json", "clientRequestId": crid }])).await;
    let task = json!({ "planId": plan, "title": "Half made", "details": { "checklist": ["one"] } });
    let error = create(task, options(&crid, json!({}))).await.expect_err("the PATCH was refused");
    assert_eq!(get(&error, "step").as_string().as_deref(), Some("details"));
    assert_eq!(get(&error, "kind").as_string().as_deref(), Some("http"));
    assert_eq!(get(&error, "status").as_f64(), Some(403.0));
    assert_eq!(get(&error, "code").as_string().as_deref(), Some("MaximumChecklistItemsOnTask"));
    assert_eq!(get(&error, "mayHaveBeenCreated").as_bool(), Some(true));
    let task = to_json(&get(&error, "task"));
    let id = task["id"].as_str().expect("GraphError.task is the created task");
    assert_eq!(task["title"], "Half made");
    let message = get(&error, "message").as_string().unwrap();
    assert!(message.contains(id) && message.contains("was created"), "{message}");
    assert_eq!(tasks_in_plan(&plan).await, 1, "exactly one task");
    let seen: Vec<String> = methods_and_paths(&received(&crid).await).into_iter().map(|(m, _)| m).collect();
    assert_eq!(seen, ["POST", "GET", "PATCH"], "a refusal is not retried");
}

#[wasm_bindgen_test]
async fn a_patch_failing_on_every_retry_rejects_with_the_created_task() {
    let plan = new_plan("details: 503").await;
    let crid = unique("details-503");
    let unavailable = json!({ "method": "PATCH", "status": 503, "retryAfter": 0.05, "clientRequestId": crid });
    fault(json!([unavailable.clone(), unavailable.clone(), unavailable])).await;
    let task = json!({ "planId": plan, "title": "Never detailed", "details": { "description": "d" } });
    let retry = json!({ "retry": { "maxRetries": 2, "baseDelayMs": 10, "maxDelayMs": 1000 } });
    let error = create(task, options(&crid, retry)).await.expect_err("every PATCH failed");
    assert_eq!(get(&error, "step").as_string().as_deref(), Some("details"));
    assert_eq!(get(&error, "status").as_f64(), Some(503.0));
    assert!(to_json(&get(&error, "task"))["id"].is_string());
    assert_eq!(tasks_in_plan(&plan).await, 1, "the create is never repeated");
    let seen: Vec<String> = methods_and_paths(&received(&crid).await).into_iter().map(|(m, _)| m).collect();
    assert_eq!(seen, ["POST", "GET", "PATCH", "PATCH", "PATCH"]);
}

#[wasm_bindgen_test]
async fn a_details_validation_error_sends_nothing() {
    let plan = new_plan("details: invalid").await;
    let crid = unique("details-invalid");
    let task = json!({
        "planId": plan, "title": "Not sent",
        "details": {
            "previewType": "preview",
            "checklist": ["ok", "ok", "ok", "  "],
            "references": [{ "url": "ftp://x.com" }, { "url": "https://x.com", "type": "Pdf" }]
        }
    });
    let error = create(task, options(&crid, json!({}))).await.expect_err("refused");
    assert_eq!(get(&error, "kind").as_string().as_deref(), Some("validation"));
    assert_eq!(get(&error, "step").as_string().as_deref(), Some("create"));
    assert!(get(&error, "task").is_undefined());
    let mut fields: Vec<String> = to_json(&get(&error, "problems"))
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        ["details.checklist[3]", "details.previewType", "details.references[0].url", "details.references[1].type"]
    );
    assert!(received(&crid).await.is_empty(), "nothing was sent");
    assert_eq!(tasks_in_plan(&plan).await, 0);
}

#[wasm_bindgen_test]
async fn the_2015_endpoints_send_the_seed_pages_example_order_hint() {
    let crid = unique("legacy-hint");
    let o = options(&crid, json!({ "endpoint": "me", "baseUrl": format!("{}/beta", emulator()) }));
    let task = json!({ "title": "A 2015 task", "orderHint": "orderHint-value", "assigneePriority": "orderHint-value" });
    create(task.clone(), o).await.unwrap_or_else(|e| panic!("{}", to_json(&e)));
    let seen = received(&crid).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(body_of(&seen[0]), task);
}

#[wasm_bindgen_test]
async fn the_rust_api_creates_typed_details_and_reports_a_partial_failure() {
    use graph_tasks::{
        create_task, new_uuid, CreateTaskOptions, Endpoint, PlannerChecklistItems, PlannerExternalReference,
        PlannerExternalReferenceType, PlannerExternalReferences, PlannerTask, PlannerTaskDetails, Step,
    };

    let plan = new_plan("details: Rust API").await;
    let crid = unique("details-rust");
    let mut options = CreateTaskOptions::new("dev-token", Endpoint::Planner);
    options.base_url = Some(format!("{}/v1.0", emulator()));
    options.client_request_id = Some(crid.clone());
    let mut checklist = PlannerChecklistItems::default();
    for title in ["third letter c", "second letter b", "first letter a"] {
        checklist.push(new_uuid(), title);
    }
    let mut references = PlannerExternalReferences::default();
    references.push(
        "https://x.com/deck.pptx",
        PlannerExternalReference::new("Deck", PlannerExternalReferenceType::PowerPoint),
    );
    let mut task = PlannerTask::new(plan.clone(), "typed details");
    task.details = Some(PlannerTaskDetails {
        description: Some("from Rust".into()),
        checklist: Some(checklist),
        references: Some(references),
        ..PlannerTaskDetails::default()
    });
    let created = create_task(&task, &options).await.unwrap_or_else(|e| panic!("{e:?}"));
    let details = created.details.as_ref().expect("the result carries the details");
    assert_eq!(details.description.as_deref(), Some("from Rust"));
    let titles: Vec<&str> =
        details.checklist.as_ref().unwrap().in_order().into_iter().filter_map(|(_, i)| i.title.as_deref()).collect();
    assert_eq!(titles, ["third letter c", "second letter b", "first letter a"], "the order of the pushes");
    let deck = details.references.as_ref().unwrap().get("https://x.com/deck.pptx").expect("the reference");
    assert_eq!(deck.reference_type, Some(PlannerExternalReferenceType::PowerPoint));
    assert_eq!(created.checklist_item_count, Some(3));

    let crid = unique("details-rust-403");
    options.client_request_id = Some(crid.clone());
    fault(json!([{ "method": "PATCH", "status": 403, "clientRequestId": crid }])).await;
    let e = create_task(&task, &options).await.expect_err("the PATCH was refused");
    assert_eq!(e.step, Step::Details);
    assert_eq!(e.status, Some(403));
    let half = e.created_task().expect("the created task");
    assert_eq!(half.title.as_deref(), Some("typed details"));
    assert_eq!(tasks_in_plan(&plan).await, 2);
}
