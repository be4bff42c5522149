//! Concurrency and the plan limits, over real HTTP. Counts are asserted, never timings.

mod common;

use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_creates_from_64_clients() {
    let emu = Emulator::start(&[]);
    // A plan holds at most 2400 active tasks: spread the load over five fresh plans.
    let mut plans = Vec::new();
    for _ in 0..5 {
        plans.push(emu.new_plan().await);
    }
    let url = emu.url("/v1.0/planner/tasks");
    let p = plans.clone();
    let replies = run_concurrently(10_000, 64, move |i| {
        let (plan, bucket) = &p[i % p.len()];
        let mut body = example_request();
        body["planId"] = json!(plan);
        body["bucketId"] = json!(bucket);
        body["title"] = json!(format!("load {i}"));
        let mut h = auth_headers();
        h.push(("client-request-id".into(), format!("load-{i}")));
        (url.clone(), h, body)
    })
    .await;
    let mut created = 0u64;
    let mut ids = std::collections::HashSet::new();
    for r in &replies {
        let r = r.as_ref().expect("transport error");
        assert_eq!(r.status, 201, "{}", r.body);
        created += 1;
        assert!(ids.insert(r.json()["id"].as_str().unwrap().to_owned()), "duplicate id");
    }
    assert_eq!(created, 10_000);
    let s = emu.stats().await;
    assert_eq!(s["tasksStored"].as_u64(), Some(created));
    assert_eq!(s["requestsByStatus"]["201"].as_u64(), Some(created));
    assert_eq!(s["writes"].as_u64(), Some(created));
    for (plan, _) in &plans {
        assert_eq!(s["tasksCreatedPerPlan"][plan], 2000);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_limits_2400_active_and_9000_tasks() {
    let emu = Emulator::start(&["--page-size", "10000"]); // one page holds the whole plan
    let (plan, _) = emu.new_plan().await;
    let url = emu.url("/v1.0/planner/tasks");
    let create_many = |count: usize, percent: u32| {
        let (url, plan) = (url.clone(), plan.clone());
        run_concurrently(count, 32, move |i| (url.clone(), auth_headers(), json!({ "planId": plan, "title": format!("t{i}"), "percentComplete": percent })))
    };
    let statuses = |replies: Vec<Result<common::Reply, String>>| -> Vec<u16> { replies.into_iter().map(|r| r.unwrap().status).collect() };

    // 2400 active tasks fit; the 2401st does not.
    assert!(statuses(create_many(2400, 0).await).iter().all(|&s| s == 201));
    let r = emu.create(&json!({ "planId": plan, "title": "one too many" })).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"]["code"], "MaximumActiveTasksInProject");
    let r = emu.create(&json!({ "planId": plan, "title": "half done", "percentComplete": 50 })).await;
    assert_eq!(r.json()["error"]["code"], "MaximumActiveTasksInProject");
    // Completed tasks still fit, up to 9000 in all.
    assert!(statuses(create_many(9000 - 2400, 100).await).iter().all(|&s| s == 201));
    for percent in [100, 0] {
        let r = emu.create(&json!({ "planId": plan, "title": "9001st", "percentComplete": percent })).await;
        assert_eq!(r.status, 403);
        assert_eq!(r.json()["error"]["code"], "MaximumTasksInProject");
    }
    // Legacy tasks count against the same plan.
    let r = emu.post("/beta/me/tasks", &json!({ "planId": plan, "title": "legacy", "percentComplete": 100 })).await;
    assert_eq!(r.json()["error"]["code"], "MaximumTasksInProject");
    let s = emu.stats().await;
    assert_eq!(s["tasksCreatedPerPlan"][&plan], 9000);
    assert_eq!(s["requestsByStatus"]["403"], 5);
    // Other plans are unaffected.
    assert_eq!(emu.create(&task(EXAMPLE_PLAN, "elsewhere")).await.status, 201);
    let listed = emu.get(&format!("/v1.0/planner/plans/{plan}/tasks")).await.json();
    assert_eq!(listed["value"].as_array().unwrap().len(), 9000);
}
