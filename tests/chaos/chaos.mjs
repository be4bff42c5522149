// The chaos run: against an emulator started with `--chaos-rate 0.5` (429 and 503 with Retry-After,
// 504 before commit, after commit, and with the commit delayed past the answer) and Retry-After
// enforcement, N tasks are created twice over, each in a plan of its own:
//
//   1. through createTasks (JSON batching, the shared throttle, reconciliation);
//   2. through single createTask calls with `reconcile: true`, CONCURRENCY at a time.
//
//   node tests/chaos/chaos.mjs EMULATOR_URL PACKAGE_DIR [TASKS] [CONCURRENCY]
//
// Checks, for each: every task has an ok result; the plan holds exactly N tasks, each title once
// (0 lost, 0 duplicated); no request came before its Retry-After ended; chaos really happened. Prints
// the counts and a "N passed, N failed" line.
import { pathToFileURL } from "node:url";
import path from "node:path";

const [url, pkgDir, tasksArg, concurrencyArg] = process.argv.slice(2);
if (!url || !pkgDir) {
  console.error("usage: chaos.mjs EMULATOR_URL PACKAGE_DIR [TASKS] [CONCURRENCY]");
  process.exit(2);
}
const total = Number(tasksArg ?? 1000);
const concurrency = Number(concurrencyArg ?? 16);
const { createTask, createTasks } = await import(pathToFileURL(path.join(path.resolve(pkgDir), "node.mjs")).href);
// The retry budget is what makes "every task has an ok result" a check that cannot flake. At chaos rate
// 0.5 about 45% of attempts fail in a way that needs another (all but the 504 after commit, which a
// look finds). With 10 retries, a task fails 11 times in a row with probability 0.45^11 = 1.5e-4, so
// one of 1,000 tasks ran out of retries in about one run in seven: a correct typed error, but a red
// CI. With 40 it is 0.45^41 < 1e-14 per task, and the run takes no longer, because only a tail of
// tasks ever needs more than ten.
const options = { accessToken: "chaos-token", baseUrl: `${url}/v1.0`, retry: { maxRetries: 40, baseDelayMs: 200, maxDelayMs: 10_000 } };

async function control(method, route, body) {
  const res = await fetch(url + route, {
    method,
    headers: { authorization: "Bearer chaos-token", ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${route}: ${res.status}`);
  return res.json();
}

async function titlesIn(planId) {
  const titles = [];
  let next = `${url}/v1.0/planner/plans/${planId}/tasks`;
  while (next) {
    const page = await control("GET", next.slice(url.length));
    for (const t of page.value) titles.push(t.title);
    next = page["@odata.nextLink"];
  }
  return titles;
}

async function bulkRun(planId, inputs) {
  const results = await createTasks(inputs, options);
  return results.map((r) => (r.ok ? { ok: true, reconciled: !!r.reconciled } : { ok: false, why: `${r.error.kind}:${r.error.status ?? ""} ${r.error.message}` }));
}

async function singleRun(planId, inputs) {
  const results = new Array(inputs.length);
  let next = 0;
  async function worker() {
    while (next < inputs.length) {
      const i = next++;
      try {
        await createTask(inputs[i], { ...options, reconcile: true });
        results[i] = { ok: true };
      } catch (e) {
        results[i] = { ok: false, why: `${e?.kind}:${e?.status ?? ""} ${e?.message}` };
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

let failed = 0;
let passed = 0;
for (const [name, run] of [["createTasks", bulkRun], ["createTask + reconcile", singleRun]]) {
  const plan = await control("POST", "/_emulator/plans", { title: `chaos ${name}` });
  const inputs = Array.from({ length: total }, (_, i) => ({ planId: plan.id, title: `chaos ${i}` }));
  const before = await control("GET", "/_emulator/stats");
  const started = Date.now();
  const results = await run(plan.id, inputs);
  const seconds = (Date.now() - started) / 1000;
  const after = await control("GET", "/_emulator/stats");
  const titles = await titlesIn(plan.id);
  const unique = new Set(titles);
  const ok = results.filter((r) => r.ok).length;
  const missing = inputs.filter((t) => !unique.has(t.title)).length;
  const duplicated = titles.length - unique.size;
  const earlyRetries = after.earlyRetries - before.earlyRetries;
  const injected =
    after.faultsInjected.beforeCommit - before.faultsInjected.beforeCommit + after.faultsInjected.afterCommit - before.faultsInjected.afterCommit;
  console.log(JSON.stringify({ run: name, total, seconds, ok, reconciled: results.filter((r) => r.reconciled).length, inPlan: titles.length, missing, duplicated, injected, earlyRetries }));
  const checks = [
    [`${name}: every task has an ok result`, ok === total],
    [`${name}: the plan holds exactly ${total} tasks`, titles.length === total],
    [`${name}: each title once (0 lost, 0 duplicated)`, missing === 0 && duplicated === 0],
    [`${name}: no early retries`, earlyRetries === 0],
    [`${name}: chaos really happened`, injected > total / 4],
  ];
  for (const [what, good] of checks) {
    console.log(`${good ? "ok" : "FAILED"} - ${what}`);
    if (good) passed++;
    else failed++;
  }
  for (const r of results.filter((r) => !r.ok).slice(0, 5)) console.log(`  ${r.why}`);
}
console.log(`chaos: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
