//! One attempt over `fetch` (gloo-net): send, bound by the caller's signal and a timeout, and read.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, JsString, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, ResponseType};

use crate::contract::ClientCode;
use crate::error::{Error, ErrorKind};
use crate::response::{ResponseHeaders, MAX_RESPONSE_BYTES};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, millis: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    // The global fetch, called directly rather than through gloo-net's `send`, so that a rejection
    // keeps its `cause` (undici's error code) and any rejection value, Error or not, is handled.
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_with_init(url: &str, init: &Object) -> Promise;
}

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
    response: gloo_net::http::Response,
}

impl Received {
    /// The headers the core reads; fetched from JS only when an error needs them.
    pub fn headers(&self) -> ResponseHeaders {
        let raw = self.response.headers();
        ResponseHeaders::read(|name| raw.get(name))
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

#[wasm_bindgen]
extern "C" {
    // `AbortSignal.timeout` (Node 17.3+, browsers since 2022): no controller, closure or timer to
    // manage for the common call without a caller's signal.
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_signal_timeout(millis: f64) -> Result<AbortSignal, JsValue>;
}

/// What bounds one attempt: the caller's signal and the timeout, as the one signal given to fetch.
struct Bounds {
    fetch_signal: Option<AbortSignal>,
    /// Set when a bound fired, in the controlled form.
    cause: Rc<Cell<AbortCause>>,
    /// The `AbortSignal.timeout` signal, in the fast form.
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
            if let Ok(signal) = abort_signal_timeout(f64::from(attempt.timeout_ms)) {
                bounds.fetch_signal = Some(signal.clone());
                bounds.timeout_signal = Some(signal);
                return Ok(bounds);
            }
        }
        // The caller's signal (or no AbortSignal.timeout): one controller that either bound aborts.
        let controller =
            AbortController::new().map_err(|_| Error::new(ErrorKind::Network, "AbortController is not available"))?;
        bounds._listener = attempt.signal.map(|signal| {
            let controller = controller.clone();
            let cause = bounds.cause.clone();
            AbortListener::attach(signal, move || {
                cause.set(AbortCause::Caller);
                controller.abort_with_reason(&js_sys::Error::new("aborted").into());
            })
        });
        bounds._timer = (attempt.timeout_ms > 0).then(|| {
            let controller = controller.clone();
            let cause = bounds.cause.clone();
            Timer::start(f64::from(attempt.timeout_ms), move || {
                cause.set(AbortCause::Timeout);
                controller.abort_with_reason(&js_sys::Error::new("timeout").into());
            })
        });
        bounds.fetch_signal = Some(controller.signal());
        Ok(bounds)
    }

    /// Which bound, if any, ended the attempt.
    fn cause(&self) -> AbortCause {
        match &self.timeout_signal {
            Some(signal) if signal.aborted() => AbortCause::Timeout,
            _ => self.cause.get(),
        }
    }
}

/// A timer that fires a closure once, cleared when dropped.
struct Timer {
    handle: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    fn start(millis: f64, callback: impl FnMut() + 'static) -> Timer {
        let callback = Closure::new(callback);
        let handle = set_timeout(callback.as_ref().unchecked_ref(), millis);
        Timer { handle, _callback: callback }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.handle);
    }
}

/// An `abort` listener on the caller's signal, removed when dropped.
struct AbortListener {
    signal: AbortSignal,
    callback: Closure<dyn FnMut()>,
}

impl AbortListener {
    fn attach(signal: &AbortSignal, callback: impl FnMut() + 'static) -> AbortListener {
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

fn aborted_error(sent: bool) -> Error {
    Error::new(ErrorKind::Aborted, "The create was aborted by the caller's signal")
        .with_code(ClientCode::Aborted)
        .with_may_have_been_created(sent)
}

/// Sends one attempt and reads its response, bounded by `signal` and `timeout_ms` (0: none).
pub(crate) async fn send(attempt: &Attempt<'_>) -> Result<Received, Error> {
    if attempt.signal.is_some_and(|s| s.aborted()) {
        return Err(aborted_error(false));
    }
    let bounds = Bounds::new(attempt)?;
    // A plain init object for the global fetch: cheaper than building a `Request` per call, which is
    // what gloo-net's builder does (and which costs most in Node).
    let headers = Object::new();
    put(&headers, "Authorization", &JsValue::from_str(attempt.authorization));
    for (name, value) in attempt.headers {
        put(&headers, name, &JsValue::from_str(value));
    }
    let init = Object::new();
    put(&init, "method", &JsValue::from_str(attempt.method));
    put(&init, "headers", &headers);
    if let Some(body) = attempt.body {
        put(&init, "body", &JsValue::from_str(body));
    }
    if let Some(signal) = &bounds.fetch_signal {
        put(&init, "signal", signal);
    }
    put(&init, "redirect", &JsValue::from_str("manual"));

    let response: web_sys::Response = match JsFuture::from(fetch_with_init(attempt.url, &init)).await {
        Ok(response) => response.unchecked_into(),
        Err(error) => return Err(failure(bounds.cause(), attempt.timeout_ms, &error, None)),
    };
    // `Clone::clone` copies the handle; `Response::clone` would clone the HTTP response.
    let raw: web_sys::Response = Clone::clone(&response);
    let response = gloo_net::http::Response::from(response);

    // In a browser a manual redirect is an opaque response with status 0.
    if response.type_() == ResponseType::Opaqueredirect {
        return Err(Error::new(
            ErrorKind::Http,
            "The service answered with a redirect, which is not followed: it could carry the bearer token to another origin",
        )
        .with_code(ClientCode::RedirectRefused));
    }
    let status = response.status();
    let declared = response.headers().get("content-length").and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_RESPONSE_BYTES as u64) {
        // Not read: cancel the body so the connection is released.
        if let Some(body) = response.body() {
            let _ = body.cancel();
        }
        return Err(too_large(status, &response));
    }
    let text = match raw.text() {
        Ok(promise) => JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    // The body stays a JS string: it is parsed by JSON.parse in place, and copied into Rust only
    // when an error needs it.
    let body: JsString = match text {
        Ok(text) => text.dyn_into().unwrap_or_else(|_| JsString::from("")),
        Err(error) => return Err(failure(bounds.cause(), attempt.timeout_ms, &error, Some(status))),
    };
    // UTF-16 units: at most 3 UTF-8 bytes each, so this bounds the bytes within a factor the limit allows.
    if body.length() as usize > MAX_RESPONSE_BYTES {
        return Err(too_large(status, &response));
    }
    Ok(Received { status, body, response })
}

fn put(target: &Object, key: &str, value: &JsValue) {
    // Setting a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

fn too_large(status: u16, response: &gloo_net::http::Response) -> Error {
    let mut e = Error::invalid_response(
        ClientCode::BodyTooLarge,
        "The response body is larger than 1 MiB, the most this client reads",
    )
    .with_may_have_been_created(status == 201 || matches!(status, 500 | 502 | 504));
    e.status = Some(status);
    e.request_id = response.headers().get("request-id");
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
            let text =
                |v: &JsValue, key: &str| Reflect::get(v, &JsValue::from_str(key)).ok().and_then(|s| s.as_string());
            // undici puts the system error in `cause.code`.
            let code = Reflect::get(rejection, &JsValue::from_str("cause")).ok().and_then(|c| text(&c, "code"));
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
    if signal.is_some_and(|s| s.aborted()) {
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
    let finished_in_time = JsFuture::from(promise).await.ok().and_then(|v| v.as_bool()).unwrap_or(false);
    drop(timer);
    drop(listener);
    if finished_in_time {
        Ok(())
    } else {
        Err(aborted_error(false))
    }
}
