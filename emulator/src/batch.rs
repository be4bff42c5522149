//! JSON batching: `POST /v1.0/$batch` and `/beta/$batch`.
//!
//! Each request of a batch goes through the whole service as a request of its own (the router as a
//! tower `Service`, with `oneshot`): the same handlers, validation, faults, Retry-After enforcement,
//! rate limit, stats and request record as a direct request. It carries the batch's `Authorization`
//! and `Host` unless it sets its own, and is marked as a batch item (for `"route": "batch-item"`
//! faults). Requests without `dependsOn` run together; a request runs once all it depends on have
//! answered, and gets 424 when one of them failed. The answers come back in an order shuffled from
//! the emulator's seed, never the request order, so that clients must match them by id.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::future::join_all;
use http_body_util::BodyExt;
use serde_json::{json, Map, Value};
use tower::ServiceExt;

use crate::body::{is_json, read_body, BodyRead};
use crate::create::record_body;
use crate::error::GraphError;
use crate::router::{json_response, BatchItem, Version};
use crate::state::{lock, App, Ctx, RecordedBody};
use crate::util::SeededRng;

/// "JSON batch requests are currently limited to 20 individual requests."
pub(crate) const MAX_BATCH_REQUESTS: usize = 20;

/// One request of the batch, checked.
struct Item {
    id: String,
    method: Method,
    /// The path and query under the version (`/planner/tasks`).
    url: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
    depends_on: Vec<String>,
}

fn invalid(message: impl Into<String>) -> GraphError {
    GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
}

/// Reads and checks the batch body: any fault here is a 400 for the whole batch.
fn parse(body: &[u8]) -> Result<Vec<Item>, GraphError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| invalid(format!("The batch body is not valid JSON: {e}")))?;
    let requests = value.get("requests").and_then(Value::as_array).ok_or_else(|| invalid("The batch body needs a requests array."))?;
    if requests.len() > MAX_BATCH_REQUESTS {
        return Err(invalid(format!("A batch holds at most {MAX_BATCH_REQUESTS} requests; this one has {}.", requests.len())));
    }
    let mut items = Vec::with_capacity(requests.len());
    let mut ids = HashSet::new();
    for (i, r) in requests.iter().enumerate() {
        let text = |name: &str| r.get(name).and_then(Value::as_str).filter(|s| !s.is_empty());
        let id = text("id").ok_or_else(|| invalid(format!("requests[{i}] needs an id (a string).")))?.to_owned();
        // "Not case-sensitive. Must be unique in the batch."
        if !ids.insert(id.to_lowercase()) {
            return Err(invalid(format!("The request id {id} appears twice in the batch (ids are compared without case).")));
        }
        let method = text("method")
            .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
            .ok_or_else(|| invalid(format!("Request {id} needs a method.")))?;
        let url = text("url").ok_or_else(|| invalid(format!("Request {id} needs a url.")))?;
        if url.contains("://") {
            return Err(invalid(format!("Request {id}: the url must be relative, such as /planner/tasks.")));
        }
        let mut headers = Vec::new();
        if let Some(given) = r.get("headers") {
            let given = given.as_object().ok_or_else(|| invalid(format!("Request {id}: headers must be an object.")))?;
            for (name, v) in given {
                let (Ok(n), Some(Ok(v))) = (HeaderName::from_bytes(name.as_bytes()), v.as_str().map(HeaderValue::from_str)) else {
                    return Err(invalid(format!("Request {id}: header {name} is not a valid header.")));
                };
                headers.push((n, v));
            }
        }
        let body = match r.get("body") {
            None | Some(Value::Null) => None,
            Some(b) => {
                // "When the body is supplied, a Content-Type header must be included."
                if !headers.iter().any(|(n, _)| n == "content-type") {
                    return Err(invalid(format!("Request {id} has a body but no Content-Type header.")));
                }
                Some(b.to_string().into_bytes())
            }
        };
        let depends_on = match r.get("dependsOn") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(d)) if d.iter().all(Value::is_string) => d.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            Some(_) => return Err(invalid(format!("Request {id}: dependsOn must be an array of request ids."))),
        };
        items.push(Item { id, method, url: format!("/{}", url.trim_start_matches('/')), headers, body, depends_on });
    }
    for item in &items {
        for d in &item.depends_on {
            if !ids.contains(&d.to_lowercase()) || d.eq_ignore_ascii_case(&item.id) {
                return Err(invalid(format!("Request {} depends on {d}, which is not another request of the batch.", item.id)));
            }
        }
    }
    Ok(items)
}

/// One answer of the batch: `{id, status, headers, body}`.
async fn run_one(app: &Arc<App>, outer: &HeaderMap, version: Version, item: &Item) -> Value {
    let mut builder = Request::builder().method(item.method.clone()).uri(format!("/{}{}", version.as_str(), item.url));
    for name in ["authorization", "host"] {
        if let Some(v) = outer.get(name) {
            if !item.headers.iter().any(|(n, _)| n == name) {
                builder = builder.header(name, v.clone());
            }
        }
    }
    for (n, v) in &item.headers {
        builder = builder.header(n.clone(), v.clone());
    }
    let request = builder.extension(BatchItem).body(item.body.clone().map_or_else(Body::empty, Body::from));
    let (request, service) = match (request, app.service.get()) {
        (Ok(request), Some(service)) => (request, service),
        (request, service) => {
            let why = match (request, service) {
                (Err(e), _) => e.to_string(),
                _ => "the service is not ready".to_owned(),
            };
            return json!({ "id": item.id, "status": 500, "headers": {}, "body": { "error": { "code": "generalException", "message": format!("The request could not be built: {why}.") } } });
        }
    };
    let Ok(response) = service.clone().oneshot(request).await;
    let status = response.status().as_u16();
    let mut headers = Map::new();
    for (name, value) in response.headers() {
        if !name.as_str().starts_with("access-control-") {
            headers.insert(name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned().into());
        }
    }
    let json_body = response.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("application/json"));
    let body = match response.into_body().collect().await.map(|b| b.to_bytes()) {
        Ok(bytes) if bytes.is_empty() => Value::Null,
        Ok(bytes) => match (json_body, serde_json::from_slice::<Value>(&bytes)) {
            (true, Ok(v)) => v,
            _ => String::from_utf8_lossy(&bytes).into_owned().into(),
        },
        // A fault that breaks the body breaks this answer; the batch reports it as a gateway error.
        Err(_) => {
            return json!({ "id": item.id, "status": 502, "headers": {}, "body": { "error": { "code": "badGateway", "message": "The response broke off." } } })
        }
    };
    let mut answer = json!({ "id": item.id, "status": status, "headers": headers });
    if !body.is_null() {
        answer["body"] = body;
    }
    answer
}

fn failed_dependency(ctx: &Ctx, id: &str, on: &str) -> Value {
    let error = GraphError::new(StatusCode::FAILED_DEPENDENCY, "failedDependency", format!("The request {on} that this one depends on failed."));
    json!({ "id": id, "status": 424, "headers": { "content-type": "application/json" }, "body": error.body(&ctx.request_id, &ctx.client_request_id) })
}

/// `POST /{version}/$batch`: 200 with `{"responses": [...]}` once the batch parses; 400 when not.
pub(crate) async fn batch(State(app): State<Arc<App>>, Extension(version): Extension<Version>, Extension(ctx): Extension<Ctx>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let read = read_body(body).await;
    let mut resp = match run(&app, &ctx, version, &parts.headers, &read).await {
        Ok(resp) => resp,
        Err(e) => e.into_response(),
    };
    if ctx.caller().is_ok() {
        let (body, truncated) = record_body(&read);
        resp.extensions_mut().insert(RecordedBody(body, truncated));
    }
    resp
}

async fn run(app: &Arc<App>, ctx: &Ctx, version: Version, headers: &HeaderMap, read: &BodyRead) -> Result<Response, GraphError> {
    ctx.caller()?;
    if !is_json(headers) {
        return Err(GraphError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupportedMediaType", "The Content-Type must be application/json."));
    }
    let body = match read {
        BodyRead::Complete(b) => b,
        BodyRead::TooLarge => return Err(GraphError::for_status(StatusCode::PAYLOAD_TOO_LARGE)),
        BodyRead::TimedOut => return Err(GraphError::for_status(StatusCode::REQUEST_TIMEOUT)),
        BodyRead::Failed => return Err(GraphError::bad_request("The request body could not be read.")),
    };
    let items = parse(body)?;
    {
        let mut stats = lock(&app.stats);
        stats.batches += 1;
        stats.batch_requests += items.len() as u64;
    }
    // Waves: every request whose dependencies have all answered runs, together with the others.
    let mut answers: HashMap<String, Value> = HashMap::new();
    let mut left: Vec<&Item> = items.iter().collect();
    while !left.is_empty() {
        let (ready, waiting): (Vec<&Item>, Vec<&Item>) =
            left.into_iter().partition(|i| i.depends_on.iter().all(|d| answers.keys().any(|k| k.eq_ignore_ascii_case(d))));
        if ready.is_empty() {
            return Err(invalid("The batch's dependsOn form a cycle."));
        }
        let mut runnable = Vec::new();
        for item in ready {
            let failed = item.depends_on.iter().find(|d| {
                answers.iter().find(|(k, _)| k.eq_ignore_ascii_case(d)).is_some_and(|(_, a)| !(200..300).contains(&a["status"].as_u64().unwrap_or(0)))
            });
            match failed {
                Some(on) => {
                    answers.insert(item.id.clone(), failed_dependency(ctx, &item.id, on));
                }
                None => runnable.push(item),
            }
        }
        let done = join_all(runnable.iter().map(|item| run_one(app, headers, version, item))).await;
        for (item, answer) in runnable.into_iter().zip(done) {
            answers.insert(item.id.clone(), answer);
        }
        left = waiting;
    }
    let mut responses: Vec<Value> = items.iter().filter_map(|i| answers.remove(&i.id)).collect();
    shuffle(app, &mut responses);
    Ok(json_response(StatusCode::OK, json!({ "responses": responses }).to_string()))
}

/// Puts the answers in an order other than the requests', drawn from the emulator's seed
/// (`--chaos-seed`, else random) and the batch's number.
fn shuffle(app: &App, responses: &mut [Value]) {
    if responses.len() < 2 {
        return;
    }
    let n = lock(&app.stats).batches;
    let mut rng = SeededRng::new(app.chaos_seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let original: Vec<Value> = responses.iter().map(|r| r["id"].clone()).collect();
    for i in (1..responses.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        responses.swap(i, j);
    }
    if responses.iter().map(|r| &r["id"]).eq(original.iter()) {
        responses.rotate_left(1);
    }
}
