//! Every call from the wasm layer into JavaScript that can throw goes through this module, and each
//! import here is declared `catch`: a JS exception becomes a `Result`, never an unwind through wasm
//! frames (which would crash Node or wedge the module's futures).
//!
//! The caller's data is touched exactly once, by [`snapshot`]; everything after works on that plain
//! copy. `pkg-template/build/check.mjs` lists the imports of the built glue and fails the build when
//! one that is not wrapped in `handleError` is outside its short list of calls that cannot throw
//! (type checks, `instanceof`, constructors of plain objects, the futures executor's own calls).

use js_sys::{JsString, Promise, Reflect};
use wasm_bindgen::prelude::*;
#[cfg(feature = "bulk")]
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use super::transport::AbortCause;

use crate::contract::ClientCode;
use crate::error::{Error, Problem};
use crate::json::{JsonTree, MAX_DEPTH};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = parse)]
    fn json_parse_js(text: &JsString) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = Number)]
    fn number_js(text: &str) -> Result<f64, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Date, js_name = now)]
    fn date_now() -> Result<f64, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Math, js_name = random)]
    fn math_random() -> Result<f64, JsValue>;
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buffer: &mut [u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid_js() -> Result<JsValue, JsValue>;
}

#[cfg(feature = "bulk")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout_js(handler: &js_sys::Function, millis: f64) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout_js(handle: &JsValue) -> Result<(), JsValue>;
}

#[cfg(feature = "plan")]
#[wasm_bindgen]
extern "C" {
    // `String.prototype.toLowerCase.call(text)`.
    #[wasm_bindgen(catch, js_namespace = ["String", "prototype", "toLowerCase"], js_name = call)]
    fn to_lower_case_js(text: &str) -> Result<JsValue, JsValue>;
}

#[wasm_bindgen(module = "/src/wasm/env.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = callTokenProvider)]
    fn call_token_provider_js(provider: &js_sys::Function, signal: &JsValue, ms: f64) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = responseHeader)]
    fn response_header_js(response: &JsValue, name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = send)]
    fn send_js(
        url: &str,
        method: &str,
        authorization: &str,
        headers: &str,
        body: Option<&str>,
        signal: &JsValue,
        timeout_ms: f64,
        limit: f64,
    ) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = sleep)]
    fn sleep_js(millis: f64, signal: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = drive)]
    fn drive_js(call: super::call::Call) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_name = hostname)]
    fn hostname_js(host: &str) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// The last host asked about and its verdict: a caller sends every call to the same base URL, and
    /// the verdict depends on the host's text alone.
    static LAST_HOST: std::cell::RefCell<Option<(String, Option<bool>)>> = const { std::cell::RefCell::new(None) };
}

/// The wasm build's [`crate::request::LoopbackHost`]: the platform's URL parser (the one its fetch
/// uses) reads the host, and the core judges its serialization. Where the parser refuses the host, or
/// there is no URL at all, the host is one fetch cannot use (`None`).
pub(crate) fn loopback_host(host: &str) -> Option<bool> {
    if let Some(verdict) = LAST_HOST.with_borrow(|last| last.as_ref().filter(|(h, _)| h == host).map(|(_, v)| *v)) {
        return verdict;
    }
    let verdict =
        hostname_js(host).ok().and_then(|name| name.as_string()).map(|name| crate::host::is_loopback_hostname(&name));
    LAST_HOST.set(Some((host.to_owned(), verdict)));
    verdict
}

/// A `config` error for a JavaScript environment that refused a call the client needs.
pub(crate) fn broken_environment(what: &str, thrown: &JsValue) -> Error {
    let mut m = String::from(what);
    m.push_str(" failed in this JavaScript environment");
    if let Some(detail) = error_message(thrown) {
        m.push_str(": ");
        m.push_str(&detail);
    }
    Error::config(ClientCode::BrokenEnvironment, m)
}

/// `thrown.message` when it is a string; `None` for anything else (reading it cannot throw out).
pub(crate) fn error_message(thrown: &JsValue) -> Option<String> {
    if let Some(text) = thrown.as_string() {
        return Some(text);
    }
    get(thrown, "message").and_then(|m| m.as_string())
}

/// The caller's task read once, as `JSON.stringify` reads it: its own enumerable data, `toJSON`
/// applied, each getter called once. Returns the JSON text, which the client then reads as a
/// [`crate::json::JsonTree`] (no getter, Proxy trap or inherited property can run again), so that
/// what is validated is exactly what is sent.
pub(crate) fn snapshot_text(task: &JsValue) -> Result<String, Error> {
    let text = match json_stringify(task) {
        Ok(text) => text,
        Err(thrown) => {
            let mut m = String::from("cannot be read as JSON data");
            if let Some(detail) = error_message(&thrown) {
                m.push_str(": ");
                m.push_str(&detail);
            }
            return Err(Error::validation(vec![Problem::new("", m)]).with_code(ClientCode::UnserializableTask));
        }
    };
    match text.as_string() {
        Some(text) => Ok(text),
        // JSON.stringify gives undefined for undefined, functions and symbols.
        None => Err(Error::validation(vec![Problem::new("", "must be an object")])),
    }
}

/// The snapshot's text read as a tree; the error for a task nested deeper than the tree reads.
pub(crate) fn snapshot_tree(text: &str) -> Result<JsonTree<'_>, Error> {
    JsonTree::parse(text, number).ok_or_else(|| {
        let mut m = String::from("is nested more than ");
        crate::text::push_decimal(&mut m, MAX_DEPTH as u64);
        m.push_str(" levels deep");
        Error::validation(vec![Problem::new("", m)]).with_code(ClientCode::UnserializableTask)
    })
}

/// A JSON number's text read as JavaScript reads it (`JSON.parse` gives the same number), for the
/// [`JsonTree`]s the client reads, so that the wasm carries no float parser of its own.
pub(crate) fn number(text: &str) -> f64 {
    number_js(text).unwrap_or(f64::NAN)
}

#[cfg(feature = "plan")]
/// `text.toLowerCase()`: names compared without case with JavaScript's own Unicode tables, so that the
/// wasm carries none (ASCII lowercase where the call fails).
pub(crate) fn lower_case(text: &str) -> String {
    to_lower_case_js(text).ok().and_then(|lower| lower.as_string()).unwrap_or_else(|| text.to_ascii_lowercase())
}

#[cfg(feature = "bulk")]
/// `JSON.stringify` of a value the client built itself.
pub(crate) fn stringify(value: &JsValue) -> Option<JsString> {
    json_stringify(value).ok()?.dyn_into::<JsString>().ok()
}

/// `JSON.parse`, `None` for text that is not JSON.
pub(crate) fn json_parse(text: &JsString) -> Option<JsValue> {
    json_parse_js(text).ok()
}

/// `target[key]`, `None` when absent, undefined, or when reading it throws.
pub(crate) fn get(target: &JsValue, key: &'static str) -> Option<JsValue> {
    if !target.is_object() && !target.is_function() {
        return None;
    }
    Reflect::get(target, &property_name(key)).ok().filter(|v| !v.is_undefined())
}

/// Like [`get`], but a throwing read is an error the caller names.
pub(crate) fn try_get(target: &JsValue, key: &'static str) -> Result<Option<JsValue>, JsValue> {
    if !target.is_object() && !target.is_function() {
        return Ok(None);
    }
    Reflect::get(target, &property_name(key)).map(|v| (!v.is_undefined()).then_some(v))
}

/// `target[key] = value` on an object of the client's own (a failure leaves it unset).
pub(crate) fn set(target: &JsValue, key: &'static str, value: &JsValue) {
    let _ = Reflect::set(target, &property_name(key), value);
}

#[cfg(feature = "plan")]
/// [`set`] with a name made at run time (a label's `categoryN`).
pub(crate) fn set_named(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

thread_local! {
    /// Each property name as a JS string, made on its first use. A name decoded afresh for every read
    /// is a new string that the engine hashes and looks up again on each access: with the options'
    /// dozen reads, that cost a createTask that runs amid other work (cold caches) several µs.
    static PROPERTY_NAMES: std::cell::RefCell<Vec<(&'static str, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `name` as a JS string, the same one each time (names are the client's own constants, a few dozen).
fn property_name(name: &'static str) -> JsValue {
    PROPERTY_NAMES.with_borrow_mut(|names| {
        // The same literal has one address; a name found under another address is only made twice.
        if let Some((_, value)) = names.iter().find(|(known, _)| std::ptr::eq(*known, name)) {
            return value.clone();
        }
        let value = JsValue::from_str(name);
        names.push((name, value.clone()));
        value
    })
}

#[cfg(feature = "bulk")]
/// `Array.isArray`, false when it throws.
pub(crate) fn is_array(value: &JsValue) -> bool {
    array_is_array(value).unwrap_or(false)
}

#[cfg(feature = "bulk")]
/// The items of an array, read by index through `Reflect` (empty when a read throws).
pub(crate) fn array_items(array: &JsValue) -> Vec<JsValue> {
    let length = Reflect::get(array, &JsValue::from_str("length")).ok().and_then(|n| n.as_f64()).unwrap_or(0.0);
    // A length past what any JSON array in a 1 MiB body can hold is not an array to walk.
    let length = if (0.0..=1_048_576.0).contains(&length) { length as u32 } else { 0 };
    let mut items = Vec::with_capacity(length as usize);
    for i in 0..length {
        match Reflect::get(array, &JsValue::from(i)) {
            Ok(item) => items.push(item),
            Err(_) => return Vec::new(),
        }
    }
    items
}

/// How one `fetch` ended (env.js `send`).
pub(crate) enum Fetched {
    /// A response, and its body's text (a JS string).
    Read { status: u16, text: JsValue, response: JsValue },
    /// The environment is broken (`what` says how): fetch threw at once, which sent nothing, or
    /// resolved to something that is not a readable Response.
    Broken(JsValue),
    /// fetch rejected with this; `cause` says which bound, if any, aborted it.
    Failed { thrown: JsValue, cause: AbortCause },
    /// The body's read failed with this.
    BodyFailed { thrown: JsValue, status: u16, cause: AbortCause },
    /// The body is larger than the limit; it was not read further.
    TooLarge { status: u16, response: JsValue },
    /// An opaque redirect (a browser's answer to `redirect: "manual"`).
    OpaqueRedirect,
}

/// One attempt in one call to JavaScript: the global `fetch` with a plain init object (`headers`:
/// the JSON text of `[name, value, …]`), bounded by `signal` and `timeout_ms` (0: none), its body
/// read as a stream up to `limit` decoded bytes. The promise resolves to what [`fetched`] reads.
#[allow(clippy::too_many_arguments)]
pub(crate) fn send(
    url: &str,
    method: &str,
    authorization: &str,
    headers: &str,
    body: Option<&str>,
    signal: Option<&AbortSignal>,
    timeout_ms: u32,
    limit: usize,
) -> Result<Promise, JsValue> {
    let undefined = JsValue::UNDEFINED;
    let signal = signal.map_or(&undefined, AsRef::as_ref);
    send_js(url, method, authorization, headers, body, signal, f64::from(timeout_ms), limit as f64)
}

/// What env.js `send` resolved with.
pub(crate) fn fetched(outcome: &JsValue) -> Fetched {
    let at = |i: u32| Reflect::get_u32(outcome, i).unwrap_or_default();
    let number = |v: JsValue| v.as_f64().unwrap_or(-1.0);
    // The first item is the status of a read response (0 to 999), or a negative tag.
    let tag = number(at(0));
    if tag >= 0.0 {
        return Fetched::Read { status: tag as u16, text: at(1), response: at(2) };
    }
    match tag as i32 {
        -1 => Fetched::Broken(at(1)),
        -3 => Fetched::BodyFailed {
            thrown: at(1),
            status: number(at(2)) as u16,
            cause: AbortCause::from_tag(number(at(3))),
        },
        -4 => Fetched::TooLarge { status: number(at(1)) as u16, response: at(2) },
        -5 => Fetched::OpaqueRedirect,
        // -2, and anything else.
        _ => Fetched::Failed { thrown: at(1), cause: AbortCause::from_tag(number(at(2))) },
    }
}

/// How a call of the token provider ended.
pub(crate) enum TokenOutcome {
    /// It gave this value (not yet checked to be a string).
    Value(JsValue),
    /// It threw or rejected with this.
    Failed(JsValue),
    /// `timeoutMs` passed first.
    TimedOut,
    /// The caller's signal fired first.
    Aborted,
}

/// Calls the caller's token provider, bounded by `signal` and `timeout_ms` (0: no bound), so that a
/// provider that never settles cannot hang a call; the promise resolves to what [`token_outcome`] reads.
pub(crate) fn token_provider(
    provider: &js_sys::Function,
    signal: Option<&AbortSignal>,
    timeout_ms: u32,
) -> Result<Promise, JsValue> {
    let signal = signal.map_or(JsValue::UNDEFINED, |s| s.clone().into());
    call_token_provider_js(provider, &signal, f64::from(timeout_ms))
}

/// What env.js `callTokenProvider` resolved with.
pub(crate) fn token_outcome(outcome: &JsValue) -> TokenOutcome {
    let value = || Reflect::get_u32(outcome, 1).unwrap_or_default();
    let tag = Reflect::get_u32(outcome, 0).ok().and_then(|tag| tag.as_f64()).map_or(1, |t| t as u8);
    match tag {
        0 => TokenOutcome::Value(value()),
        2 => TokenOutcome::TimedOut,
        3 => TokenOutcome::Aborted,
        _ => TokenOutcome::Failed(value()),
    }
}

/// [`token_provider`], awaited.
#[cfg(feature = "bulk")]
pub(crate) async fn call_token_provider(
    provider: &js_sys::Function,
    signal: Option<&AbortSignal>,
    timeout_ms: u32,
) -> TokenOutcome {
    match token_provider(provider, signal, timeout_ms) {
        Ok(promise) => match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(outcome) => token_outcome(&outcome),
            Err(thrown) => TokenOutcome::Failed(thrown),
        },
        Err(thrown) => TokenOutcome::Failed(thrown),
    }
}

/// A promise that resolves to true after `millis`, or to false as soon as `signal` fires.
pub(crate) fn sleep(millis: f64, signal: Option<&AbortSignal>) -> Result<Promise, JsValue> {
    let signal = signal.map_or(JsValue::UNDEFINED, |s| s.clone().into());
    sleep_js(millis, &signal)
}

/// Runs `call` in env.js `drive`: the promise of its value.
pub(crate) fn drive(call: super::call::Call) -> Result<Promise, JsValue> {
    drive_js(call)
}

/// One response header.
pub(crate) fn response_header(response: &JsValue, name: &str) -> Option<String> {
    response_header_js(response, name).ok().and_then(|v| v.as_string())
}

/// `setTimeout(handler, millis)`.
#[cfg(feature = "bulk")]
pub(crate) fn set_timeout(handler: &js_sys::Function, millis: f64) -> Result<JsValue, Error> {
    set_timeout_js(handler, millis).map_err(|e| broken_environment("setTimeout", &e))
}

/// `clearTimeout(handle)`.
#[cfg(feature = "bulk")]
pub(crate) fn clear_timeout(handle: &JsValue) {
    let _ = clear_timeout_js(handle);
}

/// `Date.now()`, 0 where it throws.
pub(crate) fn now_ms() -> f64 {
    date_now().unwrap_or(0.0)
}

/// `Math.random()`, ½ where it throws.
pub(crate) fn random() -> f64 {
    math_random().unwrap_or(0.5)
}

/// `crypto.randomUUID()`, where there is one.
pub(crate) fn random_uuid() -> Option<String> {
    random_uuid_js().ok().and_then(|id| id.as_string())
}

/// Fills `bytes` from `crypto.getRandomValues`, else from `Math.random`.
pub(crate) fn random_bytes(bytes: &mut [u8]) {
    if get_random_values(bytes).is_err() {
        for b in bytes.iter_mut() {
            *b = (random() * 256.0) as u8;
        }
    }
}

/// `signal.aborted`, read through `Reflect` so that a getter that throws (a signal object that is not
/// a real AbortSignal) is an error, not an unwind.
pub(crate) fn signal_aborted(signal: &AbortSignal) -> Result<bool, JsValue> {
    Reflect::get(signal, &JsValue::from_str("aborted")).map(|v| v.as_bool().unwrap_or(false))
}
