//! The createTask suite: every behaviour of the JS face, against the real emulator over real HTTP.
//!
//! The same bodies run in Node (`wasm-pack test --node`) and in headless Chromium
//! (`wasm-pack test --headless --chrome`); `scripts/test` starts the emulator on a free loopback port and
//! passes its URL at compile time as `GRAPH_EMULATOR_URL`. What the emulator received is read back
//! from its request record, never trusted from the client.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Object, Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod support;
use support::*;

// ---------------------------------------------------------------------------------------------
// The four endpoints: path, headers and body as the emulator received them.

#[wasm_bindgen_test]
async fn planner_endpoint_sends_exactly_the_documented_request() {
    let (plan, bucket) = new_plan("planner endpoint").await;
    let crid = unique("planner");
    let task = json!({
        "planId": plan, "bucketId": bucket, "title": "Update client list",
        "assignments": { "fbab97d0-4932-4511-b675-204639209557": {} }
    });
    let created =
        create(task, options(json!({ "clientRequestId": crid }))).await.unwrap_or_else(|f| panic!("{:?}", f.0));
    let seen = received(&crid).await;
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r["method"], "POST");
    assert_eq!(r["path"], "/v1.0/planner/tasks");
    assert_eq!(r["headers"]["authorization"], "Bearer [redacted]");
    assert_eq!(r["headers"]["content-type"], "application/json");
    assert_eq!(r["headers"]["accept"], "application/json");
    assert_eq!(r["headers"]["client-request-id"], crid.as_str());
    assert!(r["headers"].get("workbook-session-id").is_none());
    // The client filled in what the docs require of a new assignment, and nothing else.
    let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({
            "planId": plan, "bucketId": bucket, "title": "Update client list",
            "assignments": { "fbab97d0-4932-4511-b675-204639209557": { "@odata.type": "#microsoft.graph.plannerAssignment", "orderHint": " !" } }
        })
    );
    assert_eq!(created["title"], "Update client list");
    assert_eq!(created["planId"], plan.as_str());
    assert_eq!(created["id"].as_str().unwrap().len(), 28);
    assert!(created["@odata.etag"].is_string());
    assert!(created["assignments"]["fbab97d0-4932-4511-b675-204639209557"]["assignedDateTime"].is_string());
}

#[wasm_bindgen_test]
async fn the_callers_task_object_is_not_modified() {
    let task = js(json!({ "planId": PLAN_IN_DOCS, "title": "t", "assignments": { "u1": {} } }));
    let before = to_json(&task);
    create_js(task.clone(), options(json!({}))).await.unwrap_or_else(|f| panic!("{:?}", f.0));
    assert_eq!(to_json(&task), before);
}

#[wasm_bindgen_test]
async fn me_endpoint() {
    let crid = unique("me");
    let created = create(json!({ "title": "legacy me" }), legacy_options("me", json!({ "clientRequestId": crid })))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.0));
    let seen = received(&crid).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["path"], "/beta/me/tasks");
    assert_eq!(created["title"], "legacy me");
    assert!(created["createdBy"].is_string(), "the 2015 task names people by id: {created}");
}

#[wasm_bindgen_test]
async fn created_by_user_endpoint() {
    let crid = unique("cbu");
    create(json!({ "title": "legacy drive" }), legacy_options("createdByUser", json!({ "clientRequestId": crid })))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.0));
    assert_eq!(received(&crid).await[0]["path"], "/beta/drive/root/createdByUser/tasks");
}

#[wasm_bindgen_test]
async fn user_endpoint_sends_the_user_id_as_one_segment() {
    for (user_id, encoded) in [
        ("fbab97d0-4932-4511-b675-204639209557", "fbab97d0-4932-4511-b675-204639209557"),
        ("a/b?c#d", "a%2Fb%3Fc%23d"),
        ("...", "..."),
        ("a/../b", "a%2F..%2Fb"),
        ("100%", "100%25"),
        ("%2E%2E", "%252E%252E"),
        ("Zoë 東京", "Zo%C3%AB%20%E6%9D%B1%E4%BA%AC"),
    ] {
        let crid = unique("user");
        let o = legacy_options("user", json!({ "clientRequestId": crid, "userId": user_id }));
        create(json!({ "title": "for a user" }), o).await.unwrap_or_else(|f| panic!("{user_id}: {:?}", f.0));
        let seen = received(&crid).await;
        assert_eq!(seen.len(), 1, "{user_id}");
        assert_eq!(seen[0]["path"], format!("/beta/users/{encoded}/tasks"), "{user_id}");
        assert_eq!(seen[0]["params"]["userId"], user_id, "{user_id}");
    }
    // "." and ".." cannot be one segment (URL parsers collapse them, encoded or not): refused, unsent.
    for dots in [".", ".."] {
        let f =
            create(json!({ "title": "dots" }), legacy_options("user", json!({ "userId": dots }))).await.unwrap_err();
        assert_eq!(f.kind(), "config");
        assert_eq!(f.str("code").as_deref(), Some("invalidUserId"));
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens and request ids.

#[wasm_bindgen_test]
async fn get_access_token_sync_and_async() {
    let o = options(json!({}));
    Reflect::delete_property(o.unchecked_ref::<Object>(), &JsValue::from_str("accessToken")).unwrap();
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let sync_provider = Closure::<dyn FnMut() -> JsValue>::new(move || {
        counter.set(counter.get() + 1);
        JsValue::from_str(&jwt("sync-user-oid", "Sync User"))
    });
    set(&o, "getAccessToken", sync_provider.as_ref());
    let created =
        create(planner_task(PLAN_IN_DOCS, "sync token"), o.clone()).await.unwrap_or_else(|f| panic!("{:?}", f.0));
    assert_eq!(created["createdBy"]["user"]["id"], "sync-user-oid");
    assert_eq!(calls.get(), 1);

    let async_provider = Closure::<dyn FnMut() -> JsValue>::new(move || {
        Promise::resolve(&JsValue::from_str(&jwt("async-user-oid", "Async User"))).into()
    });
    set(&o, "getAccessToken", async_provider.as_ref());
    let created =
        create(planner_task(PLAN_IN_DOCS, "async token"), o.clone()).await.unwrap_or_else(|f| panic!("{:?}", f.0));
    assert_eq!(created["createdBy"]["user"]["id"], "async-user-oid");
    assert_eq!(created["createdBy"]["user"]["displayName"], "Async User");

    let failing = Closure::<dyn FnMut() -> JsValue>::new(move || {
        Promise::reject(&js_sys::Error::new("no session").into()).into()
    });
    set(&o, "getAccessToken", failing.as_ref());
    let f = create(planner_task(PLAN_IN_DOCS, "no token"), o).await.unwrap_err();
    assert_eq!(f.kind(), "config");
    assert_eq!(f.str("code").as_deref(), Some("tokenProviderFailed"));
}

#[wasm_bindgen_test]
async fn workbook_session_and_client_request_ids_given_and_generated() {
    let crid = unique("given");
    create(
        planner_task(PLAN_IN_DOCS, "ids"),
        options(json!({ "clientRequestId": crid, "workbookSessionId": "session-42" })),
    )
    .await
    .unwrap_or_else(|f| panic!("{:?}", f.0));
    let r = &received(&crid).await[0];
    assert_eq!(r["headers"]["workbook-session-id"], "session-42");

    // Generated: a UUID v4, visible to the caller through an error's clientRequestId.
    fault(json!([{ "status": 404 }])).await;
    let f = create(planner_task(PLAN_IN_DOCS, "generated id"), options(json!({ "retry": false }))).await.unwrap_err();
    let generated = f.str("clientRequestId").unwrap();
    assert!(is_uuid_v4(&generated), "{generated}");
    let seen = received(&generated).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["headers"]["client-request-id"], generated.as_str());
}

// ---------------------------------------------------------------------------------------------
// Every property the server sent reaches the caller.

#[wasm_bindgen_test]
async fn the_resolved_task_holds_every_property_sent_unknown_ones_too() {
    let crid = unique("props");
    let served = json!({
        "id": "01gzSlKkIUSUl6DF_EilrmQAKDhh", "title": "served", "planId": PLAN_IN_DOCS, "priority": 5,
        "@odata.etag": "W/\"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc=\"",
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#planner/tasks/$entity",
        "someFutureProperty": { "nested": [1, 2, { "deep": true }] }, "previewType": "aKindAddedLater",
        "createdBy": { "user": { "id": "u", "displayName": "U" }, "application": null }
    });
    fault(json!([{ "status": 201, "body": served.to_string(), "clientRequestId": crid }])).await;
    let created = create(planner_task(PLAN_IN_DOCS, "props"), options(json!({ "clientRequestId": crid })))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.0));
    assert_eq!(created, served);

    // And a real create: what the client resolved is what the emulator stores.
    let created =
        create(planner_task(PLAN_IN_DOCS, "stored"), options(json!({}))).await.unwrap_or_else(|f| panic!("{:?}", f.0));
    let stored = control("GET", &format!("/v1.0/planner/tasks/{}", created["id"].as_str().unwrap()), None).await;
    for (key, value) in stored.as_object().unwrap() {
        if key != "@odata.context" {
            assert_eq!(&created[key], value, "{key}");
        }
    }
    assert!(created["@odata.context"].is_string());
}

// ---------------------------------------------------------------------------------------------
// GraphError kinds.

#[wasm_bindgen_test]
async fn server_400_carries_its_problems() {
    let (_, other_bucket) = new_plan("other").await;
    let f = create(
        json!({ "planId": PLAN_IN_DOCS, "bucketId": other_bucket, "title": "wrong bucket" }),
        options(json!({})),
    )
    .await
    .unwrap_err();
    assert_eq!(f.kind(), "http");
    assert_eq!(f.status(), Some(400.0));
    assert!(!f.may_have_been_created());
    assert!(f.str("requestId").is_some());
    assert!(f.str("body").unwrap().contains("\"error\""));

    let f = create(json!({ "planId": "not-a-planner-id", "title": "bad id" }), options(json!({}))).await.unwrap_err();
    assert_eq!(f.status(), Some(400.0));
    assert!(!f.problems().is_empty(), "the emulator's details become problems");
}

#[wasm_bindgen_test]
async fn status_errors_401_403_404_413_415() {
    let crid = unique("codes");
    fault(json!([
        { "status": 401, "clientRequestId": crid },
        { "status": 403, "clientRequestId": crid, "body": "{\"error\":{\"code\":\"MaximumTasksInProject\",\"message\":\"The maximum number of tasks in a plan limit has been exceeded.\"}}" },
        { "status": 415, "clientRequestId": crid }
    ]))
    .await;
    let o = options(json!({ "clientRequestId": crid, "retry": false }));
    let f = create(planner_task(PLAN_IN_DOCS, "401"), o.clone()).await.unwrap_err();
    assert_eq!((f.kind().as_str(), f.status()), ("http", Some(401.0)));
    assert_eq!(f.str("code").as_deref(), Some("InvalidAuthenticationToken"));
    let f = create(planner_task(PLAN_IN_DOCS, "403"), o.clone()).await.unwrap_err();
    assert_eq!(f.status(), Some(403.0));
    assert_eq!(f.str("code").as_deref(), Some("MaximumTasksInProject"));
    let f = create(planner_task(PLAN_IN_DOCS, "415"), o).await.unwrap_err();
    assert_eq!(f.status(), Some(415.0));

    // 404 and 413 come from the emulator's own rules.
    let f = create(planner_task("AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "unknown plan"), options(json!({}))).await.unwrap_err();
    assert_eq!(f.status(), Some(404.0));
    let f = create(planner_task(PLAN_IN_DOCS, &"x".repeat(1_100_000)), options(json!({}))).await.unwrap_err();
    assert_eq!(f.status(), Some(413.0));
    assert!(!f.may_have_been_created());
}

#[wasm_bindgen_test]
async fn hostile_success_bodies_are_invalid_responses() {
    for body in [
        "not json",
        "{\"id\":\"abc\",\"title\":\"cut",
        "",
        "[1]",
        "{\"title\":\"no id\"}",
        "{\"id\":\"a\",\"priority\":\"high\"}",
        "{\"error\":{\"code\":\"x\",\"message\":\"y\"}}",
        "<html><body>proxy</body></html>",
    ] {
        let crid = unique("hostile");
        fault(json!([{ "status": 201, "body": body, "contentType": "application/json", "clientRequestId": crid }]))
            .await;
        let f = create(planner_task(PLAN_IN_DOCS, "hostile"), options(json!({ "clientRequestId": crid })))
            .await
            .unwrap_err();
        assert_eq!(f.kind(), "invalidResponse", "{body}");
        assert!(f.may_have_been_created(), "{body}");
    }
    // The module instance is still healthy.
    create(planner_task(PLAN_IN_DOCS, "after hostile"), options(json!({})))
        .await
        .unwrap_or_else(|f| panic!("{:?}", f.0));
}

#[wasm_bindgen_test]
async fn a_redirect_is_not_followed() {
    let crid = unique("redirect");
    fault(json!([{ "status": 302, "headers": { "Location": "https://graph.example.invalid/v1.0/planner/tasks" }, "clientRequestId": crid }])).await;
    let f =
        create(planner_task(PLAN_IN_DOCS, "redirect"), options(json!({ "clientRequestId": crid }))).await.unwrap_err();
    assert_eq!(f.kind(), "http");
    assert_eq!(f.str("code").as_deref(), Some("redirectRefused"));
    assert_eq!(received(&crid).await.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Nothing is sent when the call cannot succeed.

#[wasm_bindgen_test]
async fn validation_errors_send_nothing() {
    let crid = unique("invalid");
    let f = create(
        json!({ "priority": 11, "percentComplete": 101, "id": "x", "dueDateTime": "tomorrow" }),
        options(json!({ "clientRequestId": crid })),
    )
    .await
    .unwrap_err();
    assert_eq!(f.kind(), "validation");
    let mut fields: Vec<String> = f.problems().iter().map(|p| p["field"].as_str().unwrap().to_owned()).collect();
    fields.sort();
    assert_eq!(fields, ["dueDateTime", "id", "percentComplete", "planId", "priority", "title"]);
    assert!(received(&crid).await.is_empty());

    for bad in [JsValue::NULL, JsValue::from_str("task"), js(json!([]))] {
        let f = create_js(bad, options(json!({}))).await.unwrap_err();
        assert_eq!(f.kind(), "validation");
    }
}

#[wasm_bindgen_test]
async fn config_errors_send_nothing() {
    for (extra, code) in [
        (json!({ "baseUrl": "http://graph.example.com/v1.0" }), "insecureBaseUrl"),
        (json!({ "endpoint": "user" }), "missingUserId"),
        (json!({ "endpoint": "tasks" }), "unknownEndpoint"),
        (json!({ "accessToken": "" }), "missingToken"),
        (json!({ "timeoutMs": -1 }), "invalidOption"),
        (json!({ "retry": "yes" }), "invalidOption"),
    ] {
        let f = create(planner_task(PLAN_IN_DOCS, "config"), options(extra.clone())).await.unwrap_err();
        assert_eq!(f.kind(), "config", "{extra}");
        assert_eq!(f.str("code").as_deref(), Some(code), "{extra}");
    }
    let f = create_js(js(planner_task(PLAN_IN_DOCS, "no options")), JsValue::UNDEFINED).await.unwrap_err();
    assert_eq!(f.kind(), "config");
}

// ---------------------------------------------------------------------------------------------
// Cancellation and time.

#[wasm_bindgen_test]
async fn abort_before_the_call_sends_nothing() {
    let crid = unique("abort-before");
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let o = options(json!({ "clientRequestId": crid }));
    set(&o, "signal", &controller.signal());
    let f = create(planner_task(PLAN_IN_DOCS, "aborted"), o).await.unwrap_err();
    assert_eq!(f.kind(), "aborted");
    assert!(!f.may_have_been_created());
    assert!(received(&crid).await.is_empty());
}

#[wasm_bindgen_test]
async fn abort_during_the_call() {
    let crid = unique("abort-during");
    fault(json!([{ "status": 201, "delayMs": 3000, "clientRequestId": crid, "body": "{\"id\":\"late\"}" }])).await;
    let controller = web_sys::AbortController::new().unwrap();
    let o = options(json!({ "clientRequestId": crid }));
    set(&o, "signal", &controller.signal());
    let started = js_sys::Date::now();
    let call = wasm_bindgen_futures::future_to_promise(async move {
        let outcome = create(planner_task(PLAN_IN_DOCS, "abort during"), o).await;
        Ok(match outcome {
            Ok(_) => JsValue::from_str("resolved"),
            Err(f) => JsValue::from_str(&format!("{}:{}", f.kind(), f.may_have_been_created())),
        })
    });
    sleep(200.0).await;
    controller.abort();
    let outcome = JsFuture::from(call).await.unwrap().as_string().unwrap();
    assert_eq!(outcome, "aborted:true");
    assert!(js_sys::Date::now() - started < 2500.0, "the abort took effect at once, not when the response came");
}

#[wasm_bindgen_test]
async fn timeout_bounds_an_attempt() {
    let crid = unique("timeout");
    fault(json!([{ "status": 201, "delayMs": 1500, "clientRequestId": crid, "body": "{\"id\":\"late\"}" }])).await;
    let f = create(planner_task(PLAN_IN_DOCS, "slow"), options(json!({ "clientRequestId": crid, "timeoutMs": 300 })))
        .await
        .unwrap_err();
    assert_eq!(f.kind(), "timeout");
    assert!(f.may_have_been_created(), "a timed-out create may have been stored");
    // The emulator records a request when it answers it.
    sleep(1500.0).await;
    assert_eq!(received(&crid).await.len(), 1, "a timed-out create is not re-sent");
}

#[wasm_bindgen_test]
async fn timeout_bounds_an_attempt_that_also_has_a_signal() {
    let crid = unique("timeout-signal");
    fault(json!([{ "status": 201, "delayMs": 1500, "clientRequestId": crid, "body": "{\"id\":\"late\"}" }])).await;
    let controller = web_sys::AbortController::new().unwrap();
    let o = options(json!({ "clientRequestId": crid, "timeoutMs": 300 }));
    set(&o, "signal", &controller.signal());
    let f = create(planner_task(PLAN_IN_DOCS, "slow, with a signal"), o).await.unwrap_err();
    assert_eq!(f.kind(), "timeout");
    assert!(f.may_have_been_created());
}

#[wasm_bindgen_test]
async fn attempts_that_share_a_timeout_signal_each_get_their_full_timeout_ms() {
    // Attempts that start within a window of 1 % of timeoutMs share one timeout signal: two that start
    // together may share one, and one that starts 150 ms later must not be cut short by theirs.
    let calls = js_sys::Array::new();
    for (i, start_after) in [0.0, 0.0, 150.0].into_iter().enumerate() {
        let crid = unique(&format!("shared-timeout-{i}"));
        fault(json!([{ "status": 201, "delayMs": 1500, "clientRequestId": crid, "body": "{\"id\":\"late\"}" }])).await;
        calls.push(&wasm_bindgen_futures::future_to_promise(async move {
            sleep(start_after).await;
            let started = js_sys::Date::now();
            let o = options(json!({ "clientRequestId": crid, "timeoutMs": 300, "retry": false }));
            let outcome = create(planner_task(PLAN_IN_DOCS, "shared timeout"), o).await;
            let took = js_sys::Date::now() - started;
            Ok(JsValue::from_str(&match outcome {
                Ok(_) => format!("{i}: resolved after {took} ms"),
                Err(f) => format!("{i}: {} after {took} ms", f.kind()),
            }))
        }));
    }
    let outcomes = JsFuture::from(Promise::all(&calls)).await.unwrap();
    for outcome in js_sys::Array::from(&outcomes).iter() {
        let outcome = outcome.as_string().unwrap();
        let (what, took) = outcome.split_once(" after ").unwrap();
        let took: f64 = took.trim_end_matches(" ms").parse().unwrap();
        assert!(what.ends_with(": timeout"), "{outcome}");
        // 300 ms, less a few ms of timer and clock granularity (one cut short by the earlier calls'
        // signal would end near 150 ms), and not the 1.5 s of the response.
        assert!((290.0..1200.0).contains(&took), "{outcome}");
    }
}

// ---------------------------------------------------------------------------------------------
// Retries and duplicates.

#[wasm_bindgen_test]
async fn throttling_is_retried_after_retry_after_with_a_fresh_token() {
    let (plan, _) = new_plan("throttled").await;
    let crid = unique("throttle");
    fault(json!([{ "status": 429, "retryAfter": 0.3, "clientRequestId": crid }, { "status": 503, "retryAfter": 0.2, "clientRequestId": crid }])).await;
    let o = options(json!({ "clientRequestId": crid }));
    Reflect::delete_property(o.unchecked_ref::<Object>(), &JsValue::from_str("accessToken")).unwrap();
    let calls = Rc::new(Cell::new(0));
    let counter = calls.clone();
    let provider = Closure::<dyn FnMut() -> JsValue>::new(move || {
        counter.set(counter.get() + 1);
        JsValue::from_str(&format!("token-{}", counter.get()))
    });
    set(&o, "getAccessToken", provider.as_ref());
    let before = control("GET", "/_emulator/stats", None).await["earlyRetries"].as_u64().unwrap();
    let created = create(planner_task(&plan, "eventually"), o).await.unwrap_or_else(|f| panic!("{:?}", f.0));
    assert_eq!(created["title"], "eventually");
    assert_eq!(calls.get(), 3, "the token is asked for before every attempt");
    let seen = received(&crid).await;
    let statuses: Vec<u64> = seen.iter().map(|r| r["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [429, 503, 201]);
    let gap = seen[1]["receivedAt"].as_f64().unwrap() - seen[0]["receivedAt"].as_f64().unwrap();
    assert!(gap >= 300.0, "waited Retry-After: {gap} ms");
    assert_eq!(control("GET", "/_emulator/stats", None).await["earlyRetries"].as_u64().unwrap(), before);
    assert_eq!(tasks_in_plan(&plan).await, 1);
}

#[wasm_bindgen_test]
async fn a_wait_longer_than_max_delay_is_an_error_with_retry_after_ms() {
    let crid = unique("long-wait");
    fault(json!([{ "status": 429, "retryAfter": 30, "clientRequestId": crid }])).await;
    let f = create(
        planner_task(PLAN_IN_DOCS, "long"),
        options(json!({ "clientRequestId": crid, "retry": { "maxDelayMs": 1000 } })),
    )
    .await
    .unwrap_err();
    assert_eq!(f.status(), Some(429.0));
    assert_eq!(get(&f.0, "retryAfterMs").as_f64(), Some(30_000.0));
    assert_eq!(received(&crid).await.len(), 1);
}

#[wasm_bindgen_test]
async fn a_gateway_timeout_after_commit_is_never_resent() {
    let (plan, _) = new_plan("after commit").await;
    let crid = unique("commit");
    fault(json!([{ "status": 504, "afterCommit": true, "clientRequestId": crid }])).await;
    let f = create(planner_task(&plan, "maybe"), options(json!({ "clientRequestId": crid }))).await.unwrap_err();
    assert_eq!(f.status(), Some(504.0));
    assert!(f.may_have_been_created());
    assert_eq!(received(&crid).await.len(), 1);
    assert_eq!(tasks_in_plan(&plan).await, 1, "exactly one task, and the caller was told it may exist");
}

#[wasm_bindgen_test]
async fn the_token_never_appears_in_an_error() {
    let token = "secret-token-0123456789";
    let crid = unique("leak");
    let echo = format!(
        "{{\"error\":{{\"code\":\"BadRequest\",\"message\":\"bad token {token}\"}},\"echo\":\"Bearer {token}\"}}"
    );
    fault(json!([{ "status": 400, "body": echo, "clientRequestId": crid }])).await;
    let f =
        create(planner_task(PLAN_IN_DOCS, "leak"), options(json!({ "clientRequestId": crid, "accessToken": token })))
            .await
            .unwrap_err();
    let everything = format!(
        "{} {} {}",
        to_json(&f.0),
        JsValue::from(f.0.unchecked_ref::<js_sys::Error>().to_string()).as_string().unwrap(),
        f.str("body").unwrap()
    );
    assert!(!everything.contains(token), "{everything}");
    assert!(everything.contains("[redacted]"));
}

// ---------------------------------------------------------------------------------------------
// Load.

#[wasm_bindgen_test]
async fn two_hundred_concurrent_creates() {
    let (plan, _) = new_plan("concurrent").await;
    let calls = js_sys::Array::new();
    for i in 0..200 {
        let task = planner_task(&plan, &format!("concurrent {i}"));
        calls.push(&wasm_bindgen_futures::future_to_promise(async move {
            create(task, options(json!({})))
                .await
                .map(|t| JsValue::from_str(t["id"].as_str().unwrap()))
                .map_err(|f| f.0)
        }));
    }
    let ids = JsFuture::from(Promise::all(&calls)).await.unwrap_or_else(|e| panic!("a create failed: {e:?}"));
    let mut ids: Vec<String> = js_sys::Array::from(&ids).iter().map(|v| v.as_string().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 200);
    assert_eq!(tasks_in_plan(&plan).await, 200);
}

// ---------------------------------------------------------------------------------------------
// The Rust face.

#[wasm_bindgen_test]
async fn rust_api_creates_typed_tasks() {
    use graph_tasks::{
        create_legacy_task, create_task, CreateTaskOptions, Endpoint, ErrorKind, LegacyTask, PlannerAssignments,
        PlannerTask,
    };

    let mut options = CreateTaskOptions::new("dev-token", Endpoint::Planner);
    options.base_url = Some(format!("{}/v1.0", emulator()));
    let mut task = PlannerTask::new(PLAN_IN_DOCS, "typed");
    let mut assignments = PlannerAssignments::default();
    assignments.assign("fbab97d0-4932-4511-b675-204639209557");
    task.assignments = Some(assignments);
    task.priority = Some(3);
    let created = create_task(&task, &options).await.unwrap();
    assert_eq!(created.title.as_deref(), Some("typed"));
    assert_eq!(created.priority, Some(3));
    assert_eq!(created.id.as_deref().map(str::len), Some(28));
    assert!(created.additional_properties.contains_key("@odata.context"), "unknown properties reach Rust callers too");
    let assignment = &created.assignments.unwrap().0["fbab97d0-4932-4511-b675-204639209557"];
    assert!(assignment.assigned_by.is_some());

    task.priority = Some(42);
    let e = create_task(&task, &options).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(e.problems[0].field, "priority");

    let mut options = CreateTaskOptions::new("dev-token", Endpoint::Me);
    options.base_url = Some(format!("{}/beta", emulator()));
    let created = create_legacy_task(&LegacyTask::new("typed legacy"), &options).await.unwrap();
    assert_eq!(created.title.as_deref(), Some("typed legacy"));
    assert!(created.created_by.is_some());
}

#[wasm_bindgen_test]
async fn rust_api_asks_a_rust_token_provider_before_every_attempt() {
    use graph_tasks::{create_task, CreateTaskOptions, Endpoint, ErrorKind, PlannerTask, RetryPolicy, TokenSource};

    let (plan, _) = new_plan("rust provider").await;
    let asked = Rc::new(Cell::new(0u32));
    let counter = asked.clone();
    let mut options = CreateTaskOptions::new("unused", Endpoint::Planner);
    options.base_url = Some(format!("{}/v1.0", emulator()));
    options.retry = RetryPolicy { max_retries: 2, base_delay_ms: 1, max_delay_ms: 1_000 };
    options.token = TokenSource::Provider(Rc::new(move || {
        counter.set(counter.get() + 1);
        Box::pin(async { Ok(String::from("dev-token")) })
    }));
    // One 503 first: the provider is asked for the create and again for its retry.
    let crid = unique("rust-provider");
    options.client_request_id = Some(crid.clone());
    fault(json!([{ "status": 503, "retryAfter": 0.05, "clientRequestId": crid }])).await;
    let created = create_task(&PlannerTask::new(&plan, "asked twice"), &options).await.unwrap();
    assert_eq!(created.title.as_deref(), Some("asked twice"));
    assert_eq!(asked.get(), 2);
    assert_eq!(received(&crid).await.len(), 2);

    // Its error fails the call, with its message, and nothing is sent.
    options.client_request_id = Some(unique("rust-provider-fails"));
    options.token = TokenSource::Provider(Rc::new(|| {
        Box::pin(async { Err(graph_tasks::Error::new(ErrorKind::Config, "no session for this user")) })
    }));
    let e = create_task(&PlannerTask::new(&plan, "never sent"), &options).await.unwrap_err();
    assert_eq!(e.code.as_deref(), Some("tokenProviderFailed"));
    assert!(e.message.contains("no session for this user"), "{}", e.message);
    assert!(received(options.client_request_id.as_deref().unwrap()).await.is_empty());
    assert_eq!(tasks_in_plan(&plan).await, 1);
}

#[wasm_bindgen_test]
async fn a_network_failure_after_sending_is_flagged_and_not_resent() {
    let (plan, _) = new_plan("broken connection").await;
    let crid = unique("broken");
    fault(json!([{ "status": 201, "breakBody": true, "clientRequestId": crid }])).await;
    let f = create(planner_task(&plan, "stored, answer lost"), options(json!({ "clientRequestId": crid })))
        .await
        .unwrap_err();
    assert_eq!(f.kind(), "network");
    assert!(f.may_have_been_created());
    assert_eq!(received(&crid).await.len(), 1, "never re-sent");
    assert_eq!(tasks_in_plan(&plan).await, 1);
}

#[wasm_bindgen_test]
async fn a_thousand_bad_responses_in_a_row_leave_the_module_healthy() {
    let crid = unique("thousand");
    let bodies = [
        "not json",
        "{\"id\":",
        "",
        "[]",
        "{\"id\":5}",
        "<html>502</html>",
        "{\"error\":{\"code\":\"x\"}}",
        "{\"id\":\"a\",\"assignments\":7}",
    ];
    let faults: Vec<Value> = (0..1000)
        .map(|i| json!({ "status": 201, "body": bodies[i % bodies.len()], "clientRequestId": crid }))
        .collect();
    fault(Value::Array(faults)).await;
    for i in 0..1000 {
        let f = create(planner_task(PLAN_IN_DOCS, "hostile"), options(json!({ "clientRequestId": crid })))
            .await
            .unwrap_err();
        assert_eq!(f.kind(), "invalidResponse", "response {i}");
    }
    let created = create(planner_task(PLAN_IN_DOCS, "healthy"), options(json!({ "clientRequestId": crid }))).await;
    assert_eq!(created.unwrap_or_else(|f| panic!("{:?}", f.0))["title"], "healthy");
}
