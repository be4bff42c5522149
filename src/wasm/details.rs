//! The calls after the create that give the task its details: read the details for their etag, PATCH
//! them, read the task again for what the PATCH changed. Each decision is the core's
//! ([`crate::details`]); this loop sends, waits and hands back what the service holds.

use js_sys::JsString;
use wasm_bindgen::prelude::*;

use super::client::CreateTaskOptions;
use super::transport::{self, Attempt};
use crate::contract::ClientCode;
use crate::details::{
    build_follow_up_request, decide_follow_up, read_follow_up_response, DetailsInput, FollowUp, FollowUpDecision,
    FollowUpOutcome,
};
use crate::error::Error;
use crate::request::{authorization_value, CreateRequest};

/// What the create left for the details step: the created task's id and its JSON text (what a
/// failure of this step reports as `GraphError.task`).
pub(crate) struct Created<'a> {
    pub id: String,
    pub text: &'a JsString,
}

/// Sets `input` as the details of the task `created`, and returns the task as the service now holds
/// it (read again after the PATCH) with `details` set to the details the PATCH returned. A failure is the details step's: it names the
/// created task.
pub(crate) async fn set_details(
    created: Created<'_>,
    create: &CreateRequest,
    input: &DetailsInput,
    options: &CreateTaskOptions,
) -> Result<JsValue, Error> {
    let failed = |stop: Stop| stop.error.in_details_step(String::from(created.text), &created.id);
    let call = Call { task_id: &created.id, create, options };
    // One body for every PATCH of this call: a retried PATCH sends the same keys and values.
    let body = input.patch_body(super::client::random_uuid_bytes);
    let mut precondition_retries = 0;
    let details = loop {
        let etag = match call.send(&FollowUp::GetDetails, None, precondition_retries).await.map_err(failed)? {
            (FollowUpOutcome::DetailsEtag(etag), _) => etag,
            _ => return Err(failed(Stop::out_of_turn())),
        };
        let patch = FollowUp::PatchDetails { etag };
        match call.send(&patch, Some(&body), precondition_retries).await {
            Ok((FollowUpOutcome::Patched, details)) => break details,
            // The service ignored `Prefer: return=representation`: read what it holds.
            Ok((FollowUpOutcome::PatchedWithoutBody, _)) => {
                break call.send(&FollowUp::GetDetails, None, precondition_retries).await.map_err(failed)?.1;
            }
            Ok(_) => return Err(failed(Stop::out_of_turn())),
            Err(stop) if stop.reread => precondition_retries += 1,
            Err(stop) => return Err(failed(stop)),
        }
    };
    // The PATCH changes the task too (its etag, and hasDescription, previewType and the counts when
    // they are set), so the task is read again rather than handed back as the create left it.
    let task = call.send(&FollowUp::GetTask, None, precondition_retries).await.map_err(failed)?.1;
    // Both are the client's own objects (parsed from the service's answers), never the caller's.
    super::client::set(&task, "details", &details);
    Ok(task)
}

/// Why a follow-up call stopped.
struct Stop {
    error: Error,
    /// The details changed since their etag was read: read them again and PATCH again.
    reread: bool,
}

impl Stop {
    fn out_of_turn() -> Stop {
        Stop {
            error: Error::invalid_response(ClientCode::UnexpectedStatus, "The service answered out of turn"),
            reread: false,
        }
    }
}

impl From<Error> for Stop {
    fn from(error: Error) -> Stop {
        Stop { error, reread: false }
    }
}

/// The follow-up calls of one created task.
struct Call<'a> {
    task_id: &'a str,
    create: &'a CreateRequest,
    options: &'a CreateTaskOptions,
}

impl Call<'_> {
    /// Sends `step` (with `body`, for the PATCH), retrying what the core says may be retried; returns
    /// the outcome and the parsed body.
    async fn send(
        &self,
        step: &FollowUp,
        body: Option<&str>,
        precondition_retries: u32,
    ) -> Result<(FollowUpOutcome, JsValue), Stop> {
        let request = build_follow_up_request(self.create, self.task_id, step)?;
        let client_request_id = &self.create.client_request_id;
        let mut retries_done = 0;
        loop {
            let token = self.options.token.token().await?;
            let attempt = Attempt {
                method: request.method,
                url: &request.url,
                headers: &request.headers,
                authorization: &authorization_value(&token),
                body,
                signal: self.options.signal.as_ref(),
                timeout_ms: self.options.timeout_ms,
            };
            let outcome = match transport::send(&attempt).await {
                Ok(received) => {
                    let parsed = super::client::json_parse(&received.body).ok();
                    read_follow_up_response(
                        step,
                        self.task_id,
                        received.status,
                        || received.headers(),
                        parsed.as_ref(),
                        client_request_id,
                        js_sys::Date::now() as i64,
                    )
                    .map(|outcome| (outcome, parsed.unwrap_or(JsValue::NULL)))
                    .map_err(|e| e.with_body(String::from(&received.body)))
                }
                Err(error) => Err(error),
            };
            let mut error = match outcome {
                Ok(done) => return Ok(done),
                Err(error) => error,
            };
            error.redact(&token);
            if error.client_request_id.is_none() {
                error.client_request_id = Some(client_request_id.clone());
            }
            let decision = decide_follow_up(
                &error,
                step,
                retries_done,
                precondition_retries,
                &self.options.retry,
                js_sys::Math::random(),
            );
            match decision {
                FollowUpDecision::RetryAfter(delay) => {
                    transport::sleep(delay, self.options.signal.as_ref()).await.map_err(|mut aborted| {
                        aborted.client_request_id = Some(client_request_id.clone());
                        aborted
                    })?;
                    retries_done += 1;
                }
                FollowUpDecision::RereadDetails => return Err(Stop { error, reread: true }),
                FollowUpDecision::GiveUp => return Err(Stop { error, reread: false }),
            }
        }
    }
}
