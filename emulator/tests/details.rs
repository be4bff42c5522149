//! Task details (GET and PATCH with If-Match and Prefer), task DELETE, and faults aimed at them.

mod common;

use common::*;
use hyper::Method;
use serde_json::{json, Value};

const ITEM_A: &str = "95e27074-6c4a-447a-aa24-9d718a0b86fa";
const ITEM_B: &str = "d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff";
const ITEM_C: &str = "a93c93c5-10a6-4167-9551-8bafa09967a7";

fn assert_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let v = r.json();
    assert_eq!(v["error"]["code"], code, "{}", r.body);
    assert_eq!(v["error"]["innerError"]["request-id"].as_str(), r.header("request-id"));
}

async fn send(emu: &Emulator, method: Method, path: &str, headers: &[(&str, &str)], body: Option<&Value>) -> Reply {
    let mut all = vec![AUTH];
    if body.is_some() {
        all.push(("content-type", "application/json"));
    }
    all.extend_from_slice(headers);
    emu.client.send(method, &emu.url(path), &all, body.map(Value::to_string).unwrap_or_default()).await.unwrap()
}

async fn new_task(emu: &Emulator) -> (String, String) {
    let r = emu.create(&task(EXAMPLE_PLAN, "with details")).await;
    assert_eq!(r.status, 201);
    let v = r.json();
    (v["id"].as_str().unwrap().to_owned(), v["@odata.etag"].as_str().unwrap().to_owned())
}

async fn details_etag(emu: &Emulator, id: &str) -> String {
    emu.get(&format!("/v1.0/planner/tasks/{id}/details")).await.json()["@odata.etag"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn new_details_have_their_own_etag() {
    let emu = Emulator::start(&[]);
    let (id, task_etag) = new_task(&emu).await;
    for version in ["v1.0", "beta"] {
        let r = emu.get(&format!("/{version}/planner/tasks/{id}/details")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["previewType"], "automatic");
        assert_eq!((v["checklist"].clone(), v["references"].clone()), (json!({}), json!({})));
        let etag = v["@odata.etag"].as_str().unwrap();
        assert_ne!(etag, task_etag);
        assert_eq!(r.header("etag"), Some(etag));
        assert!(v["@odata.context"].as_str().unwrap().ends_with(&format!("/{version}/$metadata#planner/tasks('{id}')/details/$entity")));
    }
    let r = emu.client.get(&emu.url(&format!("/v1.0/planner/tasks/{id}/details")), &[]).await.unwrap();
    assert_error(&r, 401, "InvalidAuthenticationToken");
    assert_error(&emu.get("/v1.0/planner/tasks/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/details").await, 404, "itemNotFound");
    assert_error(&emu.get("/v1.0/planner/tasks/short/details").await, 400, "BadRequest");
    let r = send(&emu, Method::POST, &format!("/v1.0/planner/tasks/{id}/details"), &[], Some(&json!({}))).await;
    assert_error(&r, 405, "methodNotAllowed");
}

#[tokio::test]
async fn patch_needs_the_current_etag_and_answers_as_prefer_asks() {
    let emu = Emulator::start(&[]);
    let (id, _) = new_task(&emu).await;
    let path = format!("/v1.0/planner/tasks/{id}/details");
    let body = json!({ "description": "first" });
    assert_error(&send(&emu, Method::PATCH, &path, &[], Some(&body)).await, 400, "BadRequest");
    assert_error(&send(&emu, Method::PATCH, &path, &[("if-match", "W/\"stale\"")], Some(&body)).await, 412, "preconditionFailed");
    let etag = details_etag(&emu, &id).await;
    let r = send(&emu, Method::PATCH, &path, &[("if-match", &etag)], Some(&body)).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(r.body.is_empty());
    let new_etag = r.header("etag").unwrap().to_owned();
    assert_ne!(new_etag, etag);
    // The old etag is stale now.
    assert_error(&send(&emu, Method::PATCH, &path, &[("if-match", &etag)], Some(&body)).await, 412, "preconditionFailed");
    let r =
        send(&emu, Method::PATCH, &path, &[("if-match", &new_etag), ("prefer", "return=representation")], Some(&json!({ "previewType": "description" }))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!((v["description"].as_str(), v["previewType"].as_str()), (Some("first"), Some("description")));
    assert_eq!(r.header("etag"), v["@odata.etag"].as_str());
    assert_eq!(emu.get(&path).await.json(), v);
}

#[tokio::test]
async fn the_docs_patch_example_gives_every_documented_property() {
    let emu = Emulator::start(&[]);
    let (id, task_etag) = new_task(&emu).await;
    let path = format!("/v1.0/planner/tasks/{id}/details");
    // What the docs' example updates and deletes must exist first.
    let before = json!({
        "references": {
            "https%3A//developer%2Emicrosoft%2Ecom/en-us/graph/graph-explorer": { "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "Graph Explorer", "type": "Other" },
            "http%3A//www%2Ebing%2Ecom": { "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "Bing", "type": "Other" }
        },
        "checklist": {
            ITEM_B: { "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "Do something" },
            ITEM_C: { "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "Gone soon" }
        }
    });
    let r = send(&emu, Method::PATCH, &path, &[("if-match", &details_etag(&emu, &id).await)], Some(&before)).await;
    assert_eq!(r.status, 204, "{}", r.body);
    // plannertaskdetails-update.md's request, with its trailing commas removed.
    let example = json!({
        "previewType": "noPreview",
        "references": {
            "http%3A//developer%2Emicrosoft%2Ecom": { "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "Documentation", "previewPriority": " !", "type": "Other" },
            "https%3A//developer%2Emicrosoft%2Ecom/en-us/graph/graph-explorer": { "@odata.type": "microsoft.graph.plannerExternalReference", "previewPriority": "  !!" },
            "http%3A//www%2Ebing%2Ecom": null
        },
        "checklist": {
            ITEM_A: { "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "Update task details", "isChecked": true },
            ITEM_B: { "@odata.type": "microsoft.graph.plannerChecklistItem", "isChecked": true },
            ITEM_C: null
        }
    });
    let etag = details_etag(&emu, &id).await;
    let r = send(&emu, Method::PATCH, &path, &[("if-match", &etag), ("prefer", "return=representation")], Some(&example)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    for name in ["@odata.context", "@odata.etag", "id", "description", "previewType", "references", "checklist"] {
        assert!(v.get(name).is_some(), "{name} missing: {v}");
    }
    assert_eq!(v["previewType"], "noPreview");
    let refs = v["references"].as_object().unwrap();
    assert_eq!(refs.len(), 2, "bing was deleted: {v}");
    for (key, r) in refs {
        assert_eq!(r["@odata.type"], "#microsoft.graph.plannerExternalReference", "{key}");
        for name in ["alias", "type", "previewPriority", "lastModifiedBy", "lastModifiedDateTime"] {
            assert!(r.get(name).is_some(), "{key}.{name} missing");
        }
        assert!(is_graph_datetime(r["lastModifiedDateTime"].as_str().unwrap()));
        assert_eq!(r["lastModifiedBy"]["user"]["id"], DEFAULT_USER);
    }
    assert_eq!(refs["https%3A//developer%2Emicrosoft%2Ecom/en-us/graph/graph-explorer"]["alias"], "Graph Explorer");
    let items = v["checklist"].as_object().unwrap();
    assert_eq!(items.len(), 2, "{v}");
    for (key, item) in items {
        assert_eq!(item["@odata.type"], "#microsoft.graph.plannerChecklistItem");
        for name in ["title", "isChecked", "orderHint", "lastModifiedBy", "lastModifiedDateTime"] {
            assert!(item.get(name).is_some(), "{key}.{name} missing");
        }
        assert_eq!(item["isChecked"], true);
        assert_ne!(item["orderHint"], " !");
    }
    assert_eq!(items[ITEM_B]["title"], "Do something");
    // The task follows: counters and a new etag.
    let t = emu.get(&format!("/v1.0/planner/tasks/{id}")).await;
    let t = t.json();
    assert_eq!((t["checklistItemCount"].as_u64(), t["activeChecklistItemCount"].as_u64(), t["referenceCount"].as_u64()), (Some(2), Some(0), Some(2)));
    assert_eq!(t["hasDescription"], false);
    assert_ne!(t["@odata.etag"].as_str(), Some(task_etag.as_str()));
    let etag = v["@odata.etag"].as_str().unwrap();
    let r = send(&emu, Method::PATCH, &path, &[("if-match", etag)], Some(&json!({ "description": "now" }))).await;
    assert_eq!(r.status, 204);
    assert_eq!(emu.get(&format!("/v1.0/planner/tasks/{id}")).await.json()["hasDescription"], true);
}

#[tokio::test]
async fn keys_limits_and_rules() {
    let emu = Emulator::start(&[]);
    let (id, _) = new_task(&emu).await;
    let path = format!("/v1.0/planner/tasks/{id}/details");
    let patch = |body: Value| {
        let (emu, path, id) = (&emu, path.clone(), id.clone());
        async move {
            let etag = details_etag(emu, &id).await;
            send(emu, Method::PATCH, &path, &[("if-match", &etag)], Some(&body)).await
        }
    };
    // A reference key must be encoded as the docs require.
    let reference = json!({ "@odata.type": "microsoft.graph.plannerExternalReference", "alias": "x" });
    assert_error(&patch(json!({ "references": { "https://example.com/a.txt": reference } })).await, 400, "BadRequest");
    assert_error(&patch(json!({ "references": { "ftp%3A//example%2Ecom": reference } })).await, 400, "BadRequest");
    assert_eq!(patch(json!({ "references": { "https%3A//example%2Ecom/a%2Etxt": reference } })).await.status, 204);
    // Checklist ids are GUIDs; a new item declares its type and has a title.
    let item = json!({ "@odata.type": "microsoft.graph.plannerChecklistItem", "title": "t" });
    assert_error(&patch(json!({ "checklist": { "item-1": item } })).await, 400, "BadRequest");
    assert_error(&patch(json!({ "checklist": { ITEM_A: { "title": "t" } } })).await, 400, "BadRequest");
    assert_error(&patch(json!({ "checklist": { ITEM_A: { "@odata.type": "microsoft.graph.plannerChecklistItem" } } })).await, 400, "BadRequest");
    assert_error(&patch(json!({ "id": "x" })).await, 400, "BadRequest");
    assert_error(&patch(json!({ "previewType": "large" })).await, 400, "BadRequest");
    // 20 checklist items and 10 references at most.
    let items: serde_json::Map<String, Value> = (0..21).map(|i| (format!("00000000-0000-4000-8000-{i:012}"), item.clone())).collect();
    assert_error(&patch(json!({ "checklist": items })).await, 403, "MaximumChecklistItemsOnTask");
    let twenty: serde_json::Map<String, Value> = items.into_iter().take(20).collect();
    assert_eq!(patch(json!({ "checklist": twenty })).await.status, 204);
    let refs: serde_json::Map<String, Value> = (0..10).map(|i| (format!("https%3A//example%2Ecom/{i}"), reference.clone())).collect();
    assert_error(&patch(json!({ "references": refs })).await, 403, "MaximumReferencesOnTask");
    let t = emu.get(&format!("/v1.0/planner/tasks/{id}")).await.json();
    assert_eq!((t["checklistItemCount"].as_u64(), t["referenceCount"].as_u64()), (Some(20), Some(1)), "refused PATCHes change nothing");
    // Not JSON, or not declared JSON.
    let etag = details_etag(&emu, &id).await;
    let r = emu.client.send(Method::PATCH, &emu.url(&path), &[AUTH, ("content-type", "application/json"), ("if-match", &etag)], "{").await.unwrap();
    assert_error(&r, 400, "BadRequest");
    let r = emu.client.send(Method::PATCH, &emu.url(&path), &[AUTH, ("if-match", &etag)], "{}").await.unwrap();
    assert_error(&r, 415, "unsupportedMediaType");
}

#[tokio::test]
async fn delete_with_if_match() {
    let emu = Emulator::start(&[]);
    let (id, etag) = new_task(&emu).await;
    let path = format!("/v1.0/planner/tasks/{id}");
    assert_error(&send(&emu, Method::DELETE, &path, &[], None).await, 400, "BadRequest");
    assert_error(&send(&emu, Method::DELETE, &path, &[("if-match", "W/\"stale\"")], None).await, 412, "preconditionFailed");
    let r = send(&emu, Method::DELETE, &path, &[("if-match", &etag)], None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_error(&emu.get(&path).await, 404, "itemNotFound");
    assert_error(&emu.get(&format!("{path}/details")).await, 404, "itemNotFound");
    assert_error(&send(&emu, Method::DELETE, &path, &[("if-match", &etag)], None).await, 404, "itemNotFound");
    assert_eq!(emu.stats().await["tasksStored"], 0);
}

#[tokio::test]
async fn faults_aimed_at_details_and_the_record_of_reads() {
    let emu = Emulator::start(&[]);
    let (id, _) = new_task(&emu).await;
    let path = format!("/v1.0/planner/tasks/{id}/details");
    let r = emu
        .control_post(
            "/_emulator/faults",
            &json!([{ "route": "details", "status": 412 }, { "method": "PATCH", "status": 503, "retryAfter": 1, "clientRequestId": "d-1" }]),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // A create does not take a fault aimed at details.
    assert_eq!(emu.create(&task(EXAMPLE_PLAN, "untouched")).await.status, 201);
    assert_error(&emu.get(&path).await, 412, "preconditionFailed");
    let etag = details_etag(&emu, &id).await;
    let r = send(&emu, Method::PATCH, &path, &[("if-match", &etag), ("client-request-id", "d-1")], Some(&json!({ "description": "x" }))).await;
    assert_error(&r, 503, "serviceNotAvailable");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(emu.get(&path).await.json()["description"], Value::Null, "nothing stored before the fault");
    // Retry-After is enforced for the PATCH's client-request-id too.
    let r = send(&emu, Method::PATCH, &path, &[("if-match", &etag), ("client-request-id", "d-1")], Some(&json!({ "description": "x" }))).await;
    assert_error(&r, 429, "TooManyRequests");
    // An afterCommit fault stores the change, then fails.
    emu.control_post("/_emulator/faults", &json!({ "route": "details", "method": "PATCH", "status": 504, "afterCommit": true })).await;
    let r = send(&emu, Method::PATCH, &path, &[("if-match", &etag), ("client-request-id", "d-2")], Some(&json!({ "description": "stored" }))).await;
    assert_error(&r, 504, "gatewayTimeout");
    assert_eq!(emu.get(&path).await.json()["description"], "stored");
    // The record holds reads and PATCHes with what they sent.
    let recs = emu.client.get(&emu.url("/_emulator/requests?clientRequestId=d-2"), &[]).await.unwrap().json();
    assert_eq!(recs.as_array().unwrap().len(), 1);
    assert_eq!((recs[0]["method"].as_str(), recs[0]["path"].as_str(), recs[0]["status"].as_u64()), (Some("PATCH"), Some(path.as_str()), Some(504)));
    assert_eq!(serde_json::from_str::<Value>(recs[0]["body"].as_str().unwrap()).unwrap(), json!({ "description": "stored" }));
    assert_eq!(recs[0]["headers"]["if-match"], etag.as_str());
    let last = emu.client.get(&emu.url("/_emulator/requests?last=1"), &[]).await.unwrap().json();
    assert_eq!(last[0]["method"], "GET");
    // Bad fault targets are refused.
    assert_eq!(emu.control_post("/_emulator/faults", &json!({ "route": "nowhere", "status": 500 })).await.status, 400);
}
