//! One call of the client, run by env.js `drive`: the core's [`Flow`] decides, this layer turns each
//! of its steps into the one promise the driver waits on (the token provider, `fetch`, a retry's
//! wait), and each result back into the flow's input.
//!
//! Why a driver in JavaScript: an `async fn` export compiles to state machines that were the two
//! largest functions of the browser build, and each await costs closures and microtasks. Here every
//! step is a plain synchronous call, and the only async code is env.js's dozen lines.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, JsString, Promise};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

use super::bindings::to_js_error;
use super::client::{CreateTaskOptions, TokenSource};
use super::js;
use super::js::Fetched;
use super::transport::{self, aborted_error, AbortCause, Attempt};
use crate::contract::ClientCode;
use crate::error::Error;
use crate::flow::{Finished, Flow, Next};
use crate::request::{authorization_value, check_token};

/// What the driver is waiting on for the call.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Waiting {
    /// Nothing yet: the call starts.
    Start,
    /// The token provider's outcome.
    Token,
    /// env.js `send`'s outcome.
    Response,
    /// A retry's wait (true: it ran out; false: the signal fired).
    Sleep,
}

/// A call in progress, as env.js `drive` holds it.
#[wasm_bindgen(js_name = GraphCall)]
pub struct Call {
    state: Rc<RefCell<CallState>>,
}

pub(crate) struct CallState {
    flow: Flow,
    token: TokenSource,
    signal: Option<AbortSignal>,
    timeout_ms: u32,
    waiting: Waiting,
    /// The token the current attempt sent, kept out of its errors.
    sent_token: String,
    /// The last answer's body, still a JS string: what JSON.parse reads for the value handed back.
    last_body: Option<JsString>,
    /// For a caller in Rust: the call's end is kept here rather than handed to JavaScript.
    outcome: Option<Result<JsValue, Error>>,
    internal: bool,
    /// Whether the call ends with the last answer parsed (JSON.parse); a caller in Rust that reads the
    /// text itself skips that.
    value_wanted: bool,
}

/// How a step ends: a promise to wait on, or the call's result.
enum Step {
    Wait(Promise),
    End(Result<JsValue, Error>),
}

#[wasm_bindgen(js_class = GraphCall)]
impl Call {
    /// The driver's step: `input` is what the last promise gave (`undefined` at first), or what it
    /// rejected with when `rejected`. Returns the next promise to wait on, or the call's value; throws
    /// its `GraphError`.
    pub fn next(&self, input: JsValue, rejected: bool) -> Result<JsValue, JsValue> {
        let mut state = self.state.borrow_mut();
        match state.step(input, rejected) {
            Step::Wait(promise) => Ok(promise.into()),
            Step::End(result) if state.internal => {
                state.outcome = Some(result);
                Ok(JsValue::UNDEFINED)
            }
            Step::End(result) => result.map_err(to_js_error),
        }
    }
}

impl CallState {
    pub(crate) fn new(flow: Flow, options: &CreateTaskOptions) -> CallState {
        CallState {
            flow,
            token: options.token.clone(),
            signal: options.signal.clone(),
            timeout_ms: options.timeout_ms,
            waiting: Waiting::Start,
            sent_token: String::new(),
            last_body: None,
            outcome: None,
            internal: false,
            value_wanted: true,
        }
    }

    /// The call ends with `undefined` rather than the last answer parsed: for a caller in Rust that
    /// reads [`Finished::body`] as text.
    #[cfg(feature = "bulk")]
    pub(crate) fn text_only(mut self) -> CallState {
        self.value_wanted = false;
        self
    }

    /// Runs the call: the promise of its value, rejected with its `GraphError`.
    pub(crate) fn start(self) -> Promise {
        let state = Rc::new(RefCell::new(self));
        js::drive(Call { state }).unwrap_or_else(|thrown| {
            Promise::reject(&to_js_error(js::broken_environment("The call's driver", &thrown)))
        })
    }

    /// Runs the call for a caller in Rust: its value (or error), and what the flow finished with.
    pub(crate) async fn run(mut self) -> (Result<JsValue, Error>, Finished) {
        self.internal = true;
        let state = Rc::new(RefCell::new(self));
        let driven = js::drive(Call { state: state.clone() });
        // The driver's promise settles once the call has ended, its outcome kept in `state`.
        if let Ok(promise) = &driven {
            let _ = wasm_bindgen_futures::JsFuture::from(promise.clone()).await;
        }
        let mut state = state.borrow_mut();
        let outcome = state.outcome.take().unwrap_or_else(|| {
            Err(Error::config(ClientCode::BrokenEnvironment, "The call's driver stopped before the call ended"))
        });
        (outcome, state.flow.finished().clone())
    }

    fn step(&mut self, input: JsValue, rejected: bool) -> Step {
        // env.js's promises resolve to an outcome and never reject; were one to, its rejection reads
        // as a failure of what it waited on.
        let next = match std::mem::replace(&mut self.waiting, Waiting::Start) {
            Waiting::Start => Next::Send,
            Waiting::Token if rejected => return self.token_given(js::TokenOutcome::Failed(input)),
            Waiting::Token => return self.token_given(js::token_outcome(&input)),
            Waiting::Response if rejected => self.read(Fetched::Failed { thrown: input, cause: AbortCause::None }),
            Waiting::Response => self.read(js::fetched(&input)),
            Waiting::Sleep if !rejected && input.as_bool() == Some(true) => Next::Send,
            Waiting::Sleep => Next::Failed(self.flow.fail(aborted_error(false))),
        };
        match next {
            Next::Send => self.attempt(),
            Next::Wait(millis) => match js::sleep(millis as f64, self.signal.as_ref()) {
                Ok(promise) => self.wait(Waiting::Sleep, promise),
                Err(thrown) => self.fail(js::broken_environment("setTimeout", &thrown)),
            },
            Next::Done => Step::End(Ok(self.value())),
            Next::Failed(error) => Step::End(Err(error)),
        }
    }

    fn wait(&mut self, waiting: Waiting, promise: Promise) -> Step {
        self.waiting = waiting;
        Step::Wait(promise)
    }

    /// The call fails with `error`, as the flow names its failures.
    fn fail(&self, error: Error) -> Step {
        Step::End(Err(self.flow.fail(error)))
    }

    /// One attempt: the token (asked again each time, so that one refreshed during a wait is sent),
    /// then the request. An aborted signal ends the call before the provider is asked.
    fn attempt(&mut self) -> Step {
        if transport::is_aborted(self.signal.as_ref()) {
            return self.fail(aborted_error(false));
        }
        let provider: Function = match &self.token {
            TokenSource::Static(token) => {
                let token = token.clone();
                return self.send(token);
            }
            TokenSource::Js(provider) => provider.clone(),
            // `create_task` turns a Rust provider into a JS one before a call starts.
            TokenSource::Provider(_) => {
                return self.fail(Error::config(ClientCode::InvalidOption, "a Rust token provider reached a call"))
            }
        };
        match js::token_provider(&provider, self.signal.as_ref(), self.timeout_ms) {
            Ok(promise) => self.wait(Waiting::Token, promise),
            Err(thrown) => self.token_given(js::TokenOutcome::Failed(thrown)),
        }
    }

    /// The provider's outcome: the token to send, or the call's failure.
    fn token_given(&mut self, outcome: js::TokenOutcome) -> Step {
        match super::bindings::token_from_outcome(outcome, self.timeout_ms) {
            Ok(token) => self.send(token),
            Err(error) => self.fail(error),
        }
    }

    fn send(&mut self, token: String) -> Step {
        if let Err(error) = check_token(&token) {
            return self.fail(error);
        }
        if transport::is_aborted(self.signal.as_ref()) {
            return self.fail(aborted_error(false));
        }
        let request = self.flow.request();
        let sent = transport::start(&Attempt {
            method: request.method,
            url: &request.url,
            headers: &request.headers,
            authorization: &authorization_value(&token),
            body: request.body.as_deref(),
            signal: self.signal.as_ref(),
            timeout_ms: self.timeout_ms,
        });
        self.sent_token = token;
        match sent {
            Ok(promise) => self.wait(Waiting::Response, promise),
            // send is async and cannot throw; were it to, nothing was sent.
            Err(thrown) => self.fail(js::broken_environment("fetch", &thrown)),
        }
    }

    /// env.js `send`'s outcome, fed to the flow.
    fn read(&mut self, outcome: Fetched) -> Next {
        match transport::received(outcome, self.timeout_ms) {
            Ok(received) => {
                let text = String::from(&received.body);
                let response = received.response;
                let headers = || transport::response_headers(&response);
                self.last_body = Some(received.body);
                let now = js::now_ms() as i64;
                self.flow.received(received.status, headers, text, js::number, now, js::random(), &self.sent_token)
            }
            Err(error) => self.flow.failed(error, js::random(), &self.sent_token),
        }
    }

    /// The call's value: the last answer parsed by JSON.parse (the service's own object, never the
    /// caller's), with `details` set to the details the call set.
    fn value(&self) -> JsValue {
        if !self.value_wanted {
            return JsValue::UNDEFINED;
        }
        let value = self.last_body.as_ref().and_then(js::json_parse).unwrap_or(JsValue::NULL);
        if let Some(details) = &self.flow.finished().details {
            let details = js::json_parse(&JsString::from(details.as_str())).unwrap_or(JsValue::NULL);
            js::set(&value, "details", &details);
        }
        value
    }
}
