//! The emulator's state and its one request handler: routing, Graph's responses, faults, control
//! endpoints, CORS and the request log.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{HeaderName, HeaderValue};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use serde::Serialize;
use serde_json::{json, Value};

use graph_tasks::datetime::format_graph_datetime;
use graph_tasks::retry::parse_retry_after;
use graph_tasks::schema::Resource;
use graph_tasks::validate::{is_planner_id, validate_create, Mode, MAX_ACTIVE_TASKS_IN_PLAN, MAX_ASSIGNEES, MAX_TASKS_IN_PLAN};
use graph_tasks::Problem;

use crate::cli::Config;
use crate::faults::{parse_faults, Chaos, Fault};
use crate::statics;
use crate::store::{check_plan, Bucket, NewTask, Plan, Refusal, Store, Write, DEFAULT_USER_ID, DEFAULT_USER_NAME};
use crate::tasks::{self, Caller, ServiceValues};
use crate::util::{base64_encode, base64url_decode, format_seconds, http_date, inner_error_date, now_millis, now_nanos, parse_query, percent_decode, Ids};

/// The largest request body accepted (1 MiB); larger ones get 413.
pub(crate) const MAX_BODY_BYTES: usize = 1 << 20;
/// How much of an oversized body is read (and dropped) before answering 413, so that the client
/// can finish sending and read the answer.
const DRAIN_LIMIT: u64 = 64 << 20;
/// How many write requests `GET /_emulator/requests` remembers.
pub(crate) const RECORD_CAPACITY: usize = 2000;
/// How much of a body a record keeps.
const RECORD_BODY_LIMIT: usize = 16 << 10;

const ALLOW_HEADERS: &str = "Authorization, Content-Type, Workbook-Session-Id, client-request-id, Accept";
const EXPOSE_HEADERS: &str = "request-id, client-request-id, Retry-After, ETag, Location, Date";
const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
const CONTROL_ALLOW_METHODS: &str = "GET, POST, DELETE, OPTIONS";
const MAX_AGE: &str = "3600";

/// Whether a request's `Origin` (the page that sent it, if any) is on loopback: `http(s)://localhost`,
/// `127.x.x.x` or `[::1]`, any port. A request without `Origin` comes from a tool, not a web page.
pub(crate) fn origin_is_local(headers: &HeaderMap) -> bool {
    let Some(origin) = header_str(headers, "origin") else { return true };
    let Some(rest) = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) else {
        return false;
    };
    let host = match rest.strip_prefix('[') {
        Some(v6) => return v6.split(']').next() == Some("::1"),
        None => rest.rsplit_once(':').map_or(rest, |(host, _port)| host),
    };
    host == "localhost" || host.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether `/_emulator/` exists: only on a loopback bind, unless `--allow-remote-control`.
/// An unspecified address (`0.0.0.0`, `::`) listens on every interface, so it is not loopback.
pub(crate) fn control_allowed(bound: IpAddr, allow_remote_control: bool) -> bool {
    allow_remote_control || bound.is_loopback()
}

/// Counters for `GET /_emulator/stats`.
#[derive(Default)]
struct Stats {
    requests_by_status: BTreeMap<u16, u64>,
    tasks_created_per_plan: BTreeMap<String, u64>,
    early_retries: u64,
    faults_before_commit: u64,
    faults_after_commit: u64,
    writes: u64,
}

/// One recorded write request.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    method: String,
    path: String,
    query: String,
    headers: BTreeMap<String, String>,
    body: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    body_truncated: bool,
    status: u16,
    request_id: String,
    params: BTreeMap<String, String>,
    received_at: i64,
}

/// Everything the server holds.
pub(crate) struct App {
    cfg: Config,
    ids: Ids,
    control: bool,
    local_addr: SocketAddr,
    pub(crate) store: Store,
    stats: Mutex<Stats>,
    faults: Mutex<VecDeque<Fault>>,
    chaos: Option<Mutex<Chaos>>,
    chaos_seed: u64,
    throttled: Mutex<HashMap<String, Instant>>,
    records: Mutex<VecDeque<Record>>,
    last_hint: AtomicI64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a lock leaves plain data behind; keep serving.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl App {
    /// The state for a server bound to `local_addr`.
    pub(crate) fn new(cfg: Config, store: Store, local_addr: SocketAddr) -> App {
        let ids = Ids::new();
        let chaos_seed = cfg.chaos_seed.unwrap_or_else(|| ids.next_u64());
        let chaos = (cfg.chaos_rate > 0.0).then(|| Mutex::new(Chaos::new(cfg.chaos_rate, chaos_seed)));
        App {
            control: control_allowed(local_addr.ip(), cfg.allow_remote_control),
            cfg,
            ids,
            local_addr,
            store,
            stats: Mutex::new(Stats::default()),
            faults: Mutex::new(VecDeque::new()),
            chaos,
            chaos_seed,
            throttled: Mutex::new(HashMap::new()),
            records: Mutex::new(VecDeque::new()),
            last_hint: AtomicI64::new(i64::MAX),
        }
    }

    /// A service order hint: `i64::MAX` minus .NET ticks, the shape of Planner's own hints
    /// (`8585269241143957525`), strictly decreasing so that newer tasks sort first.
    fn next_hint(&self) -> String {
        let ticks = (now_nanos() / 100) as i64 + 621_355_968_000_000_000;
        let candidate = i64::MAX - ticks;
        let previous = self.last_hint.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| Some(candidate.min(last - 1)));
        let last = previous.unwrap_or(i64::MAX);
        candidate.min(last - 1).to_string()
    }

    /// `W/"..."`: the base64 of `'1-Task  <15 version characters>X'`, like the docs' example
    /// `W/"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc="`.
    fn new_etag(&self) -> String {
        let mut bits = self.ids.next_u64();
        let mut text = String::from("'1-Task  ");
        for _ in 0..15 {
            text.push(char::from(b'@' + (bits & 31) as u8));
            bits >>= 4;
        }
        text.push_str("X'");
        format!("W/\"{}\"", base64_encode(text.as_bytes()))
    }
}

/// Per-request facts every response needs.
#[derive(Clone)]
struct Ctx {
    request_id: String,
    client_request_id: String,
    /// The client's own `client-request-id`, when it sent one.
    sent_client_request_id: Option<String>,
    base: String,
}

// ---------------------------------------------------------------------------------------------
// Responses

fn set(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(HeaderName::from_static(name), v);
    }
}

fn response(status: StatusCode, content_type: Option<&str>, body: impl Into<Body>) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = status;
    if let Some(ct) = content_type {
        set(&mut resp, "content-type", ct);
    }
    resp
}

fn json_response(status: StatusCode, body: String) -> Response {
    response(status, Some("application/json"), body)
}

fn error_body(ctx: &Ctx, code: &str, message: &str) -> Value {
    json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": inner_error_date(now_millis() / 1000),
                "request-id": ctx.request_id,
                "client-request-id": ctx.client_request_id,
            }
        }
    })
}

fn graph_error(ctx: &Ctx, status: StatusCode, code: &str, message: &str) -> Response {
    json_response(status, error_body(ctx, code, message).to_string())
}

fn bad_request(ctx: &Ctx, message: &str) -> Response {
    graph_error(ctx, StatusCode::BAD_REQUEST, "BadRequest", message)
}

fn problems_response(ctx: &Ctx, problems: &[Problem]) -> Response {
    let message =
        problems.iter().map(|p| if p.field.is_empty() { p.message.clone() } else { format!("{}: {}", p.field, p.message) }).collect::<Vec<_>>().join("; ");
    let mut body = error_body(ctx, "BadRequest", &message);
    body["error"]["details"] =
        problems.iter().map(|p| json!({ "code": "invalidProperty", "target": p.field, "message": p.message })).collect::<Vec<_>>().into();
    json_response(StatusCode::BAD_REQUEST, body.to_string())
}

/// The answer to a write the store refused.
fn refusal_response(ctx: &Ctx, refusal: Refusal, plan_id: Option<&str>) -> Response {
    match refusal {
        Refusal::PlanNotFound => graph_error(ctx, StatusCode::NOT_FOUND, "itemNotFound", &format!("The plan {} was not found.", plan_id.unwrap_or_default())),
        Refusal::BucketOfAnotherPlan => problems_response(ctx, &[Problem::new("bucketId", "belongs to another plan: the bucket must be in the task's plan")]),
        Refusal::BucketNotFound => problems_response(ctx, &[Problem::new("bucketId", "is not a bucket of the task's plan")]),
        Refusal::BucketWithoutPlan => problems_response(ctx, &[Problem::new("bucketId", "needs planId: a bucket belongs to a plan")]),
        Refusal::TooManyTasks => graph_error(
            ctx,
            StatusCode::FORBIDDEN,
            "MaximumTasksInProject",
            &format!("The maximum number of tasks in a plan ({MAX_TASKS_IN_PLAN}) has been reached."),
        ),
        Refusal::TooManyActiveTasks => graph_error(
            ctx,
            StatusCode::FORBIDDEN,
            "MaximumActiveTasksInProject",
            &format!("The maximum number of tasks that aren't completed in a plan ({MAX_ACTIVE_TASKS_IN_PLAN}) has been reached."),
        ),
        Refusal::IdTaken => graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", "An id collision occurred; send the request again."),
        Refusal::Storage(e) => graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", &format!("The change could not be stored durably: {e}")),
    }
}

fn too_many_requests_body(ctx: &Ctx) -> Value {
    let mut body = error_body(ctx, "TooManyRequests", "Please retry again later.");
    body["error"]["innerError"]["code"] = "429".into();
    body["error"]["innerError"]["status"] = "429".into();
    body["error"]["innerError"]["message"] = "Please retry after".into();
    body
}

/// Graph's code and message for a status the emulator answers without a reason of its own.
fn default_error(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("BadRequest", "The request is invalid."),
        401 => ("InvalidAuthenticationToken", "Access token validation failure."),
        403 => ("accessDenied", "Access denied."),
        404 => ("itemNotFound", "The requested item was not found."),
        409 => ("conflict", "The request conflicts with the current state of the item."),
        412 => ("preconditionFailed", "The precondition in the request does not match."),
        429 => ("TooManyRequests", "Please retry again later."),
        500 => ("generalException", "An unspecified error occurred."),
        502 => ("badGateway", "The gateway received an invalid response."),
        503 => ("serviceNotAvailable", "The service is temporarily unavailable. Please retry after the time in Retry-After."),
        504 => ("gatewayTimeout", "The gateway timed out waiting for the service."),
        _ => ("httpError", "The service answered with an error."),
    }
}

fn fault_response(ctx: &Ctx, fault: &Fault, created: Option<Response>) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match (&fault.body, created) {
        (Some(body), _) => response(status, Some("application/json"), body.clone()),
        // A 2xx after the commit without a body of its own: the real resource with another status.
        (None, Some(mut created)) if status.is_success() => {
            *created.status_mut() = status;
            created
        }
        (None, _) if status.is_success() || status.is_redirection() => response(status, None, Body::empty()),
        (None, _) if fault.status == 429 => json_response(status, too_many_requests_body(ctx).to_string()),
        (None, _) => {
            let (code, message) = default_error(fault.status);
            graph_error(ctx, status, code, message)
        }
    };
    if let Some(ct) = &fault.content_type {
        set(&mut resp, "content-type", ct);
    }
    if let Some(ra) = fault.retry_after_text() {
        set(&mut resp, "retry-after", &ra);
    }
    for (name, value) in fault.headers.iter().flatten() {
        if let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            resp.headers_mut().insert(n, v);
        }
    }
    if fault.break_body {
        // The head and a first chunk go out, then the stream fails and hyper resets the connection. The
        // pause lets hyper flush the head first: a connection that dies before any response byte looks
        // like a stale keep-alive socket, which browsers silently re-send.
        let chunks = futures_util::stream::unfold(0u8, |step| async move {
            match step {
                0 => Some((Ok(Bytes::from_static(b"{\"id\":")), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Some((Err(std::io::Error::other("fault: breakBody")), 2))
                }
                _ => None,
            }
        });
        resp.headers_mut().remove("content-length");
        *resp.body_mut() = Body::from_stream(chunks);
    }
    resp
}

/// `{"@odata.context": context, ...body}` without re-serializing the body.
fn with_context(context: &str, body: &str) -> String {
    let ctx = Value::from(context).to_string();
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

// ---------------------------------------------------------------------------------------------
// Routing

/// Graph's version segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    /// `/v1.0`.
    V1,
    /// `/beta`.
    Beta,
}

impl Version {
    fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "v1.0",
            Version::Beta => "beta",
        }
    }
}

/// The control endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Control {
    /// `GET /_emulator/seed`.
    Seed,
    /// `POST /_emulator/plans`.
    Plans,
    /// `GET|POST|DELETE /_emulator/faults`.
    Faults,
    /// `GET /_emulator/stats`.
    Stats,
    /// `POST /_emulator/reset`.
    Reset,
    /// `GET /_emulator/requests`.
    Requests,
    /// `GET /_emulator/health`.
    Health,
}

/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /{version}/planner/tasks`.
    CreatePlanner(Version),
    /// `POST /beta/me/tasks` and siblings; the decoded user id of `/users/{id}/tasks`.
    CreateLegacy(Option<String>),
    /// `GET /{version}/planner/tasks/{id}` (and `/beta/tasks/{id}`).
    GetTask(Version, String),
    /// `GET /{version}/planner/plans/{id}/tasks`.
    ListPlanTasks(Version, String),
    /// A control endpoint.
    Control(Control),
    /// A static file.
    Static,
    /// A user id whose percent-encoding is broken.
    BadUserId,
    /// Nothing here.
    NotFound,
    /// The path exists, not with this method; the `Allow` value.
    MethodNotAllowed(&'static str),
}

const ALLOW_POST: &str = "POST, OPTIONS";
const ALLOW_GET: &str = "GET, HEAD, OPTIONS";

fn eq(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Routes a request. `control` says whether `/_emulator/` exists, `statics` whether files are served.
pub(crate) fn route(method: &Method, path: &str, control: bool, statics: bool) -> Route {
    let is_get = method == Method::GET || method == Method::HEAD;
    let is_post = method == Method::POST;
    let trimmed = if path.len() > 1 { path.strip_suffix('/').unwrap_or(path) } else { path };
    let segs: Vec<&str> = trimmed.trim_start_matches('/').split('/').collect();
    let by = |allowed_get: bool, target: Route| -> Route {
        match (allowed_get, is_get, is_post) {
            (true, true, _) | (false, _, true) => target,
            (true, _, _) => Route::MethodNotAllowed(ALLOW_GET),
            (false, _, _) => Route::MethodNotAllowed(ALLOW_POST),
        }
    };
    let version = match segs.first() {
        Some(v) if eq(v, "v1.0") => Some(Version::V1),
        Some(v) if eq(v, "beta") => Some(Version::Beta),
        _ => None,
    };
    if let Some(version) = version {
        let rest = &segs[1..];
        if rest.iter().any(|s| s.is_empty()) {
            return Route::NotFound;
        }
        let decoded = |s: &str| percent_decode(s, false);
        let beta = version == Version::Beta;
        return match rest {
            [p, t] if eq(p, "planner") && eq(t, "tasks") => by(false, Route::CreatePlanner(version)),
            [p, t, id] if eq(p, "planner") && eq(t, "tasks") => match decoded(id) {
                Some(id) => by(true, Route::GetTask(version, id)),
                None => Route::NotFound,
            },
            [p, ps, id, t] if eq(p, "planner") && eq(ps, "plans") && eq(t, "tasks") => match decoded(id) {
                Some(id) => by(true, Route::ListPlanTasks(version, id)),
                None => Route::NotFound,
            },
            [m, t] if beta && eq(m, "me") && eq(t, "tasks") => by(false, Route::CreateLegacy(None)),
            [t] if beta && eq(t, "tasks") => by(false, Route::CreateLegacy(None)),
            [t, id] if beta && eq(t, "tasks") => match decoded(id) {
                Some(id) => by(true, Route::GetTask(version, id)),
                None => Route::NotFound,
            },
            [d, r, c, t] if beta && eq(d, "drive") && eq(r, "root") && eq(c, "createdByUser") && eq(t, "tasks") => by(false, Route::CreateLegacy(None)),
            [u, id, t] if beta && eq(u, "users") && eq(t, "tasks") => match decoded(id) {
                Some(id) => by(false, Route::CreateLegacy(Some(id))),
                None if is_post => Route::BadUserId,
                None => Route::MethodNotAllowed(ALLOW_POST),
            },
            _ => Route::NotFound,
        };
    }
    if segs.first() == Some(&"_emulator") {
        if !control {
            return Route::NotFound;
        }
        let is_delete = method == Method::DELETE;
        return match &segs[1..] {
            ["seed"] if is_get => Route::Control(Control::Seed),
            ["seed"] => Route::MethodNotAllowed(ALLOW_GET),
            ["plans"] if is_post => Route::Control(Control::Plans),
            ["plans"] => Route::MethodNotAllowed(ALLOW_POST),
            ["faults"] if is_get || is_post || is_delete => Route::Control(Control::Faults),
            ["faults"] => Route::MethodNotAllowed("GET, HEAD, POST, DELETE, OPTIONS"),
            ["stats"] if is_get => Route::Control(Control::Stats),
            ["stats"] => Route::MethodNotAllowed(ALLOW_GET),
            ["reset"] if is_post => Route::Control(Control::Reset),
            ["reset"] => Route::MethodNotAllowed(ALLOW_POST),
            ["requests"] if is_get => Route::Control(Control::Requests),
            ["requests"] => Route::MethodNotAllowed(ALLOW_GET),
            ["health"] if is_get => Route::Control(Control::Health),
            ["health"] => Route::MethodNotAllowed(ALLOW_GET),
            _ => Route::NotFound,
        };
    }
    if statics && is_get {
        return Route::Static;
    }
    Route::NotFound
}

// ---------------------------------------------------------------------------------------------
// The handler

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn base_url(headers: &HeaderMap, local: SocketAddr) -> String {
    let host_ok = |h: &&str| !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b));
    match header_str(headers, "host").filter(host_ok) {
        Some(host) => format!("http://{host}"),
        None => format!("http://{local}"),
    }
}

/// Serves one request: every response passes through here for CORS, ids, `Date`, stats and the log.
pub async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let sent = header_str(req.headers(), "client-request-id").map(str::trim).filter(|s| !s.is_empty() && s.len() <= 256).map(str::to_owned);
    let ctx = Ctx {
        request_id: app.ids.uuid(),
        client_request_id: sent.clone().unwrap_or_else(|| app.ids.uuid()),
        sent_client_request_id: sent,
        base: base_url(req.headers(), app.local_addr),
    };
    let (mut resp, counted) = if method == Method::OPTIONS {
        let mut r = response(StatusCode::NO_CONTENT, None, Body::empty());
        let methods = if path.starts_with("/_emulator/") { CONTROL_ALLOW_METHODS } else { ALLOW_METHODS };
        set(&mut r, "access-control-allow-methods", methods);
        set(&mut r, "access-control-allow-headers", ALLOW_HEADERS);
        set(&mut r, "access-control-max-age", MAX_AGE);
        set(&mut r, "allow", methods);
        (r, !path.starts_with("/_emulator/"))
    } else {
        // The request runs in a task of its own, as a service's would: a client that disconnects (a
        // timeout, an abort) does not cancel a write half-way, and the request is still recorded.
        let (task_app, task_ctx) = (app.clone(), ctx.clone());
        match tokio::spawn(async move { dispatch(&task_app, &task_ctx, req).await }).await {
            Ok(outcome) => outcome,
            Err(_) => (graph_error(&ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", "The request failed inside the emulator."), true),
        }
    };
    let status = resp.status().as_u16();
    {
        let h = resp.headers_mut();
        let mut default = |name: &'static str, value: &str| {
            if !h.contains_key(name) {
                if let Ok(v) = HeaderValue::from_str(value) {
                    h.insert(HeaderName::from_static(name), v);
                }
            }
        };
        default("access-control-allow-origin", "*");
        default("access-control-expose-headers", EXPOSE_HEADERS);
        default("request-id", &ctx.request_id);
        default("client-request-id", &ctx.client_request_id);
        default("date", &http_date(now_millis() / 1000));
    }
    if counted {
        *lock(&app.stats).requests_by_status.entry(status).or_default() += 1;
    }
    if !app.cfg.quiet {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("{method} {path} {status} request-id={} {ms:.1}ms", ctx.request_id);
    }
    resp
}

async fn dispatch(app: &Arc<App>, ctx: &Ctx, req: Request) -> (Response, bool) {
    let statics = app.cfg.www.is_some() || app.cfg.pkg.is_some();
    let r = route(req.method(), req.uri().path(), app.control, statics);
    match r {
        Route::CreatePlanner(version) => (write(app, ctx, req, Resource::PlannerTask, version, None).await, true),
        Route::CreateLegacy(user) => (write(app, ctx, req, Resource::LegacyTask, Version::Beta, user).await, true),
        Route::BadUserId => (bad_request(ctx, "The user id in the path is not valid percent-encoded UTF-8."), true),
        Route::GetTask(version, id) => (get_task(app, ctx, req.headers(), version, &id), true),
        Route::ListPlanTasks(version, id) => (list_plan_tasks(app, ctx, req.headers(), version, &id), true),
        // A page from another site could otherwise reset the emulator (and its journal) or read the
        // request record: control calls are taken only from pages served on loopback, or from no page.
        Route::Control(_) if !origin_is_local(req.headers()) => {
            (graph_error(ctx, StatusCode::FORBIDDEN, "accessDenied", "Control endpoints only answer pages served from loopback."), false)
        }
        Route::Control(c) => (control(app, ctx, c, req).await, false),
        Route::Static => match statics::serve(app.cfg.www.as_deref(), app.cfg.pkg.as_deref(), req.uri().path()).await {
            Some(resp) => (resp, false),
            None => (graph_error(ctx, StatusCode::NOT_FOUND, "notFound", "No file or route matches this path."), true),
        },
        Route::NotFound => (graph_error(ctx, StatusCode::NOT_FOUND, "notFound", "No route matches this path."), true),
        Route::MethodNotAllowed(allow) => {
            let mut resp = graph_error(ctx, StatusCode::METHOD_NOT_ALLOWED, "methodNotAllowed", "The method is not allowed on this resource.");
            set(&mut resp, "allow", allow);
            (resp, true)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Authentication

/// Reads the caller from `Authorization: Bearer <token>`; the message of a 401 otherwise.
fn authenticate(app: &App, headers: &HeaderMap) -> Result<Caller, &'static str> {
    let Some(value) = headers.get("authorization") else {
        return Err("Access token is empty.");
    };
    let value = value.to_str().map_err(|_| "Access token validation failure.")?;
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err("Access token is empty.");
    }
    if let Some(required) = &app.cfg.token {
        if token != required {
            return Err("Access token validation failure. Invalid audience.");
        }
    }
    let (oid, name) = jwt_claims(token);
    let id = oid.unwrap_or_else(|| DEFAULT_USER_ID.to_owned());
    let display_name = name.or_else(|| app.store.user_name(&id).map(str::to_owned)).or_else(|| (id == DEFAULT_USER_ID).then(|| DEFAULT_USER_NAME.to_owned()));
    Ok(Caller { id, display_name })
}

/// The unverified `oid` and `name` claims of a JWT (`header.payload.signature`, base64url).
pub(crate) fn jwt_claims(token: &str) -> (Option<String>, Option<String>) {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return (None, None);
    }
    let Some(payload) = base64url_decode(parts[1]).and_then(|b| serde_json::from_slice::<Value>(&b).ok()) else {
        return (None, None);
    };
    let claim = |name: &str| payload.get(name).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
    (claim("oid"), claim("name"))
}

fn unauthorized(ctx: &Ctx, message: &str) -> Response {
    let mut resp = graph_error(ctx, StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message);
    set(&mut resp, "www-authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
    resp
}

// ---------------------------------------------------------------------------------------------
// Writes

enum BodyRead {
    Complete(Bytes),
    TooLarge,
    Failed,
}

async fn read_body(mut body: Body, limit: usize) -> BodyRead {
    let mut buf = BytesMut::new();
    let mut total = 0u64;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { return BodyRead::Failed };
        if let Ok(data) = frame.into_data() {
            total += data.len() as u64;
            if total <= limit as u64 {
                buf.extend_from_slice(&data);
            } else if total > DRAIN_LIMIT {
                return BodyRead::TooLarge;
            } else if !buf.is_empty() {
                buf = BytesMut::new();
            }
        }
    }
    if total > limit as u64 {
        BodyRead::TooLarge
    } else {
        BodyRead::Complete(buf.freeze())
    }
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| ct.split(';').next().is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json")))
}

async fn write(app: &Arc<App>, ctx: &Ctx, req: Request, kind: Resource, version: Version, user_id: Option<String>) -> Response {
    lock(&app.stats).writes += 1;
    let (parts, body) = req.into_parts();
    let received_at = now_millis();
    let read = read_body(body, MAX_BODY_BYTES).await;
    let resp = write_inner(app, ctx, &parts.headers, &read, kind, version).await;

    let mut headers = BTreeMap::new();
    for (name, value) in &parts.headers {
        let text = if name.as_str() == "authorization" { "Bearer [redacted]".to_owned() } else { String::from_utf8_lossy(value.as_bytes()).into_owned() };
        headers
            .entry(name.as_str().to_owned())
            .and_modify(|v: &mut String| {
                v.push_str(", ");
                v.push_str(&text);
            })
            .or_insert(text);
    }
    let (body, body_truncated) = match &read {
        BodyRead::Complete(b) if b.len() <= RECORD_BODY_LIMIT => (String::from_utf8_lossy(b).into_owned(), false),
        BodyRead::Complete(b) => (String::from_utf8_lossy(&b[..RECORD_BODY_LIMIT]).into_owned(), true),
        _ => (String::new(), true),
    };
    let mut params = BTreeMap::new();
    if let Some(u) = user_id {
        params.insert("userId".to_owned(), u);
    }
    let record = Record {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers,
        body,
        body_truncated,
        status: resp.status().as_u16(),
        request_id: ctx.request_id.clone(),
        params,
        received_at,
    };
    let mut records = lock(&app.records);
    if records.len() >= RECORD_CAPACITY {
        records.pop_front();
    }
    records.push_back(record);
    resp
}

async fn write_inner(app: &Arc<App>, ctx: &Ctx, headers: &HeaderMap, read: &BodyRead, kind: Resource, version: Version) -> Response {
    let caller = match authenticate(app, headers) {
        Ok(c) => c,
        Err(message) => return unauthorized(ctx, message),
    };
    if !is_json(header_str(headers, "content-type")) {
        return graph_error(ctx, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupportedMediaType", "The Content-Type must be application/json.");
    }
    let body = match read {
        BodyRead::Complete(b) => b,
        BodyRead::TooLarge => {
            return graph_error(ctx, StatusCode::PAYLOAD_TOO_LARGE, "requestEntityTooLarge", "The request body is larger than 1 MiB.");
        }
        BodyRead::Failed => return bad_request(ctx, "The request body could not be read."),
    };

    // Retry-After enforcement, keyed by client-request-id: a retry of one logical request keeps
    // its id, while every request of every client may share one token.
    if let Some(id) = &ctx.sent_client_request_id {
        let now = Instant::now();
        let remaining = {
            let mut throttled = lock(&app.throttled);
            match throttled.get(id) {
                Some(&until) if until > now => Some(until - now),
                Some(_) => {
                    throttled.remove(id);
                    None
                }
                None => None,
            }
        };
        if let Some(remaining) = remaining {
            lock(&app.stats).early_retries += 1;
            let millis = remaining.as_micros().div_ceil(1000).max(1) as u64;
            let mut resp = json_response(StatusCode::TOO_MANY_REQUESTS, too_many_requests_body(ctx).to_string());
            set(&mut resp, "retry-after", &format_seconds(millis));
            return resp;
        }
    }

    let fault = {
        let mut queue = lock(&app.faults);
        let sent = ctx.sent_client_request_id.as_deref();
        match queue.iter().position(|f| f.matches(sent)) {
            Some(i) => queue.remove(i),
            None => None,
        }
    };
    let fault = match fault {
        Some(f) => Some(f),
        None => app.chaos.as_ref().and_then(|c| lock(c).draw()),
    };

    if let Some(f) = fault.as_ref().filter(|f| !f.processes_write()) {
        if let Some(ms) = f.delay_ms {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        lock(&app.stats).faults_before_commit += 1;
        return answer_fault(app, ctx, f, None);
    }

    let created = create(app, ctx, kind, version, &caller, body).await;
    match fault {
        Some(f) => {
            if let Some(ms) = f.delay_ms {
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            if created.status() != StatusCode::CREATED {
                return created;
            }
            if f.after_commit || f.break_body {
                lock(&app.stats).faults_after_commit += 1;
                answer_fault(app, ctx, &f, Some(created))
            } else {
                created
            }
        }
        None => created,
    }
}

fn answer_fault(app: &App, ctx: &Ctx, fault: &Fault, created: Option<Response>) -> Response {
    if matches!(fault.status, 429 | 503) {
        if let (Some(id), Some(ra)) = (&ctx.sent_client_request_id, fault.retry_after_text()) {
            if let Some(ms) = parse_retry_after(&ra, now_millis()) {
                let mut throttled = lock(&app.throttled);
                if throttled.len() > 100_000 {
                    let now = Instant::now();
                    throttled.retain(|_, until| *until > now);
                }
                throttled.insert(id.clone(), Instant::now() + Duration::from_millis(ms));
            }
        }
    }
    fault_response(ctx, fault, created)
}

fn context_url(ctx: &Ctx, kind: Resource, version: Version) -> String {
    match kind {
        Resource::PlannerTask => format!("{}/{}/$metadata#planner/tasks/$entity", ctx.base, version.as_str()),
        Resource::LegacyTask => format!("{}/beta/$metadata#tasks/$entity", ctx.base),
    }
}

fn location_url(ctx: &Ctx, kind: Resource, version: Version, id: &str) -> String {
    match kind {
        Resource::PlannerTask => format!("{}/{}/planner/tasks/{id}", ctx.base, version.as_str()),
        Resource::LegacyTask => format!("{}/beta/tasks/{id}", ctx.base),
    }
}

/// Validates, stores (durably with `--data`) and answers 201, or answers the error.
async fn create(app: &Arc<App>, ctx: &Ctx, kind: Resource, version: Version, caller: &Caller, body: &Bytes) -> Response {
    if body.iter().all(u8::is_ascii_whitespace) {
        return bad_request(ctx, "The request body is empty; send a task as JSON.");
    }
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return bad_request(ctx, &format!("The request body is not valid JSON: {e}")),
    };
    let problems = validate_create(&&value, kind, Mode::Service).err().unwrap_or_default();
    if !problems.is_empty() {
        return problems_response(ctx, &problems);
    }
    if tasks::assignee_count(&value) > MAX_ASSIGNEES {
        return graph_error(
            ctx,
            StatusCode::FORBIDDEN,
            "MaximumAssigneesInTasks",
            &format!("The assignments property contains too many values: a task can have at most {MAX_ASSIGNEES} assignees."),
        );
    }
    let plan_id = tasks::str_member(&value, "planId").filter(|p| !p.trim().is_empty());
    let bucket_id = tasks::str_member(&value, "bucketId").filter(|b| !b.trim().is_empty());

    let id = app.ids.planner_id();
    let now = format_graph_datetime(now_nanos());
    let mut next_hint = || app.next_hint();
    let etag = app.new_etag();
    let values = ServiceValues { id: id.clone(), etag: etag.clone(), now, next_hint: &mut next_hint };
    let built = match kind {
        Resource::PlannerTask => tasks::build_planner(&value, caller, values),
        Resource::LegacyTask => tasks::build_legacy(&value, caller, values),
    };
    let built = match built {
        Ok(b) => b,
        Err(e) => return graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", &format!("The task could not be built: {e}")),
    };

    let new = NewTask { id: id.clone(), resource: kind, plan_id: plan_id.clone(), bucket_id, active: built.active, body: built.json.clone() };
    if let Err(refusal) = app.store.write(Write::Task(new)).await {
        return refusal_response(ctx, refusal, plan_id.as_deref());
    }
    if let Some(plan) = plan_id {
        *lock(&app.stats).tasks_created_per_plan.entry(plan).or_default() += 1;
    }
    let mut resp = json_response(StatusCode::CREATED, with_context(&context_url(ctx, kind, version), &built.json));
    set(&mut resp, "location", &location_url(ctx, kind, version, &id));
    set(&mut resp, "etag", &etag);
    resp
}

// ---------------------------------------------------------------------------------------------
// Reads

/// The checks every read makes first (a bearer token, an id in Planner's format): the refusal, if any.
fn refuse_read(app: &App, ctx: &Ctx, headers: &HeaderMap, id: &str, what: &str) -> Option<Response> {
    if let Err(message) = authenticate(app, headers) {
        return Some(unauthorized(ctx, message));
    }
    if !is_planner_id(id) {
        return Some(bad_request(ctx, &format!("The {what} id is not valid: 28 case-sensitive characters of A-Z, a-z, 0-9, _ and -.")));
    }
    None
}

fn get_task(app: &App, ctx: &Ctx, headers: &HeaderMap, version: Version, id: &str) -> Response {
    if let Some(refused) = refuse_read(app, ctx, headers, id, "task") {
        return refused;
    }
    let (kind, body) = match app.store.task(id) {
        Ok(Some(found)) => found,
        Ok(None) => return graph_error(ctx, StatusCode::NOT_FOUND, "itemNotFound", &format!("The task {id} was not found.")),
        Err(e) => return graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", &e),
    };
    let etag = serde_json::from_str::<Value>(&body).ok().and_then(|v| v.get("@odata.etag").and_then(Value::as_str).map(str::to_owned));
    let mut resp = json_response(StatusCode::OK, with_context(&context_url(ctx, kind, version), &body));
    if let Some(etag) = etag {
        set(&mut resp, "etag", &etag);
    }
    resp
}

fn list_plan_tasks(app: &App, ctx: &Ctx, headers: &HeaderMap, version: Version, plan_id: &str) -> Response {
    if let Some(refused) = refuse_read(app, ctx, headers, plan_id, "plan") {
        return refused;
    }
    let tasks = match app.store.plan_tasks(plan_id) {
        Ok(Some(tasks)) => tasks,
        Ok(None) => return graph_error(ctx, StatusCode::NOT_FOUND, "itemNotFound", &format!("The plan {plan_id} was not found.")),
        Err(e) => return graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", &e),
    };
    let context = Value::from(format!("{}/{}/$metadata#planner/plans('{plan_id}')/tasks", ctx.base, version.as_str())).to_string();
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

// ---------------------------------------------------------------------------------------------
// Control endpoints

async fn control(app: &Arc<App>, ctx: &Ctx, which: Control, req: Request) -> Response {
    let method = req.method().clone();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let body = match read_body(req.into_body(), MAX_BODY_BYTES).await {
        BodyRead::Complete(b) => b,
        BodyRead::TooLarge => return graph_error(ctx, StatusCode::PAYLOAD_TOO_LARGE, "requestEntityTooLarge", "The request body is larger than 1 MiB."),
        BodyRead::Failed => return bad_request(ctx, "The request body could not be read."),
    };
    match which {
        Control::Health => json_response(StatusCode::OK, json!({ "status": "ok" }).to_string()),
        Control::Seed => match app.store.view() {
            Ok(view) => json_response(StatusCode::OK, serde_json::to_string(&view).unwrap_or_default()),
            Err(e) => graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", &e),
        },
        Control::Stats => {
            let tasks_stored = match app.store.tasks_stored() {
                Ok(n) => n,
                Err(e) => return graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", &e),
            };
            let stats = lock(&app.stats);
            let queued = lock(&app.faults).len();
            let by_status: serde_json::Map<String, Value> = stats.requests_by_status.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect();
            let body = json!({
                "requestsByStatus": by_status,
                "tasksCreatedPerPlan": stats.tasks_created_per_plan,
                "tasksStored": tasks_stored,
                "earlyRetries": stats.early_retries,
                "faultsInjected": { "beforeCommit": stats.faults_before_commit, "afterCommit": stats.faults_after_commit },
                "faultsQueued": queued,
                "writes": stats.writes,
            });
            json_response(StatusCode::OK, body.to_string())
        }
        Control::Faults => {
            if method == Method::DELETE {
                lock(&app.faults).clear();
                return response(StatusCode::NO_CONTENT, None, Body::empty());
            }
            if method == Method::POST {
                match parse_faults(&body) {
                    Ok(new) => lock(&app.faults).extend(new),
                    Err(e) => return bad_request(ctx, &e),
                }
            }
            let queue: Vec<Fault> = lock(&app.faults).iter().cloned().collect();
            let status = if method == Method::POST { StatusCode::CREATED } else { StatusCode::OK };
            json_response(status, serde_json::to_string(&queue).unwrap_or_default())
        }
        Control::Plans => create_plan(app, ctx, &body).await,
        Control::Reset => {
            // The reset is one write of the store, ordered with the creates around it: a create lands
            // wholly before or wholly after it.
            if let Err(e) = app.store.write(Write::Reset).await {
                return refusal_response(ctx, e, None);
            }
            *lock(&app.stats) = Stats::default();
            lock(&app.faults).clear();
            lock(&app.records).clear();
            lock(&app.throttled).clear();
            if let Some(c) = &app.chaos {
                *lock(c) = Chaos::new(app.cfg.chaos_rate, app.chaos_seed);
            }
            response(StatusCode::NO_CONTENT, None, Body::empty())
        }
        Control::Requests => {
            let mut want_id = None;
            let mut last = None;
            for (k, v) in parse_query(&query) {
                match k.as_str() {
                    "clientRequestId" => want_id = Some(v),
                    "last" => match v.parse::<usize>() {
                        Ok(n) => last = Some(n),
                        Err(_) => return bad_request(ctx, "last must be a whole number"),
                    },
                    _ => {}
                }
            }
            let records = lock(&app.records);
            let matching: Vec<&Record> = records.iter().filter(|r| want_id.as_ref().is_none_or(|id| r.headers.get("client-request-id") == Some(id))).collect();
            let skip = last.map_or(0, |n| matching.len().saturating_sub(n));
            json_response(StatusCode::OK, serde_json::to_string(&matching[skip..]).unwrap_or_default())
        }
    }
}

async fn create_plan(app: &Arc<App>, ctx: &Ctx, body: &Bytes) -> Response {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return bad_request(ctx, &format!("The body is not JSON: {e}")),
        }
    };
    let Some(obj) = value.as_object() else { return bad_request(ctx, "The body must be an object like {\"title\": \"...\"}.") };
    let title = match obj.get("title") {
        None | Some(Value::Null) => "Test plan".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return bad_request(ctx, "title must be a string"),
    };
    let bucket_names: Vec<String> = match obj.get("buckets") {
        None | Some(Value::Null) => vec!["To do".to_owned()],
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(Value::is_string) => {
            items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
        }
        Some(_) => return bad_request(ctx, "buckets must be a non-empty array of bucket names"),
    };
    let id = app.ids.planner_id();
    let buckets = bucket_names.into_iter().map(|name| Bucket { id: app.ids.planner_id(), name }).collect();
    let plan = Plan { id, title, buckets };
    if check_plan(&plan).is_err() {
        return graph_error(ctx, StatusCode::INTERNAL_SERVER_ERROR, "generalException", "The plan could not be created.");
    }
    if let Err(e) = app.store.write(Write::Plan(plan.clone())).await {
        return refusal_response(ctx, e, None);
    }
    json_response(StatusCode::CREATED, serde_json::to_string(&plan).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn control_only_on_loopback() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(control_allowed(ip("127.0.0.1"), false));
        assert!(control_allowed(ip("127.0.0.2"), false));
        assert!(control_allowed(ip("::1"), false));
        assert!(!control_allowed(ip("0.0.0.0"), false));
        assert!(!control_allowed(ip("::"), false));
        assert!(!control_allowed(ip("192.168.1.10"), false));
        assert!(control_allowed(ip("0.0.0.0"), true));
        assert_eq!(route(&Method::GET, "/_emulator/stats", false, false), Route::NotFound);
        assert_eq!(route(&Method::GET, "/_emulator/stats", true, false), Route::Control(Control::Stats));
    }

    #[test]
    fn routes() {
        let r = |m: Method, p: &str| route(&m, p, true, false);
        assert_eq!(r(Method::POST, "/v1.0/planner/tasks"), Route::CreatePlanner(Version::V1));
        assert_eq!(r(Method::POST, "/beta/planner/tasks/"), Route::CreatePlanner(Version::Beta));
        assert_eq!(r(Method::GET, "/v1.0/planner/tasks"), Route::MethodNotAllowed(ALLOW_POST));
        assert_eq!(r(Method::POST, "/beta/users/a%2Fb/tasks"), Route::CreateLegacy(Some("a/b".into())));
        assert_eq!(r(Method::POST, "/beta/users/a%252Fb/tasks"), Route::CreateLegacy(Some("a%2Fb".into())));
        assert_eq!(r(Method::POST, "/beta/users/%zz/tasks"), Route::BadUserId);
        assert_eq!(r(Method::POST, "/beta/users//tasks"), Route::NotFound);
        assert_eq!(r(Method::POST, "/v1.0/me/tasks"), Route::NotFound);
        assert_eq!(r(Method::POST, "/beta/me/tasks"), Route::CreateLegacy(None));
        assert_eq!(r(Method::POST, "/beta/tasks"), Route::CreateLegacy(None));
        assert_eq!(r(Method::POST, "/beta/drive/root/createdByUser/tasks"), Route::CreateLegacy(None));
        assert_eq!(r(Method::GET, "/v1.0/planner/tasks/abc"), Route::GetTask(Version::V1, "abc".into()));
        assert_eq!(r(Method::DELETE, "/v1.0/planner/tasks/abc"), Route::MethodNotAllowed(ALLOW_GET));
        assert_eq!(r(Method::GET, "/v1.0/planner/plans/p/tasks"), Route::ListPlanTasks(Version::V1, "p".into()));
        assert_eq!(r(Method::GET, "/"), Route::NotFound);
        assert_eq!(route(&Method::GET, "/index.html", true, true), Route::Static);
        assert_eq!(route(&Method::POST, "/index.html", true, true), Route::NotFound);
        assert_eq!(r(Method::PUT, "/_emulator/reset"), Route::MethodNotAllowed(ALLOW_POST));
    }

    #[test]
    fn jwt() {
        let payload = base64_encode(br#"{"oid":"u-1","name":"Ann"}"#).trim_end_matches('=').replace('+', "-").replace('/', "_");
        assert_eq!(jwt_claims(&format!("eyJhbGciOiJub25lIn0.{payload}.sig")), (Some("u-1".into()), Some("Ann".into())));
        assert_eq!(jwt_claims("opaque-token"), (None, None));
        assert_eq!(jwt_claims("a.!!.c"), (None, None));
    }

    #[test]
    fn context_splice() {
        assert_eq!(with_context("c", "{\"a\":1}"), "{\"@odata.context\":\"c\",\"a\":1}");
        assert_eq!(with_context("c", "{}"), "{\"@odata.context\":\"c\"}");
        let v: Value = serde_json::from_str(&with_context("x\"y", "{\"a\":1}")).unwrap();
        assert_eq!(v["@odata.context"], "x\"y");
    }

    #[test]
    fn json_content_types() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("application/json; charset=utf-8")));
        assert!(is_json(Some("Application/JSON;odata.metadata=minimal")));
        assert!(!is_json(Some("text/plain")));
        assert!(!is_json(Some("application/jsonx")));
        assert!(!is_json(None));
    }
}
