//! JSON batching: limits, ids, dependsOn and 424, shuffled answers, and sub-requests that go through
//! the same validation, faults and record as direct requests.

mod common;

use common::*;
use serde_json::{json, Value};

const JSON: (&str, &str) = ("content-type", "application/json");

fn create(id: &str, title: &str) -> Value {
    json!({ "id": id, "method": "POST", "url": "/planner/tasks", "headers": { "Content-Type": "application/json" }, "body": { "planId": EXAMPLE_PLAN, "title": title } })
}

async fn batch(emu: &Emulator, version: &str, requests: Value) -> Reply {
    emu.post(&format!("/{version}/$batch"), &json!({ "requests": requests })).await
}

fn by_id(reply: &Reply) -> std::collections::HashMap<String, Value> {
    reply.json()["responses"].as_array().unwrap().iter().map(|r| (r["id"].as_str().unwrap().to_owned(), r.clone())).collect()
}

#[tokio::test]
async fn a_batch_answers_each_request_by_id_in_another_order() {
    let emu = Emulator::start(&[]);
    for version in ["v1.0", "beta"] {
        let requests = json!([create("1", "one"), create("2", "two"), { "id": "3", "method": "GET", "url": "me?$select=id" }, create("4", "")]);
        let r = batch(&emu, version, requests).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let order: Vec<String> = r.json()["responses"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_owned()).collect();
        assert_ne!(order, ["1", "2", "3", "4"], "answers are not in request order");
        let answers = by_id(&r);
        for id in ["1", "2"] {
            let a = &answers[id];
            assert_eq!(a["status"], 201, "{a}");
            assert!(a["headers"]["location"].as_str().unwrap().contains("/planner/tasks/"));
            assert_eq!(a["headers"]["etag"], a["body"]["@odata.etag"]);
        }
        assert_eq!(answers["3"]["status"], 200);
        assert_eq!(answers["3"]["body"]["id"], DEFAULT_USER);
        // Validation is the direct request's.
        assert_eq!(answers["4"]["status"], 400);
        assert_eq!(answers["4"]["body"]["error"]["code"], "BadRequest");
    }
    let s = emu.stats().await;
    assert_eq!((s["batches"].as_u64(), s["batchRequests"].as_u64(), s["tasksStored"].as_u64()), (Some(2), Some(8), Some(4)));
}

#[tokio::test]
async fn malformed_batches_are_400() {
    let emu = Emulator::start(&[]);
    let many: Vec<Value> = (0..21).map(|i| create(&i.to_string(), "t")).collect();
    for requests in [
        Value::Array(many),
        json!([create("a", "t"), create("A", "t")]),
        json!([{ "id": "1", "method": "POST", "url": "/planner/tasks", "body": { "title": "t" } }]),
        json!([{ "id": "1", "method": "GET" }]),
        json!([{ "id": "1", "method": "GET", "url": "https://graph.microsoft.com/v1.0/me" }]),
        json!([{ "id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"] }]),
    ] {
        let r = batch(&emu, "v1.0", requests.clone()).await;
        assert_eq!(r.status, 400, "{requests}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "BadRequest");
    }
    let twenty: Vec<Value> = (0..20).map(|i| create(&i.to_string(), "t")).collect();
    assert_eq!(batch(&emu, "v1.0", Value::Array(twenty)).await.status, 200);
    let anonymous = emu.client.post_json(&emu.url("/v1.0/$batch"), &[], &json!({ "requests": [] })).await.unwrap();
    assert_eq!(anonymous.status, 401);
    let r = emu.client.send(hyper::Method::POST, &emu.url("/v1.0/$batch"), &[AUTH, JSON], "{").await.unwrap();
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn depends_on_waits_and_a_failed_dependency_gives_424() {
    let emu = Emulator::start(&[]);
    let requests = json!([
        create("bad", ""),
        { "id": "after-bad", "dependsOn": ["bad"], "method": "GET", "url": "/me" },
        create("good", "fine"),
        { "id": "after-good", "dependsOn": ["GOOD"], "method": "GET", "url": "/me" },
        { "id": "chain", "dependsOn": ["after-bad"], "method": "GET", "url": "/me" }
    ]);
    let r = batch(&emu, "v1.0", requests).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a = by_id(&r);
    assert_eq!(a["bad"]["status"], 400);
    assert_eq!(a["after-bad"]["status"], 424);
    assert_eq!(a["after-bad"]["body"]["error"]["code"], "failedDependency");
    assert_eq!(a["chain"]["status"], 424);
    assert_eq!(a["good"]["status"], 201);
    assert_eq!(a["after-good"]["status"], 200);
    let cycle = json!([{ "id": "x", "dependsOn": ["y"], "method": "GET", "url": "/me" }, { "id": "y", "dependsOn": ["x"], "method": "GET", "url": "/me" }]);
    assert_eq!(batch(&emu, "v1.0", cycle).await.status, 400);
}

#[tokio::test]
async fn faults_reach_batch_items() {
    let emu = Emulator::start(&[]);
    let queued = emu
        .control_post(
            "/_emulator/faults",
            &json!([{ "route": "batch-item", "status": 429, "retryAfter": 1 }, { "status": 504, "afterCommit": true, "route": "batch-item" }]),
        )
        .await;
    assert_eq!(queued.status, 201, "{}", queued.body);
    // A direct create does not take a batch-item fault.
    assert_eq!(emu.create(&task(EXAMPLE_PLAN, "direct")).await.status, 201);
    let r = batch(&emu, "v1.0", json!([create("1", "a")])).await;
    let a = by_id(&r);
    assert_eq!(a["1"]["status"], 429);
    assert_eq!(a["1"]["headers"]["retry-after"], "1");
    assert_eq!(a["1"]["body"]["error"]["code"], "TooManyRequests");
    let r = batch(&emu, "v1.0", json!([create("1", "stored then 504")])).await;
    assert_eq!(by_id(&r)["1"]["status"], 504);
    let titles: Vec<String> = emu.get(&format!("/v1.0/planner/plans/{EXAMPLE_PLAN}/tasks")).await.json()["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["direct", "stored then 504"]);
    // Each item is in the request record under its own client-request-id.
    let mut item = create("1", "recorded");
    item["headers"]["client-request-id"] = json!("batch-item-1");
    batch(&emu, "v1.0", json!([item])).await;
    let recs = emu.client.get(&emu.url("/_emulator/requests?clientRequestId=batch-item-1"), &[]).await.unwrap().json();
    assert_eq!((recs[0]["method"].as_str(), recs[0]["path"].as_str(), recs[0]["status"].as_u64()), (Some("POST"), Some("/v1.0/planner/tasks"), Some(201)));
}
