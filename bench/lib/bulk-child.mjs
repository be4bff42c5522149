// One bulk run of one client, in a process of its own (so that no client inherits another's kept-alive
// connections, timers or heap):
//   node bulk-child.mjs '{"client":"createTasks"|"graph-client-seq"|"graph-client-all"|"pnp-batched",
//                         "url":..., "token":..., "planId":..., "bucketId":..., "n":1000, "options":{...}}'
// Creates n tasks titled "bulk <run> <i>" in the plan and prints one JSON line on stdout:
//   { ms, ok, failed, errors: { message: count } }
// The wall time runs from just before the first request to the moment every create has settled.
import { randomUUID } from "node:crypto";
import { createTasks } from "graph-tasks";
import { Client } from "@microsoft/microsoft-graph-client";
import { graphfi, GraphBrowser } from "@pnp/graph";
import "@pnp/graph/planner/index.js";
import "@pnp/graph/batching.js";
import { BearerToken } from "@pnp/queryable";

const cfg = JSON.parse(process.argv[2]);
const { client, url, token, planId, bucketId, n, run, options = {} } = cfg;
const base = `${url}/v1.0`;
const auth = `Bearer ${token}`;
const tasks = Array.from({ length: n }, (_, i) => ({ planId, bucketId, title: `bulk ${run} ${String(i).padStart(5, "0")}` }));

const errors = {};
const fail = (e) => {
  // graph-tasks' GraphError: kind, status, code; the Graph JS client's GraphError: statusCode, code.
  const parts = [e?.kind, e?.status ?? e?.statusCode, e?.code].filter((x) => x !== undefined && x !== null && x !== "");
  const key = (parts.length ? parts.join(" ") : String(e?.message ?? e)).slice(0, 80);
  errors[key] = (errors[key] ?? 0) + 1;
};

// The Graph JS client, as an app builds it once. Its default middleware chain includes the
// RetryHandler (3 retries, honouring Retry-After). Against the http emulator it attaches neither the
// token nor its client-request-id (it does both for https Graph hosts only), so both go in per request;
// the id is kept across the RetryHandler's retries, which is what lets the emulator see early retries.
const graphClient = Client.init({ authProvider: (done) => done(null, token), baseUrl: `${url}/`, defaultVersion: "v1.0" });
const graphCreate = (task) => graphClient.api("/planner/tasks").header("authorization", auth).header("client-request-id", randomUUID()).post(task);

let ok = 0;
let failed = 0;
const t0 = performance.now();
if (client === "createTasks") {
  const results = await createTasks(tasks, { accessToken: token, baseUrl: base, ...options });
  for (const r of results) {
    if (r.ok) ok++;
    else {
      failed++;
      fail(r.error);
    }
  }
} else if (client === "graph-client-seq") {
  for (const task of tasks) {
    try {
      const t = await graphCreate(task);
      if (!t?.id) throw new Error("no id");
      ok++;
    } catch (e) {
      failed++;
      fail(e);
    }
  }
} else if (client === "graph-client-all") {
  const settled = await Promise.allSettled(tasks.map((task) => graphCreate(task)));
  for (const s of settled) {
    if (s.status === "fulfilled" && s.value?.id) ok++;
    else {
      failed++;
      fail(s.reason ?? new Error("no id"));
    }
  }
} else if (client === "pnp-batched") {
  // PnPjs 4's batching: graph.batched() (createBatch underneath) queues the adds and execute() sends
  // them as $batch requests of 20 (its maxRequests default), one batch after the other.
  const graph = graphfi().using(GraphBrowser({ baseUrl: base }), BearerToken(token));
  const [batched, execute] = graph.batched();
  const pending = tasks.map((task) => batched.planner.tasks.add(task));
  try {
    await execute();
  } catch (e) {
    fail(e);
  }
  const settled = await Promise.allSettled(pending);
  for (const s of settled) {
    if (s.status === "fulfilled" && s.value?.id) ok++;
    else {
      failed++;
      fail(s.reason ?? new Error("no id"));
    }
  }
} else {
  throw new Error(`unknown bulk client ${client}`);
}
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, ok, failed, errors })}\n`);
