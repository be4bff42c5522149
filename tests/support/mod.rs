//! Helpers shared by the wasm-bindgen suites: the emulator's control endpoints, JS arguments and
//! GraphError fields. Each suite uses a subset, so unused ones are allowed here.
#![allow(dead_code)]

use gloo_net::http::Request;
use graph_tasks::create_task_js;
use js_sys::{Function, Object, Promise, Reflect, JSON};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub const PLAN_IN_DOCS: &str = "xqQg5FS2LkCp935s-FIFm2QAFkHM";

pub fn emulator() -> &'static str {
    match option_env!("GRAPH_EMULATOR_URL") {
        Some(url) => url.trim_end_matches('/'),
        None => {
            panic!("GRAPH_EMULATOR_URL was not set at compile time: run the suite through scripts/test")
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Talking to the emulator's control endpoints.

pub async fn control(method: &str, path: &str, body: Option<Value>) -> Value {
    let url = format!("{}{}", emulator(), path);
    let builder = match method {
        "GET" => Request::get(&url),
        "DELETE" => Request::delete(&url),
        _ => Request::post(&url),
    }
    .header("Authorization", "Bearer dev-token");
    let response = match body {
        Some(body) => builder.header("Content-Type", "application/json").body(body.to_string()).unwrap().send().await,
        None => builder.send().await,
    }
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let text = response.text().await.unwrap();
    assert!(response.ok(), "{method} {path} answered {}: {text}", response.status());
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A fresh plan of this test's own, so tests can count tasks per plan.
pub async fn new_plan(title: &str) -> (String, String) {
    let plan = control("POST", "/_emulator/plans", Some(json!({ "title": title }))).await;
    (plan["id"].as_str().unwrap().to_owned(), plan["buckets"][0]["id"].as_str().unwrap().to_owned())
}

pub async fn received(client_request_id: &str) -> Vec<Value> {
    let v = control("GET", &format!("/_emulator/requests?clientRequestId={client_request_id}"), None).await;
    v.as_array().cloned().unwrap_or_default()
}

pub async fn tasks_in_plan(plan: &str) -> u64 {
    let stats = control("GET", "/_emulator/stats", None).await;
    stats["tasksCreatedPerPlan"][plan].as_u64().unwrap_or(0)
}

pub async fn fault(entries: Value) {
    control("POST", "/_emulator/faults", Some(entries)).await;
}

pub fn unique(prefix: &str) -> String {
    let mut bytes = [0u8; 6];
    for b in &mut bytes {
        *b = (js_sys::Math::random() * 256.0) as u8;
    }
    format!("{prefix}-{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

// ---------------------------------------------------------------------------------------------
// Building JS arguments and reading results.

pub fn js(value: Value) -> JsValue {
    JSON::parse(&value.to_string()).unwrap()
}

pub fn to_json(value: &JsValue) -> Value {
    serde_json::from_str(&JSON::stringify(value).unwrap().as_string().unwrap()).unwrap()
}

pub fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(target, &JsValue::from_str(key), value).unwrap();
}

/// Options for the planner endpoint on the emulator, plus `extra`.
pub fn options(extra: Value) -> JsValue {
    let mut o = json!({ "accessToken": "dev-token", "baseUrl": format!("{}/v1.0", emulator()) });
    if let (Some(o), Some(extra)) = (o.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
    js(o)
}

pub fn legacy_options(endpoint: &str, extra: Value) -> JsValue {
    let o = options(extra);
    set(&o, "endpoint", &JsValue::from_str(endpoint));
    set(&o, "baseUrl", &JsValue::from_str(&format!("{}/beta", emulator())));
    o
}

/// The fields of a rejected call's GraphError.
#[derive(Debug)]
pub struct Failure(pub JsValue);

impl Failure {
    pub fn str(&self, key: &str) -> Option<String> {
        get(&self.0, key).as_string()
    }
    pub fn kind(&self) -> String {
        self.str("kind").unwrap_or_default()
    }
    pub fn status(&self) -> Option<f64> {
        get(&self.0, "status").as_f64()
    }
    pub fn may_have_been_created(&self) -> bool {
        get(&self.0, "mayHaveBeenCreated").as_bool().unwrap()
    }
    pub fn problems(&self) -> Vec<Value> {
        to_json(&get(&self.0, "problems")).as_array().cloned().unwrap()
    }
}

pub async fn create(task: Value, options: JsValue) -> Result<Value, Failure> {
    create_js(js(task), options).await.map(|t| to_json(&t))
}

pub async fn create_js(task: JsValue, options: JsValue) -> Result<JsValue, Failure> {
    JsFuture::from(create_task_js(task, options)).await.map_err(|e| {
        assert!(e.is_instance_of::<js_sys::Error>(), "rejected with a non-Error: {e:?}");
        assert_eq!(get(&e, "name").as_string().as_deref(), Some("GraphError"));
        Failure(e)
    })
}

pub fn planner_task(plan: &str, title: &str) -> Value {
    json!({ "planId": plan, "title": title })
}

pub async fn sleep(millis: f64) {
    // Through the global object, so that this test binary declares no import the library also declares.
    let set_timeout: Function = get(&js_sys::global(), "setTimeout").unchecked_into();
    let promise = Promise::new(&mut |resolve, _| {
        set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from_f64(millis)).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

pub fn is_uuid_v4(id: &str) -> bool {
    let b = id.as_bytes();
    id.len() == 36
        && b.iter().enumerate().all(
            |(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    *c == b'-'
                } else {
                    c.is_ascii_hexdigit()
                }
            },
        )
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// An unsigned JWT whose `oid`/`name` the emulator turns into `createdBy`.
pub fn jwt(oid: &str, name: &str) -> String {
    let b64 = |v: Value| {
        let text = v.to_string();
        let encoded = js_sys::global().unchecked_into::<Object>();
        let btoa: Function = get(&encoded, "btoa").unchecked_into();
        btoa.call1(&JsValue::NULL, &JsValue::from_str(&text))
            .unwrap()
            .as_string()
            .unwrap()
            .replace('+', "-")
            .replace('/', "_")
            .replace('=', "")
    };
    format!("{}.{}.sig", b64(json!({ "alg": "none", "typ": "JWT" })), b64(json!({ "oid": oid, "name": name })))
}
