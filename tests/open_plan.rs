//! `openPlan` (issue 15) against the emulator, in Node and headless Chromium: plans opened by id and by
//! group and title, tasks created with bucket, people and label names, every kind of resolution
//! failure (nothing created), and people looked up once per handle.
#![cfg(all(target_arch = "wasm32", feature = "plan"))]

use graph_tasks::{open_plan_js, CreateTaskOptions, Endpoint, Plan, PlanJs, PlanTarget, PlanTaskInput, PlannerTask};
use js_sys::Promise;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod support;
use support::*;

/// The seed's group, which owns its plans and those made by `POST /_emulator/plans`.
const GROUP: &str = "ebf3b108-5234-4e22-b93d-656d7dae5874";
const IN_PROGRESS: &str = "gcrYAaAkgU2EQUvpkNNXLGQAGTtu";
const ALEX: &str = "fbab97d0-4932-4511-b675-204639209557";
const MEGAN: &str = "8b081ef6-4792-4def-b2c9-c363a1bf41d5";
const ADELE: &str = "e3d0513b-449e-4198-ba6f-bd97ae7cae85";
const LEE: &str = "2ed03dfd-01d8-4005-a9ef-fa8ee546dc6c";

async fn open(target: Value, extra: Value) -> Result<PlanJs, Failure> {
    open_plan_js(js(target), options(extra)).await.map_err(|e| {
        assert_eq!(get(&e, "name").as_string().as_deref(), Some("GraphError"));
        Failure(e)
    })
}

async fn settle(promise: Promise) -> Result<JsValue, Failure> {
    JsFuture::from(promise).await.map_err(|e| {
        assert_eq!(get(&e, "name").as_string().as_deref(), Some("GraphError"), "{e:?}");
        Failure(e)
    })
}

async fn create_with(plan: &PlanJs, input: Value, crid: &str) -> Result<Value, Failure> {
    settle(plan.create_task(js(input), js(json!({ "clientRequestId": crid })))).await.map(|t| to_json(&t))
}

fn paths(requests: &[Value]) -> Vec<String> {
    requests.iter().map(|r| format!("{} {}", r["method"].as_str().unwrap(), r["path"].as_str().unwrap())).collect()
}

async fn plan_with(title: &str, buckets: &[&str]) -> (String, Value) {
    let plan = control("POST", "/_emulator/plans", Some(json!({ "title": title, "buckets": buckets }))).await;
    (plan["id"].as_str().unwrap().to_owned(), plan)
}

#[wasm_bindgen_test]
async fn a_plan_opens_by_id_in_one_round_trip() {
    let crid = unique("open-id");
    let plan = open(json!({ "planId": PLAN_IN_DOCS }), json!({ "clientRequestId": crid })).await.unwrap();
    assert_eq!(plan.id(), PLAN_IN_DOCS);
    assert_eq!(plan.title(), "Client onboarding");
    assert_eq!(plan.group_id().as_string().as_deref(), Some(GROUP));
    let buckets = to_json(&plan.buckets());
    assert_eq!(
        buckets,
        json!([
            { "id": "hsOf2dhOJkqyYYZEtdzDe2QAIUCR", "name": "To do" },
            { "id": IN_PROGRESS, "name": "In progress" },
            { "id": "Ws2mT1YtIUaVq3Jd7Cq0nWUAKx9p", "name": "Done" }
        ])
    );
    assert_eq!(
        to_json(&plan.labels()),
        json!({ "category1": "Urgent", "category2": "Blocked", "category3": "Client", "category4": "Internal", "category5": "Waiting" })
    );
    // Three GETs, all sent before the first answer came back: one round trip.
    let requests = received(&crid).await;
    let mut sent = paths(&requests);
    sent.sort();
    sent.dedup(); // every page of the buckets has the same path
    let plan_path = format!("/v1.0/planner/plans/{PLAN_IN_DOCS}");
    assert_eq!(
        sent,
        vec![format!("GET {plan_path}"), format!("GET {plan_path}/buckets"), format!("GET {plan_path}/details")]
    );
}

#[wasm_bindgen_test]
async fn every_page_of_buckets_is_read() {
    // More than the emulator's default page of 100: at least two pages, whatever --page-size is.
    let names: Vec<String> = (0..105).map(|i| format!("Bucket {i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let (id, _) = plan_with(&unique("paged"), &refs).await;
    let crid = unique("paged");
    let plan = open(json!({ "planId": id }), json!({ "clientRequestId": crid })).await.unwrap();
    let buckets = to_json(&plan.buckets());
    let got: Vec<&str> = buckets.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    assert_eq!(got, refs);
    let pages = paths(&received(&crid).await).iter().filter(|p| p.ends_with("/buckets")).count();
    assert!(pages >= 2, "{pages} pages");
}

#[wasm_bindgen_test]
async fn a_plan_opens_by_group_and_title() {
    let title = unique("Quarterly Review");
    let (id, _) = plan_with(&title, &["To do", "Doing"]).await;
    let crid = unique("open-title");
    let plan = open(json!({ "groupId": GROUP, "title": title.to_uppercase() }), json!({ "clientRequestId": crid }))
        .await
        .unwrap();
    assert_eq!((plan.id(), plan.title()), (id.clone(), title.clone()));
    assert_eq!(plan.group_id().as_string().as_deref(), Some(GROUP));
    // The group's plans (every page), then buckets and details together; the plan itself came in the list.
    let sent = paths(&received(&crid).await);
    assert_eq!(sent[0], format!("GET /v1.0/groups/{GROUP}/planner/plans"));
    assert!(!sent.contains(&format!("GET /v1.0/planner/plans/{id}")), "{sent:?}");
    assert!(sent.contains(&format!("GET /v1.0/planner/plans/{id}/buckets")), "{sent:?}");
    assert!(sent.contains(&format!("GET /v1.0/planner/plans/{id}/details")), "{sent:?}");

    // None, or several, are validation errors that list the candidates.
    let e = open(json!({ "groupId": GROUP, "title": "No such plan" }), json!({})).await.err().expect("refused");
    assert_eq!(e.kind(), "validation");
    assert_eq!(e.problems()[0]["field"], "title");
    let message = e.problems()[0]["message"].as_str().unwrap().to_owned();
    assert!(message.contains("\"Client onboarding\"") && message.contains(&title), "{message}");
    let (twin, _) = plan_with(&title, &["To do"]).await;
    let e = open(json!({ "groupId": GROUP, "title": title }), json!({})).await.err().expect("refused");
    assert_eq!(e.kind(), "validation");
    let message = e.problems()[0]["message"].as_str().unwrap().to_owned();
    assert!(message.contains(&id) && message.contains(&twin), "{message}");

    let e = open(json!({ "title": "x" }), json!({})).await.err().expect("refused");
    assert_eq!(e.str("code").as_deref(), Some("invalidOption"));
    let e = open(json!({ "planId": "does-not-exist-0000000000000" }), json!({})).await.err().expect("refused");
    assert_eq!((e.kind(), e.status()), ("http".to_owned(), Some(404.0)));
}

#[wasm_bindgen_test]
async fn a_task_is_created_with_names() {
    let plan = open(json!({ "planId": PLAN_IN_DOCS }), json!({})).await.unwrap();
    let before = tasks_in_plan(PLAN_IN_DOCS).await;
    let crid = unique("names");
    let task = create_with(
        &plan,
        json!({
            "title": unique("named"),
            "bucket": "in PROGRESS",
            "assignees": ["AlexW@contoso.com", "meganb@contoso.com", ADELE],
            "labels": ["blocked", "category4"],
            "priority": 1,
        }),
        &crid,
    )
    .await
    .unwrap();
    assert_eq!(task["planId"], PLAN_IN_DOCS);
    assert_eq!(task["bucketId"], IN_PROGRESS);
    assert_eq!(task["priority"], 1);
    let mut assigned: Vec<&String> = task["assignments"].as_object().unwrap().keys().collect();
    assigned.sort();
    let mut expected = vec![ALEX, MEGAN, ADELE];
    expected.sort();
    assert_eq!(assigned, expected);
    assert_eq!(task["appliedCategories"], json!({ "category2": true, "category4": true }));
    assert_eq!(tasks_in_plan(PLAN_IN_DOCS).await, before + 1);
    // Two lookups (the id needs none) in parallel, then the create: two round trips.
    let sent = paths(&received(&crid).await);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[..2].contains(&"GET /v1.0/users/AlexW%40contoso.com".to_owned()), "{sent:?}");
    assert!(sent[..2].contains(&"GET /v1.0/users/meganb%40contoso.com".to_owned()), "{sent:?}");
    assert_eq!(sent[2], "POST /v1.0/planner/tasks");
    // The POST carries plain ids, and assignments with their @odata.type and order hint.
    let requests = received(&crid).await;
    let body: Value = serde_json::from_str(requests[2]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body["assignments"][ALEX],
        json!({ "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" })
    );
    assert!(body.get("bucket").is_none() && body.get("assignees").is_none() && body.get("labels").is_none());

    // The same people again: no lookup at all; and details go through the details flow.
    let crid = unique("names-again");
    let task = create_with(
        &plan,
        json!({ "title": "again", "assignees": ["ALEXW@contoso.com"], "details": { "description": "from names" } }),
        &crid,
    )
    .await
    .unwrap();
    assert_eq!(task["details"]["description"], "from names");
    let sent = paths(&received(&crid).await);
    assert!(sent.iter().all(|p| !p.contains("/users")), "{sent:?}");
}

#[wasm_bindgen_test]
async fn each_resolution_failure_is_a_validation_error_and_nothing_is_created() {
    let (id, _) = plan_with(&unique("failures"), &["Done", "done", "Review"]).await;
    let plan = open(json!({ "planId": id }), json!({})).await.unwrap();
    let cases = vec![
        (json!({ "title": "t", "bucket": "Doing" }), vec!["bucket"], "\"Review\""),
        (json!({ "title": "t", "bucket": "DONE" }), vec!["bucket"], "several buckets"),
        (json!({ "title": "t", "labels": ["Urgent"] }), vec!["labels[0]"], "labels are none"),
        (
            json!({ "title": "t", "assignees": [ALEX, "nobody@contoso.com"] }),
            vec!["assignees[1]"],
            "nobody@contoso.com",
        ),
        (json!({ "title": "t", "assignees": ["nobody"] }), vec!["assignees[0]"], "knows no user"),
        (json!({ "title": "t", "planId": PLAN_IN_DOCS }), vec!["planId"], "the plan's own"),
        // A caller's own assignments of the wrong type are reported, not replaced.
        (json!({ "title": "t", "assignees": [ALEX], "assignments": [] }), vec!["assignments"], ""),
        (
            json!({ "bucket": "x", "assignees": ["AlexW@contoso.com", "ghost@contoso.com", "ghost2@contoso.com"],
                    "labels": ["category3", "nope"], "priority": 11 }),
            vec!["bucket", "assignees[1]", "assignees[2]", "labels[1]", "priority", "title"],
            "",
        ),
    ];
    for (input, fields, needle) in cases {
        let crid = unique("fail");
        let e = create_with(&plan, input.clone(), &crid).await.unwrap_err();
        assert_eq!(e.kind(), "validation", "{input}");
        assert_eq!(e.str("code").as_deref(), Some("invalidTask"));
        assert!(!e.may_have_been_created());
        let problems = e.problems();
        let got: Vec<&str> = problems.iter().map(|p| p["field"].as_str().unwrap()).collect();
        assert_eq!(got, fields, "{input}");
        assert!(problems[0]["message"].as_str().unwrap().contains(needle), "{problems:?}");
        let sent = paths(&received(&crid).await);
        assert!(sent.iter().all(|p| p.starts_with("GET ")), "only lookups: {sent:?}");
    }
    // An unknown address is asked as a UPN, then as a mail.
    let crid = unique("ghost");
    create_with(&plan, json!({ "title": "t", "assignees": ["ghost3@contoso.com"] }), &crid).await.unwrap_err();
    let requests = received(&crid).await;
    let sent = paths(&requests);
    assert_eq!(sent, vec!["GET /v1.0/users/ghost3%40contoso.com", "GET /v1.0/users"]);
    assert!(requests[1]["query"].as_str().unwrap().contains("filter=mail"), "{:?}", requests[1]["query"]);
    assert_eq!(tasks_in_plan(&id).await, 0, "nothing was created");
}

#[wasm_bindgen_test]
async fn fifty_tasks_for_three_people_look_them_up_three_times() {
    let (id, _) = plan_with(&unique("fifty"), &["To do"]).await;
    let plan = open(json!({ "planId": id }), json!({})).await.unwrap();
    let crid = unique("fifty");
    for i in 0..50 {
        let input = json!({
            "title": format!("task {i}"),
            "bucket": "to do",
            "assignees": ["AlexW@contoso.com", "MeganB@contoso.com", "LeeG@contoso.com"],
        });
        let task = create_with(&plan, input, &crid).await.unwrap();
        assert_eq!(task["assignments"].as_object().unwrap().len(), 3);
        assert!(task["assignments"].get(LEE).is_some());
    }
    let sent = paths(&received(&crid).await);
    let lookups: Vec<&String> = sent.iter().filter(|p| p.contains("/users")).collect();
    assert_eq!(lookups.len(), 3, "{lookups:?}");
    assert_eq!(sent.iter().filter(|p| p.starts_with("POST /v1.0/planner/tasks")).count(), 50);
    assert_eq!(tasks_in_plan(&id).await, 50);
}

#[wasm_bindgen_test]
async fn resolve_is_a_dry_run() {
    let plan = open(json!({ "planId": PLAN_IN_DOCS }), json!({})).await.unwrap();
    let before = tasks_in_plan(PLAN_IN_DOCS).await;
    let inputs = js(json!([
        { "title": "a", "bucket": "Done", "labels": ["Waiting"], "assignees": ["AdeleV@contoso.com"] },
        { "title": "b", "bucket": "Nope" },
        { "labels": ["Urgent"] },
    ]));
    let out = to_json(&settle(plan.resolve(inputs)).await.unwrap());
    assert_eq!(out["ok"], false);
    assert_eq!(
        out["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["index"].as_u64().unwrap(), p["field"].as_str().unwrap()))
            .collect::<Vec<_>>(),
        vec![(1, "bucket"), (2, "title")]
    );
    let ok = to_json(
        &settle(plan.resolve(js(json!([{ "title": "a", "bucket": "Done", "labels": ["Waiting"] }])))).await.unwrap(),
    );
    assert_eq!(
        ok,
        json!({ "ok": true, "tasks": [{ "title": "a", "planId": PLAN_IN_DOCS, "bucketId": "Ws2mT1YtIUaVq3Jd7Cq0nWUAKx9p",
            "appliedCategories": { "category5": true } }] })
    );
    assert_eq!(tasks_in_plan(PLAN_IN_DOCS).await, before);
}

#[wasm_bindgen_test]
async fn create_tasks_gives_one_result_per_input() {
    let (id, _) = plan_with(&unique("many"), &["To do", "Later"]).await;
    let plan = open(json!({ "planId": id }), json!({})).await.unwrap();
    let inputs = js(json!([
        { "title": "one", "bucket": "later", "assignees": ["LeeG@contoso.com"] },
        { "title": "two", "bucket": "never" },
        { "title": "three" },
    ]));
    let results = to_json(&settle(plan.create_tasks(inputs, JsValue::UNDEFINED)).await.unwrap());
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["ok"], true);
    assert_eq!(results[0]["task"]["title"], "one");
    assert_eq!(results[1]["ok"], false);
    assert_eq!(results[1]["error"]["kind"], "validation");
    assert_eq!(results[1]["error"]["problems"][0]["field"], "bucket");
    assert_eq!(results[2]["ok"], true);
    assert_eq!(tasks_in_plan(&id).await, 2);
    settle(plan.refresh()).await.unwrap();
    assert_eq!(to_json(&plan.buckets()).as_array().unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn the_rust_api_opens_and_creates() {
    let mut options = CreateTaskOptions::new("dev-token", Endpoint::Planner);
    options.base_url = Some(format!("{}/v1.0", emulator()));
    let plan = Plan::open(&PlanTarget::Titled { group_id: GROUP.into(), title: "client ONBOARDING".into() }, &options)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(plan.id(), PLAN_IN_DOCS);
    assert_eq!(plan.labels()[1], (2, "Blocked".to_owned()));
    let input = PlanTaskInput {
        task: PlannerTask { title: Some("from Rust".into()), ..PlannerTask::default() },
        bucket: Some("Done".into()),
        assignees: vec!["AdeleV@contoso.com".into()],
        labels: vec!["Internal".into()],
    };
    let task = plan.create_task(&input).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(task.bucket_id.as_deref(), Some("Ws2mT1YtIUaVq3Jd7Cq0nWUAKx9p"));
    assert_eq!(task.plan_id.as_deref(), Some(PLAN_IN_DOCS));
    let bad = PlanTaskInput { bucket: Some("Nope".into()), ..input };
    let e = plan.create_task(&bad).await.unwrap_err();
    assert_eq!(e.problems[0].field, "bucket");
}

#[wasm_bindgen_test]
async fn many_people_are_looked_up_in_one_batch() {
    let (id, _) = plan_with(&unique("batch-people"), &["To do"]).await;
    let plan = open(json!({ "planId": id }), json!({})).await.unwrap();
    let everyone =
        ["DevUser@contoso.com", "AlexW@contoso.com", "MeganB@contoso.com", "AdeleV@contoso.com", "LeeG@contoso.com"];
    let crid = unique("batch-people");
    let mut assignees: Vec<&str> = everyone.to_vec();
    assignees.push("ghost@contoso.com");
    let e = create_with(&plan, json!({ "title": "t", "assignees": assignees }), &crid).await.unwrap_err();
    assert_eq!(
        e.problems().iter().map(|p| p["field"].as_str().unwrap().to_owned()).collect::<Vec<_>>(),
        vec!["assignees[5]"]
    );
    let sent = paths(&received(&crid).await);
    assert_eq!(sent.iter().filter(|p| *p == "POST /v1.0/$batch").count(), 1, "{sent:?}");
    assert!(sent.iter().all(|p| !p.starts_with("GET /v1.0/users/")), "no lookup on its own: {sent:?}");
    let crid = unique("batch-people-again");
    let task = create_with(&plan, json!({ "title": "t", "assignees": everyone }), &crid).await.unwrap();
    assert_eq!(task["assignments"].as_object().unwrap().len(), 5);
    assert_eq!(paths(&received(&crid).await), vec!["POST /v1.0/planner/tasks"], "every one known by now");
}

#[wasm_bindgen(inline_js = r#"
export function collector() { const seen = []; const f = (r) => seen.push(r.index); f.seen = seen; return f; }
"#)]
extern "C" {
    fn collector() -> JsValue;
}

#[wasm_bindgen_test]
async fn create_tasks_reports_results_with_the_inputs_indexes() {
    let (id, _) = plan_with(&unique("indexes"), &["To do"]).await;
    let plan = open(json!({ "planId": id }), json!({})).await.unwrap();
    let on_result = collector();
    let options = js(json!({ "concurrency": 2 }));
    set(&options, "onResult", &on_result);
    let inputs =
        js(json!([{ "title": "bad", "bucket": "nope" }, { "title": "a" }, { "labels": ["x"] }, { "title": "b" }]));
    let results = to_json(&settle(plan.create_tasks(inputs, options)).await.unwrap());
    let indexes: Vec<u64> = results.as_array().unwrap().iter().map(|r| r["index"].as_u64().unwrap()).collect();
    assert_eq!(indexes, vec![0, 1, 2, 3]);
    let oks: Vec<bool> = results.as_array().unwrap().iter().map(|r| r["ok"].as_bool().unwrap()).collect();
    assert_eq!(oks, vec![false, true, false, true]);
    let mut seen: Vec<u64> =
        to_json(&get(&on_result, "seen")).as_array().unwrap().iter().map(|i| i.as_u64().unwrap()).collect();
    seen.sort();
    assert_eq!(seen, vec![0, 1, 2, 3]);
    assert_eq!(tasks_in_plan(&id).await, 2);
}

#[wasm_bindgen(inline_js = r#"
export function countingProvider() { const f = () => { f.calls += 1; return Promise.resolve("dev-token"); }; f.calls = 0; return f; }
export function abortedSignal() { const c = new AbortController(); c.abort(); return c.signal; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = countingProvider)]
    fn counting_provider() -> JsValue;
    #[wasm_bindgen(js_name = abortedSignal)]
    fn aborted_signal() -> JsValue;
}

#[wasm_bindgen_test]
async fn the_handle_keeps_the_token_provider_and_each_call_its_signal() {
    let provider = counting_provider();
    let options = js(json!({ "baseUrl": format!("{}/v1.0", emulator()) }));
    set(&options, "getAccessToken", &provider);
    let plan = open_plan_js(js(json!({ "planId": PLAN_IN_DOCS })), options).await.map_err(Failure).unwrap();
    assert_eq!(get(&provider, "calls").as_f64(), Some(3.0), "one token per request of the open");
    let task = create_with(&plan, json!({ "title": "provider", "assignees": ["AdeleV@contoso.com"] }), &unique("p"))
        .await
        .unwrap();
    assert_eq!(task["title"], "provider");
    assert!(get(&provider, "calls").as_f64().unwrap() >= 4.0, "the handle asks the same provider");

    // A call's own signal: aborted before it starts, nothing is sent.
    let before = tasks_in_plan(PLAN_IN_DOCS).await;
    let crid = unique("aborted");
    let call_options = js(json!({ "clientRequestId": crid }));
    set(&call_options, "signal", &aborted_signal());
    let e = settle(plan.create_task(js(json!({ "title": "never", "assignees": ["LeeG@contoso.com"] })), call_options))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "aborted");
    assert!(received(&crid).await.is_empty());
    assert_eq!(tasks_in_plan(PLAN_IN_DOCS).await, before);

    // And openPlan's.
    let options = options_with_signal();
    let e = open_plan_js(js(json!({ "planId": PLAN_IN_DOCS })), options).await.err().expect("aborted");
    assert_eq!(Failure(e).kind(), "aborted");
}

fn options_with_signal() -> JsValue {
    let o = options(json!({}));
    set(&o, "signal", &aborted_signal());
    o
}
