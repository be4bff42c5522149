// How an attempt's timeout is kept in Node (src/wasm/env.js `bound`). Without the caller's signal no
// signal reaches fetch: attempts that start together share one deadline (`sharedDeadline`), and one that
// outlives it is abandoned, its answer's body cancelled when it comes. With the caller's signal, fetch
// gets one, and each fetch (undici's Request) adds an abort listener to it: Node warns once a signal
// holds more than 1500, which many calls in flight at once must never cause.
//
//   node --test tests/node/shared-timeout.test.mjs      (after scripts/build-pkg)
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { createTask } = await import(pathToFileURL(path.join(REPO, "target/npm/graph-tasks/node.mjs")));

test("2,000 calls in flight at once raise no MaxListenersExceededWarning", async () => {
  const warnings = [];
  const onWarning = (w) => warnings.push(`${w.name}: ${w.message}`);
  process.on("warning", onWarning);
  const realFetch = globalThis.fetch;
  const body = JSON.stringify({ id: "a".repeat(28), planId: "x".repeat(28), bucketId: "y".repeat(28), title: "t", "@odata.etag": 'W/"x"' });
  // The Request is what adds the listener; it stays alive while the answer is pending, as a real one
  // in flight does.
  globalThis.fetch = async (url, init) => {
    const request = new Request(url, init);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(!request.signal.aborted);
    return new Response(body, { status: 201, headers: { "content-type": "application/json" } });
  };
  try {
    const task = { planId: "x".repeat(28), bucketId: "y".repeat(28), title: "t" };
    const options = { accessToken: "t", baseUrl: "http://127.0.0.1:1/v1.0", retry: false };
    const created = await Promise.all(Array.from({ length: 2000 }, () => createTask(task, options)));
    assert.equal(created.length, 2000);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    globalThis.fetch = realFetch;
    process.off("warning", onWarning);
  }
  assert.deepEqual(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning")), []);
});

const TASK = { planId: "x".repeat(28), bucketId: "y".repeat(28), title: "t" };
const BASE = { accessToken: "t", baseUrl: "http://127.0.0.1:1/v1.0", retry: false };
const CREATED = JSON.stringify({ id: "a".repeat(28), planId: "x".repeat(28), bucketId: "y".repeat(28), title: "t" });

// Runs `body` with globalThis.fetch replaced by `fake`.
async function withFetch(fake, body) {
  const realFetch = globalThis.fetch;
  globalThis.fetch = fake;
  try {
    return await body();
  } finally {
    globalThis.fetch = realFetch;
  }
}

// A body that sends nothing until cancelled; `cancelled` settles when it is.
function stalledBody() {
  let cancel;
  const cancelled = new Promise((resolve) => (cancel = resolve));
  return { stream: new ReadableStream({ pull: () => new Promise(() => {}), cancel: () => cancel(true) }), cancelled };
}

test("without the caller's signal, fetch gets none and the attempt still times out", async () => {
  const inits = [];
  const error = await withFetch(
    (url, init) => {
      inits.push(init);
      return new Promise(() => {});
    },
    () => createTask(TASK, { ...BASE, timeoutMs: 50 }).then(() => null, (e) => e),
  );
  assert.equal(error?.kind, "timeout", String(error));
  assert.equal(error.mayHaveBeenCreated, true);
  assert.equal(inits.length, 1);
  assert.equal(inits[0].signal, undefined);
});

test("an answer that comes after the deadline has its body cancelled", async () => {
  const late = stalledBody();
  const error = await withFetch(
    () => new Promise((resolve) => setTimeout(() => resolve(new Response(late.stream, { status: 201 })), 150)),
    () => createTask(TASK, { ...BASE, timeoutMs: 50 }).then(() => null, (e) => e),
  );
  assert.equal(error?.kind, "timeout", String(error));
  assert.equal(await late.cancelled, true);
});

test("a body that stalls past the deadline times out, and its stream is cancelled", async () => {
  const stalled = stalledBody();
  const error = await withFetch(
    async () => new Response(stalled.stream, { status: 201, headers: { "content-type": "application/json" } }),
    () => createTask(TASK, { ...BASE, timeoutMs: 50 }).then(() => null, (e) => e),
  );
  assert.equal(error?.kind, "timeout", String(error));
  assert.equal(error.status, 201);
  assert.equal(error.mayHaveBeenCreated, true);
  assert.equal(await stalled.cancelled, true);
});

test("the caller's signal reaches fetch, and aborting it aborts the request", async () => {
  const controller = new AbortController();
  let given;
  const error = await withFetch(
    (url, init) => {
      given = init.signal;
      return new Promise((resolve, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason)));
    },
    () => {
      const call = createTask(TASK, { ...BASE, signal: controller.signal }).then(() => null, (e) => e);
      setTimeout(() => controller.abort(), 20);
      return call;
    },
  );
  assert.ok(given instanceof AbortSignal);
  assert.equal(error?.kind, "aborted", String(error));
});

test("an answer within the deadline is the created task", async () => {
  const created = await withFetch(
    async () => new Response(CREATED, { status: 201, headers: { "content-type": "application/json" } }),
    () => createTask(TASK, { ...BASE, timeoutMs: 1000 }),
  );
  assert.equal(created.title, "t");
});
