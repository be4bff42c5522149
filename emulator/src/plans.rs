//! Plans and buckets: `GET /planner/plans/{id}`, its `details`, `buckets` and `tasks`,
//! `GET /planner/buckets/{id}/tasks`, and `GET /groups/{id}/planner/plans`.
//!
//! Plans and buckets do not change once made, so their etags are fixed, made from their ids in the
//! shape of Planner's (`W/"JzEtUGxhbiAg…"`, the base64 of `'1-Plan  …'`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};

use crate::error::GraphError;
use crate::paging;
use crate::planner_tasks::refuse_read;
use crate::router::{json_response, path_id, Version};
use crate::state::{App, Ctx};
use crate::store::{Plan, DEFAULT_USER_ID, DEFAULT_USER_NAME};
use crate::util::base64_encode;

/// The number of labels a plan has (plannerCategoryDescriptions, `category1`…`category25`).
const CATEGORIES: u32 = 25;
/// When the seed's plans were made, as far as their `createdDateTime` says (the seed has no time).
const SEED_TIME: &str = "2026-01-05T09:00:00.0000000Z";

fn fixed_etag(kind: &str, id: &str) -> String {
    let version: String = id.chars().take(15).collect();
    format!("W/\"{}\"", base64_encode(format!("'1-{kind}  {version}X'").as_bytes()))
}

fn plan_json(plan: &Plan) -> Value {
    let container = plan.group_id.as_ref().map(|g| {
        json!({ "@odata.type": "microsoft.graph.plannerPlanContainer", "containerId": g, "type": "group", "url": format!("https://graph.microsoft.com/v1.0/groups/{g}") })
    });
    json!({
        "@odata.etag": fixed_etag("Plan", &plan.id),
        "id": plan.id,
        "title": plan.title,
        "createdDateTime": SEED_TIME,
        "owner": plan.group_id,
        "container": container,
        "createdBy": { "user": { "id": DEFAULT_USER_ID, "displayName": DEFAULT_USER_NAME } },
    })
}

fn bucket_json(plan: &Plan) -> Vec<String> {
    plan.buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            // Board order: fixed-width numbers sort ordinally as the buckets stand.
            let hint = format!("{:020}", (i as u64 + 1) * 1_000_000);
            json!({ "@odata.etag": fixed_etag("Bucket", &b.id), "id": b.id, "name": b.name, "planId": plan.id, "orderHint": hint }).to_string()
        })
        .collect()
}

fn found_plan(app: &App, ctx: &Ctx, uri: &Uri, from_end: usize) -> Result<Plan, GraphError> {
    let id = path_id(uri, from_end)?;
    refuse_read(ctx, &id, "plan")?;
    app.store.plan(&id).map_err(GraphError::internal)?.ok_or_else(|| GraphError::item_not_found(format!("The plan {id} was not found.")))
}

fn with_context(context: String, mut value: Value) -> Response {
    if let Some(object) = value.as_object_mut() {
        let mut out = Map::new();
        out.insert("@odata.context".into(), context.into());
        out.extend(std::mem::take(object));
        *object = out;
    }
    json_response(axum::http::StatusCode::OK, value.to_string())
}

/// `GET /{version}/planner/plans/{id}`.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    let plan = found_plan(&app, &ctx, &uri, 0)?;
    Ok(with_context(format!("{}/{}/$metadata#planner/plans/$entity", ctx.base, version.as_str()), plan_json(&plan)))
}

/// `GET /{version}/planner/plans/{id}/details`: `categoryDescriptions` with all 25 labels (unset
/// ones `null`, as the docs' example shows) and `sharedWith` (the seed's users).
pub(crate) async fn details(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    let plan = found_plan(&app, &ctx, &uri, 1)?;
    let categories: Map<String, Value> = (1..=CATEGORIES)
        .map(|n| {
            let key = format!("category{n}");
            let name = plan.categories.get(&key).map_or(Value::Null, |s| Value::from(s.as_str()));
            (key, name)
        })
        .collect();
    let shared: Map<String, Value> = app.store.users().iter().map(|u| (u.id.clone(), Value::Bool(true))).collect();
    let body = json!({ "@odata.etag": fixed_etag("PlanDetails", &plan.id), "id": plan.id, "sharedWith": shared, "categoryDescriptions": categories });
    Ok(with_context(format!("{}/{}/$metadata#planner/plans('{}')/details/$entity", ctx.base, version.as_str(), plan.id), body))
}

/// `GET /{version}/planner/plans/{id}/buckets`, in board order.
pub(crate) async fn buckets(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    let plan = found_plan(&app, &ctx, &uri, 1)?;
    let context = format!("{}/{}/$metadata#planner/plans('{}')/buckets", ctx.base, version.as_str(), plan.id);
    paging::page(&ctx, &uri, &context, &bucket_json(&plan), app.cfg.page_size)
}

/// `GET /{version}/planner/plans/{id}/tasks`: every task of the plan, planner and legacy, in
/// creation order.
pub(crate) async fn list_tasks(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    tasks_of(&app, version, &ctx, &uri, "plan", "plans", |store, id| store.plan_tasks(id))
}

/// `GET /{version}/planner/buckets/{id}/tasks`, in creation order.
pub(crate) async fn bucket_tasks(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    tasks_of(&app, version, &ctx, &uri, "bucket", "buckets", |store, id| store.bucket_tasks(id))
}

/// The tasks of one container (a plan or a bucket), a page at a time.
fn tasks_of(
    app: &App,
    version: Version,
    ctx: &Ctx,
    uri: &Uri,
    kind: &str,
    collection: &str,
    load: impl FnOnce(&crate::store::Store, &str) -> Result<Option<Vec<String>>, String>,
) -> Result<Response, GraphError> {
    let id = path_id(uri, 1)?;
    refuse_read(ctx, &id, kind)?;
    let tasks = load(&app.store, &id).map_err(GraphError::internal)?.ok_or_else(|| GraphError::item_not_found(format!("The {kind} {id} was not found.")))?;
    let context = format!("{}/{}/$metadata#planner/{collection}('{id}')/tasks", ctx.base, version.as_str());
    paging::page(ctx, uri, &context, &tasks, app.cfg.page_size)
}

/// `GET /{version}/groups/{id}/planner/plans`.
pub(crate) async fn group_plans(
    State(app): State<Arc<App>>,
    Extension(version): Extension<Version>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, GraphError> {
    let group_id = path_id(&uri, 2)?;
    ctx.caller()?;
    if !app.store.groups().iter().any(|g| g.id == group_id) {
        return Err(GraphError::new(
            axum::http::StatusCode::NOT_FOUND,
            "Request_ResourceNotFound",
            format!("Resource '{group_id}' does not exist or one of its queried reference-property objects are not present."),
        ));
    }
    let plans: Vec<String> = app.store.group_plans(&group_id).map_err(GraphError::internal)?.iter().map(|p| plan_json(p).to_string()).collect();
    let context = format!("{}/{}/$metadata#planner/plans", ctx.base, version.as_str());
    paging::page(&ctx, &uri, &context, &plans, app.cfg.page_size)
}
