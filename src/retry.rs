//! Whether and when to try a create again. Decisions only: time and sleeping belong to the loop that
//! asks (the wasm transport), so every rule here is tested natively.

use crate::datetime::parse_http_date;
use crate::error::{Error, ErrorKind};

/// How the client retries throttled and unavailable responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff step when the service sends no `Retry-After`; doubled each retry.
    pub base_delay_ms: u64,
    /// The longest wait accepted. A longer `Retry-After` is not shortened: the call fails with an error
    /// that carries `retryAfterMs`, so the caller decides.
    pub max_delay_ms: u64,
}

impl RetryPolicy {
    /// No retries at all (`retry: false`).
    pub const NONE: RetryPolicy = RetryPolicy { max_retries: 0, base_delay_ms: 0, max_delay_ms: 0 };
}

impl Default for RetryPolicy {
    /// Three retries, backoff from 1 s, waits up to 60 s.
    ///
    /// Graph's throttling guidance is to wait exactly `Retry-After` and back off exponentially without
    /// it. Three retries ride out a burst of throttling; 60 s covers the waits Planner sends under load
    /// without leaving a user's click hanging for the 180 s the official SDKs allow.
    fn default() -> Self {
        RetryPolicy { max_retries: 3, base_delay_ms: 1_000, max_delay_ms: 60_000 }
    }
}

/// Added to a `Retry-After` wait, so that timer granularity never brings a retry in early.
pub const RETRY_AFTER_MARGIN_MS: u64 = 20;

/// What to do after a failed attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then send again.
    RetryAfter(u64),
    /// Stop and fail with the error.
    GiveUp,
}

/// Decides what follows `error`, after `retries_done` retries.
///
/// Only failures that cannot have created the task are retried: 429 and 503 (the service refused to
/// act), and network failures known to have happened before the request left. A create that may have
/// reached the service (`mayHaveBeenCreated`) is never sent again: that is how duplicates are born.
/// `jitter` is a random number in `[0, 1)` from the caller.
pub fn decide(error: &Error, retries_done: u32, policy: &RetryPolicy, jitter: f64) -> Decision {
    if error.may_have_been_created || retries_done >= policy.max_retries {
        return Decision::GiveUp;
    }
    let retryable = match error.kind {
        ErrorKind::Http => matches!(error.status, Some(429 | 503)),
        ErrorKind::Network => true,
        _ => false,
    };
    if !retryable {
        return Decision::GiveUp;
    }
    let delay = match error.retry_after_ms {
        Some(wait) => wait.saturating_add(RETRY_AFTER_MARGIN_MS),
        None => {
            // "Full jitter": uniform in [0, base * 2^n], so that many throttled clients spread out.
            let ceiling = policy.base_delay_ms.saturating_mul(1u64 << retries_done.min(30)).min(policy.max_delay_ms);
            (ceiling as f64 * jitter.clamp(0.0, 1.0)) as u64
        }
    };
    if delay > policy.max_delay_ms.saturating_add(RETRY_AFTER_MARGIN_MS) {
        return Decision::GiveUp;
    }
    Decision::RetryAfter(delay)
}

/// Reads `Retry-After` as milliseconds: delta-seconds (Graph also sends fractions such as `2.128`) or
/// an HTTP date, measured from `now_ms`. `None` when unreadable.
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
        if whole.is_empty() || fraction.contains('.') {
            return None;
        }
        // Any number of digits is a wait: one too long for u64 saturates, and then ends the call with
        // `retryAfterMs` (it is past any `maxDelayMs`) instead of being mistaken for "absent".
        let seconds = whole.bytes().fold(0u64, |n, b| n.saturating_mul(10).saturating_add(u64::from(b - b'0')));
        // Milliseconds from up to three fraction digits, rounding any further digits up.
        let mut millis = 0u64;
        for (i, b) in fraction.bytes().enumerate() {
            let digit = u64::from(b - b'0');
            match i {
                0 => millis += digit * 100,
                1 => millis += digit * 10,
                2 => millis += digit,
                _ if digit > 0 => {
                    millis += 1;
                    break;
                }
                _ => {}
            }
        }
        return Some(seconds.saturating_mul(1000).saturating_add(millis));
    }
    let at = parse_http_date(value)?.unix_millis();
    Some(at.saturating_sub(now_ms).max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(status: u16, retry_after_ms: Option<u64>) -> Error {
        let mut e = Error::new(ErrorKind::Http, "x");
        e.status = Some(status);
        e.retry_after_ms = retry_after_ms;
        e.may_have_been_created = matches!(status, 500 | 502 | 504);
        e
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("2", 0), Some(2000));
        assert_eq!(parse_retry_after("2.128", 0), Some(2128));
        assert_eq!(parse_retry_after(" 0.5 ", 0), Some(500));
        assert_eq!(parse_retry_after("0.0001", 0), Some(1));
        assert_eq!(parse_retry_after("0", 0), Some(0));
        let now = 784_111_777_000 - 30_000;
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(30_000));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 60_000), Some(0));
        // Values of any length are waits (issue 10: a 10-digit value used to read as absent).
        assert_eq!(parse_retry_after("9999999999", 0), Some(9_999_999_999_000));
        assert_eq!(parse_retry_after("99999999999999999999999", 0), Some(u64::MAX));
        for bad in ["", "-1", "1.2.3", ".5", "soon", "1e3", "+5"] {
            assert_eq!(parse_retry_after(bad, 0), None, "{bad}");
        }
    }

    #[test]
    fn a_ten_digit_retry_after_ends_the_call() {
        let p = RetryPolicy::default();
        let wait = parse_retry_after("9999999999", 0);
        assert_eq!(decide(&http(429, wait), 0, &p, 0.5), Decision::GiveUp);
    }

    #[test]
    fn retries_throttling_exactly_after_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(decide(&http(429, Some(2128)), 0, &p, 0.5), Decision::RetryAfter(2128 + RETRY_AFTER_MARGIN_MS));
        assert_eq!(decide(&http(503, Some(1000)), 2, &p, 0.5), Decision::RetryAfter(1000 + RETRY_AFTER_MARGIN_MS));
        assert_eq!(decide(&http(429, Some(1000)), 3, &p, 0.5), Decision::GiveUp);
    }

    #[test]
    fn a_wait_past_the_cap_is_an_error_not_a_shorter_wait() {
        let p = RetryPolicy { max_delay_ms: 5_000, ..RetryPolicy::default() };
        assert_eq!(decide(&http(429, Some(5_000)), 0, &p, 0.0), Decision::RetryAfter(5_000 + RETRY_AFTER_MARGIN_MS));
        assert_eq!(decide(&http(429, Some(5_001 + RETRY_AFTER_MARGIN_MS)), 0, &p, 0.0), Decision::GiveUp);
    }

    #[test]
    fn backoff_without_retry_after_is_jittered_and_capped() {
        let p = RetryPolicy { max_retries: 10, base_delay_ms: 100, max_delay_ms: 1_000 };
        assert_eq!(decide(&http(503, None), 0, &p, 0.999), Decision::RetryAfter(99));
        assert_eq!(decide(&http(503, None), 2, &p, 0.5), Decision::RetryAfter(200));
        assert_eq!(decide(&http(503, None), 9, &p, 0.999), Decision::RetryAfter(999));
        assert_eq!(decide(&http(503, None), 9, &p, 0.0), Decision::RetryAfter(0));
    }

    #[test]
    fn never_resends_what_may_have_been_created() {
        let p = RetryPolicy::default();
        for status in [500, 502, 504] {
            assert_eq!(decide(&http(status, Some(0)), 0, &p, 0.5), Decision::GiveUp);
        }
        let mut e = Error::new(ErrorKind::Network, "reset");
        e.may_have_been_created = true;
        assert_eq!(decide(&e, 0, &p, 0.5), Decision::GiveUp);
        let mut e = Error::new(ErrorKind::Timeout, "slow");
        e.may_have_been_created = true;
        assert_eq!(decide(&e, 0, &p, 0.5), Decision::GiveUp);
    }

    #[test]
    fn no_other_4xx_is_retried() {
        let p = RetryPolicy::default();
        for status in [400, 401, 403, 404, 405, 409, 412, 413, 415, 422] {
            assert_eq!(decide(&http(status, Some(10)), 0, &p, 0.5), Decision::GiveUp, "{status}");
        }
        for kind in [ErrorKind::Validation, ErrorKind::Config, ErrorKind::Aborted, ErrorKind::InvalidResponse] {
            assert_eq!(decide(&Error::new(kind, "x"), 0, &p, 0.5), Decision::GiveUp);
        }
    }

    #[test]
    fn a_network_failure_before_sending_is_retried() {
        let e = Error::new(ErrorKind::Network, "refused");
        assert!(matches!(decide(&e, 0, &RetryPolicy::default(), 0.5), Decision::RetryAfter(_)));
        assert_eq!(decide(&e, 0, &RetryPolicy::NONE, 0.5), Decision::GiveUp);
    }
}
