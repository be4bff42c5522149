//! createTasks against the emulator over real HTTP, in Node and headless Chromium: batches, the
//! shared throttle, reconciliation of creates that may have been committed, abort and progress.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use graph_tasks::{create_task_js, create_tasks_js};
use js_sys::{Array, Function};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::*;

#[wasm_bindgen(inline_js = r#"
export function abortAfterFirstProgress(options) {
  const controller = new AbortController();
  const seen = [];
  options.signal = controller.signal;
  options.onProgress = (p) => { seen.push({ ...p }); if (seen.length === 1) controller.abort(); };
  return seen;
}
export function recordProgress(options) {
  const seen = [];
  options.onProgress = (p) => seen.push({ ...p });
  return seen;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = abortAfterFirstProgress)]
    fn abort_after_first_progress(options: &JsValue) -> Array;
    #[wasm_bindgen(js_name = recordProgress)]
    fn record_progress(options: &JsValue) -> Array;
}

async fn stats() -> Value {
    control("GET", "/_emulator/stats", None).await
}

fn tasks(plan: &str, prefix: &str, n: usize) -> JsValue {
    js(Value::Array((0..n).map(|i| planner_task(plan, &format!("{prefix} {i}"))).collect()))
}

async fn run(tasks: JsValue, options: JsValue) -> Vec<Value> {
    let results =
        create_tasks_js(tasks, options).await.unwrap_or_else(|e| panic!("createTasks rejected: {}", to_json(&e)));
    let results: Array = results.unchecked_into();
    results.iter().map(|r| to_json(&r)).collect()
}

fn ok_count(results: &[Value]) -> usize {
    results.iter().filter(|r| r["ok"] == true).count()
}

/// The titles of the plan's tasks, every page.
async fn titles_in_plan(plan: &str) -> Vec<String> {
    let mut url = format!("/v1.0/planner/plans/{plan}/tasks");
    let mut titles = Vec::new();
    loop {
        let page = control("GET", &url, None).await;
        for t in page["value"].as_array().cloned().unwrap_or_default() {
            titles.push(t["title"].as_str().unwrap_or_default().to_owned());
        }
        match page["@odata.nextLink"].as_str() {
            Some(next) => url = next.split_once("/v1.0").map(|(_, rest)| format!("/v1.0{rest}")).unwrap(),
            None => break,
        }
    }
    titles
}

#[wasm_bindgen_test]
async fn forty_five_tasks_go_in_three_batches_with_one_result_each_in_order() {
    let (plan, _) = new_plan("bulk 45").await;
    let before = stats().await["batches"].as_u64().unwrap();
    let results = run(tasks(&plan, "bulk", 45), options(json!({}))).await;
    assert_eq!(results.len(), 45);
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r["ok"], true, "{r}");
        assert_eq!(r["index"], i);
        assert_eq!(r["task"]["title"], format!("bulk {i}"));
        assert!(r.get("reconciled").is_none());
    }
    assert_eq!(stats().await["batches"].as_u64().unwrap() - before, 3);
    assert_eq!(tasks_in_plan(&plan).await, 45);
}

#[wasm_bindgen_test]
async fn invalid_inputs_get_their_validation_result_and_the_rest_go() {
    let (plan, _) = new_plan("bulk invalid").await;
    let input = js(json!([
        planner_task(&plan, "good 0"),
        { "planId": plan, "priority": 99 },
        planner_task(&plan, "good 2"),
    ]));
    let results = run(input, options(json!({}))).await;
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["error"]["kind"], "validation");
    assert_eq!(results[1]["index"], 1);
    assert_eq!(results[2]["ok"], true);
    assert_eq!(tasks_in_plan(&plan).await, 2);
}

#[wasm_bindgen_test]
async fn a_429_inside_a_batch_resends_that_item_after_its_retry_after() {
    let (plan, _) = new_plan("bulk 429").await;
    let early_before = stats().await["earlyRetries"].as_u64().unwrap();
    fault(json!([{ "route": "batch-item", "status": 429, "retryAfter": 1 }])).await;
    let started = js_sys::Date::now();
    let results = run(tasks(&plan, "throttled", 5), options(json!({}))).await;
    assert_eq!(ok_count(&results), 5, "{results:?}");
    assert!(js_sys::Date::now() - started >= 1000.0, "the resend waited for Retry-After");
    assert_eq!(stats().await["earlyRetries"].as_u64().unwrap(), early_before, "no request before its Retry-After");
    assert_eq!(tasks_in_plan(&plan).await, 5);
}

#[wasm_bindgen_test]
async fn a_gateway_timeout_after_commit_inside_a_batch_is_reconciled_without_a_duplicate() {
    let (plan, _) = new_plan("bulk 504").await;
    fault(json!([{ "route": "batch-item", "status": 504, "afterCommit": true }])).await;
    let results = run(tasks(&plan, "committed", 4), options(json!({}))).await;
    assert_eq!(ok_count(&results), 4, "{results:?}");
    assert_eq!(results.iter().filter(|r| r["reconciled"] == true).count(), 1);
    let mut titles = titles_in_plan(&plan).await;
    titles.sort();
    assert_eq!(titles, ["committed 0", "committed 1", "committed 2", "committed 3"]);
}

#[wasm_bindgen_test]
async fn a_batch_that_times_out_after_commit_is_reconciled_without_a_duplicate() {
    let (plan, _) = new_plan("bulk batch timeout").await;
    // The whole batch is answered late: the client gives up on it after 300 ms, once it is stored.
    fault(json!([{ "route": "batch-item", "status": 201, "delayMs": 1500 }])).await;
    let results = run(tasks(&plan, "late", 3), options(json!({ "timeoutMs": 300 }))).await;
    assert_eq!(ok_count(&results), 3, "{results:?}");
    assert!(results.iter().any(|r| r["reconciled"] == true), "{results:?}");
    sleep(1500.0).await;
    assert_eq!(tasks_in_plan(&plan).await, 3, "no duplicate");
}

#[wasm_bindgen_test]
async fn a_commit_after_the_answer_is_found_by_the_second_look() {
    let (plan, _) = new_plan("bulk commit delay").await;
    fault(json!([{ "route": "batch-item", "status": 504, "commitDelayMs": 1000 }])).await;
    let results = run(tasks(&plan, "delayed", 2), options(json!({}))).await;
    assert_eq!(ok_count(&results), 2, "{results:?}");
    sleep(500.0).await;
    let titles = titles_in_plan(&plan).await;
    assert_eq!(titles.len(), 2, "exactly once: {titles:?}");
}

#[wasm_bindgen_test]
async fn without_reconcile_a_create_that_may_exist_fails_and_says_so() {
    let (plan, _) = new_plan("bulk no reconcile").await;
    fault(json!([{ "route": "batch-item", "status": 504, "afterCommit": true }])).await;
    let results = run(tasks(&plan, "unreconciled", 2), options(json!({ "reconcile": false }))).await;
    let failed: Vec<&Value> = results.iter().filter(|r| r["ok"] == false).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["error"]["mayHaveBeenCreated"], true);
    assert_eq!(tasks_in_plan(&plan).await, 2);
}

#[wasm_bindgen_test]
async fn an_abort_mid_run_still_gives_every_input_a_result() {
    let (plan, _) = new_plan("bulk abort").await;
    let o = options(json!({ "concurrency": 1, "batchSize": 5 }));
    let seen = abort_after_first_progress(&o);
    let results = run(tasks(&plan, "abort", 40), o).await;
    assert_eq!(results.len(), 40);
    assert!(seen.length() >= 1);
    let created = ok_count(&results);
    assert!((1..40).contains(&created), "{created} created");
    for r in results.iter().filter(|r| r["ok"] == false) {
        assert_eq!(r["error"]["kind"], "aborted", "{r}");
        assert_eq!(r["error"]["mayHaveBeenCreated"], false, "never sent: {r}");
    }
    assert_eq!(tasks_in_plan(&plan).await as usize, created);
}

#[wasm_bindgen_test]
async fn progress_never_goes_backwards_and_ends_at_the_total() {
    let (plan, _) = new_plan("bulk progress").await;
    let o = options(json!({ "concurrency": 2, "batchSize": 7 }));
    let seen = record_progress(&o);
    run(tasks(&plan, "progress", 60), o).await;
    let seen: Vec<Value> = seen.iter().map(|p| to_json(&p)).collect();
    assert!(seen.len() >= 9, "{} reports", seen.len());
    let mut last = 0;
    for p in &seen {
        let done = p["created"].as_u64().unwrap() + p["failed"].as_u64().unwrap();
        assert!(done >= last, "went backwards: {seen:?}");
        assert_eq!(p["total"], 60);
        last = done;
    }
    assert_eq!(seen.last().unwrap()["created"], 60);
}

#[wasm_bindgen_test]
async fn a_single_create_with_reconcile_finds_a_committed_task() {
    let (plan, _) = new_plan("single reconcile").await;
    let crid = unique("reconcile-one");
    fault(json!([{ "status": 504, "afterCommit": true, "clientRequestId": crid }])).await;
    let task = wasm_bindgen_futures::JsFuture::from(create_task_js(
        js(planner_task(&plan, "once")),
        options(json!({ "clientRequestId": crid, "reconcile": true })),
    ))
    .await
    .unwrap_or_else(|e| panic!("{}", to_json(&e)));
    assert_eq!(to_json(&task)["title"], "once");
    assert_eq!(tasks_in_plan(&plan).await, 1);
    assert_eq!(received(&crid).await.iter().filter(|r| r["method"] == "POST").count(), 1, "sent once");
}

#[wasm_bindgen_test]
async fn on_result_sees_each_result_once() {
    let (plan, _) = new_plan("bulk on result").await;
    let o = options(json!({}));
    let seen = Rc::new(RefCell::new(Vec::new()));
    let callback = {
        let seen = seen.clone();
        Closure::<dyn Fn(JsValue)>::new(move |r: JsValue| {
            seen.borrow_mut().push(to_json(&r)["index"].as_u64().unwrap())
        })
    };
    set(&o, "onResult", callback.as_ref().unchecked_ref::<Function>());
    run(tasks(&plan, "each", 25), o).await;
    let mut indexes = seen.borrow().clone();
    indexes.sort_unstable();
    assert_eq!(indexes, (0..25).collect::<Vec<u64>>());
}
