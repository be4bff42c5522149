//! `/planner/tasks/{id}/details`: read a task's `plannerTaskDetails`, and PATCH them with
//! `If-Match` (and `Prefer: return=representation`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::HeaderValue;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::Value;

use graph_tasks::datetime::format_graph_datetime;

use crate::body::{is_json, read_body, BodyRead};
use crate::create::{record_body, refusal_error};
use crate::error::GraphError;
use crate::faults;
use crate::planner_tasks::refuse_read;
use crate::router::{json_response, path_id, with_context, Version};
use crate::state::{App, Ctx, RecordedBody};
use crate::store::{PatchDetails, Write, Written};
use crate::util::now_nanos;

fn context_url(ctx: &Ctx, version: Version, id: &str) -> String {
    format!("{}/{}/$metadata#planner/tasks('{id}')/details/$entity", ctx.base, version.as_str())
}

/// The details as a 200, with their etag in `ETag` too.
fn answer(ctx: &Ctx, version: Version, id: &str, details: &str) -> Response {
    let etag =
        serde_json::from_str::<Value>(details).ok().and_then(|v| v.get("@odata.etag").and_then(Value::as_str).and_then(|e| HeaderValue::from_str(e).ok()));
    let mut resp = json_response(StatusCode::OK, with_context(&context_url(ctx, version, id), details));
    if let Some(etag) = etag {
        resp.headers_mut().insert("etag", etag);
    }
    resp
}

/// `GET /{version}/planner/tasks/{id}/details`.
pub(crate) async fn get(State(app): State<Arc<App>>, Extension(version): Extension<Version>, Extension(ctx): Extension<Ctx>, uri: Uri) -> Response {
    let id = match path_id(&uri, 1) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = refuse_read(&ctx, &id, "task") {
        return e.into_response();
    }
    let fault = faults::take(&app, &ctx, "details", "GET");
    faults::apply(&app, &ctx, fault, async {
        match app.store.details(&id) {
            Ok(Some(details)) => answer(&ctx, version, &id, &details),
            Ok(None) => GraphError::item_not_found(format!("The task {id} was not found.")).into_response(),
            Err(e) => GraphError::internal(e).into_response(),
        }
    })
    .await
}

/// `If-Match`, which every Planner PATCH and DELETE requires. The docs do not say what a request
/// without it gets; the emulator answers 400, naming the header.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<String, GraphError> {
    headers
        .get("if-match")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| GraphError::bad_request("The If-Match header is required: send the etag of the resource as last read."))
}

/// Whether `Prefer` asks for `return=representation`.
fn wants_representation(headers: &HeaderMap) -> bool {
    headers.get_all("prefer").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|p| p.trim().eq_ignore_ascii_case("return=representation"))
}

/// `PATCH /{version}/planner/tasks/{id}/details`: 204, or 200 with the details when `Prefer` asks.
/// Checks in order: token (401), id (400), content type (415), size (413), If-Match (400),
/// Retry-After enforcement (429), fault, JSON, then the store: task (404), etag (412), the PATCH's
/// own rules (400) and limits (403).
pub(crate) async fn patch(State(app): State<Arc<App>>, Extension(version): Extension<Version>, Extension(ctx): Extension<Ctx>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let id = match path_id(&parts.uri, 1) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let read = read_body(body).await;
    let mut resp = patch_checked(&app, &ctx, version, &parts.headers, &id, &read).await;
    if ctx.caller().is_ok() {
        let (body, truncated) = record_body(&read);
        resp.extensions_mut().insert(RecordedBody(body, truncated));
    }
    resp
}

async fn patch_checked(app: &Arc<App>, ctx: &Ctx, version: Version, headers: &HeaderMap, id: &str, read: &BodyRead) -> Response {
    let caller = match refuse_read(ctx, id, "task").and_then(|()| ctx.caller()) {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    if !is_json(headers) {
        return GraphError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupportedMediaType", "The Content-Type must be application/json.").into_response();
    }
    let body = match read {
        BodyRead::Complete(b) => b,
        BodyRead::TooLarge => return GraphError::for_status(StatusCode::PAYLOAD_TOO_LARGE).into_response(),
        BodyRead::TimedOut => return GraphError::for_status(StatusCode::REQUEST_TIMEOUT).into_response(),
        BodyRead::Failed => return GraphError::bad_request("The request body could not be read.").into_response(),
    };
    let if_match = match if_match(headers) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = faults::refuse_early_retry(app, ctx) {
        return e.into_response();
    }
    let fault = faults::take(app, ctx, "details", "PATCH");
    faults::apply(app, ctx, fault, async {
        let patch: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return GraphError::bad_request(format!("The request body is not valid JSON: {e}")).into_response(),
        };
        let by = serde_json::to_value(caller.identity_set()).unwrap_or(Value::Null);
        let write = PatchDetails {
            task_id: id.to_owned(),
            if_match,
            patch,
            by,
            now: format_graph_datetime(now_nanos()),
            details_etag: app.new_etag(),
            task_etag: app.new_etag(),
        };
        match app.store.write(Write::PatchDetails(write)).await {
            Ok(Written::Details(details)) if wants_representation(headers) => answer(ctx, version, id, &details),
            Ok(Written::Details(details)) => {
                let mut resp = answer(ctx, version, id, &details);
                *resp.status_mut() = StatusCode::NO_CONTENT;
                *resp.body_mut() = axum::body::Body::empty();
                resp.headers_mut().remove("content-type");
                resp
            }
            Ok(Written::Done) => StatusCode::NO_CONTENT.into_response(),
            Err(refusal) => refusal_error(refusal, Some(id)).into_response(),
        }
    })
    .await
}
