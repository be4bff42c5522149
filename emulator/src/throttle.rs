//! Throttling as Graph does it: `--rate-limit N` lets each caller send N requests per second, as a
//! token bucket (a full bucket holds N, so a burst of one second's worth passes); a request that
//! finds it empty gets 429 with `Retry-After` in seconds, fractional (`0.25`), as Graph writes it.
//! Every request to a Graph route counts once, a `$batch`'s requests each (the batch itself not).
//! The settings that can change at run time (`POST /_emulator/config`) live here too.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::state::lock;

/// What `GET/POST /_emulator/config` shows and changes; 0 turns a behaviour off.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct RuntimeConfig {
    /// The fraction of creates that fail (`--chaos-rate`).
    pub(crate) chaos_rate: f64,
    /// Requests per second per caller (`--rate-limit`).
    pub(crate) rate_limit: f64,
    /// Milliseconds every answer of a Graph route waits (`--latency-ms`).
    pub(crate) latency_ms: u64,
}

/// A change to the config: any subset of its fields.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ConfigChange {
    chaos_rate: Option<f64>,
    rate_limit: Option<f64>,
    latency_ms: Option<u64>,
}

/// The longest `latencyMs` (ten minutes, as a fault's `delayMs`).
pub(crate) const MAX_LATENCY_MS: u64 = 600_000;

impl RuntimeConfig {
    /// `self` with `change` applied, or why the change is refused.
    pub(crate) fn with(self, change: ConfigChange) -> Result<RuntimeConfig, String> {
        let mut next = self;
        if let Some(r) = change.chaos_rate {
            if !(0.0..=1.0).contains(&r) {
                return Err("chaosRate must be between 0 and 1".into());
            }
            next.chaos_rate = r;
        }
        if let Some(n) = change.rate_limit {
            if !(n.is_finite() && n >= 0.0) {
                return Err("rateLimit must be a number of requests per second, 0 or more".into());
            }
            next.rate_limit = n;
        }
        if let Some(ms) = change.latency_ms {
            if ms > MAX_LATENCY_MS {
                return Err(format!("latencyMs must be at most {MAX_LATENCY_MS}"));
            }
            next.latency_ms = ms;
        }
        Ok(next)
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// One token bucket per caller.
#[derive(Default)]
pub(crate) struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// Takes a token of `caller`'s bucket at `rate` per second; when there is none, how long until
    /// there is one.
    pub(crate) fn admit(&self, caller: &str, rate: f64, now: Instant) -> Result<(), Duration> {
        let mut buckets = lock(&self.buckets);
        if buckets.len() > 100_000 {
            // Buckets idle for a second are full again: forgetting them changes nothing.
            buckets.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(1));
        }
        let bucket = buckets.entry(caller.to_owned()).or_insert(Bucket { tokens: rate.max(1.0), at: now });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * rate).min(rate.max(1.0));
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }

    /// Forgets every bucket (`/_emulator/reset`, a new rate).
    pub(crate) fn clear(&self) {
        lock(&self.buckets).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_holds_one_second_and_refills() {
        let limiter = RateLimiter::default();
        let start = Instant::now();
        for _ in 0..4 {
            assert!(limiter.admit("a", 4.0, start).is_ok());
        }
        let wait = limiter.admit("a", 4.0, start).unwrap_err();
        assert!((0.24..=0.26).contains(&wait.as_secs_f64()), "{wait:?}");
        assert!(limiter.admit("b", 4.0, start).is_ok(), "callers have their own buckets");
        assert!(limiter.admit("a", 4.0, start + Duration::from_millis(250)).is_ok());
        assert!(limiter.admit("a", 4.0, start + Duration::from_millis(250)).is_err());
        // A rate under one a second still lets one request through, then waits for the next.
        assert!(limiter.admit("slow", 0.5, start).is_ok());
        let wait = limiter.admit("slow", 0.5, start).unwrap_err();
        assert!((1.99..=2.01).contains(&wait.as_secs_f64()), "{wait:?}");
    }

    #[test]
    fn config_changes_are_checked() {
        let base = RuntimeConfig { chaos_rate: 0.0, rate_limit: 0.0, latency_ms: 0 };
        let change = |json: &str| serde_json::from_str::<ConfigChange>(json).map_err(|e| e.to_string()).and_then(|c| base.with(c));
        assert_eq!(change(r#"{"rateLimit":5}"#).unwrap(), RuntimeConfig { rate_limit: 5.0, ..base });
        assert_eq!(change(r#"{"chaosRate":0.5,"latencyMs":20}"#).unwrap(), RuntimeConfig { chaos_rate: 0.5, latency_ms: 20, ..base });
        for bad in [r#"{"chaosRate":2}"#, r#"{"rateLimit":-1}"#, r#"{"latencyMs":9999999}"#, r#"{"other":1}"#] {
            assert!(change(bad).is_err(), "{bad}");
        }
    }
}
