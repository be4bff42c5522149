//! The route table, and the layers every request passes: the envelope (ids, Graph's error bodies,
//! `Date`, stats, the request log, its own task), CORS, the hard body limit and path normalisation.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use tower::util::BoxCloneSyncService;
use tower::ServiceBuilder;
use tower_http::body::Limited;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;

use crate::auth::authenticate;
use crate::body::HARD_BODY_LIMIT;
use crate::error::{GraphError, RawBody};
use crate::record::RecordHead;
use crate::state::{lock, App, Ctx, CtxFields, RecordedBody, RecordedParams};
use crate::util::{format_seconds, http_date, now_millis, percent_decode};
use crate::{batch, control, legacy_tasks, planner_tasks, plans, statics, task_details, users};

/// Graph's version segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    /// `/v1.0`.
    V1,
    /// `/beta`.
    Beta,
}

impl Version {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "v1.0",
            Version::Beta => "beta",
        }
    }
}

/// The whole service: the layers around the route table.
pub(crate) type Service = BoxCloneSyncService<Request, Response, Infallible>;

/// Builds the service for `app`.
pub(crate) fn service(app: Arc<App>) -> Service {
    let routes = routes(&app);
    let inner = ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(HARD_BODY_LIMIT))
        .map_request(|req: Request<Limited<Body>>| req.map(Body::new))
        .layer(cors())
        .map_request(normalize)
        .service(routes);
    let stack = ServiceBuilder::new().layer(axum::middleware::from_fn_with_state(app.clone(), envelope)).service(inner);
    let service = BoxCloneSyncService::new(stack);
    // The requests of a `$batch` go through this same service. A second call (tests build several
    // services for one app) keeps the first; they are alike.
    let _ = app.service.set(service.clone());
    service
}

/// The routes of one version: the same operations under `/v1.0` and `/beta`, and the 2015 task
/// endpoints in beta only.
fn graph_routes(version: Version) -> Router<Arc<App>> {
    let mut routes = Router::new()
        .route("/planner/tasks", post(planner_tasks::create))
        .route("/planner/tasks/{id}", get(planner_tasks::get).delete(planner_tasks::delete))
        .route("/planner/tasks/{id}/details", get(task_details::get).patch(task_details::patch))
        .route("/planner/plans/{id}", get(plans::get))
        .route("/planner/plans/{id}/details", get(plans::details))
        .route("/planner/plans/{id}/buckets", get(plans::buckets))
        .route("/planner/plans/{id}/tasks", get(plans::list_tasks))
        .route("/planner/buckets/{id}/tasks", get(plans::bucket_tasks))
        .route("/groups/{id}/planner/plans", get(plans::group_plans))
        .route("/users", get(users::list))
        .route("/users/{id}", get(users::get))
        .route("/me", get(users::me))
        .route("/$batch", post(batch::batch));
    if version == Version::Beta {
        routes = routes
            .route("/me/tasks", post(legacy_tasks::create))
            .route("/tasks", post(legacy_tasks::create))
            .route("/tasks/{id}", get(planner_tasks::get))
            .route("/drive/root/createdbyuser/tasks", post(legacy_tasks::create))
            .route("/users/{id}/tasks", post(legacy_tasks::create_for_user));
    }
    routes.layer(Extension(version))
}

fn routes(app: &Arc<App>) -> Router {
    let mut router = Router::new().nest("/v1.0", graph_routes(Version::V1)).nest("/beta", graph_routes(Version::Beta));
    if app.control {
        router = router.nest("/_emulator", control::routes());
    }
    router.fallback(fallback).method_not_allowed_fallback(method_not_allowed).with_state(app.clone())
}

/// The words of the route table; Graph matches them without regard to case.
const ROUTE_WORDS: &[&str] =
    &["v1.0", "beta", "planner", "tasks", "plans", "details", "buckets", "groups", "$batch", "me", "users", "drive", "root", "createdbyuser", "_emulator"];

/// Graph's paths are case-insensitive and take a trailing slash; the route table is neither, so the
/// path is brought to the table's form first: the route words in lower case, no trailing slash.
/// Ids are left as they are (an id that happens to spell a route word is lower-cased too).
fn normalize(mut req: Request) -> Request {
    let path = req.uri().path();
    let trimmed = if path.len() > 1 { path.strip_suffix('/').unwrap_or(path) } else { path };
    let normal: String = trimmed
        .split('/')
        .map(|seg| match ROUTE_WORDS.iter().find(|w| w.eq_ignore_ascii_case(seg)) {
            Some(word) => word,
            None => seg,
        })
        .collect::<Vec<_>>()
        .join("/");
    if normal != path {
        let with_query = match req.uri().query() {
            Some(q) => format!("{normal}?{q}"),
            None => normal,
        };
        if let Ok(pq) = PathAndQuery::try_from(with_query) {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                *req.uri_mut() = uri;
            }
        }
    }
    req
}

fn cors() -> CorsLayer {
    let names = |list: &[&'static str]| list.iter().map(|n| HeaderName::from_static(n)).collect::<Vec<_>>();
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers(names(&["authorization", "content-type", "workbook-session-id", "client-request-id", "accept", "if-match", "prefer"]))
        .expose_headers(names(&["request-id", "client-request-id", "retry-after", "etag", "location", "date"]))
        .max_age(Duration::from_secs(3600))
}

/// A successful static file: not counted in `requestsByStatus`.
#[derive(Clone, Copy)]
pub(crate) struct StaticFile;

async fn fallback(State(app): State<Arc<App>>, method: Method, uri: Uri) -> Response {
    let path = uri.path();
    let api = ["/v1.0/", "/beta/", "/_emulator/"].iter().any(|p| path.starts_with(p)) || path == "/v1.0" || path == "/beta";
    let statics = app.cfg.www.is_some() || app.cfg.pkg.is_some();
    if statics && !api && (method == Method::GET || method == Method::HEAD) {
        return match statics::serve(app.cfg.www.as_deref(), app.cfg.pkg.as_deref(), path).await {
            Some(mut resp) => {
                resp.extensions_mut().insert(StaticFile);
                resp
            }
            None => GraphError::new(StatusCode::NOT_FOUND, "notFound", "No file or route matches this path.").into_response(),
        };
    }
    not_found().into_response()
}

/// 404 `notFound`: no route matches the path.
pub(crate) fn not_found() -> GraphError {
    GraphError::new(StatusCode::NOT_FOUND, "notFound", "No route matches this path.")
}

/// 405 with Graph's body; axum adds the `Allow` header of the route.
async fn method_not_allowed() -> GraphError {
    GraphError::new(StatusCode::METHOD_NOT_ALLOWED, "methodNotAllowed", "The method is not allowed on this resource.")
}

/// The raw (still percent-encoded) path segment `from_end` places before the last one.
pub(crate) fn raw_segment(uri: &Uri, from_end: usize) -> &str {
    uri.path().rsplit('/').nth(from_end).unwrap_or_default()
}

/// The id at `from_end`, percent-decoded once; an empty id or a broken escape matches no route (404).
pub(crate) fn path_id(uri: &Uri, from_end: usize) -> Result<String, GraphError> {
    Some(raw_segment(uri, from_end)).filter(|raw| !raw.is_empty()).and_then(|raw| percent_decode(raw, false)).ok_or_else(not_found)
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

/// `{"@odata.context": context, ...body}` without re-serializing the body.
pub(crate) fn with_context(context: &str, body: &str) -> String {
    let ctx = serde_json::Value::from(context).to_string();
    let rest = body.strip_prefix('{').unwrap_or(body).trim_start();
    let mut out = String::with_capacity(body.len() + ctx.len() + 20);
    out.push_str("{\"@odata.context\":");
    out.push_str(&ctx);
    if !rest.starts_with('}') {
        out.push(',');
    }
    out.push_str(rest);
    out
}

fn base_url(headers: &HeaderMap, local: SocketAddr) -> String {
    let host_ok = |h: &&str| !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b));
    match headers.get("host").and_then(|v| v.to_str().ok()).filter(host_ok) {
        Some(host) => format!("http://{host}"),
        None => format!("http://{local}"),
    }
}

/// Every request passes here: it gets its ids, runs in a task of its own, and its answer gets
/// Graph's error body, the ids, `Date`, a place in the stats and a line in the log.
async fn envelope(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let sent_id =
        req.headers().get("client-request-id").and_then(|v| v.to_str().ok()).map(str::trim).filter(|s| !s.is_empty() && s.len() <= 256).map(str::to_owned);
    let graph_route = method != Method::OPTIONS && ["/v1.0/", "/beta/"].iter().any(|p| path.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p)));
    // The token is read once, here, for the rate limit, the handler and the record alike.
    let auth = graph_route.then(|| authenticate(&app, req.headers()));
    // Requests to Graph's routes go into the request record; what they sent is written from here,
    // before the handler takes the request.
    let sent = graph_route.then(|| {
        let headers = auth.as_ref().is_some_and(Result::is_ok).then(|| req.headers());
        (RecordHead::new(&method, &path, req.uri().query().unwrap_or_default(), headers), now_millis())
    });
    let ctx = Ctx::new(CtxFields {
        request_id: app.ids.uuid(),
        client_request_id: sent_id.clone().unwrap_or_else(|| app.ids.uuid()),
        sent_client_request_id: sent_id,
        base: base_url(req.headers(), app.local_addr),
        path: path.clone(),
        in_batch: req.extensions().get::<BatchItem>().is_some(),
        auth,
    });
    req.extensions_mut().insert(ctx.clone());
    let runtime = *lock(&app.runtime);
    // `--rate-limit`: each request of a Graph route takes a token of its caller's bucket; a batch's
    // requests each take one, the batch itself none.
    let limited = graph_route && runtime.rate_limit > 0.0 && !path.to_ascii_lowercase().ends_with("/$batch");
    // A request sent again before the Retry-After it was given is an early retry, whatever gave it.
    if limited {
        if let Err(early) = crate::faults::refuse_early_retry(&app, &ctx) {
            return early.into_response();
        }
    }
    let throttled = match limited.then(|| ctx.caller()) {
        Some(Ok(caller)) => app.limiter.admit(&caller.id, runtime.rate_limit, Instant::now()).err(),
        _ => None,
    };
    // The request runs in a task of its own, as a service's would, up to and including its record: a
    // client that disconnects (a timeout, an abort) cancels neither a write half-way nor the record
    // of what it sent (this handler's own future is dropped with the connection; the task is not).
    let task = tokio::spawn(async move {
        let mut resp = match throttled {
            Some(wait) => {
                lock(&app.stats).throttled += 1;
                let millis = wait.as_micros().div_ceil(1000).max(1) as u64;
                // The rate limit's Retry-After binds like a fault's: the same request sent sooner is early.
                crate::faults::start_wait(&app, &ctx, millis);
                GraphError::too_many_requests().with_header("retry-after", &format_seconds(millis)).into_response()
            }
            None => next.run(req).await,
        };
        if graph_route && runtime.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(runtime.latency_ms)).await;
        }
        // tower-http answers a preflight 200; Graph's front door (and the emulator before) answers 204.
        if method == Method::OPTIONS && resp.status() == StatusCode::OK && resp.headers().contains_key(header::ACCESS_CONTROL_ALLOW_METHODS) {
            *resp.status_mut() = StatusCode::NO_CONTENT;
        }
        render_error_body(&ctx, &mut resp);
        let headers = resp.headers_mut();
        let mut default = |name: &'static str, value: &str| {
            if !headers.contains_key(name) {
                if let Ok(v) = HeaderValue::from_str(value) {
                    headers.insert(HeaderName::from_static(name), v);
                }
            }
        };
        default("request-id", &ctx.request_id);
        default("client-request-id", &ctx.client_request_id);
        default("date", &http_date(now_millis() / 1000));
        let status = resp.status().as_u16();
        if let Some((head, received_at)) = sent {
            record(&app, &ctx, head, received_at, &mut resp);
        }
        if !path.starts_with("/_emulator/") && resp.extensions().get::<StaticFile>().is_none() {
            *lock(&app.stats).requests_by_status.entry(status).or_default() += 1;
        }
        if !app.cfg.quiet {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            eprintln!("{method} {path} {status} request-id={} {ms:.1}ms", ctx.request_id);
        }
        resp
    });
    match task.await {
        Ok(resp) => resp,
        Err(_) => GraphError::internal("The request failed inside the emulator.").into_response(),
    }
}

/// Marks a request that a `$batch` sends through the service.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BatchItem;

/// Adds a request to the record. Nothing of a request without a valid token is kept beyond its
/// line: no headers (its head was written without them), no body.
fn record(app: &App, ctx: &Ctx, head: RecordHead, received_at: i64, resp: &mut Response) {
    let body = resp.extensions_mut().remove::<RecordedBody>().filter(|_| ctx.caller().is_ok());
    let params = resp.extensions_mut().remove::<RecordedParams>().map(|p| p.0).unwrap_or_default();
    app.record(head.finish(body.as_ref(), resp.status().as_u16(), &ctx.request_id, &params, received_at));
}

/// Writes Graph's error body: the handler's [`GraphError`], or one for the status of an error that a
/// layer answered with a body of its own (a fault's raw body excepted).
fn render_error_body(ctx: &Ctx, resp: &mut Response) {
    let error = match resp.extensions_mut().remove::<GraphError>() {
        Some(error) => error,
        None => {
            let status = resp.status();
            let json = resp.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| ct.starts_with("application/json"));
            if !(status.is_client_error() || status.is_server_error()) || json || resp.extensions().get::<RawBody>().is_some() {
                return;
            }
            GraphError::for_status(status)
        }
    };
    *resp.body_mut() = Body::from(error.body(&ctx.request_id, &ctx.client_request_id).to_string());
    resp.headers_mut().remove(header::CONTENT_LENGTH);
    resp.headers_mut().entry(header::CONTENT_TYPE).or_insert(HeaderValue::from_static("application/json"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Config;
    use crate::store::{Seed, Store};
    use tower::ServiceExt;

    fn app(control: bool, www: bool) -> Arc<App> {
        let (store, _) = Store::open(None, &Seed::builtin()).unwrap();
        let cfg = Config { quiet: true, www: www.then(|| std::env::temp_dir().join("graph-emulator-no-such-www")), ..Config::default() };
        let ip = if control { "127.0.0.1:0" } else { "0.0.0.0:0" };
        Arc::new(App::new(cfg, store, ip.parse().unwrap()))
    }

    /// Status and `Allow` of a request without a token: a 401 shows the route exists.
    async fn call(app: &Arc<App>, method: Method, path: &str) -> (u16, String) {
        let req = Request::builder().method(method).uri(path).header("content-type", "application/json").body(Body::from("{}")).unwrap();
        let resp = service(app.clone()).oneshot(req).await.unwrap();
        let allow = resp.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        (resp.status().as_u16(), allow)
    }

    #[tokio::test]
    async fn route_table() {
        let a = app(true, false);
        for (method, path) in [
            (Method::POST, "/v1.0/planner/tasks"),
            (Method::POST, "/beta/planner/tasks/"),
            (Method::POST, "/V1.0/Planner/Tasks"),
            (Method::POST, "/beta/users/a%2Fb/tasks"),
            (Method::POST, "/beta/users/a%252Fb/tasks"),
            (Method::POST, "/beta/me/tasks"),
            (Method::POST, "/beta/tasks"),
            (Method::POST, "/beta/drive/root/createdByUser/tasks"),
            (Method::GET, "/v1.0/planner/tasks/abc"),
            (Method::GET, "/beta/tasks/abc"),
            (Method::GET, "/v1.0/planner/plans/p/tasks"),
        ] {
            assert_eq!(call(&a, method.clone(), path).await.0, 401, "{method} {path}");
        }
        let users: Vec<String> = lock(&a.records)
            .iter()
            .filter_map(|r| serde_json::from_slice::<serde_json::Value>(&r.json).ok()?["params"]["userId"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(users, ["a/b", "a%2Fb"]);
        assert_eq!(call(&a, Method::POST, "/beta/users/%zz/tasks").await.0, 400);
        for (method, path, allow) in [
            (Method::GET, "/v1.0/planner/tasks", "POST"),
            (Method::PUT, "/v1.0/planner/tasks/abc", "GET"),
            (Method::PUT, "/_emulator/reset", "POST"),
            (Method::GET, "/beta/users/%zz/tasks", "POST"),
        ] {
            let (status, got) = call(&a, method.clone(), path).await;
            assert_eq!(status, 405, "{method} {path}");
            assert!(got.contains(allow), "{method} {path}: {got}");
        }
        for (method, path) in
            [(Method::POST, "/beta/users//tasks"), (Method::POST, "/v1.0/me/tasks"), (Method::GET, "/"), (Method::GET, "/v1.0/planner/tasks/%zz")]
        {
            assert_eq!(call(&a, method.clone(), path).await.0, 404, "{method} {path}");
        }
        assert_eq!(call(&a, Method::GET, "/_emulator/stats").await.0, 200);
        assert_eq!(call(&app(false, false), Method::GET, "/_emulator/stats").await.0, 404);
        let files = app(true, true);
        assert_eq!(call(&files, Method::GET, "/index.html").await.0, 404);
        assert_eq!(call(&files, Method::POST, "/index.html").await.0, 404);
        assert_eq!(call(&files, Method::OPTIONS, "/anything").await.0, 204);
    }

    #[test]
    fn paths_are_brought_to_the_table_form() {
        let norm = |p: &str| normalize(Request::builder().uri(p).body(Body::empty()).unwrap()).uri().to_string();
        assert_eq!(norm("/V1.0/Planner/Tasks/"), "/v1.0/planner/tasks");
        assert_eq!(norm("/beta/drive/root/createdByUser/tasks?x=1"), "/beta/drive/root/createdbyuser/tasks?x=1");
        assert_eq!(norm("/v1.0/planner/tasks/AbCdEfGhIjKlMnOpQrStUvWxYz01"), "/v1.0/planner/tasks/AbCdEfGhIjKlMnOpQrStUvWxYz01");
        assert_eq!(norm("/"), "/");
    }

    #[test]
    fn context_splice() {
        assert_eq!(with_context("c", "{\"a\":1}"), "{\"@odata.context\":\"c\",\"a\":1}");
        assert_eq!(with_context("c", "{}"), "{\"@odata.context\":\"c\"}");
        let v: serde_json::Value = serde_json::from_str(&with_context("x\"y", "{\"a\":1}")).unwrap();
        assert_eq!(v["@odata.context"], "x\"y");
    }

    #[test]
    fn raw_ids() {
        let uri: Uri = "/beta/users/a%252Fb/tasks".parse().unwrap();
        assert_eq!(raw_segment(&uri, 1), "a%252Fb");
        assert_eq!(path_id(&uri, 1).unwrap(), "a%2Fb");
        assert!(path_id(&"/v1.0/planner/tasks/%zz".parse().unwrap(), 0).is_err());
    }
}
