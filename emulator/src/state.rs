//! The app state every handler shares: configuration, the store, counters, the fault queue, the
//! Retry-After state and the request record; and the per-request context.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use bytes::Bytes;

use crate::auth::{unauthorized, Caller};
use crate::cli::Config;
use crate::error::GraphError;
use crate::faults::{Chaos, Fault};
use crate::router::Service;
use crate::store::Store;
use crate::throttle::{RateLimiter, RuntimeConfig};
use crate::util::{base64_encode, now_nanos, Ids};

/// How many write requests `GET /_emulator/requests` remembers.
pub(crate) const RECORD_CAPACITY: usize = 2000;
/// How much of a body a record keeps (the README's 256 KiB).
pub(crate) const RECORD_BODY_LIMIT: usize = 256 << 10;

/// Counters for `GET /_emulator/stats`.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) requests_by_status: BTreeMap<u16, u64>,
    pub(crate) tasks_created_per_plan: BTreeMap<String, u64>,
    pub(crate) early_retries: u64,
    pub(crate) faults_before_commit: u64,
    pub(crate) faults_after_commit: u64,
    pub(crate) writes: u64,
    /// `$batch` requests that parsed, and the requests they held.
    pub(crate) batches: u64,
    pub(crate) batch_requests: u64,
    /// Requests answered 429 by `--rate-limit`.
    pub(crate) throttled: u64,
}

/// One recorded request, kept as the JSON object `GET /_emulator/requests` answers for it (see
/// `record::RecordHead`): written once, as the request ends, rather than kept as maps of strings
/// to be serialized later; a create pays for its record on every call, the endpoint rarely.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// `client-request-id` as the record's `headers` show it (none without a valid token): what
    /// the endpoint's `clientRequestId` filter compares.
    pub(crate) client_request_id: Option<String>,
    /// The JSON object.
    pub(crate) json: Vec<u8>,
}

/// Everything the server holds.
pub(crate) struct App {
    pub(crate) cfg: Config,
    pub(crate) ids: Ids,
    /// Whether `/_emulator/` exists.
    pub(crate) control: bool,
    pub(crate) local_addr: SocketAddr,
    pub(crate) store: Store,
    pub(crate) stats: Mutex<Stats>,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    /// The chaos sequence (its rate may be 0: nothing fails).
    pub(crate) chaos: Mutex<Chaos>,
    /// What `POST /_emulator/config` changes.
    pub(crate) runtime: Mutex<RuntimeConfig>,
    pub(crate) limiter: RateLimiter,
    pub(crate) chaos_seed: u64,
    /// Until when each throttled `client-request-id` must wait.
    pub(crate) throttled: Mutex<HashMap<String, Instant>>,
    pub(crate) records: Mutex<VecDeque<Record>>,
    /// The whole service, for the requests of a `$batch` (set once it is built).
    pub(crate) service: OnceLock<Service>,
    last_hint: AtomicI64,
}

/// Locks a mutex; a panic while holding it leaves plain data behind, so the emulator keeps serving.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether `/_emulator/` exists: only on a loopback bind, unless `--allow-remote-control`.
/// An unspecified address (`0.0.0.0`, `::`) listens on every interface, so it is not loopback.
pub(crate) fn control_allowed(bound: IpAddr, allow_remote_control: bool) -> bool {
    allow_remote_control || bound.is_loopback()
}

impl App {
    /// The state for a server bound to `local_addr`.
    pub(crate) fn new(cfg: Config, store: Store, local_addr: SocketAddr) -> App {
        let ids = Ids::new();
        let chaos_seed = cfg.chaos_seed.unwrap_or_else(|| ids.next_u64());
        let chaos = Mutex::new(Chaos::new(cfg.chaos_rate, chaos_seed));
        let runtime = Mutex::new(App::initial_runtime(&cfg));
        App {
            control: control_allowed(local_addr.ip(), cfg.allow_remote_control),
            cfg,
            ids,
            local_addr,
            store,
            stats: Mutex::new(Stats::default()),
            faults: Mutex::new(VecDeque::new()),
            chaos,
            runtime,
            limiter: RateLimiter::default(),
            chaos_seed,
            throttled: Mutex::new(HashMap::new()),
            records: Mutex::new(VecDeque::new()),
            service: OnceLock::new(),
            last_hint: AtomicI64::new(i64::MAX),
        }
    }

    /// The run-time settings as the command line gave them.
    pub(crate) fn initial_runtime(cfg: &Config) -> RuntimeConfig {
        RuntimeConfig { chaos_rate: cfg.chaos_rate, rate_limit: cfg.rate_limit, latency_ms: cfg.latency_ms }
    }

    /// A service order hint: `i64::MAX` minus .NET ticks, the shape of Planner's own hints
    /// (`8585269241143957525`), strictly decreasing so that newer tasks sort first.
    pub(crate) fn next_hint(&self) -> String {
        let ticks = (now_nanos() / 100) as i64 + 621_355_968_000_000_000;
        let candidate = i64::MAX - ticks;
        let previous = self.last_hint.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| Some(candidate.min(last - 1)));
        let last = previous.unwrap_or(i64::MAX);
        candidate.min(last - 1).to_string()
    }

    /// `W/"..."`: the base64 of `'1-Task  <15 version characters>X'`, like the docs' example
    /// `W/"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc="`.
    pub(crate) fn new_etag(&self) -> String {
        let mut bits = self.ids.next_u64();
        let mut text = String::from("'1-Task  ");
        for _ in 0..15 {
            text.push(char::from(b'@' + (bits & 31) as u8));
            bits >>= 4;
        }
        text.push_str("X'");
        format!("W/\"{}\"", base64_encode(text.as_bytes()))
    }

    /// Remembers a write request (the last [`RECORD_CAPACITY`]).
    pub(crate) fn record(&self, record: Record) {
        let mut records = lock(&self.records);
        if records.len() >= RECORD_CAPACITY {
            records.pop_front();
        }
        records.push_back(record);
    }
}

/// Per-request facts every response needs; the envelope puts it in the request's extensions. Every
/// layer and handler of a request holds it, so it is shared rather than copied: a clone is a
/// reference count.
#[derive(Clone, Debug)]
pub(crate) struct Ctx(Arc<CtxFields>);

impl Ctx {
    pub(crate) fn new(fields: CtxFields) -> Ctx {
        Ctx(Arc::new(fields))
    }

    /// The caller, or the 401 its token gets: the request's one [`crate::auth::authenticate`] (made by the
    /// envelope for the routes of Graph, the only ones that ask).
    pub(crate) fn caller(&self) -> Result<&Caller, GraphError> {
        match &self.0.auth {
            Some(Ok(caller)) => Ok(caller),
            Some(Err(e)) => Err(e.clone()),
            None => Err(unauthorized("Access token is empty.")),
        }
    }
}

impl std::ops::Deref for Ctx {
    type Target = CtxFields;
    fn deref(&self) -> &CtxFields {
        &self.0
    }
}

/// What a [`Ctx`] holds.
#[derive(Debug)]
pub(crate) struct CtxFields {
    pub(crate) request_id: String,
    pub(crate) client_request_id: String,
    /// The client's own `client-request-id`, when it sent one.
    pub(crate) sent_client_request_id: Option<String>,
    /// `http://host:port` as the client addressed the emulator.
    pub(crate) base: String,
    /// The path as received (before routing normalised it).
    pub(crate) path: String,
    /// A request inside a `$batch`.
    pub(crate) in_batch: bool,
    /// [`crate::auth::authenticate`]'s answer for the request's headers; `None` outside Graph's routes.
    pub(crate) auth: Option<Result<Caller, GraphError>>,
}

/// What a handler leaves for the request record: the body it read (at most [`RECORD_BODY_LIMIT`]
/// of it, shared with the read, not copied) and whether it was cut.
#[derive(Clone, Debug)]
pub(crate) struct RecordedBody(pub(crate) Bytes, pub(crate) bool);

/// What a handler leaves for the request record: the route's decoded parameters.
#[derive(Clone, Debug)]
pub(crate) struct RecordedParams(pub(crate) BTreeMap<String, String>);

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
