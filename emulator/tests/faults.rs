//! Scripted faults, Retry-After enforcement, chaos, and the control endpoints.

mod common;

use std::time::{Duration, Instant};

use common::*;
use hyper::Method;
use serde_json::{json, Value};

async fn plan_task_count(emu: &Emulator, plan: &str) -> usize {
    emu.get(&format!("/v1.0/planner/plans/{plan}/tasks")).await.json()["value"].as_array().unwrap().len()
}

#[tokio::test]
async fn fault_queue_before_and_after_commit() {
    let emu = Emulator::start(&[]);
    let (plan, _) = emu.new_plan().await;
    let r = emu.control_post("/_emulator/faults", &json!([{ "status": 429, "retryAfter": 2 }, { "status": 504, "afterCommit": true }])).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    let queue = emu.client.get(&emu.url("/_emulator/faults"), &[]).await.unwrap().json();
    assert_eq!(queue, json!([{ "status": 429, "retryAfter": 2 }, { "status": 504, "afterCommit": true }]));

    // 1: throttled, nothing stored.
    let r = emu.create_cid(&task(&plan, "one"), "cid-1").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.header("client-request-id"), Some("cid-1"));
    let v = r.json();
    assert_eq!(v["error"]["code"], "TooManyRequests");
    assert_eq!(v["error"]["innerError"]["request-id"].as_str(), r.header("request-id"));
    assert_eq!(plan_task_count(&emu, &plan).await, 0);
    // 2: stored, then 504 — the case that makes naive clients create duplicates.
    let r = emu.create_cid(&task(&plan, "two"), "cid-2").await;
    assert_eq!(r.status, 504);
    assert_eq!(r.json()["error"]["code"], "gatewayTimeout");
    assert_eq!(plan_task_count(&emu, &plan).await, 1);
    // 3: the queue is empty.
    assert_eq!(emu.create_cid(&task(&plan, "three"), "cid-3").await.status, 201);
    assert_eq!(plan_task_count(&emu, &plan).await, 2);

    let s = emu.stats().await;
    assert_eq!(s["faultsInjected"], json!({ "beforeCommit": 1, "afterCommit": 1 }));
    assert_eq!(s["tasksStored"], 2);
    assert_eq!(s["tasksCreatedPerPlan"][&plan], 2);
    assert_eq!(s["requestsByStatus"]["429"], 1);
    assert_eq!(s["requestsByStatus"]["504"], 1);
    assert_eq!(s["writes"], 3);

    // DELETE clears the queue.
    emu.control_post("/_emulator/faults", &json!([{ "status": 500 }])).await;
    let r = emu.client.send(Method::DELETE, &emu.url("/_emulator/faults"), &[], "").await.unwrap();
    assert_eq!(r.status, 204);
    assert_eq!(emu.client.get(&emu.url("/_emulator/faults"), &[]).await.unwrap().json(), json!([]));
    assert_eq!(emu.create(&task(&plan, "four")).await.status, 201);

    // Invalid fault lists are refused whole.
    for bad in [
        json!([{ "retryAfter": 1 }]),
        json!([{ "status": 429, "retry_after": 1 }]),
        json!([{ "status": 42 }]),
        json!("x"),
        json!([{ "status": 500 }, { "status": "500" }]),
    ] {
        let r = emu.control_post("/_emulator/faults", &bad).await;
        assert_eq!(r.status, 400, "{bad}");
    }
    assert_eq!(emu.client.get(&emu.url("/_emulator/faults"), &[]).await.unwrap().json(), json!([]));
}

#[tokio::test]
async fn faults_can_target_one_client_request_id() {
    let emu = Emulator::start(&[]);
    let (plan, _) = emu.new_plan().await;
    emu.control_post("/_emulator/faults", &json!([{ "status": 503, "retryAfter": 0.05, "clientRequestId": "target" }])).await;
    // Other writes pass by; the fault waits for its id.
    assert_eq!(emu.create_cid(&task(&plan, "a"), "other").await.status, 201);
    assert_eq!(emu.create(&task(&plan, "b")).await.status, 201);
    let r = emu.create_cid(&task(&plan, "c"), "target").await;
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("0.05"));
    assert_eq!(r.json()["error"]["code"], "serviceNotAvailable");
    assert_eq!(emu.client.get(&emu.url("/_emulator/faults"), &[]).await.unwrap().json(), json!([]));
    // Entries keep queue order among those that match.
    emu.control_post("/_emulator/faults", &json!([{ "status": 500, "clientRequestId": "x" }, { "status": 502 }])).await;
    assert_eq!(emu.create_cid(&task(&plan, "d"), "y").await.status, 502);
    assert_eq!(emu.create_cid(&task(&plan, "e"), "x").await.status, 500);
}

#[tokio::test]
async fn hostile_bodies_headers_and_delays() {
    let emu = Emulator::start(&[]);
    let (plan, _) = emu.new_plan().await;
    let hostile = r#"{"error":{"code":"x","message":"Bearer leaked"}}"#;
    emu.control_post(
        "/_emulator/faults",
        &json!([
            { "status": 201, "body": hostile },
            { "status": 201, "body": "<html>not json</html>", "contentType": "text/html" },
            { "status": 302, "headers": { "Location": "https://evil.example/steal" } },
            { "status": 500, "body": "", "headers": { "x-extra": "1", "request-id": "fixed-id" } },
            { "status": 200, "afterCommit": true },
            { "status": 201, "body": "{}", "afterCommit": true },
        ]),
    )
    .await;
    let r = emu.create(&task(&plan, "h1")).await;
    assert_eq!((r.status, r.body.as_str(), r.header("content-type")), (201, hostile, Some("application/json")));
    let r = emu.create(&task(&plan, "h2")).await;
    assert_eq!((r.status, r.body.as_str(), r.header("content-type")), (201, "<html>not json</html>", Some("text/html")));
    let r = emu.create(&task(&plan, "h3")).await;
    assert_eq!((r.status, r.header("location")), (302, Some("https://evil.example/steal")));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let r = emu.create(&task(&plan, "h4")).await;
    assert_eq!((r.status, r.body.as_str(), r.header("x-extra"), r.header("request-id")), (500, "", Some("1"), Some("fixed-id")));
    assert_eq!(plan_task_count(&emu, &plan).await, 0, "nothing stored before commit");
    // A 2xx after commit without a body: the real task with another status.
    let r = emu.create(&task(&plan, "h5")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["title"], "h5");
    let r = emu.create(&task(&plan, "h6")).await;
    assert_eq!((r.status, r.body.as_str()), (201, "{}"));
    assert_eq!(plan_task_count(&emu, &plan).await, 2);

    // delayMs: before answering; a 201 without a body of its own is a slow real success.
    emu.control_post("/_emulator/faults", &json!([{ "status": 201, "delayMs": 300 }, { "status": 503, "delayMs": 200 }])).await;
    let t = Instant::now();
    let r = emu.create(&task(&plan, "slow")).await;
    assert_eq!(r.status, 201);
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!(plan_task_count(&emu, &plan).await, 3);
    let t = Instant::now();
    assert_eq!(emu.create(&task(&plan, "slow fail")).await.status, 503);
    assert!(t.elapsed() >= Duration::from_millis(200));

    // An afterCommit fault on a write that fails anyway answers the real error.
    emu.control_post("/_emulator/faults", &json!([{ "status": 504, "afterCommit": true }])).await;
    assert_eq!(emu.create(&json!({ "planId": plan })).await.status, 400);
    assert_eq!(emu.stats().await["faultsInjected"]["afterCommit"], 2, "the two earlier ones only");
}

#[tokio::test]
async fn retry_after_is_enforced_per_client_request_id() {
    let emu = Emulator::start(&[]);
    let (plan, _) = emu.new_plan().await;
    emu.control_post("/_emulator/faults", &json!([{ "status": 429, "retryAfter": 1 }, { "status": 503, "retryAfter": 1.5 }])).await;
    let r = emu.create_cid(&task(&plan, "a"), "retry-a").await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("1")));
    let r = emu.create_cid(&task(&plan, "b"), "retry-b").await;
    assert_eq!((r.status, r.header("retry-after")), (503, Some("1.5")), "fractions are written as given");
    // Coming back early: another 429 with the time that is left, and it is counted.
    let r = emu.create_cid(&task(&plan, "a"), "retry-a").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"]["code"], "TooManyRequests");
    let left: f64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(left > 0.0 && left <= 1.0, "{left}");
    let r = emu.create_cid(&task(&plan, "b"), "retry-b").await;
    assert_eq!(r.status, 429);
    let left_b: f64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(left_b > 0.0 && left_b <= 1.5, "{left_b}");
    assert_eq!(emu.stats().await["earlyRetries"], 2);
    // Other requests are not held up.
    assert_eq!(emu.create_cid(&task(&plan, "c"), "retry-c").await.status, 201);
    assert_eq!(emu.create(&task(&plan, "d")).await.status, 201);
    // After the period, the same id goes through.
    tokio::time::sleep(Duration::from_millis(1550)).await;
    assert_eq!(emu.create_cid(&task(&plan, "a"), "retry-a").await.status, 201);
    assert_eq!(emu.create_cid(&task(&plan, "b"), "retry-b").await.status, 201);
    let s = emu.stats().await;
    assert_eq!(s["earlyRetries"], 2);
    assert_eq!(s["tasksCreatedPerPlan"][&plan], 4);
}

#[tokio::test]
async fn chaos_rate_is_roughly_respected() {
    let emu = Emulator::start(&["--chaos-rate", "0.3", "--chaos-seed", "7", "--page-size", "1000"]); // one page: the whole plan
    let (plan, _) = emu.new_plan().await;
    let url = emu.url("/v1.0/planner/tasks");
    let n = 600;
    let p = plan.clone();
    let replies = run_concurrently(n, 8, move |i| {
        let mut h = auth_headers();
        h.push(("client-request-id".into(), format!("chaos-{i}")));
        (url.clone(), h, task(&p, &format!("chaos {i}")))
    })
    .await;
    let mut ok = 0;
    let mut failed = 0;
    for r in replies {
        let r = r.unwrap();
        match r.status {
            201 => ok += 1,
            429 | 503 => {
                failed += 1;
                let ra: f64 = r.header("retry-after").unwrap().parse().unwrap();
                assert!((1.0..=3.0).contains(&ra), "{ra}");
            }
            504 => failed += 1,
            other => panic!("unexpected {other}: {}", r.body),
        }
    }
    assert!((120..=240).contains(&failed), "{failed} of {n} failed at rate 0.3");
    // A third of chaos 504s store their task up to 1.3 s after the answer (commitDelayMs): let them land.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let s = emu.stats().await;
    let after: u64 = s["faultsInjected"]["afterCommit"].as_u64().unwrap();
    let before: u64 = s["faultsInjected"]["beforeCommit"].as_u64().unwrap();
    assert_eq!((before + after) as usize, failed);
    assert!(after > 0, "some 504s come after the commit");
    assert_eq!(s["tasksStored"].as_u64().unwrap(), ok + after, "201s plus the tasks stored before a 504");
    assert_eq!(plan_task_count(&emu, &plan).await as u64, ok + after);
}

#[tokio::test]
async fn plans_seed_stats_requests_and_reset() {
    let emu = Emulator::start(&[]);
    // A fresh plan per test, with one bucket.
    let r = emu.control_post("/_emulator/plans", &json!({ "title": "Mine" })).await;
    assert_eq!(r.status, 201);
    let plan = r.json();
    let id = plan["id"].as_str().unwrap().to_owned();
    assert!(graph_tasks::validate::is_planner_id(&id));
    assert_eq!(plan["title"], "Mine");
    assert_eq!(plan["buckets"].as_array().unwrap().len(), 1);
    let bucket = plan["buckets"][0]["id"].as_str().unwrap().to_owned();
    assert!(graph_tasks::validate::is_planner_id(&bucket));
    let seed = emu.client.get(&emu.url("/_emulator/seed"), &[]).await.unwrap().json();
    assert!(seed["plans"].as_array().unwrap().iter().any(|p| p["id"] == id.as_str()));
    assert!(seed["plans"].as_array().unwrap().iter().any(|p| p["id"] == EXAMPLE_PLAN && p["title"] == "Client onboarding"));
    for user in [DEFAULT_USER, ASSIGNEE] {
        assert!(seed["users"].as_array().unwrap().iter().any(|u| u["id"] == user && u["displayName"].is_string()));
    }
    assert_eq!(plan_task_count(&emu, &id).await, 0);
    // Its bucket is refused for another plan.
    let r = emu.create(&json!({ "planId": EXAMPLE_PLAN, "bucketId": bucket, "title": "t" })).await;
    assert_eq!(r.status, 400);

    // The request record: exactly what the client sent.
    let body = json!({ "planId": id, "bucketId": bucket, "title": "recorded" });
    let r = emu.post_with("/v1.0/planner/tasks?x=1", &[("client-request-id", "rec-1"), ("x-custom", "yes")], &body).await;
    assert_eq!(r.status, 201);
    let unauth = emu.client.post_json(&emu.url("/v1.0/planner/tasks"), &[("client-request-id", "rec-2")], &body).await.unwrap();
    assert_eq!(unauth.status, 401);
    let recs = emu.client.get(&emu.url("/_emulator/requests?clientRequestId=rec-1"), &[]).await.unwrap().json();
    let recs = recs.as_array().unwrap();
    assert_eq!(recs.len(), 1);
    let rec = &recs[0];
    assert_eq!(rec["method"], "POST");
    assert_eq!(rec["path"], "/v1.0/planner/tasks");
    assert_eq!(rec["query"], "x=1");
    assert_eq!(rec["headers"]["authorization"], "Bearer [redacted]");
    assert_eq!(rec["headers"]["x-custom"], "yes");
    assert_eq!(rec["headers"]["content-type"], "application/json");
    assert_eq!(serde_json::from_str::<Value>(rec["body"].as_str().unwrap()).unwrap(), body);
    assert_eq!(rec["status"], 201);
    assert_eq!(rec["requestId"].as_str(), r.header("request-id"));
    assert!(rec["receivedAt"].as_i64().unwrap() > 1_600_000_000_000);
    assert_eq!(rec["params"], json!({}));
    let last = emu.client.get(&emu.url("/_emulator/requests?last=1"), &[]).await.unwrap().json();
    assert_eq!(last.as_array().unwrap().len(), 1);
    assert_eq!(last[0]["status"], 401);
    assert!(last[0]["headers"].get("authorization").is_none());
    assert!(emu.client.get(&emu.url("/_emulator/requests"), &[]).await.unwrap().json().as_array().unwrap().len() >= 3);
    assert_eq!(emu.client.get(&emu.url("/_emulator/requests?last=x"), &[]).await.unwrap().status, 400);

    // Stats: requests by status (API only), writes, tasks.
    let s = emu.stats().await;
    assert_eq!(s["requestsByStatus"]["201"], 1);
    assert_eq!(s["requestsByStatus"]["400"], 1);
    assert_eq!(s["requestsByStatus"]["401"], 1);
    assert_eq!(s["writes"], 3);
    assert_eq!(s["tasksStored"], 1);
    assert_eq!(s["tasksCreatedPerPlan"], json!({ id.clone(): 1 }));
    assert_eq!(s["earlyRetries"], 0);

    // Reset: back to the seed.
    emu.control_post("/_emulator/faults", &json!([{ "status": 500 }])).await;
    let r = emu.control_post("/_emulator/reset", &json!(null)).await;
    assert_eq!(r.status, 204);
    let s = emu.stats().await;
    assert_eq!(s["tasksStored"], 0);
    assert_eq!(s["writes"], 0);
    assert_eq!(s["requestsByStatus"], json!({}));
    assert_eq!(s["tasksCreatedPerPlan"], json!({}));
    assert_eq!(s["faultsInjected"], json!({ "beforeCommit": 0, "afterCommit": 0 }));
    assert_eq!(emu.client.get(&emu.url("/_emulator/faults"), &[]).await.unwrap().json(), json!([]));
    assert_eq!(emu.client.get(&emu.url("/_emulator/requests"), &[]).await.unwrap().json(), json!([]));
    let seed = emu.client.get(&emu.url("/_emulator/seed"), &[]).await.unwrap().json();
    assert!(!seed["plans"].as_array().unwrap().iter().any(|p| p["id"] == id.as_str()));
    assert_eq!(emu.get(&format!("/v1.0/planner/plans/{id}/tasks")).await.status, 404);
    assert_eq!(emu.create(&task(EXAMPLE_PLAN, "after reset")).await.status, 201, "the fault queue is empty");

    // Wrong methods and unknown control paths.
    assert_eq!(emu.client.get(&emu.url("/_emulator/reset"), &[]).await.unwrap().status, 405);
    assert_eq!(emu.client.get(&emu.url("/_emulator/plans"), &[]).await.unwrap().status, 405);
    assert_eq!(emu.client.get(&emu.url("/_emulator/nothing"), &[]).await.unwrap().status, 404);
    assert_eq!(emu.client.get(&emu.url("/_emulator/health"), &[]).await.unwrap().status, 200);
    assert_eq!(emu.control_post("/_emulator/plans", &json!({ "title": 5 })).await.status, 400);
    let two = emu.control_post("/_emulator/plans", &json!({ "buckets": ["A", "B"] })).await.json();
    assert_eq!(two["buckets"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn commit_delay_answers_at_once_and_stores_later() {
    let emu = Emulator::start(&[]);
    let (plan, _) = emu.new_plan().await;
    let r = emu.control_post("/_emulator/faults", &json!({ "status": 504, "commitDelayMs": 300 })).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = emu.create_cid(&task(&plan, "late"), "late-1").await;
    assert_eq!(r.status, 504);
    assert_eq!(r.json()["error"]["code"], "gatewayTimeout");
    // A check right away misses the task.
    assert_eq!(plan_task_count(&emu, &plan).await, 0);
    // It lands later: wait for it (bounded), without asserting how long it took.
    let mut found = 0;
    for _ in 0..100 {
        found = plan_task_count(&emu, &plan).await;
        if found > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(found, 1, "the create was stored after its 504");
    // A blind resend after the 504 makes a duplicate, as it would against Graph.
    assert_eq!(emu.create_cid(&task(&plan, "late"), "late-1").await.status, 201);
    assert_eq!(plan_task_count(&emu, &plan).await, 2);
    for bad in [json!({ "status": 504, "commitDelayMs": 700_000 }), json!({ "status": 504, "commitDelayMs": 10, "route": "details" })] {
        assert_eq!(emu.control_post("/_emulator/faults", &bad).await.status, 400, "{bad}");
    }
}
