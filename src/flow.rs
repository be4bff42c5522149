//! One call as a state machine: what to send, how each answer reads, when to wait and send again,
//! and what the call ends with.
//!
//! Nothing here waits, reads a clock or touches the network. The wasm layer's driver (`drive` in
//! `src/wasm/env.js`) sends what [`Flow::request`] says, feeds each answer or failure back in, and waits
//! when told to. So the whole sequence of a create (the POST, then for a task with details the GET of
//! the details, the PATCH and the GET of the task) and every retry decision along it is decided here,
//! tested natively, and run by one small loop in JavaScript instead of Rust async state machines (which
//! cost the browser build several kilobytes and each call time).

use crate::contract::ClientCode;
use crate::details::{
    build_follow_up_request, decide_follow_up, read_follow_up_response, FollowUp, FollowUpDecision, FollowUpOutcome,
};
use crate::error::Error;
use crate::json::{JsonTree, JsonView};
use crate::request::CreateRequest;
use crate::response::{read_create_response, read_plain_response, ResponseHeaders};
use crate::retry::{decide, Decision, RetryPolicy};
use crate::schema::Resource;

/// One request as it is sent, but the `Authorization` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// `POST`, `GET`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header name → value, in sending order.
    pub headers: Vec<(&'static str, String)>,
    /// The body, for the create and the PATCH.
    pub body: Option<String>,
}

/// What the driver does next.
// `Failed` is large (see `result_large_err` in Cargo.toml): it is built once, at the end of a call.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Send [`Flow::request`] (asking for a token first).
    Send,
    /// Wait this many milliseconds, then send [`Flow::request`] again.
    Wait(u64),
    /// The call succeeded; [`Flow::finished`] says with what.
    Done,
    /// The call failed with this error (already carrying its step, task and request id).
    Failed(Error),
}

/// What a call that succeeded ends with: the text of the last answer is the result (the created task,
/// the task as read again after its details were set, or what a read returned), and for a create with
/// details, the details as the PATCH (or the read after it) returned them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Finished {
    /// The last answer's text: the created task, the task read again, or what a read returned.
    pub body: String,
    /// The details' JSON text, for a create that set them.
    pub details: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Stage {
    /// The create of a task of this resource: never re-sent once it may have reached the service.
    Create(Resource),
    /// A read (GET) or a delete whose success is one of these statuses: safe to repeat.
    Read(&'static [u16]),
    /// A call after the create; `after_patch` for the read of the details that a PATCH answered with
    /// `204 No Content`.
    FollowUp { step: FollowUp, after_patch: bool },
}

/// The part of a create that comes after it: the details to PATCH, and the created task.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Details {
    /// The create this follows (its URL and ids name the follow-up calls).
    create: CreateRequest,
    /// One body for every PATCH of this call: a PATCH sent again sends the same keys and values.
    patch_body: String,
    /// The created task's JSON text and id, once the create succeeded.
    task: Option<(String, String)>,
}

/// One call: a create (with the calls that set its details), or a read.
#[derive(Clone, Debug)]
pub struct Flow {
    stage: Stage,
    request: Outgoing,
    client_request_id: String,
    retry: RetryPolicy,
    /// Retries of the current request.
    retries_done: u32,
    /// How often a stale etag was read again already (see [`decide_follow_up`]).
    precondition_retries: u32,
    details: Option<Details>,
    finished: Finished,
}

impl Flow {
    /// The create of `body` (a validated task) as `create` says, then, with `patch_body`, the calls
    /// that set the task's details (`resource` must then be `plannerTask`).
    pub fn create(
        create: CreateRequest,
        resource: Resource,
        body: String,
        patch_body: Option<String>,
        retry: RetryPolicy,
    ) -> Flow {
        let request =
            Outgoing { method: "POST", url: create.url.clone(), headers: create.headers.clone(), body: Some(body) };
        let client_request_id = create.client_request_id.clone();
        let details = patch_body.map(|patch_body| Details { create, patch_body, task: None });
        Flow::new(Stage::Create(resource), request, client_request_id, retry, details)
    }

    /// The calls that set the details of a task that already exists (`task_json`, with id `task_id`),
    /// made by `create`. The call fails, or ends with the task read again.
    pub fn set_details(
        create: CreateRequest,
        task_json: String,
        task_id: String,
        patch_body: String,
        retry: RetryPolicy,
    ) -> Result<Flow, Error> {
        let client_request_id = create.client_request_id.clone();
        let details = Details { create, patch_body, task: Some((task_json, task_id)) };
        let placeholder = Outgoing { method: "GET", url: String::new(), headers: Vec::new(), body: None };
        let mut flow = Flow::new(Stage::Read(&[]), placeholder, client_request_id, retry, Some(details));
        flow.follow_up(FollowUp::GetDetails, false).map_err(|e| flow.fail(e))?;
        Ok(flow)
    }

    /// A read (or a delete) that succeeds with one of the `ok` statuses; retried as reads are.
    pub fn read(request: Outgoing, client_request_id: String, ok: &'static [u16], retry: RetryPolicy) -> Flow {
        Flow::new(Stage::Read(ok), request, client_request_id, retry, None)
    }

    fn new(
        stage: Stage,
        request: Outgoing,
        client_request_id: String,
        retry: RetryPolicy,
        details: Option<Details>,
    ) -> Flow {
        Flow {
            stage,
            request,
            client_request_id,
            retry,
            retries_done: 0,
            precondition_retries: 0,
            details,
            finished: Finished::default(),
        }
    }

    /// What to send now.
    pub fn request(&self) -> &Outgoing {
        &self.request
    }

    /// What the call ended with, once [`Next::Done`] said so.
    pub fn finished(&self) -> &Finished {
        &self.finished
    }

    /// An answer to [`Flow::request`]: `status` and `body` as received, `headers` read only when an
    /// error needs them. `number` reads a JSON number's text (the wasm build uses JavaScript's, so that
    /// it carries no float parser); `now_ms` is the clock, for a `Retry-After` date; `jitter` a random
    /// number in `[0, 1)`; `token` the bearer token sent, kept out of any error.
    #[allow(clippy::too_many_arguments)]
    pub fn received(
        &mut self,
        status: u16,
        headers: impl FnOnce() -> ResponseHeaders,
        body: String,
        number: fn(&str) -> f64,
        now_ms: i64,
        jitter: f64,
        token: &str,
    ) -> Next {
        let tree = JsonTree::parse(&body, number);
        let parsed = tree.as_ref().map(JsonTree::root);
        let id = &self.client_request_id;
        let read = match &self.stage {
            Stage::Create(resource) => {
                read_create_response(status, headers, parsed.as_ref(), *resource, id, now_ms).map(|()| None)
            }
            Stage::Read(ok) => read_plain_response(status, headers, parsed.as_ref(), ok, id, now_ms).map(|()| None),
            Stage::FollowUp { step, .. } => {
                let task_id = self.details.as_ref().and_then(|d| d.task.as_ref()).map_or("", |(_, id)| id.as_str());
                read_follow_up_response(step, task_id, status, headers, parsed.as_ref(), id, now_ms).map(Some)
            }
        };
        // The created task's id, which names the calls after it (check_created_task made sure of a
        // non-empty string).
        let created_id = match (&self.stage, &read) {
            (Stage::Create(_), Ok(_)) if self.details.is_some() => {
                parsed.as_ref().and_then(|p| p.get("id")).and_then(|id| id.as_str().map(|id| id.into_owned()))
            }
            _ => None,
        };
        drop(tree);
        match read {
            Ok(outcome) => self.succeeded(outcome, body, created_id),
            Err(error) => self.failed(error.with_body(body), jitter, token),
        }
    }

    /// A failure of [`Flow::request`] before any answer was read (network, timeout, abort, a response
    /// too large…), or an answer that did not read as a success. The error gets the call's request id
    /// from [`Flow::fail`], once the call gives up.
    pub fn failed(&mut self, mut error: Error, jitter: f64, token: &str) -> Next {
        error.redact(token);
        let decision = match &self.stage {
            Stage::Create(_) => match decide(&error, self.retries_done, &self.retry, jitter) {
                Decision::RetryAfter(delay) => FollowUpDecision::RetryAfter(delay),
                Decision::GiveUp => FollowUpDecision::GiveUp,
            },
            // Retried as a GET after the create is: the same rules, no precondition step.
            Stage::Read(_) => decide_follow_up(&error, &FollowUp::GetTask, self.retries_done, 0, &self.retry, jitter),
            Stage::FollowUp { step, .. } => {
                decide_follow_up(&error, step, self.retries_done, self.precondition_retries, &self.retry, jitter)
            }
        };
        match decision {
            FollowUpDecision::RetryAfter(delay) => {
                self.retries_done += 1;
                Next::Wait(delay)
            }
            FollowUpDecision::RereadDetails => {
                self.precondition_retries += 1;
                self.advance(FollowUp::GetDetails, false)
            }
            FollowUpDecision::GiveUp => Next::Failed(self.fail(error)),
        }
    }

    /// `error` as this call's failure: with its `client-request-id`, and, after the create, as the
    /// failure of the details step of a task that exists.
    pub fn fail(&self, mut error: Error) -> Error {
        if error.client_request_id.is_none() {
            error.client_request_id = Some(self.client_request_id.clone());
        }
        match (&self.stage, self.details.as_ref().and_then(|d| d.task.as_ref())) {
            (Stage::FollowUp { .. }, Some((task, id))) => error.in_details_step(task.clone(), id),
            _ => error,
        }
    }

    fn succeeded(&mut self, outcome: Option<FollowUpOutcome>, body: String, created_id: Option<String>) -> Next {
        let after_patch = matches!(self.stage, Stage::FollowUp { after_patch: true, .. });
        let creating_with_details = matches!(self.stage, Stage::Create(_)) && self.details.is_some();
        match (outcome, created_id) {
            (None, Some(id)) => {
                if let Some(details) = self.details.as_mut() {
                    details.task = Some((body, id));
                }
                self.advance(FollowUp::GetDetails, false)
            }
            (None, None) if creating_with_details => Next::Failed(
                self.fail(
                    Error::invalid_response(ClientCode::NotATask, "The created task has no id to set its details by")
                        .with_may_have_been_created(true),
                ),
            ),
            (None, None) => self.done(body),
            (Some(FollowUpOutcome::DetailsEtag(_)), _) if after_patch => {
                self.finished.details = Some(body);
                self.advance(FollowUp::GetTask, false)
            }
            (Some(FollowUpOutcome::DetailsEtag(etag)), _) => self.advance(FollowUp::PatchDetails { etag }, false),
            (Some(FollowUpOutcome::Patched), _) => {
                self.finished.details = Some(body);
                self.advance(FollowUp::GetTask, false)
            }
            // The service ignored `Prefer: return=representation`: read what it now holds.
            (Some(FollowUpOutcome::PatchedWithoutBody), _) => self.advance(FollowUp::GetDetails, true),
            (Some(FollowUpOutcome::Task), _) => self.done(body),
        }
    }

    fn done(&mut self, body: String) -> Next {
        self.finished.body = body;
        Next::Done
    }

    /// Moves on to the follow-up call `step`, as a fresh request (its own retries).
    fn advance(&mut self, step: FollowUp, after_patch: bool) -> Next {
        match self.follow_up(step, after_patch) {
            Ok(()) => Next::Send,
            Err(error) => Next::Failed(self.fail(error)),
        }
    }

    fn follow_up(&mut self, step: FollowUp, after_patch: bool) -> Result<(), Error> {
        let Some(details) = self.details.as_ref() else {
            return Err(Error::invalid_response(ClientCode::UnexpectedStatus, "The service answered out of turn"));
        };
        let task_id = details.task.as_ref().map_or("", |(_, id)| id.as_str());
        // The stage moves first, so that a request that cannot be built fails as the details step's.
        let built = build_follow_up_request(&details.create, task_id, &step);
        let body = matches!(step, FollowUp::PatchDetails { .. }).then(|| details.patch_body.clone());
        self.stage = Stage::FollowUp { step, after_patch };
        let built = built?;
        self.request = Outgoing { method: built.method, url: built.url, headers: built.headers, body };
        self.retries_done = 0;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::request::{build_create_request, Endpoint, RequestOptions};

    fn number(text: &str) -> f64 {
        text.parse().unwrap_or(f64::NAN)
    }

    fn create_request() -> CreateRequest {
        let options = RequestOptions { base_url: None, workbook_session_id: None, client_request_id: None };
        build_create_request(&Endpoint::Planner, &options, crate::host::loopback, || "cri-1".into()).unwrap()
    }

    fn answer(flow: &mut Flow, status: u16, body: &str) -> Next {
        flow.received(status, ResponseHeaders::default, body.to_owned(), number, 0, 0.0, "secret-token")
    }

    const TASK: &str = r#"{"id":"t 1","planId":"p","title":"x","@odata.etag":"W/\"1\""}"#;
    const DETAILS: &str = r#"{"id":"t 1","description":"d","@odata.etag":"W/\"d1\""}"#;

    #[test]
    fn a_create_without_details_ends_with_its_answer() {
        let mut flow = Flow::create(create_request(), Resource::PlannerTask, "{}".into(), None, RetryPolicy::NONE);
        assert_eq!(flow.request().method, "POST");
        assert_eq!(flow.request().body.as_deref(), Some("{}"));
        assert_eq!(answer(&mut flow, 201, TASK), Next::Done);
        assert_eq!(flow.finished(), &Finished { body: TASK.into(), details: None });
    }

    #[test]
    fn a_create_with_details_reads_patches_and_reads_again() {
        let patch = r#"{"description":"d"}"#.to_owned();
        let mut flow =
            Flow::create(create_request(), Resource::PlannerTask, "{}".into(), Some(patch.clone()), RetryPolicy::NONE);
        assert_eq!(answer(&mut flow, 201, TASK), Next::Send);
        assert_eq!(flow.request().method, "GET");
        assert!(flow.request().url.ends_with("/planner/tasks/t%201/details"), "{}", flow.request().url);
        assert_eq!(answer(&mut flow, 200, DETAILS), Next::Send);
        assert_eq!(flow.request().method, "PATCH");
        assert_eq!(flow.request().body.as_deref(), Some(patch.as_str()));
        assert!(flow.request().headers.contains(&("If-Match", "W/\"d1\"".to_owned())));
        // 204: the service ignored Prefer, so the details are read again.
        assert_eq!(answer(&mut flow, 204, ""), Next::Send);
        assert_eq!(flow.request().method, "GET");
        assert_eq!(answer(&mut flow, 200, DETAILS), Next::Send);
        assert!(flow.request().url.ends_with("/planner/tasks/t%201"));
        assert_eq!(answer(&mut flow, 200, TASK), Next::Done);
        assert_eq!(flow.finished(), &Finished { body: TASK.into(), details: Some(DETAILS.into()) });
    }

    #[test]
    fn a_stale_etag_rereads_the_details_a_bounded_number_of_times() {
        let mut flow =
            Flow::create(create_request(), Resource::PlannerTask, "{}".into(), Some("{}".into()), RetryPolicy::NONE);
        answer(&mut flow, 201, TASK);
        for _ in 0..crate::details::MAX_PRECONDITION_RETRIES {
            assert_eq!(answer(&mut flow, 200, DETAILS), Next::Send);
            assert_eq!(answer(&mut flow, 412, "{}"), Next::Send);
            assert_eq!(flow.request().method, "GET");
        }
        assert_eq!(answer(&mut flow, 200, DETAILS), Next::Send);
        let Next::Failed(error) = answer(&mut flow, 412, "{}") else { panic!("a third 412 fails") };
        assert_eq!(error.step, crate::Step::Details);
        assert_eq!(error.task.as_deref(), Some(TASK));
        assert!(error.may_have_been_created);
    }

    #[test]
    fn a_create_that_may_have_reached_the_service_is_never_sent_again() {
        let retry = RetryPolicy { max_retries: 5, base_delay_ms: 10, max_delay_ms: 1_000 };
        let mut flow = Flow::create(create_request(), Resource::PlannerTask, "{}".into(), None, retry);
        assert!(matches!(answer(&mut flow, 503, "{}"), Next::Wait(_)));
        let Next::Failed(error) = answer(&mut flow, 504, "{}") else { panic!("a 504 is not retried") };
        assert!(error.may_have_been_created);
        assert_eq!(error.client_request_id.as_deref(), Some("cri-1"));
        let timeout = Error::new(ErrorKind::Timeout, "late").with_may_have_been_created(true);
        let mut flow = Flow::create(create_request(), Resource::PlannerTask, "{}".into(), None, retry);
        assert!(matches!(flow.failed(timeout, 0.0, "t"), Next::Failed(_)));
    }

    #[test]
    fn follow_ups_are_retried_within_the_policy_and_fail_as_the_details_step() {
        let retry = RetryPolicy { max_retries: 1, base_delay_ms: 10, max_delay_ms: 1_000 };
        let mut flow = Flow::create(create_request(), Resource::PlannerTask, "{}".into(), Some("{}".into()), retry);
        answer(&mut flow, 201, TASK);
        assert!(matches!(answer(&mut flow, 500, "{}"), Next::Wait(_)));
        let Next::Failed(error) = answer(&mut flow, 500, "{}") else { panic!("out of retries") };
        assert_eq!(error.step, crate::Step::Details);
        // An abort during the wait fails the same way.
        let aborted = flow.fail(Error::new(ErrorKind::Aborted, "aborted"));
        assert_eq!(aborted.step, crate::Step::Details);
    }

    #[test]
    fn the_token_never_reaches_an_error() {
        let mut flow = Flow::create(create_request(), Resource::PlannerTask, "{}".into(), None, RetryPolicy::NONE);
        let body = r#"{"error":{"code":"Unauthorized","message":"bad token secret-token"}}"#;
        let Next::Failed(error) = answer(&mut flow, 401, body) else { panic!("a 401 fails") };
        assert!(!error.message.contains("secret-token"), "{}", error.message);
        assert!(!error.body.unwrap_or_default().contains("secret-token"));
    }

    #[test]
    fn a_read_succeeds_with_its_statuses_and_is_retried_as_reads_are() {
        let request = Outgoing { method: "DELETE", url: "https://x/y".into(), headers: Vec::new(), body: None };
        let retry = RetryPolicy { max_retries: 2, base_delay_ms: 10, max_delay_ms: 1_000 };
        let mut flow = Flow::read(request, "r".into(), &[204, 200], retry);
        assert!(matches!(answer(&mut flow, 502, ""), Next::Wait(_)));
        assert_eq!(answer(&mut flow, 204, ""), Next::Done);
    }

    #[test]
    fn details_of_an_existing_task_start_with_the_read_of_its_details() {
        let flow = Flow::set_details(create_request(), TASK.into(), "t 1".into(), "{}".into(), RetryPolicy::NONE);
        let flow = flow.unwrap();
        assert!(flow.request().url.ends_with("/t%201/details"));
        let bad = Flow::set_details(create_request(), TASK.into(), "..".into(), "{}".into(), RetryPolicy::NONE);
        assert_eq!(bad.unwrap_err().step, crate::Step::Details);
    }
}
