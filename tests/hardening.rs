//! Hostile callers and hostile environments: values whose every read throws, a `fetch` that throws or
//! lies, bodies that never end, tokens that look like words, providers that never settle. Each must
//! give a GraphError, and the module must stay healthy afterwards. Runs in Node and headless Chromium
//! against the emulator, like `create_task.rs`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Promise, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

mod support;
use support::*;

#[wasm_bindgen(inline_js = r#"
export function revoked() { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; }
export function deafSignal() {
  const signal = new AbortController().signal;
  signal.addEventListener = () => { throw new Error("no listeners here"); };
  return signal;
}
export function revokedArray() { const { proxy, revoke } = Proxy.revocable([], {}); revoke(); return proxy; }
export function trappingArray() { return new Proxy([1, 2], { get() { throw new Error("get trap"); } }); }
export function throwingGetter(base, key) {
  Object.defineProperty(base, key, { enumerable: true, get() { throw new Error("getter " + key); } });
  return base;
}
export function withInheritedTitle(planId) { const o = Object.create({ title: "inherited" }); o.planId = planId; return o; }
export function withHiddenTitle(planId) {
  const o = { planId };
  Object.defineProperty(o, "title", { value: "hidden", enumerable: false });
  return o;
}
export function withFlippingTitle(planId) {
  let reads = 0;
  return { planId, get title() { reads += 1; return reads === 1 ? "first read" : 42; } };
}
export function withToJson(planId) { return { planId, title: "own", toJSON() { return { planId, title: "from toJSON" }; } }; }
export function withProtoKey(planId) { return JSON.parse(`{"planId":"${planId}","title":"proto","__proto__":{"title":"x"}}`); }
export function fakeSignal() { return Object.create(AbortSignal.prototype); }

let realFetch;
export function replaceFetch(kind) {
  realFetch = globalThis.fetch;
  globalThis.fetch = {
    throws: () => { throw new Error("mock fetch threw"); },
    notAResponse: () => Promise.resolve({ status: 201, headers: null }),
    fakeResponse: () => Promise.resolve(Object.create(Response.prototype)),
    hostileThenable: () => ({ get then() { throw new Error("then getter"); } }),
    hugeChunked: () => Promise.resolve(new Response(hugeStream(200 * 1024 * 1024), { status: 201 })),
    gzipBomb: () => Promise.resolve(new Response(gzipBomb(), { status: 201 })),
  }[kind];
}
export function restoreFetch() { globalThis.fetch = realFetch; }

// 200 MB in 64 KiB chunks, made as they are read.
function hugeStream(total) {
  let sent = 0;
  const chunk = new Uint8Array(65536).fill(0x20);
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) { controller.close(); return; }
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

// 400 MB of spaces, gzip-compressed as it is read and decompressed again, as fetch decodes a
// Content-Encoding: gzip body: the client sees only the decoded stream.
function gzipBomb() {
  return hugeStream(400 * 1024 * 1024).pipeThrough(new CompressionStream("gzip")).pipeThrough(new DecompressionStream("gzip"));
}

export function heapBytes() {
  if (typeof process !== "undefined" && process.memoryUsage) return process.memoryUsage().rss;
  if (typeof performance !== "undefined" && performance.memory) return performance.memory.usedJSHeapSize;
  return 0;
}
export function never() { return new Promise(() => {}); }
export function abortedSignal() { const c = new AbortController(); c.abort(); return c.signal; }
export function abortLater(ms) { const c = new AbortController(); setTimeout(() => c.abort(), ms); return c.signal; }
export function wasmMemoryBytes(memory) { return memory.buffer.byteLength; }
"#)]
extern "C" {
    fn revoked() -> JsValue;
    #[wasm_bindgen(js_name = revokedArray)]
    fn revoked_array() -> JsValue;
    #[wasm_bindgen(js_name = trappingArray)]
    fn trapping_array() -> JsValue;
    #[wasm_bindgen(js_name = throwingGetter)]
    fn throwing_getter(base: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_name = withInheritedTitle)]
    fn with_inherited_title(plan: &str) -> JsValue;
    #[wasm_bindgen(js_name = withHiddenTitle)]
    fn with_hidden_title(plan: &str) -> JsValue;
    #[wasm_bindgen(js_name = withFlippingTitle)]
    fn with_flipping_title(plan: &str) -> JsValue;
    #[wasm_bindgen(js_name = withToJson)]
    fn with_to_json(plan: &str) -> JsValue;
    #[wasm_bindgen(js_name = withProtoKey)]
    fn with_proto_key(plan: &str) -> JsValue;
    #[wasm_bindgen(js_name = fakeSignal)]
    fn fake_signal() -> JsValue;
    #[wasm_bindgen(js_name = deafSignal)]
    fn deaf_signal() -> JsValue;
    #[wasm_bindgen(js_name = replaceFetch)]
    fn replace_fetch(kind: &str);
    #[wasm_bindgen(js_name = restoreFetch)]
    fn restore_fetch();
    #[wasm_bindgen(js_name = heapBytes)]
    fn heap_bytes() -> f64;
    fn never() -> Promise;
    #[wasm_bindgen(js_name = abortedSignal)]
    fn aborted_signal() -> JsValue;
    #[wasm_bindgen(js_name = abortLater)]
    fn abort_later(ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = wasmMemoryBytes)]
    fn wasm_memory_bytes(memory: &JsValue) -> f64;
}

fn plain(value: Value) -> JsValue {
    js(value)
}

/// A task built in JS with `key` set to `value`.
fn task_with(key: &str, value: &JsValue) -> JsValue {
    let task = plain(planner_task(PLAN_IN_DOCS, "hostile"));
    set(&task, key, value);
    task
}

fn assignment_with_throwing(key: &str) -> JsValue {
    let assignments = plain(json!({}));
    let one = throwing_getter(&plain(json!({ "@odata.type": "#microsoft.graph.plannerAssignment" })), key);
    set(&assignments, "0a1b2c3d-0000-4000-8000-000000000001", &one);
    task_with("assignments", &assignments)
}

/// Every hostile task: each must be refused as `validation`, with nothing sent.
fn hostile_tasks() -> Vec<(&'static str, JsValue)> {
    let revoked_assignment = plain(json!({}));
    set(&revoked_assignment, "0a1b2c3d-0000-4000-8000-000000000001", &revoked());
    vec![
        ("the task is a revoked Proxy", revoked()),
        ("title is a revoked Proxy", task_with("title", &revoked())),
        ("assignments is a revoked Proxy", task_with("assignments", &revoked())),
        ("one assignment is a revoked Proxy", task_with("assignments", &revoked_assignment)),
        ("an array field is a revoked array Proxy", task_with("extraList", &revoked_array())),
        ("an array field's get trap throws", task_with("extraList", &trapping_array())),
        ("the @odata.type getter throws", assignment_with_throwing("@odata.type")),
        ("the orderHint getter throws", assignment_with_throwing("orderHint")),
        ("the title getter throws", throwing_getter(&plain(json!({ "planId": PLAN_IN_DOCS })), "title")),
    ]
}

async fn expect_validation(what: &str, task: JsValue) {
    let f = create_js(task, options(json!({}))).await.expect_err(what);
    assert_eq!(f.kind(), "validation", "{what}: {:?}", to_json(&f.0));
    assert!(!f.problems().is_empty(), "{what}");
    assert!(!f.may_have_been_created(), "{what}");
}

#[wasm_bindgen_test]
async fn every_hostile_value_gives_a_graph_error_and_nothing_is_sent() {
    let before = control("GET", "/_emulator/stats", None).await["writes"].as_u64();
    for (what, task) in hostile_tasks() {
        expect_validation(what, task).await;
    }
    let after = control("GET", "/_emulator/stats", None).await["writes"].as_u64();
    // No write reached the emulator.
    if let (Some(before), Some(after)) = (before, after) {
        assert_eq!(after, before, "a hostile task was sent ({before} → {after})");
    }
}

#[wasm_bindgen_test]
async fn hostile_options_give_config_errors() {
    let task = plain(planner_task(PLAN_IN_DOCS, "options"));
    let cases: Vec<(&str, JsValue)> = vec![
        ("options is a revoked Proxy", revoked()),
        ("a throwing accessToken getter", throwing_getter(&plain(json!({})), "accessToken")),
        ("a throwing getAccessToken getter", throwing_getter(&plain(json!({})), "getAccessToken")),
        ("a throwing baseUrl getter", throwing_getter(&options(json!({})), "baseUrl")),
        ("retry is a revoked Proxy", {
            let o = options(json!({}));
            set(&o, "retry", &revoked());
            o
        }),
        ("signal is not a real AbortSignal", {
            let o = options(json!({}));
            set(&o, "signal", &fake_signal());
            o
        }),
        ("signal is a revoked Proxy", {
            let o = options(json!({}));
            set(&o, "signal", &revoked());
            o
        }),
    ];
    for (what, options) in cases {
        let f = create_js(task.clone(), options).await.expect_err(what);
        assert_eq!(f.kind(), "config", "{what}: {:?}", to_json(&f.0));
    }
}

#[wasm_bindgen_test]
async fn a_real_signal_that_refuses_listeners_gives_graph_errors_and_sends_nothing() {
    // A real AbortSignal (it passes every check of the options) whose addEventListener throws: each
    // wait the signal bounds (the token provider, the attempt) fails as a GraphError, never as the
    // bare exception.
    let task = plain(planner_task(PLAN_IN_DOCS, "deaf signal"));
    let crid = unique("deaf-signal");
    let with_provider = options(json!({ "clientRequestId": crid }));
    Reflect::delete_property(with_provider.unchecked_ref::<Object>(), &JsValue::from_str("accessToken")).unwrap();
    let provider = Closure::<dyn FnMut() -> JsValue>::new(|| JsValue::from_str("dev-token"));
    set(&with_provider, "getAccessToken", provider.as_ref());
    set(&with_provider, "signal", &deaf_signal());
    let f = create_js(task.clone(), with_provider).await.expect_err("the provider's wait cannot be bounded");
    assert_eq!(f.str("code").as_deref(), Some("tokenProviderFailed"), "{:?}", to_json(&f.0));
    assert!(f.str("message").is_some_and(|m| m.contains("no listeners here")), "{:?}", to_json(&f.0));

    let with_token = options(json!({ "clientRequestId": crid }));
    set(&with_token, "signal", &deaf_signal());
    let f = create_js(task, with_token).await.expect_err("the attempt cannot be bounded");
    assert_eq!(f.str("code").as_deref(), Some("brokenEnvironment"), "{:?}", to_json(&f.0));
    assert!(received(&crid).await.is_empty(), "nothing was sent");
}

#[wasm_bindgen_test]
async fn a_broken_fetch_gives_a_config_error_and_the_next_call_works() {
    for (kind, expected) in
        [("throws", "config"), ("notAResponse", "config"), ("fakeResponse", "config"), ("hostileThenable", "network")]
    {
        replace_fetch(kind);
        let outcome = create(planner_task(PLAN_IN_DOCS, "mock"), options(json!({ "retry": false }))).await;
        restore_fetch();
        let f = outcome.expect_err(kind);
        assert_eq!(f.kind(), expected, "{kind}: {:?}", to_json(&f.0));
        if expected == "config" {
            assert_eq!(f.str("code").as_deref(), Some("brokenEnvironment"), "{kind}");
        }
    }
    create(planner_task(PLAN_IN_DOCS, "after the mocks"), options(json!({}))).await.expect("a normal create");
}

#[wasm_bindgen_test]
async fn a_thousand_ordinary_calls_after_hostile_ones_succeed_with_memory_flat() {
    for (what, task) in hostile_tasks() {
        expect_validation(what, task).await;
    }
    let (plan, _) = new_plan("after hostile").await;
    // Warm up with the same shape (50 calls in flight), then measure: the wasm heap may grow once to
    // its working size, not per call.
    let memory = wasm_bindgen::memory();
    let mut before = 0.0;
    for round in 0..21 {
        if round == 1 {
            before = wasm_memory_bytes(&memory);
        }
        let calls = Array::new();
        for i in 0..50 {
            let task = planner_task(&plan, &format!("ordinary {round}-{i}"));
            calls.push(&wasm_bindgen_futures::future_to_promise(async move {
                create(task, options(json!({}))).await.map(|_| JsValue::TRUE).map_err(|f| f.0)
            }));
        }
        JsFuture::from(Promise::all(&calls)).await.unwrap_or_else(|e| panic!("an ordinary call failed: {e:?}"));
        // And the hostile ones again, interleaved.
        expect_validation("revoked", revoked()).await;
    }
    let after = wasm_memory_bytes(&memory);
    assert_eq!(tasks_in_plan(&plan).await, 1050);
    // 1,000 calls measured; one 64 KiB page of slack for the allocator's own bookkeeping.
    assert!(after - before <= 65536.0, "wasm memory grew by {} bytes over 1,000 calls", after - before);
}

#[wasm_bindgen_test]
async fn what_is_validated_is_what_is_sent() {
    // Inherited and non-enumerable titles are not the task's own data: refused as missing.
    for (what, task) in
        [("inherited", with_inherited_title(PLAN_IN_DOCS)), ("non-enumerable", with_hidden_title(PLAN_IN_DOCS))]
    {
        let f = create_js(task, options(json!({}))).await.expect_err(what);
        assert_eq!(f.kind(), "validation", "{what}");
        assert_eq!(f.problems()[0]["field"], "title", "{what}");
    }
    // A getter is read once: the value validated is the value sent.
    let (plan, _) = new_plan("snapshot").await;
    for (task, title) in [(with_flipping_title(&plan), "first read"), (with_to_json(&plan), "from toJSON")] {
        let crid = unique("snapshot");
        let o = options(json!({ "clientRequestId": crid }));
        let created = create_js(task, o).await.unwrap_or_else(|f| panic!("{title}: {:?}", to_json(&f.0)));
        assert_eq!(to_json(&created)["title"], title);
        let seen = received(&crid).await;
        let body: Value = serde_json::from_str(seen[0]["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["title"], title, "the body sent");
    }
    // A `__proto__` key is the task's own data as JSON reads it: validated, and sent, as it is (the
    // emulator, like the service, refuses it as an unknown property).
    let crid = unique("proto");
    let f = create_js(with_proto_key(&plan), options(json!({ "clientRequestId": crid }))).await.unwrap_err();
    assert_eq!(f.status(), Some(400.0));
    assert_eq!(f.problems()[0]["field"], "__proto__");
    assert!(received(&crid).await[0]["body"].as_str().unwrap().contains(r#""__proto__":{"title":"x"}"#));
}

async fn expect_body_too_large(kind: &str) {
    let start = heap_bytes();
    replace_fetch(kind);
    let outcome = create(planner_task(PLAN_IN_DOCS, "big"), options(json!({ "retry": false }))).await;
    restore_fetch();
    let f = outcome.expect_err(kind);
    assert_eq!(f.str("code").as_deref(), Some("bodyTooLarge"), "{kind}: {:?}", to_json(&f.0));
    let grown = heap_bytes() - start;
    assert!(grown < 50.0 * 1024.0 * 1024.0, "{kind}: memory grew by {grown} bytes");
}

#[wasm_bindgen_test]
async fn a_200_mb_chunked_body_and_a_gzip_bomb_are_cut_off_at_1_mib() {
    expect_body_too_large("hugeChunked").await;
    expect_body_too_large("gzipBomb").await;
}

#[wasm_bindgen_test]
async fn a_ten_digit_retry_after_ends_the_call_without_an_early_retry() {
    let crid = unique("retry-after-10");
    fault(json!([{ "status": 429, "retryAfter": "9999999999", "clientRequestId": crid }])).await;
    let f =
        create(planner_task(PLAN_IN_DOCS, "long wait"), options(json!({ "clientRequestId": crid }))).await.unwrap_err();
    assert_eq!(f.status(), Some(429.0));
    assert_eq!(get(&f.0, "retryAfterMs").as_f64(), Some(9_999_999_999_000.0));
    sleep(300.0).await;
    assert_eq!(received(&crid).await.len(), 1, "no retry within a second");
}

#[wasm_bindgen_test]
async fn a_short_token_echoed_leaves_the_code_and_is_redacted_raw_and_escaped() {
    let token = "Request";
    let crid = unique("short-token");
    let body = r#"{"error":{"code":"TooManyRequests","message":"echo Request","innerError":{"code":"Request"}},"raw":"Bearer Request","escaped":"\u0052equest","slash":"Bearer \/Request"}"#;
    fault(json!([{ "status": 400, "body": body, "clientRequestId": crid }])).await;
    let f = create(
        planner_task(PLAN_IN_DOCS, "short token"),
        options(json!({ "clientRequestId": crid, "accessToken": token, "retry": false })),
    )
    .await
    .unwrap_err();
    assert_eq!(f.str("code").as_deref(), Some("TooManyRequests"));
    let echoed = f.str("body").unwrap();
    assert!(echoed.contains(r#""code":"TooManyRequests""#), "{echoed}");
    assert!(!echoed.contains("Request\""), "raw form: {echoed}");
    assert!(!echoed.contains("\\u0052equest"), "escaped form: {echoed}");
    assert_eq!(echoed.matches("[redacted]").count(), 5, "{echoed}");
    assert_eq!(f.str("innerCode").as_deref(), Some("Request"), "innerCode is never changed");
    assert!(!f.str("message").unwrap().contains(" Request"), "message");
}

#[wasm_bindgen_test]
async fn a_never_settling_token_provider_ends_at_timeout_or_abort() {
    let provider = Closure::<dyn Fn() -> Promise>::new(never);
    let provider_fn: Function = provider.as_ref().unchecked_ref::<Function>().clone();
    let base = || {
        let o = options(json!({}));
        Reflect::delete_property(o.unchecked_ref::<js_sys::Object>(), &JsValue::from_str("accessToken")).unwrap();
        set(&o, "getAccessToken", &provider_fn);
        o
    };
    let with_timeout = base();
    set(&with_timeout, "timeoutMs", &JsValue::from(200));
    let f = create(planner_task(PLAN_IN_DOCS, "never"), with_timeout).await.unwrap_err();
    assert_eq!(f.kind(), "timeout");

    let with_signal = base();
    set(&with_signal, "timeoutMs", &JsValue::from(0));
    set(&with_signal, "signal", &abort_later(100.0));
    let f = create(planner_task(PLAN_IN_DOCS, "never"), with_signal).await.unwrap_err();
    assert_eq!(f.kind(), "aborted");
    assert!(!f.may_have_been_created());

    // An already-aborted signal: the provider is not called at all.
    let calls = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = {
        let calls = calls.clone();
        Closure::<dyn Fn() -> JsValue>::new(move || {
            calls.set(calls.get() + 1);
            JsValue::from_str("dev-token")
        })
    };
    let o = base();
    set(&o, "getAccessToken", counted.as_ref());
    set(&o, "signal", &aborted_signal());
    let f = create(planner_task(PLAN_IN_DOCS, "pre-aborted"), o).await.unwrap_err();
    assert_eq!(f.kind(), "aborted");
    assert_eq!(calls.get(), 0, "the provider was called with an aborted signal");
}

#[wasm_bindgen_test]
async fn base_url_verdicts_match_the_core_table() {
    // The table src/request.rs runs natively, here decided by the platform's own URL parser (the wasm
    // build's host reader). The task has no title, so a base URL that passes ends in `validation`: the
    // URL is checked first, and nothing is ever sent.
    let table: Value = serde_json::from_str(include_str!("fixtures/base-urls.json")).unwrap();
    let verdicts = table["verdicts"].as_array().unwrap();
    assert!(verdicts.len() >= 40);
    let fixture = verdicts.iter().map(|pair| (pair[0].as_str().unwrap(), pair[1].as_str().unwrap()));
    // And hosts only the platform's parser gets right (IDNA maps full-width letters and digits): what
    // fetch would connect to decides. The crate's own parser calls every non-ASCII host a domain
    // that is not loopback, which refuses these over http: safe, but stricter.
    let platform_only = [
        ("http://\u{ff4c}\u{ff4f}\u{ff43}\u{ff41}\u{ff4c}\u{ff48}\u{ff4f}\u{ff53}\u{ff54}:1", "ok"),
        ("http://\u{ff11}\u{ff12}\u{ff17}.0.0.1:1", "ok"),
        ("http://\u{ff45}vil.test", "insecureBaseUrl"),
    ];
    for (url, verdict) in fixture.chain(platform_only) {
        let o = options(json!({ "baseUrl": url, "retry": false }));
        let f = create(json!({ "planId": PLAN_IN_DOCS }), o).await.unwrap_err();
        match verdict {
            "ok" => assert_eq!(f.kind(), "validation", "{url}: {:?}", to_json(&f.0)),
            code => {
                assert_eq!(f.kind(), "config", "{url}");
                assert_eq!(f.str("code").as_deref(), Some(code), "{url}");
            }
        }
    }
}
