// The JavaScript side of the wasm layer's environment access (src/wasm/js.rs). Every import of these
// is declared `catch` there, so that whatever one throws becomes a Result and no JS exception can
// unwind through wasm frames; the async ones resolve to an outcome and never reject.

// Calls the caller's token provider, bounded by the caller's signal and by `ms` (0: no bound).
// Resolves to [0, token], [1, what it threw or rejected with], [2] on timeout or [3] on abort; a
// throw anywhere (in the provider, a hostile thenable, the signal) becomes one of those, never an
// exception out of this function.
export function callTokenProvider(provider, signal, ms) {
  return new Promise((resolve) => {
    const done = (outcome) => {
      disarm();
      resolve(outcome);
    };
    const disarm = arm(signal, ms > 0 ? ms : undefined, () => done([2]), () => done([3]));
    (async () => provider())().then((token) => done([0, token]), (thrown) => done([1, thrown]));
  });
}

// The bounds of a wait: `onTimeout` after `ms` (undefined: no timer), `onAbort` when `signal` (the
// caller's, or undefined) fires. Returns what removes both, called once the wait is over whichever
// way it ended. The token provider, an attempt and a retry's wait are all bounded this way.
function arm(signal, ms, onTimeout, onAbort) {
  const timer = ms === undefined ? undefined : setTimeout(onTimeout, ms);
  if (signal !== undefined) signal.addEventListener("abort", onAbort);
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    if (signal !== undefined) signal.removeEventListener("abort", onAbort);
  };
}

// One response header, or undefined.
export function responseHeader(response, name) {
  const value = response.headers.get(name);
  return value === null ? undefined : value;
}

// Reads the body as a stream and stops at `limit` decoded bytes (fetch has already undone any
// Content-Encoding), so that neither a chunked body nor a gzip bomb is buffered whole. Resolves to
// the text, or to null when the body is larger than `limit`, or to PASSED when the attempt's deadline
// passes first (`wait`: see `bound`). (`send` takes the fast path itself: see
// `boundedByLength`.)
async function readBodyStream(response, limit, wait) {
  const body = response.body;
  if (body === null) return "";
  const reader = body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const read = await wait(reader.read());
    if (read === PASSED) {
      reader.cancel().catch(() => {});
      return PASSED;
    }
    const { done, value } = read;
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const decoder = new TextDecoder();
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return decoder.decode(all);
}

// Whether text() may read the body whole: when it cannot decode to more than its declared length
// (`declared`, -1 when absent or not a number), that is, without Content-Encoding, and within `limit`.
// Only where every header is visible ("basic": Node, and a same-origin page): a cross-origin response
// hides Content-Encoding, so there the stream is read.
function boundedByLength(response, declared, limit) {
  return declared >= 0 && declared <= limit && response.type === "basic" && response.headers.get("content-encoding") === null;
}

// Whether fetch waits for a microtask (see `send`): not in Node (nor in runtimes that present
// themselves as Node), where there is no page; an Electron renderer, which has both, fetches as
// Chromium does, so it waits.
const DEFER_FETCH =
  typeof document !== "undefined" ||
  !(typeof process === "object" && process !== null && typeof process.versions?.node === "string");

// Whether the timeout reaches fetch as a signal. Not in Node (the runtimes DEFER_FETCH leaves out),
// when the caller gave no signal: there a signal costs undici about 10 µs a fetch (a listener with
// { once }, a WeakRef and a FinalizationRegistry entry per request, and a copy of the signal's
// listener list to count them), against the emulator a third of createTask's cost over raw fetch.
// There an attempt waits on a shared deadline instead (sharedDeadline), and one that outlives it is
// abandoned rather than cancelled: the call fails with its timeout at once, and the request's socket
// is released when the server answers (the body is then cancelled unread) or by undici's own
// timeouts (300 s by default). Node's fetch opens another connection for each new request meanwhile,
// so an abandoned one holds nothing up. A browser keeps the signal: its few connections per host
// must not wait on a request nobody reads.
const SIGNAL_ON_FETCH = DEFER_FETCH;

// What bounds one attempt: the caller's signal and the timeout, as the one signal given to fetch.
// Without a caller's signal the attempt takes a shared timeout signal (see timeoutSignal), or in Node
// a shared deadline and no signal at all (see SIGNAL_ON_FETCH); else a controller that either bound
// aborts. `wait(promise)` is what the attempt awaits for each step: the promise itself, or with a
// deadline, PASSED once it passes. `cause()` says which bound ended it: 0 neither, 1 the caller, 2 the
// timeout.
const settled = (promise) => promise;
const UNBOUNDED = { signal: undefined, wait: settled, cause: () => 0, done() {} };
function bound(signal, ms) {
  if (signal === undefined) {
    if (ms === 0) return UNBOUNDED;
    if (!SIGNAL_ON_FETCH) {
      const deadline = sharedDeadline(ms);
      const wait = (promise) => beforeDeadline(promise, deadline);
      return { signal: undefined, wait, cause: () => (deadline.passed ? 2 : 0), done() {} };
    }
    try {
      const shared = timeoutSignal(ms);
      return { signal: shared, wait: settled, cause: () => (shared.aborted ? 2 : 0), done() {} };
    } catch {
      // No AbortSignal.timeout here: a timer of the attempt's own, below.
    }
  }
  const controller = new AbortController();
  let cause = 0;
  const end = (why, reason) => {
    cause = why;
    controller.abort(new Error(reason));
  };
  const done = arm(signal, ms > 0 ? ms : undefined, () => end(2, "timeout"), () => end(1, "aborted"));
  return { signal: controller.signal, wait: settled, cause: () => cause, done };
}

// One attempt, in one call from wasm (each crossing, and each string it decodes, costs more than the
// JavaScript it replaces): builds the init, calls the global fetch bounded by `signal` (the caller's,
// or undefined) and `timeoutMs` (0: none), checks what it resolved to, and reads the body up to `limit`
// decoded bytes. `headers` is the JSON text of [name, value, …]: one string to decode, which any value
// survives (an etag from a server may hold any character). `body` may be undefined. Never throws or
// rejects; resolves to one of
//   [status, text, response]  a response (status 0 to 999) and its body
//   [-1, what]                a broken environment: fetch threw at once (it sent nothing), resolved
//                             to something that is not a Response, or to one that cannot be read
//   [-2, thrown, cause]       fetch rejected (a network failure, or an abort: `cause` as bound() says)
//   [-3, thrown, status, cause] the body's read failed
//   [-4, status, response]    the body is larger than `limit` (declared or read; not read further)
//   [-5]                      an opaque redirect (a browser's answer to a manual redirect)
export async function send(url, method, authorization, headers, body, signal, timeoutMs, limit) {
  let bounds;
  try {
    bounds = bound(signal, timeoutMs);
  } catch (thrown) {
    return [-1, thrown];
  }
  // One async function from the call to the body's text: an attempt's steps inline, not awaited
  // through a helper of their own, whose promise would cost microtasks on every call's path.
  try {
    // In a browser, fetch is called from a microtask, once the wasm frames that called `send` have
    // returned: in Chromium a fetch started with wasm on the stack took about 150 µs longer to answer
    // (measured in one page against the same server, calls interleaved: 1,639 µs from fetch to response
    // either way with this line, +100 to +200 µs without it), which was most of createTask's gap to raw
    // fetch there. Node's fetch has no such delay, and there the microtask cost about 11 µs per call
    // (584 against 573 µs, calls interleaved one by one against the emulator, raw fetch 455 µs): the
    // fetch waited behind whatever work was queued before it, instead of that work overlapping the
    // request.
    if (DEFER_FETCH) await undefined;
    let pending;
    try {
      const pairs = JSON.parse(headers);
      const names = { Authorization: authorization };
      for (let i = 0; i < pairs.length; i += 2) names[pairs[i]] = pairs[i + 1];
      // A plain init object: cheaper than a Request per call, which costs most in Node.
      const init = { method, headers: names };
      if (body !== undefined) init.body = body;
      if (bounds.signal !== undefined) init.signal = bounds.signal;
      init.redirect = "manual";
      pending = fetch(url, init);
    } catch (thrown) {
      return [-1, thrown];
    }
    let response;
    try {
      // Inside an async function, so a hostile thenable's `then` (even a throwing getter) is called
      // by the engine, and becomes a rejection here.
      response = await bounds.wait(pending);
    } catch (thrown) {
      return [-2, thrown, bounds.cause()];
    }
    if (response === PASSED) return [-2, "timeout", 2];
    let isResponse;
    try {
      isResponse = response instanceof Response;
    } catch {
      isResponse = false;
    }
    if (!isResponse) return [-1, "it resolved to something that is not a Response"];
    let status, opaqueRedirect, declared;
    try {
      const length = response.headers.get("content-length");
      declared = length !== null && /^\s*\d+\s*$/.test(length) ? Number(length) : -1;
      status = response.status;
      opaqueRedirect = response.type === "opaqueredirect";
      // A status that is not one (a Response subclass may say anything) is as unreadable as a throw.
      if (!(typeof status === "number" && status >= 0 && status <= 999)) throw 0;
    } catch {
      return [-1, "its Response cannot be read"];
    }
    // In a browser a manual redirect is an opaque response with status 0.
    if (opaqueRedirect) return [-5];
    if (declared > limit) {
      // Not read: cancel the body so that the connection is released.
      try {
        if (response.body !== null) response.body.cancel().catch(() => {});
      } catch {}
      return [-4, status, response];
    }
    let text;
    try {
      text = boundedByLength(response, declared, limit)
        ? await bounds.wait(response.text())
        : await readBodyStream(response, limit, bounds.wait);
    } catch (thrown) {
      return [-3, thrown, status, bounds.cause()];
    }
    if (text === PASSED) return [-3, "timeout", status, 2];
    return text === null ? [-4, status, response] : [status, text, response];
  } finally {
    bounds.done();
  }
}

// The AbortSignal that bounds an attempt by `ms`. Attempts that start within `window` ms of each other
// share one `AbortSignal.timeout(ms + window)`, so that each one's timeout fires between `ms` and
// `ms + window` after it starts. Why: a signal per attempt costs microseconds in Node, and keeps a
// live timer per call for `ms` (30 s by default), where shared ones keep one per window or per
// SHARED_USES attempts. The window, a hundredth of `ms` in whole ms (1 to 250), is all a timeout may
// run late by. A signal serves at most SHARED_USES attempts: each fetch (undici's Request) adds an
// abort listener to it that only garbage collection removes, copies the list of its listeners to
// count them (so a long list costs every fetch), and Node warns past 1500 listeners on one signal.
// Throws (caught by the import, which then falls back to a timer of the attempt's own) where there is
// no AbortSignal.timeout or no performance.now.
const SHARED_USES = 64;
const signals = new Map();
const signalFired = (signal) => signal.aborted;
const newTimeoutSignal = (total) => AbortSignal.timeout(total);
export function timeoutSignal(ms) {
  return sharedInWindow(signals, ms, signalFired, newTimeoutSignal);
}

// What the attempts bounded by `ms` that start within one window share (a timeout signal, or a
// deadline): `cache` holds the current one per `ms`, handed out until its window closes, it has served
// SHARED_USES attempts, or `fired(it)`; then `make(ms + window)` makes the next.
function sharedInWindow(cache, ms, fired, make) {
  const now = performance.now();
  const cached = cache.get(ms);
  if (cached !== undefined && now < cached.until && cached.uses < SHARED_USES && !fired(cached.value)) {
    cached.uses += 1;
    return cached.value;
  }
  // Whole milliseconds: AbortSignal.timeout truncates a fraction, which would cut into `ms`.
  const window = Math.max(1, Math.min(Math.floor(ms / 100), 250));
  const value = make(ms + window);
  // One entry per timeoutMs in use; a caller that varies it per call cannot grow this without bound.
  if (cached === undefined && cache.size >= 16) cache.clear();
  cache.set(ms, { value, until: now + window, uses: 1 });
  return value;
}

// The deadline of an attempt bounded by `ms` without a signal (Node; see SIGNAL_ON_FETCH), shared as
// timeoutSignal shares its signals (sharedInWindow): each one's deadline passes between `ms` and
// `ms + window` after it starts. `passed` turns true when it does, and `waiting` holds what wakes each
// attempt then. The timer keeps a process alive only while an attempt waits on it (`hold`): one
// whose attempts have all ended must not hold a process up for `ms` more, and one that an attempt
// waits on must fire even when that attempt's fetch holds nothing open itself.
const deadlines = /* @__PURE__ */ new Map();
const deadlinePassed = (deadline) => deadline.passed;
const newDeadline = (total) => {
  const deadline = { passed: false, waiting: new Set(), hold: undefined };
  const timer = setTimeout(() => {
    deadline.passed = true;
    for (const wake of deadline.waiting) wake();
    deadline.waiting.clear();
  }, total);
  if (typeof timer?.unref === "function" && typeof timer.ref === "function") {
    timer.unref();
    deadline.hold = (on) => (on ? timer.ref() : timer.unref());
  }
  return deadline;
};
function sharedDeadline(ms) {
  return sharedInWindow(deadlines, ms, deadlinePassed, newDeadline);
}

// What `promise` (a thenable, or a value, as `await` takes them) settles to, or PASSED if `deadline`
// passes first. What comes after that is nobody's: a Response's body is cancelled unread, which gives
// its connection back, and a rejection is dropped.
const PASSED = /* @__PURE__ */ Symbol("deadline passed");
function beforeDeadline(promise, deadline) {
  if (deadline.passed) return Promise.resolve(PASSED);
  return new Promise((resolve, reject) => {
    const wake = () => resolve(PASSED);
    const { waiting, hold } = deadline;
    waiting.add(wake);
    if (waiting.size === 1) hold?.(true);
    // Whether the deadline had not passed yet.
    const inTime = () => {
      if (!waiting.delete(wake)) return false;
      if (waiting.size === 0) hold?.(false);
      return true;
    };
    Promise.resolve(promise).then(
      (value) => {
        if (inTime()) return resolve(value);
        try {
          if (value instanceof Response && value.body !== null) value.body.cancel().catch(() => {});
        } catch {}
      },
      (thrown) => {
        if (inTime()) reject(thrown);
      },
    );
  });
}

// The host of an http(s) URL's authority (what stands between `//` and the port) as this platform's
// fetch would read it: its own WHATWG URL parser's serialization (IPv4 forms as four decimal parts,
// IPv6 compressed, IDNA applied), or null where that parser refuses it (fetch would throw).
export function hostname(host) {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return null;
  }
}

// Resolves to true after `ms`, or to false as soon as `signal` (the caller's, or undefined) fires.
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal !== undefined && signal.aborted) return resolve(false);
    const done = (inTime) => {
      disarm();
      resolve(inTime);
    };
    const disarm = arm(signal, ms, () => done(true), () => done(false));
  });
}

// Runs one call of the client (src/wasm/call.rs: the core's src/flow.rs decides). Each step returns
// the promise to wait on (the token provider, `send`, `sleep`: all of this module, so native
// promises), whose result is fed to the next step, or the call's value; a step that fails throws the
// call's GraphError, which rejects this promise. The only async code of a call: Rust async state
// machines in its place cost the browser build several kilobytes and each call time.
export async function drive(call) {
  try {
    let input;
    let rejected = false;
    for (;;) {
      const next = call.next(input, rejected);
      if (!(next instanceof Promise)) return next;
      try {
        input = await next;
        rejected = false;
      } catch (thrown) {
        input = thrown;
        rejected = true;
      }
    }
  } finally {
    call.free();
  }
}
