//! Faults, in one place: what a fault is (scripted by `POST /_emulator/faults` or drawn by
//! `--chaos-rate`), which write takes one, what it answers, and the Retry-After it leaves behind.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::header::{HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use graph_tasks::retry::parse_retry_after;

use crate::error::{GraphError, RawBody};
use crate::state::{lock, App, Ctx};
use crate::util::{format_seconds, now_millis, SeededRng};

/// One queued fault. Field names are the control endpoint's JSON names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Fault {
    /// The status to answer (200–599).
    pub(crate) status: u16,
    /// `Retry-After`: a number of seconds (written as given, fractions too) or a string (verbatim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<Value>,
    /// Store the task first, then answer `status`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) after_commit: bool,
    /// A raw body instead of Graph's error body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<String>,
    /// The `Content-Type` of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) content_type: Option<String>,
    /// Extra response headers (they win over the emulator's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) headers: Option<BTreeMap<String, String>>,
    /// Sleep this long before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) delay_ms: Option<u64>,
    /// Only a write carrying this `client-request-id` takes the fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) client_request_id: Option<String>,
    /// Send the status and headers, then break the connection in the middle of the body: a network
    /// failure after the request was received (with `afterCommit`, after the task was stored).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) break_body: bool,
    /// Answer at once and store the create this long afterwards: a client that checks right away
    /// does not find the task, and one that sends it again blindly makes a duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) commit_delay_ms: Option<u64>,
    /// Only a request with this method takes the fault (`"PATCH"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) method: Option<String>,
    /// Only a request to this route takes the fault: one of [`ROUTES`]. Without `route` and
    /// `method`, a fault is for creates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) route: Option<String>,
}

/// The route names a fault can target: creates (planner and 2015), a task's GET and DELETE, the
/// details' GET and PATCH, and any of these inside a `$batch` (`batch-item`).
pub(crate) const ROUTES: &[&str] = &["create", "task", "details", "batch-item"];

/// The longest `delayMs` accepted (ten minutes).
pub(crate) const MAX_DELAY_MS: u64 = 600_000;

impl Fault {
    /// A fault with only a status.
    pub(crate) fn status(status: u16) -> Fault {
        Fault {
            status,
            retry_after: None,
            after_commit: false,
            body: None,
            content_type: None,
            headers: None,
            delay_ms: None,
            client_request_id: None,
            break_body: false,
            commit_delay_ms: None,
            method: None,
            route: None,
        }
    }

    /// The `Retry-After` header value, when there is one.
    pub(crate) fn retry_after_text(&self) -> Option<String> {
        match self.retry_after.as_ref()? {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// True when the write is processed (and stored) before the fault answers: `afterCommit`, or a
    /// 2xx without a body of its own (a slow but real success, with `delayMs`).
    pub(crate) fn processes_write(&self) -> bool {
        self.after_commit || ((200..300).contains(&self.status) && self.body.is_none())
    }

    /// Whether a request with this `client-request-id` takes the fault.
    pub(crate) fn matches(&self, client_request_id: Option<&str>) -> bool {
        match &self.client_request_id {
            None => true,
            Some(want) => client_request_id == Some(want.as_str()),
        }
    }

    /// Whether a request to `route` with `method` (inside a batch or not) takes the fault.
    pub(crate) fn targets(&self, route: &str, method: &str, in_batch: bool) -> bool {
        let route_ok = match self.route.as_deref() {
            Some("batch-item") => in_batch,
            Some(want) => want == route,
            None => self.method.is_some() || route == "create",
        };
        route_ok && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
    }

    fn check(&self) -> Result<(), String> {
        if !(200..=599).contains(&self.status) {
            return Err("status must be between 200 and 599".into());
        }
        match &self.retry_after {
            None | Some(Value::String(_)) => {}
            Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x >= 0.0) => {}
            Some(_) => return Err("retryAfter must be a number of seconds (>= 0) or a string".into()),
        }
        if let Some(t) = &self.retry_after_text() {
            if axum::http::HeaderValue::from_str(t).is_err() {
                return Err("retryAfter is not a valid header value".into());
            }
        }
        if let Some(ct) = &self.content_type {
            if axum::http::HeaderValue::from_str(ct).is_err() {
                return Err("contentType is not a valid header value".into());
            }
        }
        for (name, value) in self.headers.iter().flatten() {
            if axum::http::HeaderName::from_bytes(name.as_bytes()).is_err() || axum::http::HeaderValue::from_str(value).is_err() {
                return Err(format!("headers.{name} is not a valid header"));
            }
        }
        if let Some(route) = &self.route {
            if !ROUTES.contains(&route.as_str()) {
                return Err(format!("route must be one of {}", ROUTES.join(", ")));
            }
        }
        if self.method.as_deref().is_some_and(|m| m.is_empty() || !m.bytes().all(|b| b.is_ascii_alphabetic())) {
            return Err("method must be an HTTP method such as PATCH".into());
        }
        if self.commit_delay_ms.is_some_and(|d| d > MAX_DELAY_MS) {
            return Err(format!("commitDelayMs must be at most {MAX_DELAY_MS}"));
        }
        if self.commit_delay_ms.is_some() && (self.method.is_some() || self.route.as_deref().is_some_and(|r| r != "create" && r != "batch-item")) {
            return Err("commitDelayMs applies to creates only".into());
        }
        if self.delay_ms.is_some_and(|d| d > MAX_DELAY_MS) {
            return Err(format!("delayMs must be at most {MAX_DELAY_MS}"));
        }
        Ok(())
    }
}

/// Reads the body of `POST /_emulator/faults`: an array of faults (or one fault object).
pub(crate) fn parse_faults(body: &[u8]) -> Result<Vec<Fault>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let items = match value {
        Value::Array(items) => items,
        obj @ Value::Object(_) => vec![obj],
        _ => return Err("the body must be an array of faults".into()),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let fault: Fault = serde_json::from_value(item).map_err(|e| format!("fault {i}: {e}"))?;
        fault.check().map_err(|e| format!("fault {i}: {e}"))?;
        out.push(fault);
    }
    Ok(out)
}

/// `--chaos-rate`: a seeded sequence of decisions, one per write.
#[derive(Debug)]
pub(crate) struct Chaos {
    rate: f64,
    rng: SeededRng,
}

impl Chaos {
    /// Fails `rate` of the writes, in an order fixed by `seed`.
    pub(crate) fn new(rate: f64, seed: u64) -> Chaos {
        Chaos { rate, rng: SeededRng::new(seed) }
    }

    /// The fault for the next write, if it gets one: 429 (40%) or 503 (30%) with `Retry-After` of
    /// 1 to 3 seconds (sometimes fractional), or 504 (30%), half of them after the task was stored.
    pub(crate) fn draw(&mut self) -> Option<Fault> {
        let hit = self.rng.next_f64() < self.rate;
        let kind = self.rng.next_f64();
        let extra = self.rng.next_f64();
        if !hit {
            return None;
        }
        const RETRY_AFTER: [&str; 5] = ["1", "1.5", "2", "2.5", "3"];
        let retry_after = || {
            let text = RETRY_AFTER[((extra * 5.0) as usize).min(4)];
            serde_json::from_str::<Value>(text).ok()
        };
        let mut fault;
        if kind < 0.4 {
            fault = Fault::status(429);
            fault.retry_after = retry_after();
        } else if kind < 0.7 {
            fault = Fault::status(503);
            fault.retry_after = retry_after();
        } else {
            // A gateway timeout before the commit, after it, or before a commit that lands later
            // (the case that makes a blind resend duplicate and a hasty look miss the task).
            fault = Fault::status(504);
            if extra >= 2.0 / 3.0 {
                fault.commit_delay_ms = Some(300 + ((extra - 2.0 / 3.0) * 3000.0) as u64);
            } else {
                fault.after_commit = extra >= 1.0 / 3.0;
            }
        }
        Some(fault)
    }
}

/// Retry-After enforcement, keyed by `client-request-id`: a retry of one logical request keeps its
/// id, while every request of every client may share one token. A write sent again before its
/// Retry-After is up gets 429 with the time that is left, and counts as an early retry.
pub(crate) fn refuse_early_retry(app: &App, ctx: &Ctx) -> Result<(), GraphError> {
    let Some(id) = &ctx.sent_client_request_id else { return Ok(()) };
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
    let Some(remaining) = remaining else { return Ok(()) };
    lock(&app.stats).early_retries += 1;
    let millis = remaining.as_micros().div_ceil(1000).max(1) as u64;
    Err(GraphError::too_many_requests().with_header("retry-after", &format_seconds(millis)))
}

/// The fault a request to `route` takes: the first queued one that matches it, else (for creates)
/// chaos's draw.
pub(crate) fn take(app: &App, ctx: &Ctx, route: &str, method: &str) -> Option<Fault> {
    let queued = {
        let mut queue = lock(&app.faults);
        let sent = ctx.sent_client_request_id.as_deref();
        queue.iter().position(|f| f.matches(sent) && f.targets(route, method, ctx.in_batch)).and_then(|i| queue.remove(i))
    };
    queued.or_else(|| if route == "create" { lock(&app.chaos).draw() } else { None })
}

/// Runs `process` under `fault`: a fault that does not process the request answers alone; one
/// that does (`afterCommit`, a 2xx without a body, `breakBody`) answers after `process` succeeded.
pub(crate) async fn apply(app: &App, ctx: &Ctx, fault: Option<Fault>, process: impl std::future::Future<Output = Response>) -> Response {
    let Some(fault) = fault else { return process.await };
    if !fault.processes_write() {
        delay(&fault).await;
        lock(&app.stats).faults_before_commit += 1;
        return answer(app, ctx, &fault, None);
    }
    let done = process.await;
    delay(&fault).await;
    if !done.status().is_success() {
        return done;
    }
    if fault.after_commit || fault.break_body {
        lock(&app.stats).faults_after_commit += 1;
        answer(app, ctx, &fault, Some(done))
    } else {
        done
    }
}

/// Sleeps the fault's `delayMs`.
pub(crate) async fn delay(fault: &Fault) {
    if let Some(ms) = fault.delay_ms {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
}

/// The answer for `fault`; `created` is the real 201 when the write was processed first. A 429 or
/// 503 with Retry-After starts the wait for the request's `client-request-id`.
pub(crate) fn answer(app: &App, ctx: &Ctx, fault: &Fault, created: Option<Response>) -> Response {
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
    response(fault, created)
}

fn response(fault: &Fault, created: Option<Response>) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match (&fault.body, created) {
        (Some(body), _) => {
            let mut r = (status, body.clone()).into_response();
            r.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
            r.extensions_mut().insert(RawBody);
            r
        }
        // A 2xx after the commit without a body of its own: the real resource with another status.
        (None, Some(mut created)) if status.is_success() => {
            *created.status_mut() = status;
            created
        }
        (None, _) if status.is_success() || status.is_redirection() => status.into_response(),
        (None, _) => GraphError::for_status(status).into_response(),
    };
    if let Some(ct) = fault.content_type.as_deref().and_then(|ct| HeaderValue::from_str(ct).ok()) {
        resp.headers_mut().insert("content-type", ct);
    }
    if let Some(ra) = fault.retry_after_text().and_then(|ra| HeaderValue::from_str(&ra).ok()) {
        resp.headers_mut().insert("retry-after", ra);
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
        resp.extensions_mut().remove::<GraphError>();
        resp.extensions_mut().insert(RawBody);
        *resp.body_mut() = Body::from_stream(chunks);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        let f = parse_faults(br#"[{"status":429,"retryAfter":2},{"status":504,"afterCommit":true},{"status":429,"retryAfter":1.5,"clientRequestId":"x"}]"#)
            .unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].retry_after_text().as_deref(), Some("2"));
        assert_eq!(f[2].retry_after_text().as_deref(), Some("1.5"));
        assert!(f[1].processes_write());
        assert!(!f[0].processes_write());
        assert!(f[2].matches(Some("x")) && !f[2].matches(Some("y")) && !f[2].matches(None));
        assert!(f[0].matches(Some("y")));
        assert_eq!(parse_faults(br#"{"status":201,"body":"{}"}"#).unwrap().len(), 1);
        assert!(!parse_faults(br#"{"status":201,"body":"{}"}"#).unwrap()[0].processes_write());
        assert!(parse_faults(br#"{"status":201,"delayMs":10}"#).unwrap()[0].processes_write());
        for bad in [
            &br#"[{"retryAfter":2}]"#[..],
            br#"[{"status":99}]"#,
            br#"[{"status":429,"retry_after":2}]"#,
            br#"[{"status":429,"retryAfter":-1}]"#,
            br#"[{"status":302,"headers":{"bad name":"x"}}]"#,
            br#"[{"status":500,"delayMs":99999999}]"#,
            br#"5"#,
            br#"nope"#,
        ] {
            assert!(parse_faults(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn chaos_rate_and_mix() {
        let mut c = Chaos::new(0.3, 42);
        let faults: Vec<Fault> = (0..10_000).filter_map(|_| c.draw()).collect();
        assert!((2700..3300).contains(&faults.len()), "{}", faults.len());
        for f in &faults {
            assert!(matches!(f.status, 429 | 503 | 504));
            assert_eq!(f.retry_after.is_some(), f.status != 504);
        }
        assert!(faults.iter().any(|f| f.after_commit) && faults.iter().any(|f| f.status == 504 && !f.after_commit));
        assert!(faults.iter().any(|f| f.retry_after_text().is_some_and(|t| t.contains('.'))));
        let mut again = Chaos::new(0.3, 42);
        let same: Vec<Fault> = (0..10_000).filter_map(|_| again.draw()).collect();
        assert_eq!(faults, same);
        assert!(Chaos::new(0.0, 1).draw().is_none());
    }
}
