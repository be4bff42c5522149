//! The 2015 beta task endpoints: `POST /beta/me/tasks`, `/beta/users/{id}/tasks`,
//! `/beta/drive/root/createdByUser/tasks` and `/beta/tasks`. People are plain user-id strings.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;

use graph_tasks::schema::Resource;

use crate::create::{self, Target};
use crate::error::GraphError;
use crate::router::{not_found, raw_segment, Version};
use crate::state::{App, Ctx};
use crate::util::percent_decode;

/// `POST /beta/me/tasks`, `/beta/tasks`, `/beta/drive/root/createdByUser/tasks`.
pub(crate) async fn create(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>, req: Request) -> Response {
    create::create(app, ctx, req, Target { resource: Resource::LegacyTask, version: Version::Beta, user_id: None }).await
}

/// `POST /beta/users/{id}/tasks`: `{id}` is percent-decoded once (`a%2Fb` is user `a/b`) and any
/// id is accepted; broken percent-encoding is a 400.
pub(crate) async fn create_for_user(State(app): State<Arc<App>>, Extension(ctx): Extension<Ctx>, req: Request) -> Response {
    let raw = raw_segment(req.uri(), 1);
    if raw.is_empty() {
        return not_found().into_response();
    }
    let Some(user_id) = percent_decode(raw, false) else {
        return GraphError::bad_request("The user id in the path is not valid percent-encoded UTF-8.").into_response();
    };
    create::create(app, ctx, req, Target { resource: Resource::LegacyTask, version: Version::Beta, user_id: Some(user_id) }).await
}
