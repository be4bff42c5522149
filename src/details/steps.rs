//! The calls after the create: read the details, PATCH them, read the task again; what each answer
//! means, and whether to send again.

use crate::contract::ClientCode;
use crate::error::{Error, ErrorKind};
use crate::json::{JsonKind, JsonView};
use crate::request::{check_header_value, push_path_segment, CreateRequest};
use crate::response::{read_create_response, ResponseHeaders};
use crate::retry::{decide, Decision, RetryPolicy};
use crate::schema::Resource;

/// How often a PATCH answered 412 (or 409) is sent again after a fresh read of the etag. Each means
/// someone else changed the details in between; two in a row on a task created a moment ago means
/// something keeps changing them, and the caller should know.
pub const MAX_PRECONDITION_RETRIES: u32 = 2;

/// One call after the create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUp {
    /// `GET /planner/tasks/{id}/details`, for the details' etag.
    GetDetails,
    /// `PATCH /planner/tasks/{id}/details` with `If-Match: <etag>` and `Prefer: return=representation`.
    PatchDetails {
        /// The details' etag, as the GET returned it.
        etag: String,
    },
    /// `GET /planner/tasks/{id}`, for the task's etag and counts after the PATCH.
    GetTask,
}

/// Everything a transport needs to send one follow-up call, but the token and the body (the PATCH's
/// is [`super::DetailsInput::patch_body`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FollowUpRequest {
    /// `GET` or `PATCH`.
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header name → value, in sending order, without `Authorization`.
    pub headers: Vec<(&'static str, String)>,
}

/// Builds `follow_up` for the task `task_id` that `create` made. The URL is the create's collection
/// URL plus the id as one encoded segment; the `client-request-id` and `Workbook-Session-Id` are the
/// create's, so that every request of one `createTask` can be found under one id.
pub fn build_follow_up_request(
    create: &CreateRequest,
    task_id: &str,
    follow_up: &FollowUp,
) -> Result<FollowUpRequest, Error> {
    // "." and ".." collapse as URL segments, encoded or not, and would address another resource.
    if task_id.is_empty() || task_id == "." || task_id == ".." {
        return Err(Error::invalid_response(ClientCode::NotATask, "The created task's id cannot name it in a URL")
            .with_may_have_been_created(true));
    }
    let mut url = String::with_capacity(create.url.len() + task_id.len() + 9);
    url.push_str(&create.url);
    url.push('/');
    push_path_segment(&mut url, task_id);
    let mut headers = Vec::with_capacity(6);
    let method = match follow_up {
        FollowUp::GetDetails => {
            url.push_str("/details");
            "GET"
        }
        FollowUp::GetTask => "GET",
        FollowUp::PatchDetails { etag } => {
            url.push_str("/details");
            check_header_value("If-Match", etag).map_err(|_| {
                Error::invalid_response(
                    ClientCode::NoEtag,
                    "The details' @odata.etag cannot be sent as an If-Match header",
                )
                .with_may_have_been_created(true)
            })?;
            headers.push(("Content-Type", "application/json".to_owned()));
            headers.push(("If-Match", etag.clone()));
            headers.push(("Prefer", "return=representation".to_owned()));
            "PATCH"
        }
    };
    headers.push(("Accept", "application/json".to_owned()));
    for (name, value) in &create.headers {
        if matches!(*name, "client-request-id" | "Workbook-Session-Id") {
            headers.push((name, value.clone()));
        }
    }
    Ok(FollowUpRequest { method, url, headers })
}

/// What a follow-up call's success means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpOutcome {
    /// The details were read; this is their etag. The body is the details.
    DetailsEtag(String),
    /// The PATCH succeeded and the body is the details as the service now holds them.
    Patched,
    /// The PATCH succeeded with `204 No Content` (the service ignored `Prefer`): read the details again
    /// to know what it holds.
    PatchedWithoutBody,
    /// The task was read; the body is the task.
    Task,
}

/// Reads the answer to `follow_up` for task `task_id`.
///
/// * `parsed`: the body parsed as JSON, `None` when it is not JSON.
/// * `headers`: read only when an error needs them.
/// * `sent_client_request_id`, `now_ms`: as for [`read_create_response`].
///
/// An HTTP error reads as the create's do (code, message, request id, `Retry-After`).
pub fn read_follow_up_response<V: JsonView>(
    follow_up: &FollowUp,
    task_id: &str,
    status: u16,
    headers: impl FnOnce() -> ResponseHeaders,
    parsed: Option<&V>,
    sent_client_request_id: &str,
    now_ms: i64,
) -> Result<FollowUpOutcome, Error> {
    let outcome = match (follow_up, status) {
        (FollowUp::PatchDetails { .. }, 204) => Ok(FollowUpOutcome::PatchedWithoutBody),
        (FollowUp::PatchDetails { .. }, 200) => check_details(parsed).map(|_| FollowUpOutcome::Patched),
        (FollowUp::GetDetails, 200) => check_details(parsed).and_then(|etag| {
            etag.map(FollowUpOutcome::DetailsEtag).ok_or_else(|| {
                Error::invalid_response(
                    ClientCode::NoEtag,
                    "The task's details came without an @odata.etag, so they cannot be updated",
                )
            })
        }),
        (FollowUp::GetTask, 200) => check_task(parsed, task_id).map(|()| FollowUpOutcome::Task),
        (_, 200..=299) => {
            let mut e = Error::invalid_response(
                ClientCode::UnexpectedStatus,
                "The service answered with an unexpected success status",
            );
            e.status = Some(status);
            Err(e)
        }
        // Errors and redirects read exactly as the create's; only the create's own 2xx rules differ.
        _ => match read_create_response(status, headers, parsed, Resource::PlannerTask, sent_client_request_id, now_ms)
        {
            Err(e) => return Err(e.with_may_have_been_created(true)),
            Ok(()) => Err(Error::invalid_response(
                ClientCode::UnexpectedStatus,
                "The service answered with an unexpected status",
            )),
        },
    };
    // The task exists whatever happens after the create.
    outcome.map_err(|mut e| {
        e.may_have_been_created = true;
        if e.status.is_none() {
            e.status = Some(status);
        }
        e
    })
}

/// Checks that a body is a `plannerTaskDetails` object; returns its etag, when it has one.
///
/// Only the object and the etag are checked: the details come from the service that has just accepted
/// the create, and their values are handed back as they are (the Rust model reads their types).
fn check_details<V: JsonView>(parsed: Option<&V>) -> Result<Option<String>, Error> {
    match parsed.filter(|d| d.kind() == JsonKind::Object) {
        Some(details) => {
            Ok(details.get("@odata.etag").and_then(|e| e.as_str().map(|s| s.into_owned())).filter(|e| !e.is_empty()))
        }
        None => Err(Error::invalid_response(
            ClientCode::NotDetails,
            "The service's answer is not a plannerTaskDetails object",
        )),
    }
}

/// Checks that a body is the task `task_id`.
fn check_task<V: JsonView>(parsed: Option<&V>, task_id: &str) -> Result<(), Error> {
    let id = parsed
        .filter(|t| t.kind() == JsonKind::Object)
        .and_then(|t| t.get("id"))
        .and_then(|id| id.as_str().map(|id| id.into_owned()));
    if id.as_deref() == Some(task_id) {
        Ok(())
    } else {
        Err(Error::invalid_response(ClientCode::NotATask, "The service's answer to reading the task is not that task"))
    }
}

/// What to do after a failed follow-up call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpDecision {
    /// Wait this long, then send the same call again.
    RetryAfter(u64),
    /// The details changed since their etag was read: read them again, then PATCH again.
    RereadDetails,
    /// Stop and fail with the error.
    GiveUp,
}

/// Decides what follows `error` on `follow_up`.
///
/// Unlike the create, these calls are safe to repeat: the GETs change nothing, and the PATCH sends
/// the same keys and values each time. So besides 429 and 503, every 5xx, timeout and network
/// failure is retried within `policy` (`retries_done` counts those retries for this call). A 412 (or
/// 409, which planner-overview.md names with it) on the PATCH means the details changed since the
/// read: [`FollowUpDecision::RereadDetails`], at most [`MAX_PRECONDITION_RETRIES`] times
/// (`precondition_retries_done`), independent of `policy`, since no time passes.
pub fn decide_follow_up(
    error: &Error,
    follow_up: &FollowUp,
    retries_done: u32,
    precondition_retries_done: u32,
    policy: &RetryPolicy,
    jitter: f64,
) -> FollowUpDecision {
    let precondition = error.kind == ErrorKind::Http && matches!(error.status, Some(409 | 412));
    if precondition {
        return if matches!(follow_up, FollowUp::PatchDetails { .. })
            && precondition_retries_done < MAX_PRECONDITION_RETRIES
        {
            FollowUpDecision::RereadDetails
        } else {
            FollowUpDecision::GiveUp
        };
    }
    let retryable = match error.kind {
        ErrorKind::Http => error.status.is_some_and(|s| s == 429 || s >= 500),
        ErrorKind::Network | ErrorKind::Timeout => true,
        _ => false,
    };
    if !retryable {
        return FollowUpDecision::GiveUp;
    }
    // The create's rules for the wait (Retry-After honoured exactly, else jittered backoff, a wait
    // past the cap refused), asked through an error they retry: a network failure that did not reach
    // the service, with this error's Retry-After.
    let mut as_unsent = Error::new(ErrorKind::Network, "");
    as_unsent.retry_after_ms = error.retry_after_ms;
    match decide(&as_unsent, retries_done, policy, jitter) {
        Decision::RetryAfter(ms) => FollowUpDecision::RetryAfter(ms),
        Decision::GiveUp => FollowUpDecision::GiveUp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{build_create_request, Endpoint, RequestOptions};
    use crate::retry::RETRY_AFTER_MARGIN_MS;
    use serde_json::{json, Value};

    const TASK_ID: &str = "01gzSlKkIUSUl6DF_EilrmQAKDhh";

    fn create() -> CreateRequest {
        let options = RequestOptions {
            base_url: Some("http://127.0.0.1:8787/v1.0".into()),
            workbook_session_id: Some("s1".into()),
            client_request_id: Some("cid".into()),
        };
        build_create_request(&Endpoint::Planner, &options, crate::host::loopback, || unreachable!()).unwrap()
    }

    #[test]
    fn requests() {
        let get = build_follow_up_request(&create(), TASK_ID, &FollowUp::GetDetails).unwrap();
        assert_eq!(get.method, "GET");
        assert_eq!(get.url, "http://127.0.0.1:8787/v1.0/planner/tasks/01gzSlKkIUSUl6DF_EilrmQAKDhh/details");
        assert_eq!(
            get.headers,
            vec![
                ("Accept", "application/json".to_owned()),
                ("client-request-id", "cid".to_owned()),
                ("Workbook-Session-Id", "s1".to_owned())
            ]
        );
        let etag = "W/\"JzEtVGFzayAgQEBAQEBAQEBAQEBAQEBAWCc=\"".to_owned();
        let patch =
            build_follow_up_request(&create(), TASK_ID, &FollowUp::PatchDetails { etag: etag.clone() }).unwrap();
        assert_eq!(patch.method, "PATCH");
        assert_eq!(patch.url, get.url);
        assert_eq!(
            patch.headers,
            vec![
                ("Content-Type", "application/json".to_owned()),
                ("If-Match", etag),
                ("Prefer", "return=representation".to_owned()),
                ("Accept", "application/json".to_owned()),
                ("client-request-id", "cid".to_owned()),
                ("Workbook-Session-Id", "s1".to_owned())
            ]
        );
        let task = build_follow_up_request(&create(), TASK_ID, &FollowUp::GetTask).unwrap();
        assert_eq!(task.method, "GET");
        assert_eq!(task.url, "http://127.0.0.1:8787/v1.0/planner/tasks/01gzSlKkIUSUl6DF_EilrmQAKDhh");
    }

    #[test]
    fn hostile_ids_and_etags_cannot_reshape_the_request() {
        let r = build_follow_up_request(&create(), "a/../b?x#y", &FollowUp::GetTask).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:8787/v1.0/planner/tasks/a%2F..%2Fb%3Fx%23y");
        for id in ["", ".", ".."] {
            assert_eq!(
                build_follow_up_request(&create(), id, &FollowUp::GetTask).unwrap_err().code.as_deref(),
                Some("notATask")
            );
        }
        let e = build_follow_up_request(&create(), TASK_ID, &FollowUp::PatchDetails { etag: "a\r\nX: y".into() })
            .unwrap_err();
        assert_eq!(e.code.as_deref(), Some("noEtag"));
        assert!(e.may_have_been_created);
    }

    fn read(follow_up: &FollowUp, status: u16, body: &str) -> Result<FollowUpOutcome, Error> {
        let parsed: Option<Value> = serde_json::from_str(body).ok();
        let headers =
            ResponseHeaders { retry_after: Some("3".into()), request_id: Some("rid".into()), ..Default::default() };
        read_follow_up_response(follow_up, TASK_ID, status, || headers, parsed.as_ref().as_ref(), "cid", 0)
    }

    fn patch() -> FollowUp {
        FollowUp::PatchDetails { etag: "W/\"x\"".into() }
    }

    #[test]
    fn documented_details_bodies_read() {
        let get_body = json!({
            "@odata.etag": "W/\"JzEtVGFza0RldGFpbHMgQEBAQEBAQEBAQEBAQEBAWCc=\"",
            "description": "Task details properties:\nchecklist:Sub items\nreferences:Related links",
            "previewType": "automatic",
            "references": {
                "https%3A//developer%2Emicrosoft%2Ecom/en-us/graph/graph-explorer": {
                    "@odata.type": "#microsoft.graph.plannerExternalReference", "alias": "Graph Explorer", "type": "Other",
                    "previewPriority": "0009005706180391122",
                    "lastModifiedBy": { "user": { "id": "fbab97d0-4932-4511-b675-204639209557" } },
                    "lastModifiedDateTime": "2017-04-24T22:52:29.814Z"
                }
            },
            "checklist": {
                "d280ed1a-9f6b-4f9c-a962-fb4d00dc50ff": {
                    "@odata.type": "#microsoft.graph.plannerChecklistItem", "isChecked": false,
                    "title": "Try reading task details", "orderHint": "8587094707721254251P]",
                    "lastModifiedBy": { "user": { "id": "e396de0e-4812-4fcb-9f9e-0358744df343" } },
                    "lastModifiedDateTime": "2017-04-14T02:16:14.866Z"
                }
            },
            "id": "gcrYAaAkgU2EQUvpkNNXLGQAGTtu"
        })
        .to_string();
        assert_eq!(
            read(&FollowUp::GetDetails, 200, &get_body),
            Ok(FollowUpOutcome::DetailsEtag("W/\"JzEtVGFza0RldGFpbHMgQEBAQEBAQEBAQEBAQEBAWCc=\"".into()))
        );
        assert_eq!(read(&patch(), 200, &get_body), Ok(FollowUpOutcome::Patched));
        assert_eq!(read(&patch(), 204, ""), Ok(FollowUpOutcome::PatchedWithoutBody));
        let details: crate::model::PlannerTaskDetails = serde_json::from_str(&get_body).unwrap();
        assert_eq!(serde_json::to_value(&details).unwrap(), serde_json::from_str::<Value>(&get_body).unwrap());
    }

    #[test]
    fn details_without_etag_or_shape() {
        let e = read(&FollowUp::GetDetails, 200, r#"{"id":"x"}"#).unwrap_err();
        assert_eq!(e.code.as_deref(), Some("noEtag"));
        assert!(e.may_have_been_created);
        for body in ["", "[]", "\"details\"", "null", "<html>"] {
            for step in [FollowUp::GetDetails, patch()] {
                let e = read(&step, 200, body).unwrap_err();
                assert_eq!(e.kind, ErrorKind::InvalidResponse, "{body}");
                assert_eq!(e.code.as_deref(), Some("notDetails"), "{body}");
                assert_eq!(e.status, Some(200), "{body}");
                assert!(e.may_have_been_created);
            }
        }
        assert_eq!(read(&FollowUp::GetDetails, 201, "{}").unwrap_err().code.as_deref(), Some("unexpectedStatus"));
    }

    #[test]
    fn the_task_read_again() {
        assert_eq!(
            read(&FollowUp::GetTask, 200, &json!({ "id": TASK_ID, "checklistItemCount": 3 }).to_string()),
            Ok(FollowUpOutcome::Task)
        );
        let other = read(&FollowUp::GetTask, 200, &json!({ "id": "other" }).to_string()).unwrap_err();
        assert_eq!(other.code.as_deref(), Some("notATask"));
        for body in ["", "[]", r#"{"title":"no id"}"#, r#"{"id":5}"#] {
            assert_eq!(read(&FollowUp::GetTask, 200, body).unwrap_err().code.as_deref(), Some("notATask"), "{body}");
        }
    }

    #[test]
    fn errors_read_as_the_creates_do() {
        let e = read(&patch(), 403, r#"{"error":{"code":"MaximumChecklistItemsOnTask","message":"too many"}}"#)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Http);
        assert_eq!(e.status, Some(403));
        assert_eq!(e.code.as_deref(), Some("MaximumChecklistItemsOnTask"));
        assert_eq!(e.message, "too many");
        assert_eq!(e.request_id.as_deref(), Some("rid"));
        assert_eq!(e.client_request_id.as_deref(), Some("cid"));
        assert_eq!(e.retry_after_ms, Some(3000));
        assert!(e.may_have_been_created, "the task exists");
        assert_eq!(read(&patch(), 412, "").unwrap_err().code.as_deref(), Some("preconditionFailed"));
        assert_eq!(read(&FollowUp::GetTask, 302, "").unwrap_err().code.as_deref(), Some("redirectRefused"));
    }

    fn http(status: u16, retry_after_ms: Option<u64>) -> Error {
        let mut e = Error::new(ErrorKind::Http, "x");
        e.status = Some(status);
        e.retry_after_ms = retry_after_ms;
        e.may_have_been_created = true;
        e
    }

    #[test]
    fn a_stale_etag_is_read_again_twice() {
        let p = RetryPolicy::default();
        for status in [412, 409] {
            assert_eq!(decide_follow_up(&http(status, None), &patch(), 0, 0, &p, 0.5), FollowUpDecision::RereadDetails);
            assert_eq!(decide_follow_up(&http(status, None), &patch(), 0, 1, &p, 0.5), FollowUpDecision::RereadDetails);
            assert_eq!(decide_follow_up(&http(status, None), &patch(), 0, 2, &p, 0.5), FollowUpDecision::GiveUp);
            // Even without retries: a fresh read is not a retry of a failure.
            assert_eq!(
                decide_follow_up(&http(status, None), &patch(), 0, 0, &RetryPolicy::NONE, 0.5),
                FollowUpDecision::RereadDetails
            );
            assert_eq!(
                decide_follow_up(&http(status, None), &FollowUp::GetDetails, 0, 0, &p, 0.5),
                FollowUpDecision::GiveUp
            );
        }
    }

    #[test]
    fn transient_failures_are_retried_within_the_policy() {
        let p = RetryPolicy { max_retries: 2, base_delay_ms: 100, max_delay_ms: 1_000 };
        for follow_up in [FollowUp::GetDetails, patch(), FollowUp::GetTask] {
            assert_eq!(
                decide_follow_up(&http(429, Some(200)), &follow_up, 0, 0, &p, 0.5),
                FollowUpDecision::RetryAfter(200 + RETRY_AFTER_MARGIN_MS)
            );
            for status in [500, 502, 503, 504] {
                assert_eq!(
                    decide_follow_up(&http(status, None), &follow_up, 1, 0, &p, 0.5),
                    FollowUpDecision::RetryAfter(100)
                );
                assert_eq!(decide_follow_up(&http(status, None), &follow_up, 2, 0, &p, 0.5), FollowUpDecision::GiveUp);
            }
            let mut timeout = Error::new(ErrorKind::Timeout, "slow");
            timeout.may_have_been_created = true;
            assert!(matches!(decide_follow_up(&timeout, &follow_up, 0, 0, &p, 0.5), FollowUpDecision::RetryAfter(_)));
            let network = Error::new(ErrorKind::Network, "reset").with_may_have_been_created(true);
            assert!(matches!(decide_follow_up(&network, &follow_up, 0, 0, &p, 0.5), FollowUpDecision::RetryAfter(_)));
            assert_eq!(decide_follow_up(&network, &follow_up, 0, 0, &RetryPolicy::NONE, 0.5), FollowUpDecision::GiveUp);
            // A wait past the cap is an error, not a shorter wait.
            assert_eq!(decide_follow_up(&http(503, Some(5_000)), &follow_up, 0, 0, &p, 0.5), FollowUpDecision::GiveUp);
        }
    }

    #[test]
    fn refusals_are_final() {
        let p = RetryPolicy::default();
        for status in [400, 401, 403, 404, 405, 413, 415, 422] {
            assert_eq!(
                decide_follow_up(&http(status, Some(0)), &patch(), 0, 0, &p, 0.5),
                FollowUpDecision::GiveUp,
                "{status}"
            );
        }
        for kind in [ErrorKind::Validation, ErrorKind::Config, ErrorKind::Aborted, ErrorKind::InvalidResponse] {
            assert_eq!(decide_follow_up(&Error::new(kind, "x"), &patch(), 0, 0, &p, 0.5), FollowUpDecision::GiveUp);
        }
    }
}
