//! The calls shared by both faces (each a [`Flow`] of the core, run by env.js `drive`), and the Rust
//! async API for Rust web apps.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::call::CallState;
use super::js;
use crate::contract::ClientCode;
use crate::details::validate_create_request;
use crate::error::Error;
use crate::flow::Flow;
#[cfg(feature = "bulk")]
use crate::flow::Outgoing;
use crate::model::{LegacyTask, PlannerTask};
#[cfg(feature = "bulk")]
use crate::request::check_token;
use crate::request::{check_create_target, uuid_v4, Endpoint, RequestOptions};
use crate::retry::RetryPolicy;
#[cfg(feature = "bulk")]
use crate::schema::Resource;

/// A future that yields an access token.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<String, Error>>>>;

/// Where the bearer token comes from.
#[derive(Clone)]
pub enum TokenSource {
    /// A fixed token.
    Static(String),
    /// A provider, asked again before every attempt (so that a token refreshed during a retry wait is
    /// the one sent). The call runs it as it runs a JavaScript one: an error it returns fails the call
    /// with code `tokenProviderFailed` and its message, and it is bounded by the signal and
    /// `timeout_ms` too.
    Provider(Rc<dyn Fn() -> TokenFuture>),
    /// A JavaScript function, called as `getAccessToken` is: it returns (or resolves to) the token, and
    /// is bounded by the signal and `timeout_ms`.
    Js(Function),
}

impl TokenSource {
    #[cfg(feature = "bulk")]
    pub(crate) async fn token(&self, signal: Option<&AbortSignal>, timeout_ms: u32) -> Result<String, Error> {
        let token = match self {
            TokenSource::Static(token) => token.clone(),
            TokenSource::Provider(provider) => provider().await?,
            TokenSource::Js(provider) => {
                let outcome = js::call_token_provider(provider, signal, timeout_ms).await;
                super::bindings::token_from_outcome(outcome, timeout_ms)?
            }
        };
        check_token(&token)?;
        Ok(token)
    }

    /// A Rust provider as a JavaScript one, which the call's driver asks (its error's message becomes
    /// the `tokenProviderFailed` error's, as a thrown one's does).
    fn into_js(self) -> TokenSource {
        let TokenSource::Provider(provider) = self else { return self };
        let call = Closure::<dyn Fn() -> js_sys::Promise>::new(move || {
            let token = provider();
            wasm_bindgen_futures::future_to_promise(async move {
                token.await.map(JsValue::from).map_err(|e| js_sys::Error::new(&e.message).into())
            })
        });
        TokenSource::Js(call.into_js_value().into())
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
    /// Look for a create that may have been committed (a 504, a timeout…) in the plan instead of
    /// failing it; not found, it is sent again.
    pub reconcile: bool,
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
            reconcile: false,
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
    // The driver asks JavaScript token providers only.
    let options = &CreateTaskOptions { token: options.token.clone().into_js(), ..options.clone() };
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

/// Validates `task` (a JS object) and makes the call that creates it (with its details, when it has
/// any), ready for [`CallState::start`] or [`CallState::run`].
pub(crate) fn prepare_create(task: &JsValue, options: &CreateTaskOptions) -> Result<CallState, Error> {
    let resource = options.endpoint.resource();
    let request_options = RequestOptions {
        base_url: options.base_url.clone(),
        workbook_session_id: options.workbook_session_id.clone(),
        client_request_id: options.client_request_id.clone(),
    };
    let target = check_create_target(&options.endpoint, &request_options, js::loopback_host)?;
    // The task is read once; that snapshot is validated, and that same snapshot is sent.
    let text = js::snapshot_text(task)?;
    let tree = js::snapshot_tree(&text)?;
    let validated = validate_create_request(&tree.root(), resource).map_err(Error::validation)?;
    let request = target.with_id(new_request_id);
    // `details` is not part of the create: it is set by a PATCH once the task exists.
    let body = validated.body(&tree.root(), &text);
    let patch_body = validated.details.filter(|d| !d.is_empty()).map(|input| input.patch_body(random_uuid_bytes));
    let flow = Flow::create(request, resource, body, patch_body, options.retry);
    Ok(CallState::new(flow, options))
}

/// Validates `task` (a JS object), sends it, retries what the core says may be retried, and returns
/// the service's own object.
pub(crate) async fn create(task: &JsValue, options: &CreateTaskOptions) -> Result<JsValue, Error> {
    prepare_create(task, options)?.run().await.0
}

/// One create of a validated `body` as `create` says, sent once (a caller that decides about sending it
/// again itself): the created task.
#[cfg(feature = "bulk")]
pub(crate) async fn create_once(
    create: crate::request::CreateRequest,
    body: String,
    options: &CreateTaskOptions,
) -> Result<JsValue, Error> {
    let flow = Flow::create(create, Resource::PlannerTask, body, None, RetryPolicy::NONE);
    CallState::new(flow, options).run().await.0
}

/// A read (or a delete) that succeeds with one of the `ok` statuses, retried as reads are: the answer
/// parsed by JSON.parse.
#[cfg(feature = "bulk")]
pub(crate) async fn read(
    request: Outgoing,
    client_request_id: &str,
    ok: &'static [u16],
    options: &CreateTaskOptions,
) -> Result<JsValue, Error> {
    let flow = Flow::read(request, client_request_id.to_owned(), ok, options.retry);
    CallState::new(flow, options).run().await.0
}

/// [`read`], for a caller that reads the answer's text itself (as a tree) or not at all: its text,
/// not parsed by JSON.parse as well.
#[cfg(feature = "bulk")]
pub(crate) async fn read_text(
    request: Outgoing,
    client_request_id: &str,
    ok: &'static [u16],
    options: &CreateTaskOptions,
) -> Result<String, Error> {
    let flow = Flow::read(request, client_request_id.to_owned(), ok, options.retry);
    let (value, finished) = CallState::new(flow, options).text_only().run().await;
    value.map(|_| finished.body)
}

/// A random UUID: `crypto.randomUUID()` where there is one (Node, secure browser contexts; it is much
/// cheaper than `getRandomValues` in Node), else one made of `crypto.getRandomValues` bytes, else of
/// `Math.random`.
pub(crate) fn new_request_id() -> String {
    if let Some(id) = js::random_uuid() {
        return id;
    }
    uuid_v4(random_uuid_bytes())
}

/// A fresh random UUID (v4), e.g. a checklist item id.
pub fn new_uuid() -> String {
    new_request_id()
}

/// 16 random bytes for a UUID v4 (`crypto.getRandomValues`, else `Math.random`).
pub(crate) fn random_uuid_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    js::random_bytes(&mut bytes);
    bytes
}
