//! What every create goes through, planner or 2015 task: the checks in Graph's order, the fault it
//! may take, the store, the 201 and the request record.
//!
//! Order: token (401), content type (415), size (413), Retry-After enforcement (429), scripted fault
//! or chaos, JSON and validation (400), assignee count (403), plan (404), bucket (400), plan limits
//! (403), store.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::header::HeaderValue;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::Value;

use graph_tasks::datetime::format_graph_datetime;
use graph_tasks::details::{MAX_CHECKLIST_ITEMS, MAX_REFERENCES};
use graph_tasks::schema::Resource;
use graph_tasks::validate::{validate_create, Mode, MAX_ACTIVE_TASKS_IN_PLAN, MAX_ASSIGNEES, MAX_TASKS_IN_PLAN};
use graph_tasks::Problem;

use crate::auth::Caller;
use crate::body::{is_json, read_body, BodyRead};
use crate::details;
use crate::error::GraphError;
use crate::faults;
use crate::router::{json_response, with_context, Version};
use crate::state::{lock, App, Ctx, RecordedBody, RecordedParams, RECORD_BODY_LIMIT};
use crate::store::{NewTask, Refusal, Write};
use crate::tasks::{self, ServiceValues};
use crate::util::now_nanos;

/// What a create route creates.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub(crate) resource: Resource,
    pub(crate) version: Version,
    /// The decoded `{id}` of `/users/{id}/tasks`.
    pub(crate) user_id: Option<String>,
}

/// Runs one create and records it.
pub(crate) async fn create(app: Arc<App>, ctx: Ctx, req: Request, target: Target) -> Response {
    lock(&app.stats).writes += 1;
    let (parts, body) = req.into_parts();
    let read = read_body(body).await;
    let mut resp = match ctx.caller() {
        Ok(caller) => checked(&app, &ctx, &parts.headers, caller, &read, &target).await,
        Err(e) => e.into_response(),
    };
    if ctx.caller().is_ok() {
        let (body, truncated) = record_body(&read);
        resp.extensions_mut().insert(RecordedBody(body, truncated));
    }
    if let Some(u) = target.user_id {
        resp.extensions_mut().insert(RecordedParams(BTreeMap::from([("userId".to_owned(), u)])));
    }
    resp
}

/// The body as the request record keeps it: cut at [`RECORD_BODY_LIMIT`] (the bytes shared with
/// the read, not copied; the record writes them as text once the request is answered).
pub(crate) fn record_body(read: &BodyRead) -> (Bytes, bool) {
    match read {
        BodyRead::Complete(b) if b.len() <= RECORD_BODY_LIMIT => (b.clone(), false),
        BodyRead::Complete(b) => (b.slice(..RECORD_BODY_LIMIT), true),
        _ => (Bytes::new(), true),
    }
}

async fn checked(app: &Arc<App>, ctx: &Ctx, headers: &HeaderMap, caller: &Caller, read: &BodyRead, target: &Target) -> Response {
    if !is_json(headers) {
        return GraphError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupportedMediaType", "The Content-Type must be application/json.").into_response();
    }
    let body = match read {
        BodyRead::Complete(b) => b,
        BodyRead::TooLarge => return GraphError::for_status(StatusCode::PAYLOAD_TOO_LARGE).into_response(),
        BodyRead::TimedOut => return GraphError::for_status(StatusCode::REQUEST_TIMEOUT).into_response(),
        BodyRead::Failed => return GraphError::bad_request("The request body could not be read.").into_response(),
    };
    if let Err(e) = faults::refuse_early_retry(app, ctx) {
        return e.into_response();
    }
    let fault = faults::take(app, ctx, "create", "POST");
    if let Some((f, ms)) = fault.as_ref().and_then(|f| f.commit_delay_ms.map(|ms| (f, ms))) {
        // The answer goes now; the create is validated and stored later, in a task of its own.
        let (app2, ctx2, caller2, body2, target2) = (app.clone(), ctx.clone(), caller.clone(), body.clone(), target.clone());
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            if store_task(&app2, &ctx2, &caller2, &body2, &target2).await.is_ok() {
                lock(&app2.stats).faults_after_commit += 1;
            }
        });
        faults::delay(f).await;
        return faults::answer(app, ctx, f, None);
    }
    faults::apply(app, ctx, fault, async {
        match store_task(app, ctx, caller, body, target).await {
            Ok(created) => created,
            Err(e) => e.into_response(),
        }
    })
    .await
}

/// `@odata.context` of a task read or created through `version`.
pub(crate) fn context_url(ctx: &Ctx, resource: Resource, version: Version) -> String {
    match resource {
        Resource::PlannerTask => format!("{}/{}/$metadata#planner/tasks/$entity", ctx.base, version.as_str()),
        Resource::LegacyTask => format!("{}/beta/$metadata#tasks/$entity", ctx.base),
    }
}

fn location_url(ctx: &Ctx, resource: Resource, version: Version, id: &str) -> String {
    match resource {
        Resource::PlannerTask => format!("{}/{}/planner/tasks/{id}", ctx.base, version.as_str()),
        Resource::LegacyTask => format!("{}/beta/tasks/{id}", ctx.base),
    }
}

/// The answer to a write the store refused; `subject` is the id of the plan (creates) or task.
pub(crate) fn refusal_error(refusal: Refusal, subject: Option<&str>) -> GraphError {
    let forbidden = |code: &str, message: String| GraphError::new(StatusCode::FORBIDDEN, code, message);
    match refusal {
        Refusal::PlanNotFound => GraphError::item_not_found(format!("The plan {} was not found.", subject.unwrap_or_default())),
        Refusal::TaskNotFound => GraphError::item_not_found(format!("The task {} was not found.", subject.unwrap_or_default())),
        Refusal::PreconditionFailed => GraphError::new(
            StatusCode::PRECONDITION_FAILED,
            "preconditionFailed",
            "The If-Match etag does not match the resource's current version; read it again for a new etag.",
        ),
        Refusal::Details(details::Rejection::Invalid(problems)) => GraphError::problems(&problems),
        Refusal::Details(details::Rejection::TooManyChecklistItems) => forbidden(
            "MaximumChecklistItemsOnTask",
            format!("The checklist property on the plannerTaskDetails resource contains too many values (at most {MAX_CHECKLIST_ITEMS})."),
        ),
        Refusal::Details(details::Rejection::TooManyReferences) => forbidden(
            "MaximumReferencesOnTask",
            format!("The references property on the plannerTaskDetails resource contains too many values (at most {MAX_REFERENCES})."),
        ),
        Refusal::BucketOfAnotherPlan => GraphError::problems(&[Problem::new("bucketId", "belongs to another plan: the bucket must be in the task's plan")]),
        Refusal::BucketNotFound => GraphError::problems(&[Problem::new("bucketId", "is not a bucket of the task's plan")]),
        Refusal::BucketWithoutPlan => GraphError::problems(&[Problem::new("bucketId", "needs planId: a bucket belongs to a plan")]),
        Refusal::TooManyTasks => forbidden("MaximumTasksInProject", format!("The maximum number of tasks in a plan ({MAX_TASKS_IN_PLAN}) has been reached.")),
        Refusal::TooManyActiveTasks => forbidden(
            "MaximumActiveTasksInProject",
            format!("The maximum number of tasks that aren't completed in a plan ({MAX_ACTIVE_TASKS_IN_PLAN}) has been reached."),
        ),
        Refusal::IdTaken => GraphError::internal("An id collision occurred; send the request again."),
        Refusal::Storage(e) => GraphError::internal(format!("The change could not be stored durably: {e}")),
    }
}

/// Validates, stores (durably with `--data`) and answers 201, or the error.
async fn store_task(app: &Arc<App>, ctx: &Ctx, caller: &Caller, body: &Bytes, target: &Target) -> Result<Response, GraphError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::bad_request("The request body is empty; send a task as JSON."));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| GraphError::bad_request(format!("The request body is not valid JSON: {e}")))?;
    let problems = validate_create(&&value, target.resource, Mode::Service).err().unwrap_or_default();
    if !problems.is_empty() {
        return Err(GraphError::problems(&problems));
    }
    if tasks::assignee_count(&value) > MAX_ASSIGNEES {
        return Err(GraphError::new(
            StatusCode::FORBIDDEN,
            "MaximumAssigneesInTasks",
            format!("The assignments property contains too many values: a task can have at most {MAX_ASSIGNEES} assignees."),
        ));
    }
    let plan_id = tasks::str_member(&value, "planId").filter(|p| !p.trim().is_empty());
    let bucket_id = tasks::str_member(&value, "bucketId").filter(|b| !b.trim().is_empty());

    let id = app.ids.planner_id();
    let etag = app.new_etag();
    let mut next_hint = || app.next_hint();
    let values = ServiceValues { id: id.clone(), etag: etag.clone(), now: format_graph_datetime(now_nanos()), next_hint: &mut next_hint };
    let built = match target.resource {
        Resource::PlannerTask => tasks::build_planner(&value, caller, values),
        Resource::LegacyTask => tasks::build_legacy(&value, caller, values),
    }
    .map_err(|e| GraphError::internal(format!("The task could not be built: {e}")))?;

    let details = details::initial_text(&id, &app.new_etag());
    // The answer's text is made first, so that the task's own moves into the store uncopied.
    let answer = with_context(&context_url(ctx, target.resource, target.version), &built.json);
    let new = NewTask { id: id.clone(), resource: target.resource, plan_id: plan_id.clone(), bucket_id, active: built.active, body: built.json, details };
    app.store.write(Write::Task(new)).await.map_err(|refusal| refusal_error(refusal, plan_id.as_deref()))?;
    if let Some(plan) = plan_id {
        *lock(&app.stats).tasks_created_per_plan.entry(plan).or_default() += 1;
    }
    let mut resp = json_response(StatusCode::CREATED, answer);
    for (name, value) in [("location", location_url(ctx, target.resource, target.version, &id)), ("etag", etag)] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            resp.headers_mut().insert(name, v);
        }
    }
    Ok(resp)
}
