// The bulk benchmark (issues 16 and 19): n tasks into one plan, against an emulator that answers every
// Graph request after --latency-ms 50 and lets a caller send --rate-limit 200 requests per second (a
// token bucket per caller; each $batch sub-request takes a token). Every client gets a fresh emulator,
// so each starts with a full bucket, and a fresh plan from POST /_emulator/plans.
//
// For each client: the wall time (in the client's own process, first request to last settle), the
// results it reports, the tasks the plan really has (the emulator's tasksCreatedPerPlan, and a listing
// of the plan: titles seen more than once are duplicates), the emulator's earlyRetries (before/after)
// and how many requests its rate limit refused (the stats' `throttled`).
import { spawn } from "node:child_process";
import path from "node:path";

import { startEmulator } from "./emulator.mjs";
import { startRecordingProxy } from "./recording-proxy.mjs";

export const BULK_LATENCY_MS = 50;
export const BULK_RATE = 200;

/** The variants, in table order: [key, label, child client, createTasks options]. */
export function bulkVariants({ sweep = true } = {}) {
  const v = [
    ["createTasks", "graph-tasks createTasks (defaults: concurrency 4, batchSize 20)", "createTasks", {}],
    ["graph-client-seq", "Graph JS client, sequential loop", "graph-client-seq", {}],
    ["graph-client-all", "Graph JS client, Promise.all (RetryHandler)", "graph-client-all", {}],
    ["pnp-batched", "PnPjs graph.batched() ($batch of 20)", "pnp-batched", {}],
  ];
  if (sweep) {
    for (const concurrency of [2, 4, 8]) {
      for (const batchSize of [10, 20]) {
        v.push([`createTasks-c${concurrency}-b${batchSize}`, `createTasks concurrency ${concurrency}, batchSize ${batchSize}`, "createTasks", { concurrency, batchSize }]);
      }
    }
  }
  return v;
}

function child(script, arg, cwd, timeoutMs) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [script, arg], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => c.kill("SIGKILL"), timeoutMs);
    c.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`bulk-child exited with ${code ?? signal}: ${err.slice(-800)}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()));
      } catch {
        reject(new Error(`bulk-child printed no JSON: ${out.slice(-500)} ${err.slice(-500)}`));
      }
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function json(url, init) {
  const r = await fetch(url, init);
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null };
}

/** Every task of the plan, every page, waiting out the rate limit's 429s (the listing is not timed). */
async function listPlanTasks(url, token, planId) {
  const titles = [];
  let next = `${url}/v1.0/planner/plans/${encodeURIComponent(planId)}/tasks`;
  let guard = 0;
  while (next && guard++ < 10000) {
    const r = await json(next, { headers: { Authorization: `Bearer ${token}` } });
    if (r.status === 429) {
      await sleep(Math.ceil(Number(r.headers.get("retry-after") ?? 1) * 1000) + 10);
      continue;
    }
    if (r.status !== 200) throw new Error(`listing the plan answered ${r.status}`);
    for (const t of r.body.value) titles.push(t.title);
    next = r.body["@odata.nextLink"] ?? null;
  }
  return titles;
}

export async function runBulk({ emulator, benchDir, libDir, n, sweep, log }) {
  const token = "dev-token";
  const out = {};
  let run = 0;
  for (const [key, label, client, options] of bulkVariants({ sweep })) {
    run++;
    log(`bulk: ${label}, ${n} tasks`);
    const emu = await startEmulator(emulator, ["--latency-ms", String(BULK_LATENCY_MS), "--rate-limit", String(BULK_RATE)]);
    // The client talks to the emulator through the recording proxy (every client alike); the bench's
    // own calls (the plan, the stats, the listing) go to the emulator directly.
    const proxy = await startRecordingProxy(emu.url);
    try {
      const plan = await json(`${emu.url}/_emulator/plans`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title: `bulk bench ${key}` }),
      });
      if (plan.status !== 201) throw new Error(`POST /_emulator/plans answered ${plan.status}`);
      const planId = plan.body.id;
      const bucketId = plan.body.buckets[0].id;
      const before = (await json(`${emu.url}/_emulator/stats`)).body;
      // Sequential at 50 ms a call is n × 50 ms; allow that several times over.
      const timeoutMs = Math.max(120000, n * 300);
      const r = await child(path.join(libDir, "bulk-child.mjs"), JSON.stringify({ client, url: proxy.url, token, planId, bucketId, n, run, options }), benchDir, timeoutMs);
      const after = (await json(`${emu.url}/_emulator/stats`)).body;
      const seen0 = proxy.summary();
      await sleep(1100); // the listing below takes tokens too: let the bucket refill first
      const titles = await listPlanTasks(emu.url, token, planId);
      const seen = new Map();
      for (const t of titles) seen.set(t, (seen.get(t) ?? 0) + 1);
      const twice = [...seen.values()].filter((c) => c > 1).reduce((a, c) => a + c - 1, 0);
      const created = after.tasksCreatedPerPlan?.[planId] ?? 0;
      out[key] = {
        label,
        client,
        options,
        n,
        ms: r.ms,
        ok: r.ok,
        failed: r.failed,
        errors: r.errors,
        createdPerStats: created,
        inPlan: titles.length,
        distinctTitles: seen.size,
        duplicates: Math.max(twice, titles.length - n, 0),
        earlyRetries: (after.earlyRetries ?? 0) - (before.earlyRetries ?? 0),
        throttled: (after.throttled ?? 0) - (before.throttled ?? 0),
        batches: (after.batches ?? 0) - (before.batches ?? 0),
        writes: (after.writes ?? 0) - (before.writes ?? 0),
        proxy: seen0,
      };
    } finally {
      await proxy.stop();
      await emu.stop();
    }
  }
  return { n, latencyMs: BULK_LATENCY_MS, rate: BULK_RATE, limitMs: (n / BULK_RATE) * 1000, results: out };
}
