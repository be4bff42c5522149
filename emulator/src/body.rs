//! Reading request bodies: at most 1 MiB is kept, and an oversized body is read to its end (up to
//! 64 MiB, the hard limit of `RequestBodyLimitLayer`) before the 413, so that a client still sending
//! it reads the answer instead of a reset connection. `http_body_util::Limited` (what tower-http
//! uses) fails at the limit without draining, which is why this reads by hand.

use std::time::Duration;

use axum::body::Body;
use axum::http::HeaderMap;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;

/// The largest request body accepted (1 MiB); larger ones get 413.
pub(crate) const MAX_BODY_BYTES: usize = 1 << 20;
/// The most a request may send at all; `RequestBodyLimitLayer` stops anything longer.
pub(crate) const HARD_BODY_LIMIT: usize = 64 << 20;
/// How long a body may take to arrive; a half-sent one is then dropped (408).
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// What reading a body gave.
pub(crate) enum BodyRead {
    Complete(Bytes),
    TooLarge,
    /// The body did not arrive in [`BODY_TIMEOUT`].
    TimedOut,
    /// The connection failed while sending it.
    Failed,
}

/// Reads `body`, keeping at most [`MAX_BODY_BYTES`].
pub(crate) async fn read_body(body: Body) -> BodyRead {
    match tokio::time::timeout(BODY_TIMEOUT, read_limited(body)).await {
        Ok(read) => read,
        Err(_) => BodyRead::TimedOut,
    }
}

async fn read_limited(mut body: Body) -> BodyRead {
    let mut buf = BytesMut::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            // The hard limit shows up here as an error of the limited body.
            return if total >= MAX_BODY_BYTES { BodyRead::TooLarge } else { BodyRead::Failed };
        };
        if let Ok(data) = frame.into_data() {
            total = total.saturating_add(data.len());
            if total <= MAX_BODY_BYTES {
                buf.extend_from_slice(&data);
            } else if !buf.is_empty() {
                buf = BytesMut::new();
            }
        }
    }
    if total > MAX_BODY_BYTES {
        BodyRead::TooLarge
    } else {
        BodyRead::Complete(buf.freeze())
    }
}

/// Whether `Content-Type` is `application/json` (parameters such as `; charset=utf-8` are fine).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.split(';').next().is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        let with = |ct: Option<&str>| {
            let mut h = HeaderMap::new();
            if let Some(ct) = ct {
                h.insert("content-type", ct.parse().unwrap());
            }
            is_json(&h)
        };
        assert!(with(Some("application/json")));
        assert!(with(Some("application/json; charset=utf-8")));
        assert!(with(Some("Application/JSON;odata.metadata=minimal")));
        assert!(!with(Some("text/plain")));
        assert!(!with(Some("application/jsonx")));
        assert!(!with(None));
    }
}
