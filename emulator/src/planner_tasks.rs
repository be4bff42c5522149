//! `/planner/tasks`: create a `plannerTask`, read one (planner or 2015, each in its own shape).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::HeaderValue;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::Value;

use graph_tasks::schema::Resource;
use graph_tasks::validate::is_planner_id;

use crate::create::{self, context_url, refusal_error, Target};
use crate::error::GraphError;
use crate::faults;
use crate::router::{json_response, path_id, with_context, Version};
use crate::state::{App, Ctx};
use crate::store::Write;
use crate::task_details::if_match;

/// `POST /{version}/planner/tasks`.
pub(crate) async fn create(State(app): State<Arc<App>>, Extension(version): Extension<Version>, Extension(ctx): Extension<Ctx>, req: Request) -> Response {
    create::create(app, ctx, req, Target { resource: Resource::PlannerTask, version, user_id: None }).await
}

/// The checks every read makes first: a bearer token, then an id in Planner's format.
pub(crate) fn refuse_read(ctx: &Ctx, id: &str, what: &str) -> Result<(), GraphError> {
    ctx.caller()?;
    if !is_planner_id(id) {
        return Err(GraphError::bad_request(format!("The {what} id is not valid: 28 case-sensitive characters of A-Z, a-z, 0-9, _ and -.")));
    }
    Ok(())
}

/// `GET /{version}/planner/tasks/{id}` and `GET /beta/tasks/{id}`.
pub(crate) async fn get(State(app): State<Arc<App>>, Extension(version): Extension<Version>, Extension(ctx): Extension<Ctx>, uri: Uri) -> Response {
    let id = match path_id(&uri, 0) {
        Ok(id) => id,
        Err(not_found) => return not_found.into_response(),
    };
    if let Err(e) = refuse_read(&ctx, &id, "task") {
        return e.into_response();
    }
    let fault = faults::take(&app, &ctx, "task", "GET");
    faults::apply(&app, &ctx, fault, async {
        let (resource, body) = match app.store.task(&id) {
            Ok(Some(found)) => found,
            Ok(None) => return GraphError::item_not_found(format!("The task {id} was not found.")).into_response(),
            Err(e) => return GraphError::internal(e).into_response(),
        };
        let etag =
            serde_json::from_str::<Value>(&body).ok().and_then(|v| v.get("@odata.etag").and_then(Value::as_str).and_then(|e| HeaderValue::from_str(e).ok()));
        let mut resp = json_response(StatusCode::OK, with_context(&context_url(&ctx, resource, version), &body));
        if let Some(etag) = etag {
            resp.headers_mut().insert("etag", etag);
        }
        resp
    })
    .await
}

/// `DELETE /{version}/planner/tasks/{id}` with `If-Match`: 204; a stale etag gets 412.
pub(crate) async fn delete(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>, headers: HeaderMap, uri: Uri) -> Response {
    let id = match path_id(&uri, 0) {
        Ok(id) => id,
        Err(not_found) => return not_found.into_response(),
    };
    if let Err(e) = refuse_read(&ctx, &id, "task") {
        return e.into_response();
    }
    let if_match = match if_match(&headers) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = faults::refuse_early_retry(&app, &ctx) {
        return e.into_response();
    }
    let fault = faults::take(&app, &ctx, "task", "DELETE");
    faults::apply(&app, &ctx, fault, async {
        match app.store.write(Write::DeleteTask { id: id.clone(), if_match }).await {
            Ok(_) => StatusCode::NO_CONTENT.into_response(),
            Err(refusal) => refusal_error(refusal, Some(&id)).into_response(),
        }
    })
    .await
}
