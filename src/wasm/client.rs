//! The create loop shared by both faces, and the Rust async API for Rust web apps.
//!
//! The loop is the one place where time passes: it asks the core whether to retry and sleeps here.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::details::{set_details, Created};
use super::js_json::shallow_copy;
use super::transport::{self, Attempt};
use crate::contract::ClientCode;
use crate::details::{validate_create_request, ValidatedCreate};
use crate::error::{Error, ErrorKind};
use crate::json::JsonView;
use crate::model::{LegacyTask, PlannerTask};
use crate::request::{authorization_value, build_create_request, check_token, uuid_v4, Endpoint, RequestOptions};
use crate::response::read_create_response;
use crate::retry::{decide, Decision, RetryPolicy};
use crate::schema::{ASSIGNMENT_ODATA_TYPE, FIRST_ORDER_HINT};
use crate::validate::AssignmentFix;

/// A future that yields an access token.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, Error>>>>;

/// Where the bearer token comes from.
#[derive(Clone)]
pub enum TokenSource {
    /// A fixed token.
    Static(String),
    /// A provider, asked again before every attempt (so that a token refreshed during a retry wait is
    /// the one sent).
    Provider(Rc<dyn Fn() -> TokenFuture>),
}

impl TokenSource {
    pub(crate) async fn token(&self) -> Result<String, Error> {
        let token = match self {
            TokenSource::Static(token) => token.clone(),
            TokenSource::Provider(provider) => provider().await?,
        };
        check_token(&token)?;
        Ok(token)
    }
}

/// Per-attempt timeout when the caller sets none: long enough for a slow Graph write, short enough
/// that a dead connection does not hang a click.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// How to send a create; the same options as the JS `CreateTaskOptions`.
#[derive(Clone)]
pub struct CreateTaskOptions {
    /// The bearer token, or how to get one.
    pub token: TokenSource,
    /// Which endpoint to call.
    pub endpoint: Endpoint,
    /// The base URL; the endpoint's Graph default when `None`.
    pub base_url: Option<String>,
    /// `Workbook-Session-Id`, sent when given.
    pub workbook_session_id: Option<String>,
    /// `client-request-id`; a UUID v4 when `None`. Every attempt of one call sends the same id.
    pub client_request_id: Option<String>,
    /// Cancels the call, including a retry wait.
    pub signal: Option<AbortSignal>,
    /// Bounds each attempt; 0 means no bound.
    pub timeout_ms: u32,
    /// Retries of throttled and unavailable responses.
    pub retry: RetryPolicy,
}

impl CreateTaskOptions {
    /// Options for `endpoint` with a fixed token and every default.
    pub fn new(token: impl Into<String>, endpoint: Endpoint) -> Self {
        CreateTaskOptions {
            token: TokenSource::Static(token.into()),
            endpoint,
            base_url: None,
            workbook_session_id: None,
            client_request_id: None,
            signal: None,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            retry: RetryPolicy::default(),
        }
    }
}

/// Creates a `plannerTask` (`endpoint` must be [`Endpoint::Planner`]) and returns it as the service
/// stored it. Validation runs before anything is sent.
///
/// With `task.details` set, the task is created without them, then its details are read for their
/// etag, PATCHed, and the task read again: the result is the task as the service then holds it, with
/// `details` as the PATCH returned them. When the create succeeded but the details could not be set,
/// the error's `step` is [`crate::Step::Details`] and [`Error::created_task`] is the created task. The
/// checklist ids are GUIDs the caller chooses: [`new_uuid`] makes one;
/// [`crate::PlannerChecklistItems::push`] keeps the order of the items pushed.
pub async fn create_task(task: &PlannerTask, options: &CreateTaskOptions) -> Result<PlannerTask, Error> {
    if options.endpoint != Endpoint::Planner {
        return Err(Error::config(
            ClientCode::WrongEndpoint,
            "create_task sends a PlannerTask to the planner endpoint; use create_legacy_task",
        ));
    }
    create_typed(task, options).await
}

/// Creates a 2015 beta `task` through `/me/tasks`, `/users/{id}/tasks` or
/// `/drive/root/createdByUser/tasks`.
pub async fn create_legacy_task(task: &LegacyTask, options: &CreateTaskOptions) -> Result<LegacyTask, Error> {
    if options.endpoint == Endpoint::Planner {
        return Err(Error::config(
            ClientCode::WrongEndpoint,
            "create_legacy_task needs the me, user or createdByUser endpoint; use create_task",
        ));
    }
    create_typed(task, options).await
}

async fn create_typed<T: serde::Serialize + serde::de::DeserializeOwned>(
    task: &T,
    options: &CreateTaskOptions,
) -> Result<T, Error> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = task
        .serialize(&serializer)
        .map_err(|_| Error::config(ClientCode::UnserializableTask, "the task cannot be represented as JSON"))?;
    let created = create(&value, options).await?;
    serde_wasm_bindgen::from_value(created).map_err(|e| {
        let mut m = String::from("The created task does not fit the Rust model: ");
        m.push_str(&e.to_string());
        Error::invalid_response(ClientCode::WrongShape, m).with_may_have_been_created(true)
    })
}

/// Validates `task` (a JS object), sends it, retries what the core says may be retried, and returns
/// the service's own object.
pub(crate) async fn create(task: &JsValue, options: &CreateTaskOptions) -> Result<JsValue, Error> {
    let resource = options.endpoint.resource();
    let request_options = RequestOptions {
        base_url: options.base_url.clone(),
        workbook_session_id: options.workbook_session_id.clone(),
        client_request_id: options.client_request_id.clone(),
    };
    let request = build_create_request(&options.endpoint, &request_options, new_request_id)?;
    let ValidatedCreate { fixes, details } = validate_create_request(task, resource).map_err(Error::validation)?;
    // `details` is not part of the create: it is set by a PATCH once the task exists.
    let has_details = task.get("details").is_some();
    let body = body_text(task, &fixes, has_details)?;

    let mut retries_done = 0;
    loop {
        let token = options.token.token().await?;
        let attempt = Attempt {
            method: "POST",
            url: &request.url,
            headers: &request.headers,
            authorization: &authorization_value(&token),
            body: Some(&body),
            signal: options.signal.as_ref(),
            timeout_ms: options.timeout_ms,
        };
        let outcome = match transport::send(&attempt).await {
            Ok(received) => {
                let parsed = json_parse(&received.body).ok();
                read_create_response(
                    received.status,
                    || received.headers(),
                    parsed.as_ref(),
                    resource,
                    &request.client_request_id,
                    js_sys::Date::now() as i64,
                )
                .map(|()| (parsed.unwrap_or(JsValue::NULL), received.body.clone()))
                .map_err(|e| e.with_body(String::from(&received.body)))
            }
            Err(error) => Err(error),
        };
        let mut error = match outcome {
            Ok((task, text)) => {
                return match details.filter(|d| !d.is_empty()) {
                    None => Ok(task),
                    Some(input) => {
                        // check_created_task made sure of a non-empty string id.
                        let id =
                            task.get("id").and_then(|id| id.as_str().map(|id| id.into_owned())).unwrap_or_default();
                        let created = Created { id, text: &text };
                        set_details(created, &request, &input, options).await
                    }
                };
            }
            Err(error) => error,
        };
        error.redact(&token);
        if error.client_request_id.is_none() {
            error.client_request_id = Some(request.client_request_id.clone());
        }
        match decide(&error, retries_done, &options.retry, js_sys::Math::random()) {
            Decision::GiveUp => return Err(error),
            Decision::RetryAfter(delay) => {
                transport::sleep(delay, options.signal.as_ref()).await.map_err(|mut aborted| {
                    aborted.client_request_id = Some(request.client_request_id.clone());
                    aborted
                })?;
                retries_done += 1;
            }
        }
    }
}

/// The JSON body: the caller's object as it is, or a copy with the assignment fields the docs require
/// filled in and without `details` (`drop_details`). The caller's object is never modified.
fn body_text(task: &JsValue, fixes: &[AssignmentFix], drop_details: bool) -> Result<String, Error> {
    let unserializable = || {
        Error::new(ErrorKind::Validation, "The task cannot be serialized as JSON (a cycle or a BigInt?)")
            .with_code(ClientCode::InvalidTask)
    };
    let to_send = if fixes.is_empty() && !drop_details {
        task.clone()
    } else if fixes.is_empty() {
        let copy = shallow_copy(task);
        let _ = Reflect::delete_property(&copy, &JsValue::from_str("details"));
        copy.into()
    } else {
        let copy = shallow_copy(task);
        if drop_details {
            let _ = Reflect::delete_property(&copy, &JsValue::from_str("details"));
        }
        let assignments = shallow_copy(&task.get("assignments").unwrap_or(JsValue::UNDEFINED));
        for fix in fixes {
            let key = JsValue::from_str(&fix.user_id);
            let assignment = shallow_copy(&Reflect::get(&assignments, &key).unwrap_or(JsValue::UNDEFINED));
            if fix.add_odata_type {
                set(&assignment, "@odata.type", &JsValue::from_str(ASSIGNMENT_ODATA_TYPE));
            }
            if fix.add_order_hint {
                set(&assignment, "orderHint", &JsValue::from_str(FIRST_ORDER_HINT));
            }
            let _ = Reflect::set(&assignments, &key, &assignment);
        }
        set(&copy, "assignments", &assignments);
        copy.into()
    };
    JSON::stringify(&to_send).ok().and_then(|s| s.as_string()).ok_or_else(unserializable)
}

pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Setting a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buffer: &mut [u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    pub(crate) fn json_parse(text: &js_sys::JsString) -> Result<JsValue, JsValue>;
}

/// A random UUID: `crypto.randomUUID()` where there is one (Node, secure browser contexts; it is much
/// cheaper than `getRandomValues` in Node), else one made of `crypto.getRandomValues` bytes, else of
/// `Math.random`.
fn new_request_id() -> String {
    if let Some(id) = random_uuid().ok().and_then(|id| id.as_string()) {
        return id;
    }
    uuid_v4(random_uuid_bytes())
}

/// A fresh random UUID (v4), e.g. a checklist item id.
pub fn new_uuid() -> String {
    new_request_id()
}

/// 16 random bytes for a UUID v4: `crypto.getRandomValues`, else `Math.random`.
pub(crate) fn random_uuid_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    if get_random_values(&mut bytes).is_err() {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}
