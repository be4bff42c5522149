//! The calls after the create that give an existing task its details (a bulk run's created tasks):
//! read the details for their etag, PATCH them, read the task again. Each decision is the core's
//! ([`crate::flow::Flow::set_details`]); env.js `drive` runs them.

use wasm_bindgen::prelude::*;

use super::call::CallState;
use super::client::{random_uuid_bytes, CreateTaskOptions};
use super::js;
use crate::details::DetailsInput;
use crate::error::Error;
use crate::flow::Flow;
use crate::request::CreateRequest;

/// Sets `input` as the details of `task` (created by `create`; `task_json` is its text), and returns the
/// task as the service now holds it (read again after the PATCH) with `details` set to the details the
/// PATCH returned. A failure is the details step's: it says the task exists and carries it.
pub(crate) async fn set_details(
    task: &JsValue,
    task_json: String,
    create: &CreateRequest,
    input: &DetailsInput,
    options: &CreateTaskOptions,
) -> Result<JsValue, Error> {
    // check_created_task made sure of a non-empty string id.
    let task_id = js::get(task, "id").and_then(|id| id.as_string()).unwrap_or_default();
    let patch_body = input.patch_body(random_uuid_bytes);
    let flow = Flow::set_details(create.clone(), task_json, task_id, patch_body, options.retry)?;
    CallState::new(flow, options).run().await.0
}
