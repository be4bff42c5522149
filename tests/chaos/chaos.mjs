// The chaos run: 1,000 creates at concurrency 16 against an emulator started with
// `--chaos-rate 0.5` (429/503 with Retry-After, 504 before or after commit) and Retry-After enforcement.
//
//   node tests/chaos/chaos.mjs EMULATOR_URL PACKAGE_DIR [CREATES] [CONCURRENCY]
//
// Checks: every call resolves or rejects with a GraphError of a kind chaos can cause; tasks stored ==
// resolved calls + commits the emulator answered with an error (each of which the client flagged
// mayHaveBeenCreated); no retry came before its Retry-After ended. Prints the counts and a
// "N passed, N failed" line.
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [url, pkgDir, createsArg, concurrencyArg] = process.argv.slice(2);
if (!url || !pkgDir) {
  console.error("usage: chaos.mjs EMULATOR_URL PACKAGE_DIR [CREATES] [CONCURRENCY]");
  process.exit(2);
}
const creates = Number(createsArg ?? 1000);
const concurrency = Number(concurrencyArg ?? 16);
const { createTask, GraphError } = await import(pathToFileURL(path.join(path.resolve(pkgDir), "node.mjs")).href);

async function control(method, route, body) {
  const res = await fetch(url + route, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${route}: ${res.status}`);
  return res.json();
}

const plan = await control("POST", "/_emulator/plans", { title: "chaos" });
const before = await control("GET", "/_emulator/stats");

const counts = { resolved: 0, rejected: 0, flagged: 0, byKind: {} };
const problems = [];
let next = 0;
const started = Date.now();
async function worker() {
  while (next < creates) {
    const i = next++;
    try {
      const task = await createTask(
        { planId: plan.id, title: `chaos ${i}` },
        { accessToken: "chaos-token", baseUrl: `${url}/v1.0`, retry: { maxRetries: 4, baseDelayMs: 200, maxDelayMs: 10_000 } },
      );
      if (typeof task.id !== "string" || task.id.length !== 28) problems.push(`call ${i}: resolved without a task id`);
      counts.resolved++;
    } catch (e) {
      counts.rejected++;
      const key = `${e?.kind}:${e?.status}`;
      counts.byKind[key] = (counts.byKind[key] ?? 0) + 1;
      if (!(e instanceof GraphError)) problems.push(`call ${i}: rejected with ${e}`);
      else if (!(e.kind === "http" && [429, 503, 504].includes(e.status))) problems.push(`call ${i}: unexpected ${key} ${e.message}`);
      else if (e.status === 504 && !e.mayHaveBeenCreated) problems.push(`call ${i}: a 504 not flagged mayHaveBeenCreated`);
      if (e?.mayHaveBeenCreated) counts.flagged++;
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (Date.now() - started) / 1000;

const after = await control("GET", "/_emulator/stats");
const stored = after.tasksCreatedPerPlan[plan.id] ?? 0;
const committedWithError = after.faultsInjected.afterCommit - before.faultsInjected.afterCommit;
const earlyRetries = after.earlyRetries - before.earlyRetries;
const injected = committedWithError + after.faultsInjected.beforeCommit - before.faultsInjected.beforeCommit;

console.log(JSON.stringify({ creates, concurrency, seconds, ...counts, stored, committedWithError, injected, earlyRetries }));
const checks = [
  ["every call settled", counts.resolved + counts.rejected === creates],
  ["every rejection is a GraphError of a kind chaos causes", problems.length === 0],
  ["tasks stored == resolved + committed-then-failed", stored === counts.resolved + committedWithError],
  ["every committed-then-failed call was flagged mayHaveBeenCreated", committedWithError <= counts.flagged],
  ["chaos really happened", injected > creates / 4],
  ["no early retries", earlyRetries === 0],
];
let failed = 0;
for (const [name, ok] of checks) {
  console.log(`${ok ? "ok" : "FAILED"} - ${name}`);
  if (!ok) failed++;
}
for (const p of problems.slice(0, 10)) console.log("  " + p);
console.log(`chaos: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
