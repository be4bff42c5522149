// Attempts that start together share one timeout signal (src/wasm/env.js `timeoutSignal`). Each fetch
// (undici's Request) adds an abort listener to its signal, and Node warns once a signal holds more than
// 1500: many calls in flight at once must spread over enough signals that it never does.
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
