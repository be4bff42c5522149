//! The JS face: `createTask(task, options)` and `GraphError`.

#[cfg(feature = "bulk")]
use js_sys::Function;
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::client::{prepare_create, CreateTaskOptions, TokenSource, DEFAULT_TIMEOUT_MS};
use super::js;
use crate::contract::{graph_error_fields, option, ClientCode, FieldValue};
use crate::error::{Error, ErrorKind};
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
///
/// Not an `async fn`: the call is a [`crate::flow::Flow`] that env.js `drive` runs (see
/// `super::call`), so that a createTask call awaits no Rust future.
#[wasm_bindgen(js_name = createTask, skip_typescript)]
pub fn create_task_js(task: JsValue, options: JsValue) -> Promise {
    let options = match read_options(&options) {
        Ok(options) => options,
        Err(error) => return Promise::reject(&to_js_error(error)),
    };
    if options.reconcile {
        return reconciled_create(task, options);
    }
    match prepare_create(&task, &options) {
        Ok(call) => call.start(),
        Err(error) => Promise::reject(&to_js_error(error)),
    }
}

/// A lean build (without the `bulk` feature) cannot reconcile; the npm entries send such calls to
/// the full build, so this is reached only by a caller of the lean glue itself.
#[cfg(not(feature = "bulk"))]
fn reconciled_create(_task: JsValue, _options: CreateTaskOptions) -> Promise {
    Promise::reject(&to_js_error(Error::config(
        ClientCode::InvalidOption,
        "reconcile: true needs the full build of graph-tasks (the package's main entry routes it there)",
    )))
}

#[cfg(feature = "bulk")]
fn reconciled_create(task: JsValue, options: CreateTaskOptions) -> Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        // Reconciled: one task through the bulk run's decisions, each create sent on its own.
        let bulk = super::bulk::BulkOptions { concurrency: 1, batch_size: 1, direct: true, ..Default::default() };
        let results = super::bulk::create_tasks(vec![task], &options, &bulk).await.map_err(to_js_error)?;
        let result = js::array_items(&results).into_iter().next().unwrap_or(JsValue::UNDEFINED);
        match js::get(&result, "ok").and_then(|ok| ok.as_bool()) {
            Some(true) => Ok(js::get(&result, "task").unwrap_or(JsValue::NULL)),
            _ => Err(js::get(&result, "error").unwrap_or(JsValue::UNDEFINED)),
        }
    })
}

/// Creates many planner tasks over JSON batching; see the package's `index.d.ts`.
#[cfg(feature = "bulk")]
#[wasm_bindgen(js_name = createTasks, skip_typescript)]
pub async fn create_tasks_js(tasks: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let bulk = read_bulk_options(&options).map_err(to_js_error)?;
    let options = read_options(&options).map_err(to_js_error)?;
    if !js::is_array(&tasks) {
        return Err(to_js_error(Error::config(ClientCode::InvalidOption, "createTasks takes an array of tasks")));
    }
    let tasks = js::array_items(&tasks);
    super::bulk::create_tasks(tasks, &options, &bulk).await.map(JsValue::from).map_err(to_js_error)
}

/// Reads the options only `createTasks` takes.
#[cfg(feature = "bulk")]
pub(crate) fn read_bulk_options(options: &JsValue) -> Result<super::bulk::BulkOptions, Error> {
    let mut bulk = super::bulk::BulkOptions::default();
    if let Some(n) = number_option(options, option::CONCURRENCY, 64.0)? {
        if n < 1.0 {
            return Err(invalid_option(option::CONCURRENCY, "a whole number from 1 to 64"));
        }
        bulk.concurrency = n as usize;
    }
    if let Some(n) = number_option(options, option::BATCH_SIZE, 20.0)? {
        if n < 1.0 {
            return Err(invalid_option(option::BATCH_SIZE, "a whole number from 1 to 20"));
        }
        bulk.batch_size = n as usize;
    }
    if let Some(v) = option(options, option::RECONCILE)? {
        bulk.reconcile = v.as_bool().ok_or_else(|| invalid_option(option::RECONCILE, "true or false"))?;
    }
    bulk.on_progress = function_option(options, option::ON_PROGRESS)?;
    bulk.on_result = function_option(options, option::ON_RESULT)?;
    if let Some(resume) = option(options, option::RESUME)? {
        let since = js::try_get(&resume, "since")
            .ok()
            .flatten()
            .and_then(|s| s.as_string())
            .and_then(|s| crate::datetime::parse_datetime_offset(&s))
            .ok_or_else(|| invalid_option(option::RESUME, "{ since } with an ISO 8601 date and time with an offset"))?;
        bulk.resume_since_ms = Some(since.unix_millis());
    }
    Ok(bulk)
}

#[cfg(feature = "bulk")]
fn function_option(options: &JsValue, name: &'static str) -> Result<Option<Function>, Error> {
    match option(options, name)? {
        None => Ok(None),
        Some(v) => v.dyn_into::<Function>().map(Some).map_err(|_| invalid_option(name, "a function")),
    }
}

fn invalid_option(name: &str, expected: &str) -> Error {
    let mut m = String::from("option ");
    m.push_str(name);
    m.push_str(" must be ");
    m.push_str(expected);
    Error::config(ClientCode::InvalidOption, m)
}

/// Reads option `name`: `None` when absent or undefined; a getter or Proxy trap that throws is an
/// `invalidOption` error.
fn option(options: &JsValue, name: &'static str) -> Result<Option<JsValue>, Error> {
    js::try_get(options, name).map_err(|_| invalid_option(name, "readable (reading it threw)"))
}

fn string_option(options: &JsValue, name: &'static str) -> Result<Option<String>, Error> {
    match option(options, name)? {
        None => Ok(None),
        Some(v) => v.as_string().map(Some).ok_or_else(|| invalid_option(name, "a string")),
    }
}

fn number_option(options: &JsValue, name: &'static str, max: f64) -> Result<Option<f64>, Error> {
    match option(options, name)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n <= max && n.fract() == 0.0 => Ok(Some(n)),
            _ => Err(invalid_option(name, "a whole number of at least 0")),
        },
    }
}

pub(crate) fn read_options(options: &JsValue) -> Result<CreateTaskOptions, Error> {
    if !options.is_object() {
        return Err(Error::config(
            ClientCode::MissingToken,
            "createTask needs options with accessToken or getAccessToken",
        ));
    }
    let signal = match option(options, option::SIGNAL)? {
        None => None,
        Some(v) => {
            let signal = v.dyn_into::<AbortSignal>().map_err(|_| invalid_option(option::SIGNAL, "an AbortSignal"))?;
            // An object that passes `instanceof AbortSignal` without being one throws from its getters.
            js::signal_aborted(&signal).map_err(|_| invalid_option(option::SIGNAL, "an AbortSignal"))?;
            Some(signal)
        }
    };
    let timeout_ms =
        number_option(options, option::TIMEOUT_MS, 2_147_483_647.0)?.map_or(DEFAULT_TIMEOUT_MS, |n| n as u32);
    let token = match (string_option(options, option::ACCESS_TOKEN)?, option(options, option::GET_ACCESS_TOKEN)?) {
        (Some(token), None) => TokenSource::Static(token),
        (None, Some(provider)) => {
            TokenSource::Js(provider.dyn_into().map_err(|_| invalid_option(option::GET_ACCESS_TOKEN, "a function"))?)
        }
        (Some(_), Some(_)) => {
            return Err(Error::config(ClientCode::InvalidOption, "give accessToken or getAccessToken, not both"))
        }
        (None, None) => {
            return Err(Error::config(ClientCode::MissingToken, "createTask needs accessToken or getAccessToken"))
        }
    };
    let endpoint = crate::contract::endpoint_from_js(
        string_option(options, option::ENDPOINT)?.as_deref(),
        string_option(options, option::USER_ID)?.as_deref(),
    )?;
    Ok(CreateTaskOptions {
        token,
        endpoint,
        base_url: string_option(options, option::BASE_URL)?,
        workbook_session_id: string_option(options, option::WORKBOOK_SESSION_ID)?,
        client_request_id: string_option(options, option::CLIENT_REQUEST_ID)?,
        signal,
        timeout_ms,
        retry: read_retry(options)?,
        reconcile: match option(options, option::RECONCILE)? {
            None => false,
            Some(v) => v.as_bool().ok_or_else(|| invalid_option(option::RECONCILE, "true or false"))?,
        },
    })
}

fn read_retry(options: &JsValue) -> Result<RetryPolicy, Error> {
    let Some(retry) = option(options, option::RETRY)? else {
        return Ok(RetryPolicy::default());
    };
    if retry.as_bool() == Some(false) {
        return Ok(RetryPolicy::NONE);
    }
    if !retry.is_object() {
        return Err(invalid_option(option::RETRY, "false or { maxRetries, baseDelayMs, maxDelayMs }"));
    }
    let defaults = RetryPolicy::default();
    // Nine days of milliseconds bound the delays: well past any Retry-After, well inside setTimeout.
    let max_ms = 777_600_000.0;
    Ok(RetryPolicy {
        max_retries: number_option(&retry, option::MAX_RETRIES, 100.0)?.map_or(defaults.max_retries, |n| n as u32),
        base_delay_ms: number_option(&retry, option::BASE_DELAY_MS, max_ms)?
            .map_or(defaults.base_delay_ms, |n| n as u64),
        max_delay_ms: number_option(&retry, option::MAX_DELAY_MS, max_ms)?.map_or(defaults.max_delay_ms, |n| n as u64),
    })
}

/// What the caller's provider gave (bounded by the signal and the timeout), as a token or an error.
pub(crate) fn token_from_outcome(outcome: js::TokenOutcome, timeout_ms: u32) -> Result<String, Error> {
    match outcome {
        js::TokenOutcome::Value(value) => value.as_string().ok_or_else(|| {
            Error::config(ClientCode::TokenProviderFailed, "getAccessToken must return (or resolve to) a string")
        }),
        js::TokenOutcome::Failed(thrown) => {
            let mut m = String::from("getAccessToken failed");
            if let Some(detail) = js::error_message(&thrown) {
                m.push_str(": ");
                m.push_str(&detail);
            }
            Err(Error::config(ClientCode::TokenProviderFailed, m))
        }
        js::TokenOutcome::TimedOut => {
            let mut m = String::from("getAccessToken did not settle within timeoutMs (");
            crate::text::push_decimal(&mut m, u64::from(timeout_ms));
            m.push_str(" ms)");
            Err(Error::new(ErrorKind::Timeout, m).with_code(ClientCode::Timeout))
        }
        js::TokenOutcome::Aborted => Err(super::transport::aborted_error(false)),
    }
}

fn set(target: &Object, key: &'static str, value: JsValue) {
    js::set(target, key, &value);
}

/// Maps the crate's error to a `GraphError`, once, for every failure JS sees: the fields are the
/// contract's table ([`graph_error_fields`]).
pub(crate) fn to_js_error(error: Error) -> JsValue {
    let fields = Object::new();
    for (name, value) in graph_error_fields(&error) {
        let value = match value {
            FieldValue::Str(text) => text.map_or(JsValue::UNDEFINED, JsValue::from_str),
            FieldValue::Number(n) => n.map_or(JsValue::UNDEFINED, JsValue::from_f64),
            FieldValue::Bool(b) => JsValue::from_bool(b),
            FieldValue::Problems(list) => {
                let problems = Array::new();
                for p in list {
                    let problem = Object::new();
                    set(&problem, "field", JsValue::from_str(&p.field));
                    set(&problem, "message", JsValue::from_str(&p.message));
                    problems.push(&problem);
                }
                problems.into()
            }
            // The created task of a partial failure: JSON the service sent, handed back as an object.
            FieldValue::Json(text) => {
                text.and_then(|t| js::json_parse(&js_sys::JsString::from(t))).unwrap_or(JsValue::UNDEFINED)
            }
        };
        set(&fields, name, value);
    }
    debug_assert!(error.kind != ErrorKind::Validation || !error.problems.is_empty());
    JsGraphError::new(&error.message, &fields).into()
}

#[cfg(feature = "plan")]
/// The options of one call on a plan handle (`plan.createTask(input, options)`): `clientRequestId`,
/// `signal`, `timeoutMs`, `retry` and `reconcile` over the handle's own; absent or undefined, the handle's.
pub(crate) fn read_call_options(base: &CreateTaskOptions, options: &JsValue) -> Result<CreateTaskOptions, Error> {
    let mut out = base.clone();
    if !options.is_object() {
        return Ok(out);
    }
    if let Some(id) = string_option(options, option::CLIENT_REQUEST_ID)? {
        out.client_request_id = Some(id);
    }
    if let Some(v) = option(options, option::SIGNAL)? {
        let signal = v.dyn_into::<AbortSignal>().map_err(|_| invalid_option(option::SIGNAL, "an AbortSignal"))?;
        js::signal_aborted(&signal).map_err(|_| invalid_option(option::SIGNAL, "an AbortSignal"))?;
        out.signal = Some(signal);
    }
    if let Some(ms) = number_option(options, option::TIMEOUT_MS, 2_147_483_647.0)? {
        out.timeout_ms = ms as u32;
    }
    if option(options, option::RETRY)?.is_some() {
        out.retry = read_retry(options)?;
    }
    if let Some(v) = option(options, option::RECONCILE)? {
        out.reconcile = v.as_bool().ok_or_else(|| invalid_option(option::RECONCILE, "true or false"))?;
    }
    Ok(out)
}
