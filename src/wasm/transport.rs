//! One attempt over `fetch`: send, bound by the caller's signal and a timeout, and read the body as a
//! stream cut off at 1 MiB. Every JS call goes through [`super::js`].

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, JsString, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use super::js::{self, Fetched};
use crate::contract::ClientCode;
use crate::error::{Error, ErrorKind};
use crate::response::{ResponseHeaders, MAX_RESPONSE_BYTES};
use crate::text::push_json_string;

/// Why an attempt's controller was aborted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AbortCause {
    None,
    Caller,
    Timeout,
}

/// A response as read off the wire.
pub(crate) struct Received {
    pub status: u16,
    /// The body, still a JS string.
    pub body: JsString,
    response: JsValue,
}

impl Received {
    /// The headers the core reads; fetched from JS only when an error needs them.
    pub fn headers(&self) -> ResponseHeaders {
        ResponseHeaders::read(|name| js::response_header(&self.response, name))
    }
}

/// What one attempt sends.
pub(crate) struct Attempt<'a> {
    /// `POST` for the create, `GET` or `PATCH` for the calls after it.
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub authorization: &'a str,
    /// The body, for the create and the PATCH.
    pub body: Option<&'a str>,
    pub signal: Option<&'a AbortSignal>,
    pub timeout_ms: u32,
}

/// What bounds one attempt: the caller's signal and the timeout, as the one signal given to fetch.
struct Bounds {
    fetch_signal: Option<AbortSignal>,
    /// Set when a bound fired, in the controlled form.
    cause: Rc<Cell<AbortCause>>,
    /// The shared `AbortSignal.timeout` signal, in the fast form.
    timeout_signal: Option<AbortSignal>,
    _listener: Option<AbortListener>,
    _timer: Option<Timer>,
}

impl Bounds {
    fn new(attempt: &Attempt<'_>) -> Result<Bounds, Error> {
        let cause = Rc::new(Cell::new(AbortCause::None));
        let mut bounds = Bounds { fetch_signal: None, cause, timeout_signal: None, _listener: None, _timer: None };
        if attempt.signal.is_none() {
            if attempt.timeout_ms == 0 {
                return Ok(bounds);
            }
            // Shared with the attempts that start within the same few ms: the timeout fires up to a
            // hundredth of timeoutMs (at most 250 ms) late, for no timer of its own per attempt.
            if let Some(signal) = js::timeout_signal(f64::from(attempt.timeout_ms)) {
                bounds.fetch_signal = Some(signal.clone());
                bounds.timeout_signal = Some(signal);
                return Ok(bounds);
            }
        }
        // The caller's signal (or no AbortSignal.timeout): one controller that either bound aborts.
        let controller = AbortController::new().map_err(|e| js::broken_environment("new AbortController()", &e))?;
        bounds._listener = attempt.signal.map(|signal| {
            let controller = controller.clone();
            let cause = bounds.cause.clone();
            AbortListener::attach(signal, move || {
                cause.set(AbortCause::Caller);
                js::abort(&controller, "aborted");
            })
        });
        if attempt.timeout_ms > 0 {
            let controller = controller.clone();
            let cause = bounds.cause.clone();
            bounds._timer = Some(Timer::start(f64::from(attempt.timeout_ms), move || {
                cause.set(AbortCause::Timeout);
                js::abort(&controller, "timeout");
            })?);
        }
        bounds.fetch_signal = Some(controller.signal());
        Ok(bounds)
    }

    /// Which bound, if any, ended the attempt.
    fn cause(&self) -> AbortCause {
        match &self.timeout_signal {
            Some(signal) if js::signal_aborted(signal).unwrap_or(false) => AbortCause::Timeout,
            _ => self.cause.get(),
        }
    }
}

/// A timer that fires a closure once, cleared when dropped.
pub(crate) struct Timer {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    pub(crate) fn start(millis: f64, callback: impl FnMut() + 'static) -> Result<Timer, Error> {
        let callback = Closure::new(callback);
        let handle = js::set_timeout(callback.as_ref().unchecked_ref(), millis)?;
        Ok(Timer { handle, _callback: callback })
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        js::clear_timeout(&self.handle);
    }
}

/// An `abort` listener on the caller's signal, removed when dropped.
pub(crate) struct AbortListener {
    signal: AbortSignal,
    callback: Closure<dyn FnMut()>,
}

impl AbortListener {
    pub(crate) fn attach(signal: &AbortSignal, callback: impl FnMut() + 'static) -> AbortListener {
        let callback = Closure::new(callback);
        // Fails only for a signal that is not an EventTarget, which the options reader refused.
        let _ = signal.add_event_listener_with_callback("abort", callback.as_ref().unchecked_ref());
        AbortListener { signal: signal.clone(), callback }
    }
}

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

/// Sends one attempt and reads its response, bounded by `signal` and `timeout_ms` (0: none).
pub(crate) async fn send(attempt: &Attempt<'_>) -> Result<Received, Error> {
    if is_aborted(attempt.signal) {
        return Err(aborted_error(false));
    }
    let bounds = Bounds::new(attempt)?;
    // The headers as the JSON text of [name, value, …]: one string for env.js `send` to decode,
    // whatever the values hold. The Authorization value (a token of a few KB) goes as a string of its
    // own, not escaped into this text.
    let mut headers = String::from("[");
    for (i, (name, value)) in attempt.headers.iter().enumerate() {
        if i > 0 {
            headers.push(',');
        }
        push_json_string(&mut headers, name);
        headers.push(',');
        push_json_string(&mut headers, value);
    }
    headers.push(']');
    // One call into JavaScript for the whole attempt (the init, fetch, the Response's checks, the
    // body's read): each crossing, and each string it decodes, costs more than the JavaScript it
    // runs. The body is read as a stream and cut off at 1 MiB of decoded bytes, so that memory stays
    // bounded whatever the server sends (no Content-Length, chunked, compressed).
    let fetch_signal = bounds.fetch_signal.as_ref();
    let authorization = attempt.authorization;
    match js::fetch(attempt.url, attempt.method, authorization, &headers, attempt.body, fetch_signal, MAX_RESPONSE_BYTES)
        .await
    {
        // The body stays a JS string here: the caller copies it into Rust to check it, and parses it
        // with JSON.parse for the object it hands back.
        Fetched::Read { status, text, response } => {
            let body = text.dyn_into().unwrap_or_else(|_| JsString::from(""));
            Ok(Received { status, body, response })
        }
        // A fetch that throws synchronously sent nothing: a broken environment (`config`), as is one
        // that resolves to something that is not a Response.
        Fetched::Broken(what) => Err(js::broken_environment("fetch", &what)),
        Fetched::Failed(thrown) => Err(failure(bounds.cause(), attempt.timeout_ms, &thrown, None)),
        Fetched::BodyFailed { thrown, status } => {
            Err(failure(bounds.cause(), attempt.timeout_ms, &thrown, Some(status)))
        }
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
            let text = |v: &JsValue, key: &str| js::get(v, key).and_then(|s| s.as_string());
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
pub(crate) async fn sleep(millis: u64, signal: Option<&AbortSignal>) -> Result<(), Error> {
    if is_aborted(signal) {
        return Err(aborted_error(false));
    }
    let mut timer = None;
    let mut listener = None;
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let on_time = resolve.clone();
        timer = Some(Timer::start(millis as f64, move || {
            let _ = on_time.call1(&JsValue::UNDEFINED, &JsValue::TRUE);
        }));
        if let Some(signal) = signal {
            let resolve = resolve.clone();
            listener = Some(AbortListener::attach(signal, move || {
                let _ = resolve.call1(&JsValue::UNDEFINED, &JsValue::FALSE);
            }));
        }
    });
    // A timer that could not be started is a broken environment, not a wait that ended early.
    let timer = timer.transpose()?;
    let finished_in_time = JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false);
    drop(timer);
    drop(listener);
    if finished_in_time {
        Ok(())
    } else {
        Err(aborted_error(false))
    }
}
