//! The request record (`GET /_emulator/requests`): every request to Graph's routes as one JSON
//! object, written while the request runs. Its head (method, path, query, headers) is written as
//! the request arrives, from its headers as they are, since the handler then takes the request;
//! the rest (body, status, ids, params) once it is answered. Nothing is copied into maps of strings
//! first: a create pays for its record on every call, the endpoint that reads records rarely.

use std::borrow::Cow;
use std::collections::BTreeMap;

use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method};
use serde::Serialize;

use crate::state::{Record, RecordedBody};

/// A record whose request is still running: the JSON object up to and including `headers`.
pub(crate) struct RecordHead {
    json: Vec<u8>,
    client_request_id: Option<String>,
}

/// Appends `value` as JSON, as `serde_json` writes it.
fn push<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Strings, numbers and maps of strings always serialize, and a Vec takes any write.
    let _ = serde_json::to_writer(&mut *out, value);
}

impl RecordHead {
    /// `headers` is `None` for a request without a valid token: nothing of a stranger's request is
    /// kept beyond its line.
    pub(crate) fn new(method: &Method, path: &str, query: &str, headers: Option<&HeaderMap>) -> RecordHead {
        let mut json = Vec::with_capacity(1024);
        json.extend_from_slice(b"{\"method\":");
        push(&mut json, method.as_str());
        json.extend_from_slice(b",\"path\":");
        push(&mut json, path);
        json.extend_from_slice(b",\"query\":");
        push(&mut json, query);
        json.extend_from_slice(b",\"headers\":{");
        let mut client_request_id = None;
        if let Some(headers) = headers {
            // An object with the names in order, and a repeated header's values joined with ", " in
            // the order they came (a stable sort keeps it); authorization is never kept.
            let mut pairs: Vec<(&str, Cow<'_, str>)> = headers
                .iter()
                .map(|(name, value)| {
                    let text = if name == AUTHORIZATION { Cow::Borrowed("Bearer [redacted]") } else { String::from_utf8_lossy(value.as_bytes()) };
                    (name.as_str(), text)
                })
                .collect();
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            let mut rest = &pairs[..];
            while let Some((name, first)) = rest.first() {
                let run = rest.iter().take_while(|(n, _)| n == name).count();
                let value = if run == 1 {
                    Cow::Borrowed(first.as_ref())
                } else {
                    Cow::Owned(rest[..run].iter().map(|(_, v)| v.as_ref()).collect::<Vec<_>>().join(", "))
                };
                if *name == "client-request-id" {
                    client_request_id = Some(value.clone().into_owned());
                }
                if rest.len() < pairs.len() {
                    json.push(b',');
                }
                push(&mut json, *name);
                json.push(b':');
                push(&mut json, value.as_ref());
                rest = &rest[run..];
            }
        }
        json.push(b'}');
        RecordHead { json, client_request_id }
    }

    /// The whole record. `body` is `None` for a request without a valid token, or one whose
    /// handler read none.
    pub(crate) fn finish(self, body: Option<&RecordedBody>, status: u16, request_id: &str, params: &BTreeMap<String, String>, received_at: i64) -> Record {
        let RecordHead { mut json, client_request_id } = self;
        let (text, truncated) = match body {
            Some(RecordedBody(bytes, truncated)) => (String::from_utf8_lossy(bytes), *truncated),
            None => (Cow::Borrowed(""), false),
        };
        json.extend_from_slice(b",\"body\":");
        push(&mut json, text.as_ref());
        if truncated {
            json.extend_from_slice(b",\"bodyTruncated\":true");
        }
        json.extend_from_slice(b",\"status\":");
        push(&mut json, &status);
        json.extend_from_slice(b",\"requestId\":");
        push(&mut json, request_id);
        json.extend_from_slice(b",\"params\":");
        push(&mut json, params);
        json.extend_from_slice(b",\"receivedAt\":");
        push(&mut json, &received_at);
        json.push(b'}');
        Record { client_request_id, json }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use bytes::Bytes;
    use serde_json::{json, Value};

    /// The record as it was built before: maps of owned strings, serialized by serde.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Before {
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

    fn before(headers: &HeaderMap, body: &[u8], truncated: bool, params: &BTreeMap<String, String>) -> String {
        let mut kept = BTreeMap::new();
        for (name, value) in headers {
            let text = if name.as_str() == "authorization" { "Bearer [redacted]".to_owned() } else { String::from_utf8_lossy(value.as_bytes()).into_owned() };
            kept.entry(name.as_str().to_owned())
                .and_modify(|v: &mut String| {
                    v.push_str(", ");
                    v.push_str(&text);
                })
                .or_insert(text);
        }
        let record = Before {
            method: "POST".into(),
            path: "/v1.0/planner/tasks".into(),
            query: "a=%20\"".into(),
            headers: kept,
            body: String::from_utf8_lossy(body).into_owned(),
            body_truncated: truncated,
            status: 201,
            request_id: "rid".into(),
            params: params.clone(),
            received_at: 1_796_153_332_834,
        };
        serde_json::to_string(&record).unwrap()
    }

    #[test]
    fn the_same_bytes_as_the_maps_serialized() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer secret"));
        headers.insert("x-b", HeaderValue::from_static("2"));
        headers.append("accept", HeaderValue::from_static("*/*"));
        headers.append("accept", HeaderValue::from_static("text/\"x\"\\"));
        headers.insert("client-request-id", HeaderValue::from_static("c-1"));
        headers.insert("x-bin", HeaderValue::from_bytes(b"\xfftab\there").unwrap());
        headers.append("x-b", HeaderValue::from_static("1"));
        let params = BTreeMap::from([("userId".to_owned(), "a/b\n".to_owned())]);
        for (body, truncated) in [(&b"{\"title\":\"\xe2\x82\"}"[..], true), (b"", false), (b"\x08\x0c\\", false)] {
            let head = RecordHead::new(&Method::POST, "/v1.0/planner/tasks", "a=%20\"", Some(&headers));
            let record = head.finish(Some(&RecordedBody(Bytes::copy_from_slice(body), truncated)), 201, "rid", &params, 1_796_153_332_834);
            assert_eq!(String::from_utf8(record.json).unwrap(), before(&headers, body, truncated, &params));
            assert_eq!(record.client_request_id.as_deref(), Some("c-1"));
        }
    }

    #[test]
    fn a_stranger_keeps_no_headers_and_no_body() {
        let head = RecordHead::new(&Method::GET, "/me", "", None);
        let record = head.finish(None, 401, "rid", &BTreeMap::new(), 5);
        let value: Value = serde_json::from_slice(&record.json).unwrap();
        assert_eq!(
            value,
            json!({"method": "GET", "path": "/me", "query": "", "headers": {}, "body": "", "status": 401, "requestId": "rid", "params": {}, "receivedAt": 5})
        );
        assert_eq!(record.client_request_id, None);
    }
}
