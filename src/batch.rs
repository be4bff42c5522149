//! JSON batching (`POST {base}/$batch`): the envelope of up to 20 requests, and its response matched
//! back to the requests by id.
//!
//! Graph answers the sub-requests in any order, and compares ids without case
//! (concepts/json-batching.md), so responses are matched by id, never by position. The envelope is
//! written as text, with each sub-request's body inserted as the JSON text it already is (the task's
//! snapshot), so that nothing is parsed and serialised twice.

use std::borrow::Cow;

use crate::json::{as_integer, JsonKind, JsonView};
use crate::response::ResponseHeaders;
use crate::text::push_json_string;

/// Graph's limit on requests in one batch.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// One request of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubRequest {
    /// The correlation id, unique in the batch.
    pub id: String,
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// The URL relative to the batch's base (`/planner/tasks`).
    pub url: String,
    /// Headers besides `Content-Type` (which a body gets automatically).
    pub headers: Vec<(&'static str, String)>,
    /// The body as JSON text.
    pub body: Option<String>,
}

/// The `$batch` body for `requests` (at most [`MAX_BATCH_REQUESTS`]; the caller splits).
pub fn batch_body(requests: &[SubRequest]) -> String {
    let mut out = String::from("{\"requests\":[");
    for (i, request) in requests.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        push_json_string(&mut out, &request.id);
        out.push_str(",\"method\":");
        push_json_string(&mut out, request.method);
        out.push_str(",\"url\":");
        push_json_string(&mut out, &request.url);
        out.push_str(",\"headers\":{");
        let mut first = true;
        if request.body.is_some() {
            out.push_str("\"Content-Type\":\"application/json\"");
            first = false;
        }
        for (name, value) in &request.headers {
            if !first {
                out.push(',');
            }
            first = false;
            push_json_string(&mut out, name);
            out.push(':');
            push_json_string(&mut out, value);
        }
        out.push('}');
        if let Some(body) = &request.body {
            out.push_str(",\"body\":");
            out.push_str(body);
        }
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// One response of a batch.
#[derive(Debug)]
pub struct SubResponse<V> {
    /// The id of the request it answers.
    pub id: String,
    /// Its status.
    pub status: u16,
    /// The headers the client reads.
    pub headers: ResponseHeaders,
    /// Its body (Graph sends JSON bodies as JSON values).
    pub body: Option<V>,
}

/// Reads a `$batch` response body: the sub-responses by request index. `ids[i]` is the id request `i`
/// was sent with; a request the response does not answer (or answers twice, or with an id that was
/// never sent) is `None` at its index. `None` overall when the body is not a batch response.
pub fn read_batch_response<V: JsonView>(parsed: &V, ids: &[String]) -> Option<Vec<Option<SubResponse<V>>>> {
    if parsed.kind() != JsonKind::Object {
        return None;
    }
    let responses = parsed.get("responses")?;
    if responses.kind() != JsonKind::Array {
        return None;
    }
    let mut out: Vec<Option<SubResponse<V>>> = ids.iter().map(|_| None).collect();
    let mut seen = vec![0u8; ids.len()];
    for item in responses.items() {
        let Some(id) = item.get("id").and_then(|v| v.as_str().map(Cow::into_owned)) else { continue };
        let Some(index) = ids.iter().position(|sent| sent.eq_ignore_ascii_case(&id)) else { continue };
        let Some(status) = item.get("status").as_ref().and_then(as_integer).filter(|s| (100..=599).contains(s)) else {
            continue;
        };
        let headers = item.get("headers");
        let header = |name: &str| -> Option<String> {
            let headers = headers.as_ref()?;
            headers
                .members()
                .into_iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .and_then(|(_, value)| value.as_str().map(Cow::into_owned))
        };
        let response = SubResponse {
            id,
            status: status as u16,
            headers: ResponseHeaders::read(header),
            body: item.get("body").filter(|b| b.kind() != JsonKind::Null),
        };
        if let (Some(slot), Some(count)) = (out.get_mut(index), seen.get_mut(index)) {
            *count = count.saturating_add(1);
            *slot = Some(response);
        }
    }
    // An id answered twice is not an answer one can trust.
    for (slot, count) in out.iter_mut().zip(&seen) {
        if *count > 1 {
            *slot = None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn the_envelope_is_json_with_bodies_inserted_as_they_are() {
        let requests = vec![
            SubRequest {
                id: "0".into(),
                method: "POST",
                url: "/planner/tasks".into(),
                headers: vec![("client-request-id", "c\"1".into())],
                body: Some(r#"{"planId":"p","title":"a \"b\""}"#.into()),
            },
            SubRequest { id: "1".into(), method: "GET", url: "/me".into(), headers: vec![], body: None },
        ];
        let text = batch_body(&requests);
        let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(
            parsed,
            json!({ "requests": [
                { "id": "0", "method": "POST", "url": "/planner/tasks",
                  "headers": { "Content-Type": "application/json", "client-request-id": "c\"1" },
                  "body": { "planId": "p", "title": "a \"b\"" } },
                { "id": "1", "method": "GET", "url": "/me", "headers": {} }
            ]})
        );
    }

    #[test]
    fn responses_are_matched_by_id_without_case_in_any_order() {
        let body = json!({ "responses": [
            { "id": "B", "status": 429, "headers": { "Retry-After": "2.5" }, "body": { "error": { "code": "TooManyRequests" } } },
            { "id": "a", "status": 201, "body": { "id": "t1" } },
            { "id": "zz", "status": 201, "body": { "id": "stray" } },
            { "id": "c", "status": "bad" },
            { "id": "d", "status": 201 },
            { "id": "D", "status": 500 }
        ]});
        let ids: Vec<String> = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
        let out = read_batch_response(&&body, &ids).unwrap();
        assert_eq!(out[0].as_ref().unwrap().status, 201);
        assert_eq!(out[0].as_ref().unwrap().body.unwrap()["id"], "t1");
        assert_eq!(out[1].as_ref().unwrap().status, 429);
        assert_eq!(out[1].as_ref().unwrap().headers.retry_after.as_deref(), Some("2.5"));
        assert!(out[2].is_none(), "a status that is not a number");
        assert!(out[3].is_none(), "answered twice");
        assert!(out[4].is_none(), "not answered");
        assert!(read_batch_response(&&json!({ "value": [] }), &ids).is_none());
        assert!(read_batch_response(&&json!([1]), &ids).is_none());
    }
}
