//! The one error type of the crate. The JS face maps it once to `GraphError`.

use std::fmt;

use crate::contract::ClientCode;

/// What kind of failure an [`Error`] is; JS sees the same names in `GraphError.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The service answered with an HTTP error status (or a redirect, which is never followed).
    Http,
    /// The request could not be sent or its response could not be read.
    Network,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// An attempt ran past `timeoutMs`.
    Timeout,
    /// The task was refused before any request was sent; see [`Error::problems`].
    Validation,
    /// The service answered 201 with something that is not a task, or with an unreadable body.
    InvalidResponse,
    /// The options cannot work (no token, a plain-http base URL, a missing `userId`, ...).
    Config,
}

impl ErrorKind {
    /// The name JS branches on.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Http => "http",
            ErrorKind::Network => "network",
            ErrorKind::Aborted => "aborted",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Validation => "validation",
            ErrorKind::InvalidResponse => "invalidResponse",
            ErrorKind::Config => "config",
        }
    }
}

/// Which part of a `createTask` failed; JS sees the same names in `GraphError.step`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Step {
    /// Everything up to and including the create: the task does not exist (unless
    /// [`Error::may_have_been_created`] says it may).
    #[default]
    Create,
    /// Setting the task's details after the create: the task exists, and [`Error::task`] holds it.
    Details,
}

impl Step {
    /// The name JS branches on.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Create => "create",
            Step::Details => "details",
        }
    }
}

/// One reason a task was refused by validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The property path, e.g. `priority` or `assignments.<user id>.orderHint`.
    pub field: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl Problem {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { field: field.into(), message: message.into() }
    }
}

/// A failed `createTask`: everything the caller may branch on, and nothing secret.
///
/// No field ever holds the bearer token: messages are built from static text, the service's error
/// body, and the caller's own task.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// The kind of failure.
    pub kind: ErrorKind,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// `error.code` from Graph's error body, or this client's own code for local failures.
    pub code: Option<String>,
    /// A human-readable explanation.
    pub message: String,
    /// `error.innerError.code`, when present.
    pub inner_code: Option<String>,
    /// The service's `request-id` (header, else `innerError`).
    pub request_id: Option<String>,
    /// The `client-request-id` this request was sent with (or the service echoed).
    pub client_request_id: Option<String>,
    /// `innerError.date`, else the `Date` header.
    pub date: Option<String>,
    /// How long the service asked the client to wait, from `Retry-After`.
    pub retry_after_ms: Option<u64>,
    /// True when the request may have reached the service, so the task may exist although this call
    /// failed. Such a create is never re-sent automatically.
    pub may_have_been_created: bool,
    /// The validation problems, all of them.
    pub problems: Vec<Problem>,
    /// The raw response body text, when there was one.
    pub body: Option<String>,
    /// Which part of the call failed.
    pub step: Step,
    /// When the task was created but a later step failed: the created task, as the JSON text the
    /// create answered with.
    pub task: Option<String>,
}

impl Error {
    /// A bare error of `kind` with a message; the other fields empty.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            status: None,
            code: None,
            message: message.into(),
            inner_code: None,
            request_id: None,
            client_request_id: None,
            date: None,
            retry_after_ms: None,
            may_have_been_created: false,
            problems: Vec::new(),
            body: None,
            step: Step::Create,
            task: None,
        }
    }

    /// A `config` error with this client's own `code`.
    pub fn config(code: ClientCode, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message).with_code(code)
    }

    /// An `invalidResponse` error with this client's own `code`.
    pub fn invalid_response(code: ClientCode, message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidResponse, message).with_code(code)
    }

    /// A `validation` error that lists every problem.
    pub fn validation(problems: Vec<Problem>) -> Self {
        let mut message = String::from("The task was not sent: ");
        for (i, p) in problems.iter().enumerate() {
            if i > 0 {
                message.push_str("; ");
            }
            message.push_str(&p.field);
            message.push_str(": ");
            message.push_str(&p.message);
        }
        let mut e = Error::new(ErrorKind::Validation, message).with_code(ClientCode::InvalidTask);
        e.problems = problems;
        e
    }

    /// Sets `code` to one of this client's own codes.
    pub fn with_code(mut self, code: ClientCode) -> Self {
        self.code = Some(code.as_str().to_owned());
        self
    }

    /// Attaches the raw response body (none when it is empty).
    pub fn with_body(mut self, body: impl Into<String>) -> Self {
        let body = body.into();
        self.body = (!body.is_empty()).then_some(body);
        self
    }

    /// Sets `mayHaveBeenCreated`.
    pub fn with_may_have_been_created(mut self, yes: bool) -> Self {
        self.may_have_been_created = yes;
        self
    }
}

impl Error {
    /// This error as the failure of the details step of a create that made `task_json` (the create's
    /// answer) with id `task_id`: `step` becomes `details`, `task` holds the task, the message says the
    /// task exists and what did not happen, and `mayHaveBeenCreated` is true, since it was.
    pub fn in_details_step(mut self, task_json: impl Into<String>, task_id: &str) -> Self {
        let mut message = String::from("The task ");
        message.push_str(task_id);
        message.push_str(" was created, but its details (description, checklist, references) were not set: ");
        message.push_str(&self.message);
        self.message = message;
        self.step = Step::Details;
        self.task = Some(task_json.into());
        self.may_have_been_created = true;
        self
    }

    /// The created task of a partial failure ([`Error::task`]), read into the Rust model; `None` when
    /// the task was not created or its JSON does not fit the model.
    pub fn created_task(&self) -> Option<crate::model::PlannerTask> {
        serde_json::from_str(self.task.as_deref()?).ok()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// Replaces every whole occurrence of `secret`, raw or JSON-escaped, with `[redacted]`
    /// ([`crate::text::redact_token`]).
    ///
    /// A hostile or buggy server can echo the bearer token in its error body; this keeps it out of
    /// everything the caller might log. `code` and `innerCode` are never changed: a token is never an
    /// error code, and a short token must not turn `TooManyRequests` into something else.
    pub fn redact(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        // A token this short also stands whole in ordinary text ("t" in "aren't"): replacing it would
        // garble the service's words, so a text that holds it is withheld whole instead.
        let too_short = secret.len() < MIN_REDACTABLE_TOKEN;
        let scrub = |text: &mut String| {
            if let Some(redacted) = crate::text::redact_token(text, secret, "[redacted]") {
                *text = if too_short { String::from(WITHHELD) } else { redacted };
            }
        };
        scrub(&mut self.message);
        for text in
            [&mut self.request_id, &mut self.client_request_id, &mut self.date, &mut self.body].into_iter().flatten()
        {
            scrub(text);
        }
        // `task` is JSON that the JS face parses: withheld as a whole rather than made invalid.
        if let Some(task) = &mut self.task {
            if let Some(redacted) = crate::text::redact_token(task, secret, "[redacted]") {
                if too_short {
                    self.task = None;
                } else {
                    *task = redacted;
                }
            }
        }
        for p in &mut self.problems {
            scrub(&mut p.field);
            scrub(&mut p.message);
        }
    }
}

/// Tokens shorter than this are not replaced inside a text but withhold it (see [`Error::redact`]).
pub const MIN_REDACTABLE_TOKEN: usize = 6;

/// What stands in place of a text that held a token too short to redact.
pub const WITHHELD: &str = "[withheld: this text contains the access token]";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_the_token_everywhere() {
        let mut e = Error::new(ErrorKind::Http, "bad token tok123");
        e.body = Some("{\"echo\":\"Bearer tok123\"}".into());
        e.problems.push(Problem::new("tok123", "tok123"));
        e.redact("tok123");
        let all = format!("{e:?}");
        assert!(!all.contains("tok123"), "{all}");
        assert_eq!(e.body.as_deref(), Some("{\"echo\":\"Bearer [redacted]\"}"));
    }

    #[test]
    fn a_failed_details_step_says_the_task_exists() {
        let mut e = Error::new(ErrorKind::Http, "Too many checklist items");
        e.status = Some(403);
        assert_eq!(e.step, Step::Create);
        let task = r#"{"id":"01gzSlKkIUSUl6DF_EilrmQAKDhh","title":"t"}"#;
        let e = e.in_details_step(task, "01gzSlKkIUSUl6DF_EilrmQAKDhh");
        assert_eq!(e.step.as_str(), "details");
        assert_eq!(e.status, Some(403));
        assert!(e.may_have_been_created);
        assert_eq!(
            e.message,
            "The task 01gzSlKkIUSUl6DF_EilrmQAKDhh was created, but its details (description, checklist, references) were not set: Too many checklist items"
        );
        assert_eq!(e.created_task().and_then(|t| t.title).as_deref(), Some("t"));
        assert_eq!(Error::new(ErrorKind::Http, "x").created_task(), None);
    }

    #[test]
    fn a_short_token_leaves_the_code_and_is_redacted_raw_and_escaped() {
        let mut e = Error::new(ErrorKind::Http, "Request");
        e.code = Some("TooManyRequests".into());
        e.inner_code = Some("Request".into());
        e.body = Some(r#"{"error":{"code":"TooManyRequests","message":"Request \u0052equest"}}"#.into());
        e.redact("Request");
        assert_eq!(e.code.as_deref(), Some("TooManyRequests"));
        assert_eq!(e.inner_code.as_deref(), Some("Request"));
        assert_eq!(e.message, "[redacted]");
        assert_eq!(
            e.body.as_deref(),
            Some(r#"{"error":{"code":"TooManyRequests","message":"[redacted] [redacted]"}}"#)
        );
    }

    #[test]
    fn a_token_too_short_to_redact_withholds_the_text_that_holds_it() {
        let mut e = Error::new(ErrorKind::Http, "tasks that aren't completed");
        e.body = Some(r#"{"error":{"message":"tasks that aren't completed"}}"#.into());
        e.code = Some("t".into());
        e.request_id = Some("rid".into());
        e.redact("t");
        assert_eq!(e.message, WITHHELD);
        assert_eq!(e.body.as_deref(), Some(WITHHELD));
        assert_eq!(e.code.as_deref(), Some("t"), "codes are never changed");
        assert_eq!(e.request_id.as_deref(), Some("rid"), "a text without the token is kept");
    }

    #[test]
    fn validation_message_lists_every_problem() {
        let e = Error::validation(vec![
            Problem::new("title", "is required"),
            Problem::new("priority", "must be between 0 and 10"),
        ]);
        assert_eq!(e.kind, ErrorKind::Validation);
        assert_eq!(e.message, "The task was not sent: title: is required; priority: must be between 0 and 10");
        assert_eq!(e.problems.len(), 2);
    }
}
