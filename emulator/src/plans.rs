//! `/planner/plans`: the tasks of a plan.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::Value;

use crate::error::GraphError;
use crate::planner_tasks::refuse_read;
use crate::router::{json_response, path_id, Version};
use crate::state::{App, Ctx};

/// `GET /{version}/planner/plans/{id}/tasks`: every task of the plan, planner and legacy, in
/// creation order.
pub(crate) async fn list_tasks(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let plan_id = match path_id(&uri, 1) {
        Ok(id) => id,
        Err(not_found) => return not_found.into_response(),
    };
    if let Err(e) = refuse_read(&app, &headers, &plan_id, "plan") {
        return e.into_response();
    }
    let tasks = match app.store.plan_tasks(&plan_id) {
        Ok(Some(tasks)) => tasks,
        Ok(None) => return GraphError::item_not_found(format!("The plan {plan_id} was not found.")).into_response(),
        Err(e) => return GraphError::internal(e).into_response(),
    };
    let context = Value::from(format!("{}/{}/$metadata#planner/plans('{plan_id}')/tasks", ctx.base, version.as_str())).to_string();
    // The stored bodies are spliced in as they are, without parsing them again.
    let mut out = String::with_capacity(64 + tasks.iter().map(|t| t.len() + 1).sum::<usize>());
    out.push_str("{\"@odata.context\":");
    out.push_str(&context);
    out.push_str(",\"value\":[");
    for (i, t) in tasks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(t);
    }
    out.push_str("]}");
    json_response(StatusCode::OK, out)
}
