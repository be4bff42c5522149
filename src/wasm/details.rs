//! The calls after the create that give the task its details: read the details for their etag, PATCH
//! them, read the task again for what the PATCH changed. Each decision is the core's
//! ([`crate::details`]); the requests go through the client's one loop ([`exchange`]).

use wasm_bindgen::prelude::*;

use super::client::{exchange, random_uuid_bytes, Answer, CreateTaskOptions, Exchange, Sent, Stop};
use super::js;
use crate::contract::ClientCode;
use crate::details::{build_follow_up_request, DetailsInput, FollowUp, FollowUpOutcome};
use crate::error::Error;
use crate::request::CreateRequest;

/// Sets `input` as the details of the task the create answered with (`created`), and returns the task
/// as the service now holds it (read again after the PATCH) with `details` set to the details the
/// PATCH returned. A failure is the details step's: it says the task exists and carries it.
pub(crate) async fn set_details(
    created: &Answer,
    create: &CreateRequest,
    input: &DetailsInput,
    options: &CreateTaskOptions,
) -> Result<JsValue, Error> {
    // check_created_task made sure of a non-empty string id.
    let task_id = js::get(&created.value, "id").and_then(|id| id.as_string()).unwrap_or_default();
    let failed = |stop: Stop| stop.error.in_details_step(created.body.clone(), &task_id);
    // One body for every PATCH of this call: a PATCH sent again sends the same keys and values.
    let body = input.patch_body(random_uuid_bytes);
    let calls = Calls { create, task_id: &task_id, options };
    let mut precondition_retries = 0;
    let details = loop {
        let read = calls.send(FollowUp::GetDetails, None, precondition_retries).await.map_err(failed)?;
        let Some(FollowUpOutcome::DetailsEtag(etag)) = read.outcome else {
            return Err(failed(out_of_turn()));
        };
        match calls.send(FollowUp::PatchDetails { etag }, Some(&body), precondition_retries).await {
            Ok(Answer { outcome: Some(FollowUpOutcome::Patched), value, .. }) => break value,
            // The service ignored `Prefer: return=representation`: read what it now holds.
            Ok(Answer { outcome: Some(FollowUpOutcome::PatchedWithoutBody), .. }) => {
                break calls.send(FollowUp::GetDetails, None, precondition_retries).await.map_err(failed)?.value;
            }
            Ok(_) => return Err(failed(out_of_turn())),
            Err(stop) if stop.reread => precondition_retries += 1,
            Err(stop) => return Err(failed(stop)),
        }
    };
    // The PATCH changes the task too (its etag, and hasDescription, previewType and the counts when
    // they are set), so the task is read again rather than handed back as the create left it.
    let task = calls.send(FollowUp::GetTask, None, precondition_retries).await.map_err(failed)?.value;
    // Both are the client's own objects (parsed from the service's answers), never the caller's.
    js::set(&task, "details", &details);
    Ok(task)
}

/// The follow-up calls of one created task.
struct Calls<'a> {
    create: &'a CreateRequest,
    task_id: &'a str,
    options: &'a CreateTaskOptions,
}

impl Calls<'_> {
    /// Sends `step` (with `body`, for the PATCH) through the client's loop.
    async fn send(&self, step: FollowUp, body: Option<&str>, precondition_retries: u32) -> Result<Answer, Stop> {
        let request = build_follow_up_request(self.create, self.task_id, &step)?;
        let sent = Sent { method: request.method, url: &request.url, headers: &request.headers, body };
        let exchanged = Exchange::FollowUp { step: &step, task_id: self.task_id, precondition_retries };
        exchange(&exchanged, &sent, &self.create.client_request_id, self.options).await
    }
}

fn out_of_turn() -> Stop {
    Error::invalid_response(ClientCode::UnexpectedStatus, "The service answered out of turn").into()
}
