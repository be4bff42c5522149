// The JavaScript side of the wasm layer's environment access (src/wasm/js.rs). Each function here
// either returns or rejects a native promise; none lets an exception escape synchronously, so that
// no JS exception can unwind through wasm frames.

// Adopts any value (a promise, a hostile thenable, a plain value) into a fresh native promise, so that
// awaiting it from Rust calls only the engine's own `then`.
export async function settle(value) {
  return await value;
}

// Calls the caller's token provider, bounded by the caller's signal and by `ms` (0: no bound).
// Resolves to [0, token], [1, what it threw or rejected with], [2] on timeout or [3] on abort; a
// throw anywhere (in the provider, a hostile thenable, the signal) becomes one of those, never an
// exception out of this function.
export function callTokenProvider(provider, signal, ms) {
  return new Promise((resolve) => {
    let timer;
    const onAbort = () => done([3]);
    const done = (outcome) => {
      if (timer !== undefined) clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    if (ms > 0) timer = setTimeout(() => done([2]), ms);
    if (signal) signal.addEventListener("abort", onAbort);
    (async () => provider())().then((token) => done([0, token]), (thrown) => done([1, thrown]));
  });
}

// Status, whether it is an opaque redirect, and the declared Content-Length (-1 when absent), of a
// value that passed `instanceof Response`; throws (caught by the import) if its getters do.
export function responseMeta(response) {
  const length = response.headers.get("content-length");
  const declared = length !== null && /^\s*\d+\s*$/.test(length) ? Number(length) : -1;
  return [response.status, response.type === "opaqueredirect", declared];
}

// One response header, or undefined.
export function responseHeader(response, name) {
  const value = response.headers.get(name);
  return value === null ? undefined : value;
}

// Reads the body as a stream and stops at `limit` decoded bytes (fetch has already undone any
// Content-Encoding), so that neither a chunked body nor a gzip bomb is buffered whole. Resolves to
// the text, or to null when the body is larger than `limit`.
export async function readBodyText(response, limit) {
  const body = response.body;
  if (body === null) return "";
  // The fast path: when the body cannot decode to more than its declared length (no Content-Encoding),
  // text() is bounded by Content-Length. Only where every header is visible ("basic": Node, and a
  // same-origin page): a cross-origin response hides Content-Encoding, so there the stream is read.
  if (response.type === "basic" && response.headers.get("content-encoding") === null) {
    const declared = response.headers.get("content-length");
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= limit) return response.text();
  }
  const reader = body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
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

// Cancels a body that will not be read, so that the connection is released.
export function cancelBody(response) {
  if (response.body !== null) response.body.cancel().catch(() => {});
}
