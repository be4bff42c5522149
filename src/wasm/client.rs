//! The create loop shared by both faces, and the Rust async API for Rust web apps.
//!
//! The loop ([`exchange`]) is the one place where time passes: it asks the core whether to retry and
//! sleeps here. The create and the calls after it (the task's details) all go through it.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::details::set_details;
use super::js;
use super::transport::{self, Attempt};
use crate::contract::ClientCode;
use crate::details::{
    decide_follow_up, read_follow_up_response, validate_create_request, FollowUp, FollowUpDecision, FollowUpOutcome,
};
use crate::error::Error;
use crate::json::JsonTree;
use crate::model::{LegacyTask, PlannerTask};
use crate::request::{authorization_value, build_create_request, check_token, uuid_v4, Endpoint, RequestOptions};
use crate::response::{read_create_response, read_plain_response};
use crate::retry::{decide, Decision, RetryPolicy};
use crate::schema::Resource;

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
    let request = build_create_request(&options.endpoint, &request_options, js::loopback_host, new_request_id)?;
    // The task is read once; that snapshot is validated, and that same snapshot is sent.
    let text = js::snapshot_text(task)?;
    let tree = js::snapshot_tree(&text)?;
    let validated = validate_create_request(&tree.root(), resource).map_err(Error::validation)?;
    // `details` is not part of the create: it is set by a PATCH once the task exists.
    let body = validated.body(&tree.root(), &text);
    let details = validated.details;
    let sent = Sent { method: "POST", url: &request.url, headers: &request.headers, body: Some(&body) };
    let created = exchange(&Exchange::Create(resource), &sent, &request.client_request_id, options)
        .await
        .map_err(|stop| stop.error)?;
    match details.filter(|d| !d.is_empty()) {
        None => Ok(created.value),
        Some(input) => set_details(&created, &request, &input, options).await,
    }
}

/// What one request is for, which decides how its answer reads and whether it is sent again.
pub(crate) enum Exchange<'a> {
    /// The create of a task of this resource: never re-sent once it may have reached the service.
    Create(Resource),
    /// A read (GET) or a delete whose success is one of these statuses: safe to repeat, so 429, 5xx,
    /// timeouts and network failures are retried within the policy.
    #[cfg_attr(not(feature = "bulk"), allow(dead_code))] // the lean build reads nothing but details
    Read(&'static [u16]),
    /// A call after the create of task `task_id`: safe to repeat.
    FollowUp {
        step: &'a FollowUp,
        task_id: &'a str,
        /// How often a stale etag was read again already (see [`decide_follow_up`]).
        precondition_retries: u32,
    },
}

/// One request as sent, but the token.
pub(crate) struct Sent<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub body: Option<&'a str>,
}

/// A successful answer: the outcome of a follow-up call (`None` for the create), the parsed body, and
/// its text as it was copied into Rust to be checked (an error of a later step carries it, and openPlan
/// reads it as a [`JsonTree`]).
pub(crate) struct Answer {
    pub outcome: Option<FollowUpOutcome>,
    pub value: JsValue,
    pub body: String,
}

/// Why [`exchange`] stopped without an answer.
pub(crate) struct Stop {
    pub error: Error,
    /// A PATCH met a stale etag: read the details again and PATCH again.
    pub reread: bool,
}

impl From<Error> for Stop {
    fn from(error: Error) -> Stop {
        Stop { error, reread: false }
    }
}

/// Sends `sent`, retrying what the core says may be retried (one loop for every request, so the
/// transport, token and sleep code exist once), and reads the answer as `exchange` says.
pub(crate) async fn exchange(
    exchange: &Exchange<'_>,
    sent: &Sent<'_>,
    client_request_id: &str,
    options: &CreateTaskOptions,
) -> Result<Answer, Stop> {
    let mut retries_done = 0;
    loop {
        // An aborted signal ends the call before the token provider is asked again.
        if transport::is_aborted(options.signal.as_ref()) {
            let mut aborted = transport::aborted_error(false);
            aborted.client_request_id = Some(client_request_id.to_owned());
            return Err(aborted.into());
        }
        let token = options.token.token().await?;
        let attempt = Attempt {
            method: sent.method,
            url: sent.url,
            headers: sent.headers,
            authorization: &authorization_value(&token),
            body: sent.body,
            signal: options.signal.as_ref(),
            timeout_ms: options.timeout_ms,
        };
        let outcome = match transport::send(&attempt).await {
            Ok(received) => {
                // The answer is checked on a tree read in wasm (see crate::json::JsonTree), and only
                // an answer that passed is parsed by JSON.parse into the object handed back.
                let text = String::from(&received.body);
                let tree = JsonTree::parse(&text, js::number);
                let parsed = tree.as_ref().map(JsonTree::root);
                let now = js::now_ms() as i64;
                let read = match exchange {
                    Exchange::Create(resource) => read_create_response(
                        received.status,
                        || received.headers(),
                        parsed.as_ref(),
                        *resource,
                        client_request_id,
                        now,
                    )
                    .map(|()| None),
                    Exchange::Read(ok) => read_plain_response(
                        received.status,
                        || received.headers(),
                        parsed.as_ref(),
                        ok,
                        client_request_id,
                        now,
                    )
                    .map(|()| None),
                    Exchange::FollowUp { step, task_id, .. } => read_follow_up_response(
                        step,
                        task_id,
                        received.status,
                        || received.headers(),
                        parsed.as_ref(),
                        client_request_id,
                        now,
                    )
                    .map(Some),
                };
                match read {
                    Ok(outcome) => {
                        let value = js::json_parse(&received.body).unwrap_or(JsValue::NULL);
                        Ok(Answer { outcome, value, body: text })
                    }
                    Err(e) => Err(e.with_body(text)),
                }
            }
            Err(error) => Err(error),
        };
        let mut error = match outcome {
            Ok(answer) => return Ok(answer),
            Err(error) => error,
        };
        error.redact(&token);
        if error.client_request_id.is_none() {
            error.client_request_id = Some(client_request_id.to_owned());
        }
        let decision = match exchange {
            Exchange::Create(_) => match decide(&error, retries_done, &options.retry, js::random()) {
                Decision::RetryAfter(delay) => FollowUpDecision::RetryAfter(delay),
                Decision::GiveUp => FollowUpDecision::GiveUp,
            },
            // Retried as a GET after the create is: the same rules, no precondition step.
            Exchange::Read(_) => {
                decide_follow_up(&error, &FollowUp::GetTask, retries_done, 0, &options.retry, js::random())
            }
            Exchange::FollowUp { step, precondition_retries, .. } => {
                decide_follow_up(&error, step, retries_done, *precondition_retries, &options.retry, js::random())
            }
        };
        match decision {
            FollowUpDecision::RetryAfter(delay) => {
                transport::sleep(delay, options.signal.as_ref()).await.map_err(|mut aborted| {
                    aborted.client_request_id = Some(client_request_id.to_owned());
                    aborted
                })?;
                retries_done += 1;
            }
            FollowUpDecision::RereadDetails => return Err(Stop { error, reread: true }),
            FollowUpDecision::GiveUp => return Err(error.into()),
        }
    }
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
