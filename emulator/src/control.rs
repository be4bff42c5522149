//! The control endpoints under `/_emulator/`: seed, plans, faults, stats, reset, the request
//! record and health. No token is needed; a request sent by a web page must come from a page served
//! on loopback.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use serde_json::{json, Value};

use crate::body::{read_body, BodyRead};
use crate::create::refusal_error;
use crate::error::GraphError;
use crate::faults::{parse_faults, Chaos, Fault};
use crate::router::json_response;
use crate::state::{lock, App, Record, Stats};
use crate::store::{check_plan, Bucket, Plan, Write};
use crate::throttle::ConfigChange;
use crate::util::parse_query;

/// The routes, to be nested at `/_emulator`.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/seed", get(seed))
        .route("/plans", post(create_plan))
        .route("/faults", get(list_faults).post(add_faults).delete(clear_faults))
        .route("/stats", get(stats))
        .route("/reset", post(reset))
        .route("/requests", get(requests))
        .route("/health", get(health))
        .route("/config", get(get_config).post(set_config))
        .route_layer(axum::middleware::from_fn(only_local_pages))
}

/// Whether a request's `Origin` (the page that sent it, if any) is on loopback: `http(s)://localhost`,
/// `127.x.x.x` or `[::1]`, any port. A request without `Origin` comes from a tool, not a web page.
pub(crate) fn origin_is_local(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get("origin").and_then(|v| v.to_str().ok()) else { return true };
    let Some(rest) = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) else {
        return false;
    };
    let host = match rest.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => rest.rsplit_once(':').map_or(rest, |(host, _port)| host),
    };
    host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// A page from another site could otherwise reset the emulator (and its data) or read the request
/// record: control calls are taken only from pages served on loopback, or from no page.
async fn only_local_pages(req: Request, next: Next) -> Response {
    if !origin_is_local(req.headers()) {
        return GraphError::new(StatusCode::FORBIDDEN, "accessDenied", "Control endpoints only answer pages served from loopback.").into_response();
    }
    next.run(req).await
}

async fn body_of(req: Request) -> Result<Bytes, GraphError> {
    match read_body(req.into_body()).await {
        BodyRead::Complete(b) => Ok(b),
        BodyRead::TooLarge => Err(GraphError::for_status(StatusCode::PAYLOAD_TOO_LARGE)),
        BodyRead::TimedOut => Err(GraphError::for_status(StatusCode::REQUEST_TIMEOUT)),
        BodyRead::Failed => Err(GraphError::bad_request("The request body could not be read.")),
    }
}

fn json_of<T: serde::Serialize + ?Sized>(value: &T, status: StatusCode) -> Response {
    match serde_json::to_string(value) {
        Ok(text) => json_response(status, text),
        Err(e) => GraphError::internal(e.to_string()).into_response(),
    }
}

async fn get_config(State(app): State<Arc<App>>) -> Response {
    json_of(&*lock(&app.runtime), StatusCode::OK)
}

/// `POST /_emulator/config` with any subset of `{"chaosRate", "rateLimit", "latencyMs"}`; 0 turns
/// a behaviour off. A new chaos rate starts its sequence again; a new rate limit fills every bucket.
async fn set_config(State(app): State<Arc<App>>, req: Request) -> Result<Response, GraphError> {
    let body = body_of(req).await?;
    let change: ConfigChange = serde_json::from_slice(&body).map_err(|e| GraphError::bad_request(format!("The config is not valid: {e}")))?;
    let next = {
        let mut runtime = lock(&app.runtime);
        let next = runtime.with(change).map_err(GraphError::bad_request)?;
        if next.chaos_rate != runtime.chaos_rate {
            *lock(&app.chaos) = Chaos::new(next.chaos_rate, app.chaos_seed);
        }
        if next.rate_limit != runtime.rate_limit {
            app.limiter.clear();
        }
        *runtime = next;
        next
    };
    Ok(json_of(&next, StatusCode::OK))
}

async fn health() -> Response {
    json_response(StatusCode::OK, json!({ "status": "ok" }).to_string())
}

async fn seed(State(app): State<Arc<App>>) -> Result<Response, GraphError> {
    Ok(json_of(&app.store.view().map_err(GraphError::internal)?, StatusCode::OK))
}

async fn stats(State(app): State<Arc<App>>) -> Result<Response, GraphError> {
    let tasks_stored = app.store.tasks_stored().map_err(GraphError::internal)?;
    let queued = lock(&app.faults).len();
    let stats = lock(&app.stats);
    let by_status: serde_json::Map<String, Value> = stats.requests_by_status.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect();
    let body = json!({
        "requestsByStatus": by_status,
        "tasksCreatedPerPlan": stats.tasks_created_per_plan,
        "tasksStored": tasks_stored,
        "earlyRetries": stats.early_retries,
        "faultsInjected": { "beforeCommit": stats.faults_before_commit, "afterCommit": stats.faults_after_commit },
        "faultsQueued": queued,
        "writes": stats.writes,
        "batches": stats.batches,
        "batchRequests": stats.batch_requests,
        "throttled": stats.throttled,
    });
    Ok(json_response(StatusCode::OK, body.to_string()))
}

fn fault_queue(app: &App, status: StatusCode) -> Response {
    let queue: Vec<Fault> = lock(&app.faults).iter().cloned().collect();
    json_of(&queue, status)
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    fault_queue(&app, StatusCode::OK)
}

async fn add_faults(State(app): State<Arc<App>>, req: Request) -> Result<Response, GraphError> {
    let new = parse_faults(&body_of(req).await?).map_err(GraphError::bad_request)?;
    lock(&app.faults).extend(new);
    Ok(fault_queue(&app, StatusCode::CREATED))
}

async fn clear_faults(State(app): State<Arc<App>>) -> StatusCode {
    lock(&app.faults).clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(app): State<Arc<App>>, req: Request) -> Result<StatusCode, GraphError> {
    body_of(req).await?;
    // The reset is one write of the store, ordered with the creates around it: a create lands
    // wholly before or wholly after it.
    app.store.write(Write::Reset).await.map_err(|e| refusal_error(e, None))?;
    *lock(&app.stats) = Stats::default();
    lock(&app.faults).clear();
    lock(&app.records).clear();
    lock(&app.throttled).clear();
    // Back to the command line's settings, and the chaos sequence from its start.
    *lock(&app.runtime) = App::initial_runtime(&app.cfg);
    *lock(&app.chaos) = Chaos::new(app.cfg.chaos_rate, app.chaos_seed);
    app.limiter.clear();
    Ok(StatusCode::NO_CONTENT)
}

async fn requests(State(app): State<Arc<App>>, uri: Uri) -> Result<Response, GraphError> {
    let mut want_id = None;
    let mut last = None;
    for (k, v) in parse_query(uri.query().unwrap_or_default()) {
        match k.as_str() {
            "clientRequestId" => want_id = Some(v),
            "last" => last = Some(v.parse::<usize>().map_err(|_| GraphError::bad_request("last must be a whole number"))?),
            _ => {}
        }
    }
    let records = lock(&app.records);
    let matching: Vec<&Record> = records.iter().filter(|r| want_id.is_none() || r.client_request_id == want_id).collect();
    let skip = last.map_or(0, |n| matching.len().saturating_sub(n));
    // Each record is its JSON object already.
    let mut out = Vec::with_capacity(2 + matching[skip..].iter().map(|r| r.json.len() + 1).sum::<usize>());
    out.push(b'[');
    for (i, r) in matching[skip..].iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&r.json);
    }
    out.push(b']');
    let mut resp = (StatusCode::OK, out).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}

async fn create_plan(State(app): State<Arc<App>>, req: Request) -> Result<Response, GraphError> {
    let body = body_of(req).await?;
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|e| GraphError::bad_request(format!("The body is not JSON: {e}")))?
    };
    let Some(obj) = value.as_object() else { return Err(GraphError::bad_request("The body must be an object like {\"title\": \"...\"}.")) };
    let title = match obj.get("title") {
        None | Some(Value::Null) => "Test plan".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(GraphError::bad_request("title must be a string")),
    };
    let bucket_names: Vec<String> = match obj.get("buckets") {
        None | Some(Value::Null) => vec!["To do".to_owned()],
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
            items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
        }
        Some(_) => return Err(GraphError::bad_request("buckets must be a non-empty array of bucket names")),
    };
    let buckets = bucket_names.into_iter().map(|name| Bucket { id: app.ids.planner_id(), name }).collect();
    // A plan made here belongs to the seed's first group, if there is one: a plan has a container.
    let group_id = app.store.groups().first().map(|g| g.id.clone());
    let plan = Plan { id: app.ids.planner_id(), title, buckets, group_id, categories: Default::default() };
    check_plan(&plan).map_err(GraphError::internal)?;
    app.store.write(Write::Plan(plan.clone())).await.map_err(|e| refusal_error(e, None))?;
    Ok(json_of(&plan, StatusCode::CREATED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn control_calls_only_from_local_pages() {
        let with = |origin: &str| {
            let mut h = HeaderMap::new();
            h.insert("origin", HeaderValue::from_str(origin).unwrap());
            origin_is_local(&h)
        };
        assert!(origin_is_local(&HeaderMap::new()));
        for ok in ["http://127.0.0.1:8787", "http://localhost:3000", "https://localhost", "http://[::1]:9", "http://127.1.2.3"] {
            assert!(with(ok), "{ok}");
        }
        for bad in ["https://evil.example", "http://127.0.0.1.evil.example", "http://localhost.evil.example:80", "null", "http://[::2]"] {
            assert!(!with(bad), "{bad}");
        }
    }
}
