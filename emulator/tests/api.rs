//! The Graph surface over real HTTP: creates, reads, every error status, tokens, CORS, static files,
//! the request log, the CLI.

mod common;

use common::Reply;
use common::*;
use graph_tasks::schema::Resource;
use hyper::Method;
use serde_json::{json, Value};

/// Every property of `expected` is in `actual` with the same JSON type, recursively.
fn assert_same_shape(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                let sub = format!("{path}.{k}");
                let got = a.get(k).unwrap_or_else(|| panic!("{sub} is missing in {actual}"));
                assert_same_shape(v, got, &sub);
            }
        }
        (Value::String(_), Value::String(_)) | (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) => {}
        (Value::Array(_), Value::Array(_)) | (Value::Null, Value::Null) => {}
        _ => panic!("{path}: expected the type of {expected}, got {actual}"),
    }
}

fn assert_graph_headers(r: &Reply, cid: Option<&str>) {
    assert!(is_uuid(r.header("request-id").unwrap()), "request-id {:?}", r.header("request-id"));
    let echoed = r.header("client-request-id").unwrap();
    match cid {
        Some(c) => assert_eq!(echoed, c),
        None => assert!(is_uuid(echoed)),
    }
    assert!(r.header("date").unwrap().ends_with(" GMT"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

fn assert_error(r: &Reply, status: u16, code: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    assert_eq!(v["error"]["code"], code, "{}", r.body);
    assert!(v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    let inner = &v["error"]["innerError"];
    assert_eq!(inner["request-id"].as_str(), r.header("request-id"));
    assert_eq!(inner["client-request-id"].as_str(), r.header("client-request-id"));
    assert!(inner["date"].as_str().is_some_and(|d| d.len() == 19), "{inner}");
    assert_graph_headers(r, None);
    v
}

#[tokio::test]
async fn docs_example_request_gives_every_property_of_the_docs_response() {
    let emu = Emulator::start(&[]);
    let cid = "5a2d1ac0-8e5b-4a4a-9f6f-0f0b3f1bd8e1";
    let r = emu.create_cid(&example_request(), cid).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_graph_headers(&r, Some(cid));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let got = r.json();
    let want = example_response();

    // Same shape for everything; same values where the service echoes the request.
    assert_same_shape(&want, &got, "");
    for echoed in ["planId", "bucketId", "title"] {
        assert_eq!(got[echoed], want[echoed], "{echoed}");
    }
    // The default caller is the docs' createdBy user.
    assert_eq!(got["createdBy"]["user"]["id"], want["createdBy"]["user"]["id"]);
    // Service-chosen values.
    let id = got["id"].as_str().unwrap();
    assert!(graph_tasks::validate::is_planner_id(id), "{id}");
    assert!(is_graph_datetime(got["createdDateTime"].as_str().unwrap()), "{}", got["createdDateTime"]);
    let hint = got["orderHint"].as_str().unwrap();
    assert!(!hint.is_empty() && hint != " !");
    let a = &got["assignments"][ASSIGNEE];
    assert_eq!(a["@odata.type"], "#microsoft.graph.plannerAssignment");
    assert_eq!(a["assignedBy"]["user"]["id"], want["assignments"][ASSIGNEE]["assignedBy"]["user"]["id"]);
    assert!(is_graph_datetime(a["assignedDateTime"].as_str().unwrap()));
    assert!(a["orderHint"].as_str().is_some_and(|h| !h.is_empty() && h != " !"));
    // Defaults and annotations.
    assert_eq!(got["priority"], 5);
    assert_eq!(got["percentComplete"], 0);
    assert_eq!(got["previewType"], "automatic");
    for count in ["referenceCount", "checklistItemCount", "activeChecklistItemCount"] {
        assert_eq!(got[count], 0, "{count}");
    }
    assert_eq!(got["hasDescription"], false);
    assert_eq!(got["@odata.context"], format!("{}/v1.0/$metadata#planner/tasks/$entity", emu.url));
    let etag = got["@odata.etag"].as_str().unwrap();
    assert!(etag.starts_with("W/\"") && etag.ends_with("=\""), "{etag}");
    assert_eq!(r.header("etag"), Some(etag));
    assert_eq!(r.header("location").unwrap(), format!("{}/v1.0/planner/tasks/{id}", emu.url));
    // The core's own response check accepts it.
    graph_tasks::response::check_created_task(Some(&&got), Resource::PlannerTask).unwrap();

    // Readable by GET (same object), and listed in its plan.
    let back = emu.get(&format!("/v1.0/planner/tasks/{id}")).await;
    assert_eq!(back.status, 200);
    assert_eq!(back.json(), got);
    assert_eq!(back.header("etag"), Some(etag));
    let list = emu.get(&format!("/v1.0/planner/plans/{EXAMPLE_PLAN}/tasks")).await;
    assert_eq!(list.status, 200);
    let list = list.json();
    assert_eq!(list["@odata.context"], format!("{}/v1.0/$metadata#planner/plans('{EXAMPLE_PLAN}')/tasks", emu.url));
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
    assert_eq!(list["value"][0]["id"], id);
}

#[tokio::test]
async fn writable_properties_are_kept_and_beta_works() {
    let emu = Emulator::start(&[]);
    let body = json!({
        "planId": EXAMPLE_PLAN, "title": "All of it", "priority": 1, "percentComplete": 100,
        "startDateTime": "2026-01-01T09:00:00Z", "dueDateTime": "2026-01-02T17:00:00Z",
        "appliedCategories": { "category3": true, "category4": false }, "conversationThreadId": "thread",
        "assigneePriority": " !", "previewType": "checklist", "orderHint": " !"
    });
    let r = emu.post("/beta/planner/tasks", &body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let t = r.json();
    assert_eq!(t["priority"], 1);
    assert_eq!(t["percentComplete"], 100);
    assert!(is_graph_datetime(t["completedDateTime"].as_str().unwrap()));
    assert_eq!(t["completedBy"]["user"]["id"], DEFAULT_USER);
    assert_eq!(t["dueDateTime"], "2026-01-02T17:00:00Z");
    assert_eq!(t["appliedCategories"], json!({ "category3": true }));
    assert_eq!(t["previewType"], "checklist");
    assert_eq!(t["conversationThreadId"], "thread");
    assert_eq!(t["bucketId"], Value::Null);
    assert_eq!(t["@odata.context"], format!("{}/beta/$metadata#planner/tasks/$entity", emu.url));
    assert!(r.header("location").unwrap().contains("/beta/planner/tasks/"));
    // Ids are distinct and order hints fall (newest first), as Planner's do.
    let r2 = emu.create(&task(EXAMPLE_PLAN, "second")).await.json();
    assert_ne!(r2["id"], t["id"]);
    let (h1, h2): (u64, u64) = (t["orderHint"].as_str().unwrap().parse().unwrap(), r2["orderHint"].as_str().unwrap().parse().unwrap());
    assert!(h2 < h1);
}

#[tokio::test]
async fn legacy_task_endpoints() {
    let emu = Emulator::start(&[]);
    let (plan, bucket) = emu.new_plan().await;
    let planner = emu.create(&task(&plan, "planner first")).await;
    assert_eq!(planner.status, 201);
    let mut ids = vec![planner.json()["id"].as_str().unwrap().to_owned()];
    for path in ["/beta/me/tasks", "/beta/users/a%2Fb/tasks", "/beta/drive/root/createdByUser/tasks", "/beta/tasks"] {
        let body = json!({ "title": format!("legacy {path}"), "planId": plan, "bucketId": bucket, "assignedTo": ASSIGNEE, "appliedCategories": { "category0": true } });
        let r = emu.post_with(path, &[("client-request-id", path)], &body).await;
        assert_eq!(r.status, 201, "{path}: {}", r.body);
        let t = r.json();
        assert_eq!(t["createdBy"], DEFAULT_USER, "plain user id strings");
        assert_eq!(t["assignedBy"], DEFAULT_USER);
        assert_eq!(t["assignedTo"], ASSIGNEE);
        assert!(is_graph_datetime(t["assignedDateTime"].as_str().unwrap()));
        assert!(is_graph_datetime(t["createdDateTime"].as_str().unwrap()));
        assert_eq!(t["@odata.context"], format!("{}/beta/$metadata#tasks/$entity", emu.url));
        assert_eq!(t["percentComplete"], 0);
        assert_eq!(t["previewType"], "automatic");
        graph_tasks::response::check_created_task(Some(&&t), Resource::LegacyTask).unwrap();
        let id = t["id"].as_str().unwrap().to_owned();
        assert!(graph_tasks::validate::is_planner_id(&id));
        assert_eq!(r.header("location").unwrap(), format!("{}/beta/tasks/{id}", emu.url));
        let back = emu.get(&format!("/beta/tasks/{id}")).await;
        assert_eq!(back.status, 200);
        assert_eq!(back.json(), t);
        ids.push(id);
    }
    // The user id segment is decoded once; the record keeps the raw path.
    let rec = emu.client.get(&emu.url("/_emulator/requests?clientRequestId=%2Fbeta%2Fusers%2Fa%252Fb%2Ftasks"), &[]).await.unwrap().json();
    assert_eq!(rec.as_array().unwrap().len(), 1, "{rec}");
    assert_eq!(rec[0]["path"], "/beta/users/a%2Fb/tasks");
    assert_eq!(rec[0]["params"]["userId"], "a/b");
    // Listing: planner and legacy tasks of the plan, in creation order.
    let list = emu.get(&format!("/v1.0/planner/plans/{plan}/tasks")).await.json();
    let listed: Vec<&str> = list["value"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids);

    // No plan is fine for the 2015 task; a given plan must exist; a bucket needs its plan.
    assert_eq!(emu.post("/beta/me/tasks", &json!({ "title": "no plan" })).await.status, 201);
    assert_error(&emu.post("/beta/me/tasks", &json!({ "title": "t", "planId": "AAAAAAAAAAAAAAAAAAAAAAAAAAAA" })).await, 404, "itemNotFound");
    assert_error(&emu.post("/beta/me/tasks", &json!({ "title": "t", "bucketId": bucket })).await, 400, "BadRequest");
    assert_error(&emu.post("/beta/me/tasks", &json!({ "title": "t", "appliedCategories": { "category6": true } })).await, 400, "BadRequest");
    assert_error(&emu.post("/beta/me/tasks", &json!({ "title": "t", "createdBy": "x" })).await, 400, "BadRequest");
    assert_error(&emu.post("/beta/users/%zz/tasks", &json!({ "title": "t" })).await, 400, "BadRequest");
    // The 2015 routes exist only in beta.
    assert_error(&emu.post("/v1.0/me/tasks", &json!({ "title": "t" })).await, 404, "notFound");
}

async fn bad(emu: &Emulator, body: Value, targets: &[&str]) {
    let r = emu.create(&body).await;
    let v = assert_error(&r, 400, "BadRequest");
    let mut got: Vec<&str> = v["error"]["details"].as_array().unwrap().iter().map(|d| d["target"].as_str().unwrap()).collect();
    got.sort_unstable();
    let mut want = targets.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "{body} -> {}", r.body);
    for d in v["error"]["details"].as_array().unwrap() {
        assert_eq!(d["code"], "invalidProperty");
        let (target, message) = (d["target"].as_str().unwrap(), d["message"].as_str().unwrap());
        let line = if target.is_empty() { message.to_owned() } else { format!("{target}: {message}") };
        assert!(v["error"]["message"].as_str().unwrap().contains(&line), "{line} not in message");
    }
}

#[tokio::test]
async fn bad_requests_are_400_with_every_problem() {
    let emu = Emulator::start(&[]);
    let base = || task(EXAMPLE_PLAN, "t");
    let with = |k: &str, v: Value| {
        let mut t = base();
        t[k] = v;
        t
    };
    bad(&emu, json!({ "planId": EXAMPLE_PLAN }), &["title"]).await;
    bad(&emu, json!({ "title": "t" }), &["planId"]).await;
    bad(&emu, json!({ "priority": 11 }), &["title", "planId", "priority"]).await;
    bad(&emu, with("priority", json!("5")), &["priority"]).await;
    bad(&emu, with("title", json!(42)), &["title"]).await;
    bad(&emu, with("dueDateTime", json!("tomorrow")), &["dueDateTime"]).await;
    bad(&emu, with("assignments", json!({ ASSIGNEE: { "orderHint": " !" } })), &[&format!("assignments.{ASSIGNEE}.@odata.type")]).await;
    bad(
        &emu,
        with("assignments", json!({ ASSIGNEE: { "@odata.type": "#microsoft.graph.plannerAssignment" } })),
        &[&format!("assignments.{ASSIGNEE}.orderHint")],
    )
    .await;
    // The core (issue 14 item 5) takes any hint of characters 32..=126, as the docs define; a tab is outside.
    bad(&emu, with("orderHint", json!("tab\t!")), &["orderHint"]).await;
    bad(&emu, with("id", json!("01gzSlKkIUSUl6DF_EilrmQAKDhh")), &["id"]).await;
    bad(&emu, with("createdDateTime", json!("2015-03-25T18:36:49.2407981Z")), &["createdDateTime"]).await;
    bad(&emu, with("planId", json!("not-a-plan")), &["planId"]).await;
    bad(&emu, with("bucketId", json!("short")), &["bucketId"]).await;
    let mut t = with("startDateTime", json!("2026-02-02T00:00:00Z"));
    t["dueDateTime"] = json!("2026-02-01T00:00:00Z");
    bad(&emu, t, &["startDateTime"]).await;
    bad(&emu, with("bucketId", json!(OTHER_PLAN_BUCKET)), &["bucketId"]).await;
    bad(&emu, with("bucketId", json!("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZ")), &["bucketId"]).await;
    bad(&emu, with("dueDate", json!("2026-02-01T00:00:00Z")), &["dueDate"]).await;
    bad(&emu, json!([1, 2]), &[""]).await;

    // Not JSON at all, or empty.
    for text in ["{\"title\": ", "not json", "", "   "] {
        let r = emu.client.send(Method::POST, &emu.url("/v1.0/planner/tasks"), &[AUTH, ("content-type", "application/json")], text.to_owned()).await.unwrap();
        assert_error(&r, 400, "BadRequest");
    }
    // Invalid UTF-8.
    let r =
        emu.client.send(Method::POST, &emu.url("/v1.0/planner/tasks"), &[AUTH, ("content-type", "application/json")], vec![b'{', 0xff, b'}']).await.unwrap();
    assert_error(&r, 400, "BadRequest");
    assert_eq!(emu.stats().await["tasksStored"], 0);
}

fn jwt(payload: &Value) -> String {
    let b64 = |bytes: &[u8]| {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = (u32::from(chunk[0]) << 16) | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8) | u32::from(*chunk.get(2).unwrap_or(&0));
            for i in 0..=chunk.len() {
                out.push(T[(n >> (18 - 6 * i)) as usize & 63] as char);
            }
        }
        out
    };
    format!("{}.{}.{}", b64(br#"{"alg":"RS256","typ":"JWT"}"#), b64(payload.to_string().as_bytes()), b64(b"signature"))
}

#[tokio::test]
async fn tokens() {
    let emu = Emulator::start(&[]);
    let url = emu.url("/v1.0/planner/tasks");
    let body = task(EXAMPLE_PLAN, "t");
    for auth in [None, Some("Bearer "), Some("Bearer"), Some("Basic dXNlcjpwYXNz"), Some("")] {
        let headers: Vec<(&str, &str)> = auth.map(|a| vec![("authorization", a)]).unwrap_or_default();
        let r = emu.client.post_json(&url, &headers, &body).await.unwrap();
        assert_error(&r, 401, "InvalidAuthenticationToken");
    }
    // GETs need a token too.
    for path in ["/v1.0/planner/tasks/01gzSlKkIUSUl6DF_EilrmQAKDhh", &format!("/v1.0/planner/plans/{EXAMPLE_PLAN}/tasks")] {
        assert_error(&emu.client.get(&emu.url(path), &[]).await.unwrap(), 401, "InvalidAuthenticationToken");
    }
    // Any non-empty bearer token works; the scheme is case-insensitive.
    assert_eq!(emu.client.post_json(&url, &[("authorization", "bearer anything")], &body).await.unwrap().status, 201);
    // A JWT's oid and name become createdBy and assignedBy.
    let token = jwt(&json!({ "oid": "11111111-2222-3333-4444-555555555555", "name": "Jo Tester", "aud": "x" }));
    let auth = format!("Bearer {token}");
    let mut b = example_request();
    b["title"] = json!("jwt");
    let r = emu.client.post_json(&url, &[("authorization", &auth)], &b).await.unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    let t = r.json();
    assert_eq!(t["createdBy"], json!({ "user": { "id": "11111111-2222-3333-4444-555555555555", "displayName": "Jo Tester" } }));
    assert_eq!(t["assignments"][ASSIGNEE]["assignedBy"], t["createdBy"]);
    // A JWT with a seed user's oid and no name gets the seed's display name.
    let token = jwt(&json!({ "oid": ASSIGNEE }));
    let r = emu.client.post_json(&url, &[("authorization", &format!("Bearer {token}"))], &body).await.unwrap();
    assert_eq!(r.json()["createdBy"]["user"], json!({ "id": ASSIGNEE, "displayName": "Alex Wilber" }));
    // An opaque token is the default user.
    assert_eq!(emu.create(&body).await.json()["createdBy"]["user"], json!({ "id": DEFAULT_USER, "displayName": "Dev User" }));

    // --token T requires exactly T.
    let strict = Emulator::start(&["--token", "s3cret"]);
    let url = strict.url("/v1.0/planner/tasks");
    assert_error(&strict.client.post_json(&url, &[AUTH], &body).await.unwrap(), 401, "InvalidAuthenticationToken");
    assert_eq!(strict.client.post_json(&url, &[("authorization", "Bearer s3cret")], &body).await.unwrap().status, 201);
}

#[tokio::test]
async fn limits_not_found_methods_sizes_and_types() {
    let emu = Emulator::start(&[]);
    // 403: more than 20 assignees.
    let assignees = |n: usize| -> Value {
        let map: serde_json::Map<String, Value> = (0..n)
            .map(|i| (format!("00000000-0000-0000-0000-{i:012}"), json!({ "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" })))
            .collect();
        json!({ "planId": EXAMPLE_PLAN, "title": "crowd", "assignments": map })
    };
    assert_error(&emu.create(&assignees(21)).await, 403, "MaximumAssigneesInTasks");
    let ok = emu.create(&assignees(20)).await;
    assert_eq!(ok.status, 201);
    assert_eq!(ok.json()["assignments"].as_object().unwrap().len(), 20);

    // 404: an unknown plan, task or route.
    assert_error(&emu.create(&task("AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "t")).await, 404, "itemNotFound");
    assert_error(&emu.get("/v1.0/planner/tasks/AAAAAAAAAAAAAAAAAAAAAAAAAAAA").await, 404, "itemNotFound");
    assert_error(&emu.get("/v1.0/planner/plans/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/tasks").await, 404, "itemNotFound");
    assert_error(&emu.get("/v1.0/planner/tasks/short").await, 400, "BadRequest");
    for path in ["/v1.0/planner/buckets", "/v2.0/planner/tasks", "/", "/v1.0/planner/tasks/x/y"] {
        assert_error(&emu.get(path).await, 404, "notFound");
    }
    assert_error(&emu.post("/v1.0/nothing", &json!({})).await, 404, "notFound");

    // 405 with Allow.
    for (method, path, allow) in [
        (Method::GET, "/v1.0/planner/tasks", "POST"),
        (Method::PUT, "/v1.0/planner/tasks", "POST"),
        (Method::DELETE, "/beta/me/tasks", "POST"),
        (Method::POST, "/v1.0/planner/tasks/AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "GET"),
        (Method::PATCH, "/v1.0/planner/plans/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/tasks", "GET"),
    ] {
        let r = emu.client.send(method.clone(), &emu.url(path), &[AUTH], "").await.unwrap();
        assert_error(&r, 405, "methodNotAllowed");
        assert!(r.header("allow").unwrap().contains(allow), "{method} {path}: {:?}", r.header("allow"));
    }

    // 413 over 1 MiB (the emulator reads the rest, so the client gets the answer).
    let mut big = task(EXAMPLE_PLAN, "");
    big["title"] = json!("x".repeat((1 << 20) + 10));
    assert_error(&emu.create(&big).await, 413, "requestEntityTooLarge");
    let mut huge = task(EXAMPLE_PLAN, "");
    huge["title"] = json!("x".repeat(8 << 20));
    assert_error(&emu.create(&huge).await, 413, "requestEntityTooLarge");
    // Just under 1 MiB is a task (no title limit is documented).
    let mut fits = task(EXAMPLE_PLAN, "");
    fits["title"] = json!("y".repeat((1 << 20) - 100));
    assert_eq!(emu.create(&fits).await.status, 201);

    // 415 unless the body is declared JSON; parameters are fine.
    let body = task(EXAMPLE_PLAN, "t").to_string();
    for ct in [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("application/jsonp"), None] {
        let mut headers = vec![AUTH];
        if let Some(ct) = ct {
            headers.push(("content-type", ct));
        }
        let r = emu.client.send(Method::POST, &emu.url("/v1.0/planner/tasks"), &headers, body.clone()).await.unwrap();
        assert_error(&r, 415, "unsupportedMediaType");
    }
    for ct in ["application/json; charset=utf-8", "application/json;odata.metadata=minimal", "APPLICATION/JSON"] {
        let r = emu.client.send(Method::POST, &emu.url("/v1.0/planner/tasks"), &[AUTH, ("content-type", ct)], body.clone()).await.unwrap();
        assert_eq!(r.status, 201, "{ct}");
    }
}

#[tokio::test]
async fn cors_everywhere() {
    let www = TempDir::new("cors");
    std::fs::write(www.0.join("index.html"), "<!doctype html><title>demo</title>").unwrap();
    let emu = Emulator::start(&["--www", &www.file("")]);
    for path in ["/v1.0/planner/tasks", "/beta/me/tasks", "/_emulator/faults", "/anything"] {
        let r = emu
            .client
            .send(
                Method::OPTIONS,
                &emu.url(path),
                &[
                    ("origin", "http://127.0.0.1:9999"),
                    ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "authorization, content-type, client-request-id"),
                ],
                "",
            )
            .await
            .unwrap();
        assert_eq!(r.status, 204, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        let methods = r.header("access-control-allow-methods").unwrap();
        for m in ["GET", "POST", "OPTIONS"] {
            assert!(methods.contains(m), "{methods}");
        }
        let allowed = r.header("access-control-allow-headers").unwrap().to_ascii_lowercase();
        for h in ["authorization", "content-type", "workbook-session-id", "client-request-id", "accept"] {
            assert!(allowed.contains(h), "{h} not in {allowed}");
        }
        assert!(r.header("access-control-max-age").is_some());
    }
    let expose = |r: &Reply| {
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        let e = r.header("access-control-expose-headers").unwrap().to_ascii_lowercase();
        for h in ["request-id", "client-request-id", "retry-after", "etag", "location", "date"] {
            assert!(e.contains(h), "{h} not exposed: {e}");
        }
    };
    expose(&emu.create(&task(EXAMPLE_PLAN, "cors")).await);
    expose(&emu.create(&json!({})).await);
    expose(&emu.client.get(&emu.url("/v1.0/planner/tasks/x"), &[]).await.unwrap());
    expose(&emu.client.get(&emu.url("/_emulator/stats"), &[]).await.unwrap());
    expose(&emu.client.get(&emu.url("/"), &[]).await.unwrap());
    emu.control_post("/_emulator/faults", &json!([{ "status": 429, "retryAfter": 1 }])).await;
    let r = emu.create(&task(EXAMPLE_PLAN, "cors")).await;
    assert_eq!(r.status, 429);
    expose(&r);
}

#[tokio::test]
async fn static_files() {
    let www = TempDir::new("www");
    let pkg = TempDir::new("pkg");
    std::fs::write(www.0.join("index.html"), "<!doctype html><p>demo</p>").unwrap();
    std::fs::write(www.0.join("app.mjs"), "export const x = 1;").unwrap();
    std::fs::write(www.0.join("style.css"), "p{}").unwrap();
    std::fs::create_dir(www.0.join("sub")).unwrap();
    std::fs::write(www.0.join("sub/index.html"), "sub").unwrap();
    std::fs::write(pkg.0.join("graph_tasks_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.0.join("graph_tasks.js"), "export default 1;").unwrap();
    std::fs::write(pkg.0.join("graph_tasks.d.ts"), "export {};").unwrap();
    std::fs::write(pkg.0.join("package.json"), "{}").unwrap();
    std::fs::write(pkg.0.join("graph_tasks.js.map"), "{}").unwrap();
    std::fs::write(www.path().parent().unwrap().join(format!("{}-secret.txt", www.0.file_name().unwrap().to_str().unwrap())), "secret").unwrap();
    let emu = Emulator::start(&["--www", &www.file(""), "--pkg", &pkg.file("")]);
    let get = |p: &str| {
        let c = emu.client.clone();
        let u = emu.url(p);
        async move { c.get(&u, &[]).await.unwrap() }
    };
    for (path, ct, body) in [
        ("/", "text/html", "<!doctype html><p>demo</p>"),
        ("/index.html", "text/html", "<!doctype html><p>demo</p>"),
        ("/app.mjs", "text/javascript", "export const x = 1;"),
        ("/style.css", "text/css", "p{}"),
        ("/sub/", "text/html", "sub"),
        ("/pkg/graph_tasks_bg.wasm", "application/wasm", "\0asm\u{1}\0\0\0"),
        ("/pkg/graph_tasks.js", "text/javascript", "export default 1;"),
        ("/pkg/graph_tasks.d.ts", "application/typescript", "export {};"),
        ("/pkg/package.json", "application/json", "{}"),
        ("/pkg/graph_tasks.js.map", "application/json", "{}"),
    ] {
        let r = get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with(ct), "{path}: {:?}", r.header("content-type"));
        assert_eq!(r.body, body, "{path}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    }
    let secret = format!("{}-secret.txt", www.0.file_name().unwrap().to_str().unwrap());
    for path in [
        "/missing.js",
        "/pkg/missing.wasm",
        &format!("/..%2F{secret}"),
        &format!("/%2e%2e/{secret}"),
        "/pkg/..%2Findex.html",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    ] {
        let r = get(path).await;
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(!r.body.contains("secret"));
    }
    // The API still wins over files.
    assert_eq!(emu.create(&task(EXAMPLE_PLAN, "t")).await.status, 201);
    let _ = std::fs::remove_file(www.path().parent().unwrap().join(secret));
}

#[tokio::test]
async fn request_log_has_no_token() {
    let mut emu = Emulator::start_with(&[], false);
    let secret = "Sup3rSecretTokenValue.abc.def";
    let r = emu
        .client
        .post_json(&emu.url("/v1.0/planner/tasks?access=1"), &[("authorization", &format!("Bearer {secret}"))], &task(EXAMPLE_PLAN, "log"))
        .await
        .unwrap();
    assert_eq!(r.status, 201);
    let rid = r.header("request-id").unwrap().to_owned();
    let r404 = emu.client.get(&emu.url("/nowhere"), &[("authorization", &format!("Bearer {secret}"))]).await.unwrap();
    let log = emu.stop_and_read_stderr();
    assert!(!log.contains(secret), "{log}");
    let line = log.lines().find(|l| l.contains(&rid)).unwrap_or_else(|| panic!("no line for {rid}: {log}"));
    assert!(line.starts_with("POST /v1.0/planner/tasks 201 "), "{line}");
    assert!(line.ends_with("ms"), "{line}");
    assert!(log.lines().any(|l| l.starts_with("GET /nowhere 404 ") && l.contains(r404.header("request-id").unwrap())));
    assert!(log.contains("stopped"));
}

/// A SIGTERM as soon as the emulator says it listens still gets the clean stop (its handler was
/// once installed only when the accept loop first looked at it: a third of such stops were the
/// signal's default action). A shell sends it, the moment the line is out, with its own `kill`.
#[test]
fn sigterm_right_after_listening_is_a_clean_stop() {
    let dir = TempDir::new("sigterm");
    let script = r#"for i in $(seq 20); do
        rm -f "$1" "$2"
        "$0" --port 0 --quiet > "$1" 2> "$2" & p=$!
        while ! [ -s "$1" ]; do :; done
        kill -TERM $p; wait $p || exit 1
        grep -q stopped "$2" || exit 2
    done"#;
    let status =
        std::process::Command::new("sh").args(["-c", script, env!("CARGO_BIN_EXE_graph-emulator"), &dir.file("out"), &dir.file("err")]).status().unwrap();
    assert!(status.success(), "{status}: {}", std::fs::read_to_string(dir.file("err")).unwrap_or_default());
}

#[tokio::test]
async fn cli_port_file_seed_and_clean_stop() {
    let dir = TempDir::new("cli");
    let port_file = dir.file("port");
    let seed = json!({
        "users": [{ "id": "u-1", "displayName": "One" }],
        "plans": [{ "id": "PPPPPPPPPPPPPPPPPPPPPPPPPPPP", "title": "Seeded", "buckets": [{ "id": "BBBBBBBBBBBBBBBBBBBBBBBBBBBB", "name": "Only" }] }]
    });
    std::fs::write(dir.0.join("seed.json"), seed.to_string()).unwrap();
    let mut emu = Emulator::start(&["--port-file", &port_file, "--seed", &dir.file("seed.json")]);
    assert_eq!(std::fs::read_to_string(&port_file).unwrap(), emu.port().to_string());
    let got = emu.client.get(&emu.url("/_emulator/seed"), &[]).await.unwrap();
    assert_eq!(got.json(), seed);
    assert_eq!(emu.create(&json!({ "planId": "PPPPPPPPPPPPPPPPPPPPPPPPPPPP", "bucketId": "BBBBBBBBBBBBBBBBBBBBBBBBBBBB", "title": "t" })).await.status, 201);
    assert_eq!(emu.create(&example_request()).await.status, 404, "the built-in plan is replaced");
    let status = emu.terminate();
    assert!(status.success(), "{status}");

    // A bad seed or a bad option stops the start with an error.
    std::fs::write(dir.0.join("bad.json"), r#"{"plans":[{"id":"short","title":"x"}]}"#).unwrap();
    assert!(Emulator::try_start(&["--seed", &dir.file("bad.json")], true).is_err());
    assert!(Emulator::try_start(&["--bogus"], true).is_err());
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_graph-emulator")).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--chaos-rate"));
}

#[tokio::test]
async fn control_endpoints_are_refused_off_loopback() {
    // Bound to every interface, the control endpoints are gone (404) unless explicitly allowed.
    // All traffic here still goes to 127.0.0.1.
    let open = Emulator::start(&["--host", "0.0.0.0"]);
    let url = format!("http://127.0.0.1:{}", open.port());
    let r = open.client.get(&format!("{url}/_emulator/stats"), &[]).await.unwrap();
    assert_error(&r, 404, "notFound");
    assert_eq!(open.client.post_json(&format!("{url}/_emulator/faults"), &[], &json!([{ "status": 500 }])).await.unwrap().status, 404);
    assert_eq!(open.client.post_json(&format!("{url}/v1.0/planner/tasks"), &[AUTH], &task(EXAMPLE_PLAN, "t")).await.unwrap().status, 201);
    let allowed = Emulator::start(&["--host", "0.0.0.0", "--allow-remote-control"]);
    let r = allowed.client.get(&format!("http://127.0.0.1:{}/_emulator/stats", allowed.port()), &[]).await.unwrap();
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn control_calls_from_a_foreign_page_are_refused() {
    let emu = Emulator::start(&[]);
    let (plan, _) = emu.new_plan().await;
    assert_eq!(emu.create(&task(&plan, "kept")).await.status, 201);
    // A page on another site posting a "simple" cross-site request, as a drive-by would.
    let r =
        emu.client.send(Method::POST, &emu.url("/_emulator/reset"), &[("origin", "https://evil.example"), ("content-type", "text/plain")], "").await.unwrap();
    assert_eq!(r.status, 403);
    assert_eq!(emu.stats().await["tasksCreatedPerPlan"][&plan], 1, "nothing was reset");
    // A page served from loopback (the demo, a test runner) may.
    let r = emu.client.send(Method::POST, &emu.url("/_emulator/reset"), &[("origin", "http://127.0.0.1:9999")], "").await.unwrap();
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn symlinks_out_of_the_folder_are_not_served() {
    let www = TempDir::new("links");
    let outside = TempDir::new("outside");
    std::fs::write(outside.0.join("secret.txt"), "secret").unwrap();
    std::fs::write(www.0.join("inside.txt"), "inside").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.0.join("secret.txt"), www.0.join("file-link.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), www.0.join("dir-link")).unwrap();
        std::os::unix::fs::symlink(www.0.join("inside.txt"), www.0.join("inner-link.txt")).unwrap();
    }
    let emu = Emulator::start(&["--www", &www.file("")]);
    let get = |p: &str| {
        let (c, u) = (emu.client.clone(), emu.url(p));
        async move { c.get(&u, &[]).await.unwrap() }
    };
    assert_eq!(get("/inside.txt").await.body, "inside");
    #[cfg(unix)]
    {
        assert_eq!(get("/inner-link.txt").await.body, "inside", "a link that stays inside is served");
        for path in ["/file-link.txt", "/dir-link/secret.txt"] {
            let r = get(path).await;
            assert_eq!(r.status, 404, "{path}");
            assert!(!r.body.contains("secret"), "{path}");
            assert_eq!(r.json()["error"]["code"], "notFound");
        }
    }
}

#[tokio::test]
async fn a_400_lists_at_most_100_problems() {
    let emu = Emulator::start(&[]);
    let mut body = task(EXAMPLE_PLAN, "t");
    for i in 0..70_000 {
        body[format!("u{i}")] = json!(1);
    }
    let r = emu.create(&body).await;
    let v = assert_error(&r, 400, "BadRequest");
    assert_eq!(v["error"]["details"].as_array().unwrap().len(), 100);
    assert!(v["error"]["message"].as_str().unwrap().ends_with("and 69900 more problems"), "{}", &r.body[..200]);
    assert!(r.body.len() < 50_000, "{} bytes", r.body.len());
}

#[tokio::test]
async fn slow_half_sent_and_idle_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let emu = Emulator::start(&["--header-timeout-ms", "300"]);
    let addr = format!("127.0.0.1:{}", emu.port());
    let mut held = Vec::new();
    for i in 0..200 {
        let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
        // Half a head, or a whole request on a connection then left idle.
        let bytes: &[u8] = if i % 2 == 0 { b"POST /v1.0/planner/tasks HTTP/1.1\r\nHost: x\r\n" } else { b"GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n" };
        s.write_all(bytes).await.unwrap();
        held.push(s);
    }
    // Every connection ends (EOF or reset) instead of being held; bounded so that a hang fails.
    for (i, mut s) in held.into_iter().enumerate() {
        let mut buf = Vec::new();
        let ended = tokio::time::timeout(std::time::Duration::from_secs(30), s.read_to_end(&mut buf)).await;
        assert!(ended.is_ok(), "connection {i} was held open");
        if i % 2 == 1 {
            assert!(String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 200"), "the whole request was answered first");
        }
    }
    // The server still answers.
    assert_eq!(emu.client.get(&emu.url("/_emulator/health"), &[]).await.unwrap().status, 200);
}
