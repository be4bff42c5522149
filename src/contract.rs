//! The JS contract, written once: this client's own error codes, `GraphError`'s fields and the option
//! names. The wasm face reads options and fills `GraphError` from these tables, and
//! `tests/js_contract.rs` fails when `pkg-template/index.d.ts` or the npm README disagree with them.

use crate::error::{Error, ErrorKind};
use crate::request::Endpoint;

macro_rules! client_codes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// This client's own `GraphError.code` values, for failures that are not Graph's error body.
        /// Graph's own codes (`error.code` of an error response) pass through as the service sent them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ClientCode {
            $($(#[$doc])* $variant,)*
        }

        impl ClientCode {
            /// Every code, in the order the npm README lists them.
            pub const ALL: &'static [ClientCode] = &[$(ClientCode::$variant,)*];

            /// The name JS sees in `GraphError.code`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ClientCode::$variant => $name,)*
                }
            }
        }
    };
}

client_codes! {
    /// The task broke a documented rule (kind `validation`).
    InvalidTask => "invalidTask",
    /// Neither `accessToken` nor `getAccessToken`, or an empty token.
    MissingToken => "missingToken",
    /// The token holds characters a bearer token cannot have.
    InvalidToken => "invalidToken",
    /// `getAccessToken` threw, rejected, or gave something other than a string.
    TokenProviderFailed => "tokenProviderFailed",
    /// An option of the wrong type or range.
    InvalidOption => "invalidOption",
    /// Endpoint `"user"` without a `userId`.
    MissingUserId => "missingUserId",
    /// A `userId` that cannot be one path segment (`.` or `..`).
    InvalidUserId => "invalidUserId",
    /// An `endpoint` name that does not exist.
    UnknownEndpoint => "unknownEndpoint",
    /// A task of one endpoint family sent to the other.
    WrongEndpoint => "wrongEndpoint",
    /// `http:` to a host that is not loopback: the token would travel in the clear.
    InsecureBaseUrl => "insecureBaseUrl",
    /// A base URL that cannot be parsed, or carries user info, a query or a fragment.
    InvalidBaseUrl => "invalidBaseUrl",
    /// A header value (`workbookSessionId`, `clientRequestId`) that cannot be sent.
    InvalidHeader => "invalidHeader",
    /// The task cannot be read as JSON data (it threw while being read, or is not plain data).
    UnserializableTask => "unserializableTask",
    /// The JavaScript environment refused a call the client needs (`fetch`, timers, `AbortSignal`).
    BrokenEnvironment => "brokenEnvironment",
    /// The service answered with a redirect, which is never followed.
    RedirectRefused => "redirectRefused",
    /// An attempt ran past `timeoutMs`.
    Timeout => "timeout",
    /// The caller's signal fired.
    Aborted => "aborted",
    /// The request could not be sent or its response not read.
    NetworkError => "networkError",
    /// A 2xx answer other than 201 to a create.
    UnexpectedStatus => "unexpectedStatus",
    /// A 201 whose body is not JSON.
    BodyNotJson => "bodyNotJson",
    /// A response body past the 1 MiB the client reads.
    BodyTooLarge => "bodyTooLarge",
    /// A 201 whose body is not a task.
    NotATask => "notATask",
    /// A 201 whose body is Graph's error body.
    ErrorBodyWithSuccess => "errorBodyWithSuccess",
    /// A 201 whose task, or a task or details read after it, has properties of the wrong type.
    WrongShape => "wrongShape",
    /// The task's details came without an `@odata.etag`, or with one that cannot be sent as `If-Match`.
    NoEtag => "noEtag",
    /// The answer to reading or updating the task's details is not a details object.
    NotDetails => "notDetails",
    /// A list's `@odata.nextLink` leads to another origin than `baseUrl`: it is not followed.
    ForeignNextLink => "foreignNextLink",
}

/// Every `GraphError.kind`, in the order the README lists them.
pub const ERROR_KINDS: &[ErrorKind] = &[
    ErrorKind::Http,
    ErrorKind::Network,
    ErrorKind::Aborted,
    ErrorKind::Timeout,
    ErrorKind::Validation,
    ErrorKind::InvalidResponse,
    ErrorKind::Config,
];

/// One field of a `GraphError`, as the wasm face sets it on the JS object.
#[derive(Debug)]
pub enum FieldValue<'a> {
    /// A string, or `undefined`.
    Str(Option<&'a str>),
    /// A number, or `undefined`.
    Number(Option<f64>),
    /// A boolean.
    Bool(bool),
    /// `problems`: an array of `{ field, message }`.
    Problems(&'a [crate::error::Problem]),
    /// JSON text, set as the value it parses to, or `undefined`.
    Json(Option<&'a str>),
}

/// `GraphError`'s own fields (besides `Error`'s `name` and `message`), in declaration order, each with
/// its value for `error`. This is the one list: the wasm face sets exactly these.
pub fn graph_error_fields(error: &Error) -> [(&'static str, FieldValue<'_>); 13] {
    use FieldValue::*;
    [
        ("kind", Str(Some(error.kind.as_str()))),
        ("status", Number(error.status.map(f64::from))),
        ("code", Str(error.code.as_deref())),
        ("innerCode", Str(error.inner_code.as_deref())),
        ("requestId", Str(error.request_id.as_deref())),
        ("clientRequestId", Str(error.client_request_id.as_deref())),
        ("date", Str(error.date.as_deref())),
        ("retryAfterMs", Number(error.retry_after_ms.map(|ms| ms as f64))),
        ("mayHaveBeenCreated", Bool(error.may_have_been_created)),
        ("problems", Problems(&error.problems)),
        ("body", Str(error.body.as_deref())),
        ("step", Str(Some(error.step.as_str()))),
        ("task", Json(error.task.as_deref())),
    ]
}

/// The names of [`graph_error_fields`], for the contract test.
pub fn graph_error_field_names() -> Vec<&'static str> {
    graph_error_fields(&Error::new(ErrorKind::Http, "")).iter().map(|(name, _)| *name).collect()
}

/// The option names `createTask` reads, exactly as JS spells them.
pub mod option {
    /// The bearer token.
    pub const ACCESS_TOKEN: &str = "accessToken";
    /// A function that returns the bearer token (or a promise of it).
    pub const GET_ACCESS_TOKEN: &str = "getAccessToken";
    /// `"planner"`, `"me"`, `"user"` or `"createdByUser"`.
    pub const ENDPOINT: &str = "endpoint";
    /// The user of endpoint `"user"`.
    pub const USER_ID: &str = "userId";
    /// The Graph base URL.
    pub const BASE_URL: &str = "baseUrl";
    /// Sent as `Workbook-Session-Id`.
    pub const WORKBOOK_SESSION_ID: &str = "workbookSessionId";
    /// Sent as `client-request-id`.
    pub const CLIENT_REQUEST_ID: &str = "clientRequestId";
    /// An `AbortSignal`.
    pub const SIGNAL: &str = "signal";
    /// The bound of each attempt, in ms.
    pub const TIMEOUT_MS: &str = "timeoutMs";
    /// Retry settings, or `false`.
    pub const RETRY: &str = "retry";
    /// Look for a create that may have been committed instead of failing it (`createTask`: default
    /// false; `createTasks`: default true).
    pub const RECONCILE: &str = "reconcile";
    /// `createTasks`: batches in flight at once.
    pub const CONCURRENCY: &str = "concurrency";
    /// `createTasks`: creates per batch, 1 to 20.
    pub const BATCH_SIZE: &str = "batchSize";
    /// `createTasks`: called with the run's progress after each batch.
    pub const ON_PROGRESS: &str = "onProgress";
    /// `createTasks`: called with each task's result as it is known.
    pub const ON_RESULT: &str = "onResult";
    /// `createTasks`: `{ since }`, an earlier run's start: look for its tasks before sending.
    pub const RESUME: &str = "resume";
    /// Every top-level option, in the order the README lists them.
    pub const ALL: &[&str] = &[
        ACCESS_TOKEN,
        GET_ACCESS_TOKEN,
        ENDPOINT,
        USER_ID,
        BASE_URL,
        WORKBOOK_SESSION_ID,
        CLIENT_REQUEST_ID,
        SIGNAL,
        TIMEOUT_MS,
        RETRY,
        RECONCILE,
        CONCURRENCY,
        BATCH_SIZE,
        ON_PROGRESS,
        ON_RESULT,
        RESUME,
    ];

    /// `retry.maxRetries`.
    pub const MAX_RETRIES: &str = "maxRetries";
    /// `retry.baseDelayMs`.
    pub const BASE_DELAY_MS: &str = "baseDelayMs";
    /// `retry.maxDelayMs`.
    pub const MAX_DELAY_MS: &str = "maxDelayMs";
    /// Every member of `retry`.
    pub const RETRY_ALL: &[&str] = &[MAX_RETRIES, BASE_DELAY_MS, MAX_DELAY_MS];
}

/// The `endpoint` option's values.
pub const ENDPOINT_NAMES: &[&str] = &["planner", "me", "user", "createdByUser"];

/// Reads the JS face's `endpoint` and `userId` options: `"planner"` (the default), `"me"`, `"user"` (with
/// `userId`), `"createdByUser"`. Pure, so that it is tested natively; only the JS face calls it.
pub fn endpoint_from_js(name: Option<&str>, user_id: Option<&str>) -> Result<Endpoint, Error> {
    match name.unwrap_or("planner") {
        "planner" => Ok(Endpoint::Planner),
        "me" => Ok(Endpoint::Me),
        "createdByUser" => Ok(Endpoint::CreatedByUser),
        "user" => match user_id {
            // URL parsers collapse "." and ".." segments, encoded or not (WHATWG URL reads %2E as a
            // dot), so such an id would post to another endpoint: refuse it.
            Some("." | "..") => Err(Error::config(ClientCode::InvalidUserId, "userId cannot be \".\" or \"..\"")),
            Some(id) if !id.is_empty() => Ok(Endpoint::User(id.to_owned())),
            _ => Err(Error::config(ClientCode::MissingUserId, "endpoint \"user\" needs a non-empty userId")),
        },
        _ => Err(Error::config(
            ClientCode::UnknownEndpoint,
            "endpoint must be one of \"planner\", \"me\", \"user\", \"createdByUser\"",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_camel_case() {
        let mut names: Vec<&str> = ClientCode::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n.bytes().next().is_some_and(|b| b.is_ascii_lowercase())));
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }

    #[test]
    fn field_names_are_unique() {
        let mut names = graph_error_field_names();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len());
    }
}
