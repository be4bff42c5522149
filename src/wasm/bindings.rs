//! The JS face: `createTask(task, options)` and `GraphError`.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::client::{create, CreateTaskOptions, TokenSource, DEFAULT_TIMEOUT_MS};
use crate::error::{Error, ErrorKind};
use crate::request::Endpoint;
use crate::retry::RetryPolicy;

#[wasm_bindgen(module = "/src/wasm/graph_error.js")]
extern "C" {
    /// The exported error class (JavaScript, so that it extends `Error`).
    #[wasm_bindgen(js_name = GraphError)]
    type JsGraphError;

    #[wasm_bindgen(constructor, js_class = "GraphError")]
    fn new(message: &str, fields: &Object) -> JsGraphError;
}

/// Creates a task; see the package's `index.d.ts` for the typed overloads.
#[wasm_bindgen(js_name = createTask, skip_typescript)]
pub async fn create_task_js(task: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let options = read_options(&options).map_err(to_js_error)?;
    create(&task, &options).await.map_err(to_js_error)
}

fn invalid_option(name: &str, expected: &str) -> Error {
    let mut m = String::from("option ");
    m.push_str(name);
    m.push_str(" must be ");
    m.push_str(expected);
    Error::config("invalidOption", m)
}

/// Reads option `name`: `None` when absent or undefined.
fn option(options: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(options, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined())
}

fn string_option(options: &JsValue, name: &str) -> Result<Option<String>, Error> {
    match option(options, name) {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| invalid_option(name, "a string")),
    }
}

fn number_option(options: &JsValue, name: &str, max: f64) -> Result<Option<f64>, Error> {
    match option(options, name) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n <= max && n.fract() == 0.0 => Ok(Some(n)),
            _ => Err(invalid_option(name, "a whole number of at least 0")),
        },
    }
}

fn read_options(options: &JsValue) -> Result<CreateTaskOptions, Error> {
    if !options.is_object() {
        return Err(Error::config("missingToken", "createTask needs options with accessToken or getAccessToken"));
    }
    let token = match (string_option(options, "accessToken")?, option(options, "getAccessToken")) {
        (Some(token), None) => TokenSource::Static(token),
        (None, Some(provider)) => {
            let provider: Function = provider.dyn_into().map_err(|_| invalid_option("getAccessToken", "a function"))?;
            TokenSource::Provider(Rc::new(move || {
                let provider = provider.clone();
                Box::pin(async move { call_token_provider(&provider).await })
            }))
        }
        (Some(_), Some(_)) => {
            return Err(Error::config("invalidOption", "give accessToken or getAccessToken, not both"))
        }
        (None, None) => return Err(Error::config("missingToken", "createTask needs accessToken or getAccessToken")),
    };
    let endpoint = Endpoint::from_name(
        string_option(options, "endpoint")?.as_deref(),
        string_option(options, "userId")?.as_deref(),
    )?;
    let signal = match option(options, "signal") {
        None => None,
        Some(v) => Some(v.dyn_into::<AbortSignal>().map_err(|_| invalid_option("signal", "an AbortSignal"))?),
    };
    let timeout_ms = number_option(options, "timeoutMs", 2_147_483_647.0)?.map_or(DEFAULT_TIMEOUT_MS, |n| n as u32);
    Ok(CreateTaskOptions {
        token,
        endpoint,
        base_url: string_option(options, "baseUrl")?,
        workbook_session_id: string_option(options, "workbookSessionId")?,
        client_request_id: string_option(options, "clientRequestId")?,
        signal,
        timeout_ms,
        retry: read_retry(options)?,
    })
}

fn read_retry(options: &JsValue) -> Result<RetryPolicy, Error> {
    let Some(retry) = option(options, "retry") else {
        return Ok(RetryPolicy::default());
    };
    if retry.as_bool() == Some(false) {
        return Ok(RetryPolicy::NONE);
    }
    if !retry.is_object() {
        return Err(invalid_option("retry", "false or { maxRetries, baseDelayMs, maxDelayMs }"));
    }
    let defaults = RetryPolicy::default();
    // Nine days of milliseconds bound the delays: well past any Retry-After, well inside setTimeout.
    let max_ms = 777_600_000.0;
    Ok(RetryPolicy {
        max_retries: number_option(&retry, "maxRetries", 100.0)?.map_or(defaults.max_retries, |n| n as u32),
        base_delay_ms: number_option(&retry, "baseDelayMs", max_ms)?.map_or(defaults.base_delay_ms, |n| n as u64),
        max_delay_ms: number_option(&retry, "maxDelayMs", max_ms)?.map_or(defaults.max_delay_ms, |n| n as u64),
    })
}

async fn call_token_provider(provider: &Function) -> Result<String, Error> {
    let failed = |e: &JsValue| {
        let mut m = String::from("getAccessToken failed");
        if let Some(detail) = Reflect::get(e, &JsValue::from_str("message")).ok().and_then(|m| m.as_string()) {
            m.push_str(": ");
            m.push_str(&detail);
        }
        Error::config("tokenProviderFailed", m)
    };
    let value = provider.call0(&JsValue::UNDEFINED).map_err(|e| failed(&e))?;
    let value = JsFuture::from(Promise::resolve(&value)).await.map_err(|e| failed(&e))?;
    value
        .as_string()
        .ok_or_else(|| Error::config("tokenProviderFailed", "getAccessToken must return (or resolve to) a string"))
}

fn set(target: &Object, key: &str, value: JsValue) {
    // Defining a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value);
}

fn opt_str(value: &Option<String>) -> JsValue {
    value.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// Maps the crate's error to a `GraphError`, once, for every failure JS sees.
pub(crate) fn to_js_error(error: Error) -> JsValue {
    let fields = Object::new();
    set(&fields, "kind", JsValue::from_str(error.kind.as_str()));
    set(&fields, "status", error.status.map_or(JsValue::UNDEFINED, JsValue::from));
    set(&fields, "code", opt_str(&error.code));
    set(&fields, "innerCode", opt_str(&error.inner_code));
    set(&fields, "requestId", opt_str(&error.request_id));
    set(&fields, "clientRequestId", opt_str(&error.client_request_id));
    set(&fields, "date", opt_str(&error.date));
    set(&fields, "retryAfterMs", error.retry_after_ms.map_or(JsValue::UNDEFINED, |ms| JsValue::from(ms as f64)));
    set(&fields, "mayHaveBeenCreated", JsValue::from_bool(error.may_have_been_created));
    let problems = Array::new();
    for p in &error.problems {
        let problem = Object::new();
        set(&problem, "field", JsValue::from_str(&p.field));
        set(&problem, "message", JsValue::from_str(&p.message));
        problems.push(&problem);
    }
    set(&fields, "problems", problems.into());
    set(&fields, "body", opt_str(&error.body));
    debug_assert!(error.kind != ErrorKind::Validation || !error.problems.is_empty());
    JsGraphError::new(&error.message, &fields).into()
}
