//! One attempt over `fetch` (env.js `send`: bound by the caller's signal and a timeout, the body read
//! as a stream cut off at 1 MiB), and what its outcome means. Every JS call goes through [`super::js`].

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
#[cfg(feature = "bulk")]
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::js::{self, Fetched};
use crate::contract::ClientCode;
use crate::error::{Error, ErrorKind};
use crate::response::{ResponseHeaders, MAX_RESPONSE_BYTES};
use crate::text::push_json_string;

/// Which bound ended an attempt, as env.js `send` reports it (0, 1, 2).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AbortCause {
    None,
    Caller,
    Timeout,
}

impl AbortCause {
    pub(crate) fn from_tag(tag: f64) -> AbortCause {
        match tag as u8 {
            1 => AbortCause::Caller,
            2 => AbortCause::Timeout,
            _ => AbortCause::None,
        }
    }
}

/// A response as read off the wire.
pub(crate) struct Received {
    pub status: u16,
    /// The body, still a JS string.
    pub body: JsString,
    pub response: JsValue,
}

impl Received {
    /// The headers the core reads; fetched from JS only when an error needs them.
    #[cfg(feature = "bulk")]
    pub fn headers(&self) -> ResponseHeaders {
        response_headers(&self.response)
    }
}

/// The headers the core reads from `response` (a JS Response), each asked of JS by name.
pub(crate) fn response_headers(response: &JsValue) -> ResponseHeaders {
    ResponseHeaders::read(|name| js::response_header(response, name))
}

/// What one attempt sends.
pub(crate) struct Attempt<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub authorization: &'a str,
    pub body: Option<&'a str>,
    pub signal: Option<&'a AbortSignal>,
    pub timeout_ms: u32,
}

/// A timer that fires a closure once, cleared when dropped.
#[cfg(feature = "bulk")]
pub(crate) struct Timer {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

#[cfg(feature = "bulk")]
impl Timer {
    pub(crate) fn start(millis: f64, callback: impl FnMut() + 'static) -> Result<Timer, Error> {
        let callback = Closure::new(callback);
        let handle = js::set_timeout(callback.as_ref().unchecked_ref(), millis)?;
        Ok(Timer { handle, _callback: callback })
    }
}

#[cfg(feature = "bulk")]
impl Drop for Timer {
    fn drop(&mut self) {
        js::clear_timeout(&self.handle);
    }
}

/// An `abort` listener on the caller's signal, removed when dropped.
#[cfg(feature = "bulk")]
pub(crate) struct AbortListener {
    signal: AbortSignal,
    callback: Closure<dyn FnMut()>,
}

#[cfg(feature = "bulk")]
impl AbortListener {
    pub(crate) fn attach(signal: &AbortSignal, callback: impl FnMut() + 'static) -> AbortListener {
        let callback = Closure::new(callback);
        // Fails only for a signal that is not an EventTarget, which the options reader refused.
        let _ = signal.add_event_listener_with_callback("abort", callback.as_ref().unchecked_ref());
        AbortListener { signal: signal.clone(), callback }
    }
}

#[cfg(feature = "bulk")]
impl Drop for AbortListener {
    fn drop(&mut self) {
        let _ = self.signal.remove_event_listener_with_callback("abort", self.callback.as_ref().unchecked_ref());
    }
}

pub(crate) fn aborted_error(sent: bool) -> Error {
    Error::new(ErrorKind::Aborted, "The create was aborted by the caller's signal")
        .with_code(ClientCode::Aborted)
        .with_may_have_been_created(sent)
}

/// Whether the caller's signal has fired (a signal whose getter throws reads as not aborted: the
/// options reader has already refused one).
pub(crate) fn is_aborted(signal: Option<&AbortSignal>) -> bool {
    signal.is_some_and(|s| js::signal_aborted(s).unwrap_or(false))
}

/// The headers as the JSON text of [name, value, …]: one string for env.js `send` to decode, whatever
/// the values hold. The Authorization value (a token of a few KB) goes as a string of its own, not
/// escaped into this text.
fn headers_json(headers: &[(&'static str, String)]) -> String {
    let mut text = String::from("[");
    for (i, (name, value)) in headers.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        push_json_string(&mut text, name);
        text.push(',');
        push_json_string(&mut text, value);
    }
    text.push(']');
    text
}

/// Starts one attempt: env.js `send`, whose promise resolves to what [`js::fetched`] reads (then
/// [`received`]). The one place an attempt's request is handed to JavaScript.
pub(crate) fn start(attempt: &Attempt<'_>) -> Result<js_sys::Promise, JsValue> {
    let headers = headers_json(attempt.headers);
    js::send(
        attempt.url,
        attempt.method,
        attempt.authorization,
        &headers,
        attempt.body,
        attempt.signal,
        attempt.timeout_ms,
        MAX_RESPONSE_BYTES,
    )
}

/// Sends one attempt and reads its response, bounded by `signal` and `timeout_ms` (0: none).
#[cfg(feature = "bulk")]
pub(crate) async fn send(attempt: &Attempt<'_>) -> Result<Received, Error> {
    if is_aborted(attempt.signal) {
        return Err(aborted_error(false));
    }
    let fetched = match start(attempt) {
        // send never rejects either; a rejection would be a failure of fetch.
        Ok(promise) => match JsFuture::from(promise).await {
            Ok(outcome) => js::fetched(&outcome),
            Err(thrown) => Fetched::Failed { thrown, cause: AbortCause::None },
        },
        // send is async and cannot throw; were it to, nothing was sent.
        Err(thrown) => Fetched::Broken(thrown),
    };
    received(fetched, attempt.timeout_ms)
}

/// How an attempt ended (env.js `send`, in one call from wasm: the init, fetch, the Response's checks
/// and the body's read, bounded by the caller's signal and the timeout, the body cut off at 1 MiB of
/// decoded bytes so that memory stays bounded whatever the server sends), as a response or an error.
pub(crate) fn received(fetched: Fetched, timeout_ms: u32) -> Result<Received, Error> {
    match fetched {
        // The body stays a JS string here: the caller copies it into Rust to check it, and parses it
        // with JSON.parse for the object it hands back.
        Fetched::Read { status, text, response } => {
            let body = text.dyn_into().unwrap_or_else(|_| JsString::from(""));
            Ok(Received { status, body, response })
        }
        // A fetch that throws synchronously sent nothing: a broken environment (`config`), as is one
        // that resolves to something that is not a Response.
        Fetched::Broken(what) => Err(js::broken_environment("fetch", &what)),
        Fetched::Failed { thrown, cause } => Err(failure(cause, timeout_ms, &thrown, None)),
        Fetched::BodyFailed { thrown, status, cause } => Err(failure(cause, timeout_ms, &thrown, Some(status))),
        Fetched::TooLarge { status, response } => Err(too_large(status, &response)),
        Fetched::OpaqueRedirect => Err(Error::new(
            ErrorKind::Http,
            "The service answered with a redirect, which is not followed: it could carry the bearer token to another origin",
        )
        .with_code(ClientCode::RedirectRefused)),
    }
}

fn too_large(status: u16, response: &JsValue) -> Error {
    let mut e = Error::invalid_response(
        ClientCode::BodyTooLarge,
        "The response body is larger than 1 MiB, the most this client reads",
    )
    .with_may_have_been_created(status == 201 || matches!(status, 500 | 502 | 504));
    e.status = Some(status);
    e.request_id = js::response_header(response, "request-id");
    e
}

/// Node's undici names failures that happen before a request leaves the machine; a browser says
/// only "Failed to fetch", which may follow a sent request.
const NOT_SENT_CODES: [&str; 4] = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ERR_INVALID_URL"];

/// Turns a fetch or body-read failure (`rejection`: what the promise rejected with) into an error of
/// the right kind.
fn failure(cause: AbortCause, timeout_ms: u32, rejection: &JsValue, status: Option<u16>) -> Error {
    let mut e = match cause {
        AbortCause::Caller => aborted_error(true),
        AbortCause::Timeout => {
            let mut m = String::from("The attempt took longer than timeoutMs (");
            crate::text::push_decimal(&mut m, u64::from(timeout_ms));
            m.push_str(" ms)");
            Error::new(ErrorKind::Timeout, m).with_code(ClientCode::Timeout).with_may_have_been_created(true)
        }
        AbortCause::None => {
            let text = |v: &JsValue, key: &'static str| js::get(v, key).and_then(|s| s.as_string());
            // undici puts the system error in `cause.code`.
            let code = js::get(rejection, "cause").and_then(|c| text(&c, "code"));
            let sent = status.is_some() || !code.as_deref().is_some_and(|c| NOT_SENT_CODES.contains(&c));
            let mut m = String::from("The request failed on the network: ");
            m.push_str(&text(rejection, "message").unwrap_or_else(|| String::from("unknown error")));
            if let Some(code) = code {
                m.push_str(" (");
                m.push_str(&code);
                m.push(')');
            }
            Error::new(ErrorKind::Network, m).with_code(ClientCode::NetworkError).with_may_have_been_created(sent)
        }
    };
    e.status = status;
    e
}

/// Waits `millis`, or fails with `aborted` as soon as `signal` fires.
#[cfg(feature = "bulk")]
pub(crate) async fn sleep(millis: u64, signal: Option<&AbortSignal>) -> Result<(), Error> {
    if is_aborted(signal) {
        return Err(aborted_error(false));
    }
    let promise = js::sleep(millis as f64, signal).map_err(|thrown| js::broken_environment("setTimeout", &thrown))?;
    match JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()) {
        Some(true) => Ok(()),
        _ => Err(aborted_error(false)),
    }
}
