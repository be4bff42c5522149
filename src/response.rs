//! From status, headers and body to a task or an [`Error`].

use crate::contract::ClientCode;
use crate::error::{Error, ErrorKind, Problem};
use crate::json::{JsonKind, JsonView};
use crate::retry::parse_retry_after;
use crate::schema::Resource;
use crate::validate::{check_type, Strictness};

/// The largest response body this client reads (1 MiB). A task is a few kilobytes; anything near this
/// size is not a task, and reading it whole could exhaust a browser tab's memory.
pub const MAX_RESPONSE_BYTES: usize = 1 << 20;

/// The response headers this client reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseHeaders {
    /// `request-id`.
    pub request_id: Option<String>,
    /// `client-request-id`.
    pub client_request_id: Option<String>,
    /// `Date`.
    pub date: Option<String>,
    /// `Retry-After`.
    pub retry_after: Option<String>,
}

impl ResponseHeaders {
    /// Reads the headers through `get` (a case-insensitive lookup by name).
    pub fn read(mut get: impl FnMut(&str) -> Option<String>) -> Self {
        ResponseHeaders {
            request_id: get("request-id"),
            client_request_id: get("client-request-id"),
            date: get("date"),
            retry_after: get("retry-after"),
        }
    }
}

/// The result of a create: `Ok(())` when `parsed` is the created task, which the caller hands back
/// as it is (every property kept, unknown ones too).
///
/// * `status`: as received; `headers` reads the headers, only when an error needs them.
/// * `parsed`: the body parsed as JSON, `None` when it is not JSON.
/// * `sent_client_request_id`: the `client-request-id` the request carried.
/// * `now_ms`: the clock, for a `Retry-After` given as a date.
pub fn read_create_response<V: JsonView>(
    status: u16,
    headers: impl FnOnce() -> ResponseHeaders,
    parsed: Option<&V>,
    resource: Resource,
    sent_client_request_id: &str,
    now_ms: i64,
) -> Result<(), Error> {
    let mut error = if status == 201 {
        match check_created_task(parsed, resource) {
            Ok(()) => return Ok(()),
            Err(e) => e.with_may_have_been_created(true),
        }
    } else if (300..400).contains(&status) {
        redirect_refused(status)
    } else if (200..300).contains(&status) {
        let mut e = Error::invalid_response(
            ClientCode::UnexpectedStatus,
            "A create must answer 201 Created; the task may or may not exist",
        )
        .with_may_have_been_created(true);
        e.status = Some(status);
        e
    } else {
        http_error(status, parsed)
    };
    fill_from_headers(&mut error, &headers(), sent_client_request_id, now_ms);
    Err(error)
}

fn redirect_refused(status: u16) -> Error {
    let mut e = Error::new(
        ErrorKind::Http,
        "The service answered with a redirect, which is not followed: it could carry the bearer token to another origin",
    )
    .with_code(ClientCode::RedirectRefused);
    e.status = Some(status);
    e
}

/// Fills what the error body lacked from the response headers.
fn fill_from_headers(error: &mut Error, headers: &ResponseHeaders, sent_client_request_id: &str, now_ms: i64) {
    error.request_id = error.request_id.take().or_else(|| headers.request_id.clone());
    error.client_request_id = headers
        .client_request_id
        .clone()
        .or_else(|| error.client_request_id.take())
        .or_else(|| Some(sent_client_request_id.to_owned()));
    error.date = error.date.take().or_else(|| headers.date.clone());
    error.retry_after_ms = headers.retry_after.as_deref().and_then(|v| parse_retry_after(v, now_ms));
}

/// The answer to a read (a GET) or a delete: `Ok` for one of the `ok` statuses, with a JSON object
/// body unless it is `204 No Content`; otherwise the error, read as a create's is (code, message,
/// request id, `Retry-After`), but never "may have been created": a read or a delete creates nothing.
pub fn read_plain_response<V: JsonView>(
    status: u16,
    headers: impl FnOnce() -> ResponseHeaders,
    parsed: Option<&V>,
    ok: &[u16],
    sent_client_request_id: &str,
    now_ms: i64,
) -> Result<(), Error> {
    let mut error = if ok.contains(&status) {
        if status == 204 || parsed.is_some_and(|p| p.kind() == JsonKind::Object) {
            return Ok(());
        }
        let mut e = Error::invalid_response(ClientCode::BodyNotJson, "The service's answer is not a JSON object");
        e.status = Some(status);
        e
    } else if (300..400).contains(&status) {
        redirect_refused(status)
    } else {
        let mut e = http_error(status, parsed);
        e.may_have_been_created = false;
        e
    };
    fill_from_headers(&mut error, &headers(), sent_client_request_id, now_ms);
    Err(error)
}

/// Checks that a 201 body is a task of `resource`: an object with an `id`, whose known properties have
/// the types the metadata gives. Values the service adds later (new enum members, new properties) pass.
pub fn check_created_task<V: JsonView>(parsed: Option<&V>, resource: Resource) -> Result<(), Error> {
    let Some(task) = parsed else {
        return Err(Error::invalid_response(
            ClientCode::BodyNotJson,
            "The service answered 201 Created, but the body is not JSON",
        ));
    };
    if task.kind() != JsonKind::Object {
        return Err(Error::invalid_response(
            ClientCode::NotATask,
            "The service answered 201 Created, but the body is not a JSON object",
        ));
    }
    if task.get("id").is_none() && task.get("error").is_some() {
        return Err(Error::invalid_response(
            ClientCode::ErrorBodyWithSuccess,
            "The service answered 201 Created with an error body",
        ));
    }
    match task.get("id") {
        Some(id) if id.as_str().is_some_and(|s| !s.is_empty()) => {}
        _ => {
            return Err(Error::invalid_response(
                ClientCode::NotATask,
                "The service answered 201 Created, but the body has no task id",
            ))
        }
    }
    let mut problems = Vec::new();
    for (name, value) in task.members() {
        if let Some(field) = resource.field(&name) {
            if value.kind() != JsonKind::Null {
                check_type(&value, field.ty, &name, Strictness::Response, resource, &mut problems);
            }
        }
    }
    match problems.first() {
        None => Ok(()),
        Some(first) => {
            let mut m = String::from("The service answered 201 Created, but the task has the wrong shape: ");
            m.push_str(&first.field);
            m.push(' ');
            m.push_str(&first.message);
            let mut e = Error::invalid_response(ClientCode::WrongShape, m);
            e.problems = problems;
            Err(e)
        }
    }
}

fn str_member<V: JsonView>(object: &V, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| object.get(n).and_then(|v| v.as_str().map(|s| s.into_owned())))
}

/// An HTTP error from Graph's error body (`{"error":{"code","message","innerError":{...}}}`), or from
/// the status alone when the body is not one.
fn http_error<V: JsonView>(status: u16, parsed: Option<&V>) -> Error {
    let envelope = parsed.and_then(|p| p.get("error")).filter(|e| e.kind() == JsonKind::Object);
    let mut e = Error::new(ErrorKind::Http, default_message(status));
    e.status = Some(status);
    // 500, 502 and 504 can arrive after the service stored the task (a gateway timing out on a slow
    // commit, say); 429, 503 and the other 4xx mean it did not act.
    e.may_have_been_created = matches!(status, 500 | 502 | 504);
    if let Some(envelope) = envelope {
        e.code = str_member(&envelope, &["code"]);
        if let Some(message) = str_member(&envelope, &["message"]) {
            if !message.is_empty() {
                e.message = message;
            }
        }
        // Concrete examples write `innerError`; the schema block writes `innererror` (facts.md §5).
        if let Some(inner) =
            envelope.get("innerError").or_else(|| envelope.get("innererror")).filter(|i| i.kind() == JsonKind::Object)
        {
            e.inner_code = str_member(&inner, &["code"]);
            e.request_id = str_member(&inner, &["request-id", "requestId"]);
            e.client_request_id = str_member(&inner, &["client-request-id"]);
            e.date = str_member(&inner, &["date"]);
        }
        // `details` (errors.md) lists one error per offending property; they become `problems`.
        if let Some(details) = envelope.get("details") {
            for detail in details.items() {
                let message = str_member(&detail, &["message"]).unwrap_or_default();
                let field = str_member(&detail, &["target"]).unwrap_or_default();
                if !message.is_empty() || !field.is_empty() {
                    e.problems.push(Problem::new(field, message));
                }
            }
        }
    }
    if e.code.is_none() {
        e.code = Some(status_code_name(status).to_owned());
    }
    e
}

fn default_message(status: u16) -> String {
    let mut m = String::from("The service answered HTTP ");
    crate::text::push_decimal(&mut m, u64::from(status));
    m
}

/// A code for an error body without one, in Graph's camelCase style.
fn status_code_name(status: u16) -> &'static str {
    match status {
        400 => "badRequest",
        401 => "unauthenticated",
        403 => "accessDenied",
        404 => "itemNotFound",
        405 => "methodNotAllowed",
        409 => "conflict",
        412 => "preconditionFailed",
        413 => "requestEntityTooLarge",
        415 => "unsupportedMediaType",
        429 => "tooManyRequests",
        500 => "generalException",
        502 => "badGateway",
        503 => "serviceNotAvailable",
        504 => "gatewayTimeout",
        _ => "httpError",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn read(status: u16, headers: &ResponseHeaders, body: &str) -> Result<(), Error> {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        read_create_response(status, || headers.clone(), parsed.as_ref().as_ref(), Resource::PlannerTask, "sent-id", 0)
            .map_err(|e| e.with_body(body))
    }

    #[test]
    fn reads_and_deletes() {
        let h = ResponseHeaders { retry_after: Some("3".into()), ..ResponseHeaders::default() };
        let ok: Value = json!({ "value": [] });
        assert_eq!(read_plain_response(200, || h.clone(), Some(&&ok), &[200], "c", 0), Ok(()));
        let none: Option<&Value> = None;
        assert_eq!(read_plain_response(204, || h.clone(), none.as_ref(), &[204], "c", 0), Ok(()));
        let e = read_plain_response(200, || h.clone(), Some(&&json!([1])), &[200], "c", 0).unwrap_err();
        assert_eq!(e.code.as_deref(), Some("bodyNotJson"));
        let e = read_plain_response(504, || h.clone(), Some(&&json!({})), &[200], "c", 0).unwrap_err();
        assert!(!e.may_have_been_created, "a read creates nothing");
        assert_eq!(e.retry_after_ms, Some(3000));
        let e = read_plain_response(
            404,
            || h.clone(),
            Some(&&json!({ "error": { "code": "Request_ResourceNotFound" } })),
            &[200],
            "c",
            0,
        )
        .unwrap_err();
        assert_eq!((e.status, e.code.as_deref()), (Some(404), Some("Request_ResourceNotFound")));
    }

    #[test]
    fn official_response_is_a_task() {
        let body = include_str!("../tests/fixtures/example-create-response.json");
        assert_eq!(read(201, &ResponseHeaders::default(), body), Ok(()));
    }

    #[test]
    fn every_documented_error_example() {
        let examples: Value = serde_json::from_str(include_str!("../tests/fixtures/error-examples.json")).unwrap();
        for example in examples["examples"].as_array().unwrap() {
            let body = example["body_text"].as_str().unwrap();
            let status = example["status"].as_u64().unwrap_or(400) as u16;
            let mut headers = ResponseHeaders::default();
            if let Some(ra) = example["headers"]["Retry-After"].as_str() {
                headers.retry_after = Some(ra.to_owned());
            }
            let e = read(status, &headers, body).unwrap_err();
            let error = &example["body"]["error"];
            assert_eq!(e.kind, ErrorKind::Http);
            assert_eq!(e.status, Some(status));
            assert_eq!(e.code.as_deref(), error["code"].as_str(), "{}", example["id"]);
            assert_eq!(e.message, error["message"].as_str().unwrap(), "{}", example["id"]);
            let inner = if error["innerError"].is_object() { &error["innerError"] } else { &error["innererror"] };
            assert_eq!(e.inner_code.as_deref(), inner["code"].as_str());
            assert_eq!(e.request_id.as_deref(), inner["request-id"].as_str().or(inner["requestId"].as_str()));
            assert_eq!(e.date.as_deref(), inner["date"].as_str());
            assert_eq!(e.body.as_deref(), Some(body));
            let expected_client_id = inner["client-request-id"].as_str().unwrap_or("sent-id");
            assert_eq!(e.client_request_id.as_deref(), Some(expected_client_id));
        }
    }

    #[test]
    fn details_become_problems() {
        let body = r#"{"error":{"code":"BadRequest","message":"m","details":[{"code":"invalidProperty","target":"title","message":"is required"},{"code":"x"},"junk"]}}"#;
        let e = read(400, &ResponseHeaders::default(), body).unwrap_err();
        assert_eq!(e.problems, vec![Problem::new("title", "is required")]);
    }

    #[test]
    fn throttling_example_carries_retry_after() {
        let headers = ResponseHeaders { retry_after: Some("2.128".into()), ..Default::default() };
        let e = read(429, &headers, r#"{"error":{"code":"TooManyRequests","message":"Please retry again later."}}"#)
            .unwrap_err();
        assert_eq!(e.retry_after_ms, Some(2128));
        assert!(!e.may_have_been_created);
    }

    #[test]
    fn headers_fill_what_the_body_lacks() {
        let headers = ResponseHeaders {
            request_id: Some("rid".into()),
            client_request_id: Some("cid".into()),
            date: Some("Sat, 28 Nov 2026 10:00:00 GMT".into()),
            retry_after: None,
        };
        let e = read(404, &headers, "").unwrap_err();
        assert_eq!(e.code.as_deref(), Some("itemNotFound"));
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        assert_eq!(e.client_request_id.as_deref(), Some("cid"));
        assert_eq!(e.date.as_deref(), Some("Sat, 28 Nov 2026 10:00:00 GMT"));
        assert_eq!(e.body, None);
    }

    #[test]
    fn hostile_error_bodies_never_panic() {
        for body in [
            "",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            r#"{"error":{"code":"x","mess"#,
            r#"{"error":"string"}"#,
            r#"{"error":{"code":5,"message":[],"innerError":"x"}}"#,
            r#"[1,2,3]"#,
            "null",
        ] {
            let e = read(502, &ResponseHeaders::default(), body).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Http);
            assert_eq!(e.code.as_deref(), Some("badGateway"));
            assert!(e.may_have_been_created);
        }
    }

    #[test]
    fn bad_success_bodies_are_invalid_responses() {
        let cases = [
            ("", "bodyNotJson"),
            ("<html>ok</html>", "bodyNotJson"),
            (r#"{"id":"abc","title":"cut"#, "bodyNotJson"),
            ("[]", "notATask"),
            ("\"task\"", "notATask"),
            (r#"{"title":"no id"}"#, "notATask"),
            (r#"{"id":""}"#, "notATask"),
            (r#"{"id":7}"#, "notATask"),
            (r#"{"error":{"code":"x","message":"y"}}"#, "errorBodyWithSuccess"),
            (r#"{"id":"a","priority":"high"}"#, "wrongShape"),
            (r#"{"id":"a","assignments":[]}"#, "wrongShape"),
            (r#"{"id":"a","appliedCategories":{"category1":"yes"}}"#, "wrongShape"),
            (r#"{"id":"a","createdBy":"me"}"#, "wrongShape"),
            (r#"{"id":"a","createdDateTime":12}"#, "wrongShape"),
        ];
        for (body, code) in cases {
            let e = read(201, &ResponseHeaders::default(), body).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidResponse, "{body}");
            assert_eq!(e.code.as_deref(), Some(code), "{body}");
            assert!(e.may_have_been_created, "{body}");
        }
    }

    #[test]
    fn values_added_later_still_read() {
        let body = json!({ "id": "a", "previewType": "someNewKind", "newProperty": { "x": 1 }, "dueDateTime": null })
            .to_string();
        assert_eq!(read(201, &ResponseHeaders::default(), &body), Ok(()));
    }

    #[test]
    fn redirects_are_refused() {
        for status in [301, 302, 303, 307, 308] {
            let e = read(status, &ResponseHeaders::default(), "").unwrap_err();
            assert_eq!(e.kind, ErrorKind::Http);
            assert_eq!(e.code.as_deref(), Some("redirectRefused"));
        }
    }

    #[test]
    fn other_success_statuses() {
        let e = read(200, &ResponseHeaders::default(), r#"{"id":"a"}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidResponse);
        assert!(e.may_have_been_created);
    }
}
