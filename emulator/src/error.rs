//! The emulator's one error type, and Graph's error body.
//!
//! A handler returns a [`GraphError`]; its `IntoResponse` sets the status and headers and leaves the
//! error in the response's extensions. The envelope (`router::envelope`), which knows the request's
//! ids, writes the body `{"error":{"code","message","innerError":{"date","request-id",
//! "client-request-id"}}}`. Responses made by layers (405, 404, 413, …) without a body of Graph's get
//! one there too, so that no error leaves the emulator without Graph's body.

use axum::http::header::{HeaderName, HeaderValue};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use graph_tasks::Problem;

use crate::util::{inner_error_date, now_millis};

/// How many problems a 400 lists; the rest are counted.
pub(crate) const MAX_LISTED_PROBLEMS: usize = 100;

/// An error answered with Graph's body.
#[derive(Clone, Debug)]
pub(crate) struct GraphError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
    /// `error.details` (validation problems).
    pub(crate) details: Option<Value>,
    /// Members added to `innerError` (the throttling body's `code`, `status`, `message`).
    pub(crate) inner: Option<Value>,
    /// Extra response headers.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl GraphError {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> GraphError {
        GraphError { status, code: code.to_owned(), message: message.into(), details: None, inner: None, headers: Vec::new() }
    }

    /// 400 `BadRequest`.
    pub(crate) fn bad_request(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 404 `itemNotFound`.
    pub(crate) fn item_not_found(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::NOT_FOUND, "itemNotFound", message)
    }

    /// 500 `generalException`.
    pub(crate) fn internal(message: impl Into<String>) -> GraphError {
        GraphError::new(StatusCode::INTERNAL_SERVER_ERROR, "generalException", message)
    }

    /// 400 listing validation problems in `message` and `details` (at most [`MAX_LISTED_PROBLEMS`],
    /// then how many more there are).
    pub(crate) fn problems(problems: &[Problem]) -> GraphError {
        let listed = &problems[..problems.len().min(MAX_LISTED_PROBLEMS)];
        let mut message =
            listed.iter().map(|p| if p.field.is_empty() { p.message.clone() } else { format!("{}: {}", p.field, p.message) }).collect::<Vec<_>>().join("; ");
        let more = problems.len() - listed.len();
        if more > 0 {
            message.push_str(&format!("; and {more} more problems"));
        }
        let mut error = GraphError::bad_request(message);
        error.details = Some(listed.iter().map(|p| json!({ "code": "invalidProperty", "target": p.field, "message": p.message })).collect::<Vec<_>>().into());
        error
    }

    /// 429 with the body of Graph's throttling doc.
    pub(crate) fn too_many_requests() -> GraphError {
        let mut error = GraphError::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", "Please retry again later.");
        error.inner = Some(json!({ "code": "429", "status": "429", "message": "Please retry after" }));
        error
    }

    /// Graph's code and message for a status without a reason of its own (faults, layers).
    pub(crate) fn for_status(status: StatusCode) -> GraphError {
        if status == StatusCode::TOO_MANY_REQUESTS {
            return GraphError::too_many_requests();
        }
        let (code, message) = match status.as_u16() {
            400 => ("BadRequest", "The request is invalid."),
            401 => ("InvalidAuthenticationToken", "Access token validation failure."),
            403 => ("accessDenied", "Access denied."),
            404 => ("itemNotFound", "The requested item was not found."),
            405 => ("methodNotAllowed", "The method is not allowed on this resource."),
            408 => ("requestTimeout", "The request was not received in time."),
            409 => ("conflict", "The request conflicts with the current state of the item."),
            412 => ("preconditionFailed", "The precondition in the request does not match."),
            413 => ("requestEntityTooLarge", "The request body is larger than 1 MiB."),
            500 => ("generalException", "An unspecified error occurred."),
            502 => ("badGateway", "The gateway received an invalid response."),
            503 => ("serviceNotAvailable", "The service is temporarily unavailable. Please retry after the time in Retry-After."),
            504 => ("gatewayTimeout", "The gateway timed out waiting for the service."),
            _ => ("httpError", "The service answered with an error."),
        };
        GraphError::new(status, code, message)
    }

    pub(crate) fn with_header(mut self, name: &'static str, value: &str) -> GraphError {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((HeaderName::from_static(name), v));
        }
        self
    }

    /// The body, with the request's ids.
    pub(crate) fn body(&self, request_id: &str, client_request_id: &str) -> Value {
        let mut inner = json!({
            "date": inner_error_date(now_millis() / 1000),
            "request-id": request_id,
            "client-request-id": client_request_id,
        });
        if let (Some(Value::Object(extra)), Some(inner)) = (&self.inner, inner.as_object_mut()) {
            inner.extend(extra.clone());
        }
        let mut error = json!({ "code": self.code, "message": self.message, "innerError": inner });
        if let Some(details) = &self.details {
            error["details"] = details.clone();
        }
        json!({ "error": error })
    }
}

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        for (name, value) in &self.headers {
            resp.headers_mut().insert(name.clone(), value.clone());
        }
        resp.extensions_mut().insert(self);
        resp
    }
}

/// Marks a response whose body must reach the client as it is (a fault's hostile body), even when
/// its status is an error.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawBody;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_100_problems_are_listed() {
        let problems: Vec<Problem> = (0..70_000).map(|i| Problem::new(format!("p{i}"), "is not a property of plannerTask")).collect();
        let error = GraphError::problems(&problems);
        assert_eq!(error.details.as_ref().and_then(Value::as_array).map(Vec::len), Some(100));
        assert!(error.message.ends_with("; and 69900 more problems"), "{}", &error.message[error.message.len() - 60..]);
        assert!(error.body("r", "c").to_string().len() < 20_000);
        let one = GraphError::problems(&problems[..1]);
        assert_eq!(one.message, "p0: is not a property of plannerTask");
    }

    #[test]
    fn throttling_body_has_the_docs_inner_error() {
        let body = GraphError::too_many_requests().body("r", "c");
        assert_eq!(body["error"]["innerError"]["status"], "429");
        assert_eq!(body["error"]["innerError"]["request-id"], "r");
        assert_eq!(body["error"]["code"], "TooManyRequests");
    }
}
