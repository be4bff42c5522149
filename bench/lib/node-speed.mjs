// One Node process that times the clients against the emulator, alternating rounds.
//   node node-speed.mjs '{"url":..., "token":..., "task":{...}, "mode":"sequential"|"concurrent"|"stub", ...}'
// Prints progress on stderr and one JSON line on stdout: { samples: { name: [per-round values] } }.
// sequential: µs per call; concurrent: creates per second; stub: µs per call with fetch stubbed.
import { createTask } from "graph-tasks";
import { Client } from "@microsoft/microsoft-graph-client";
import { graphfi, GraphBrowser } from "@pnp/graph";
import "@pnp/graph/planner/index.js";
import { BearerToken } from "@pnp/queryable";
import { makeClients, MAIN, DIAGNOSE } from "./clients.mjs";
import { alternate, timeConcurrent, timeSequential } from "./measure.mjs";

const cfg = JSON.parse(process.argv[2]);
const { url, token, task, mode, rounds, perBlock, warmup, concurrency = 32, diagnose = false } = cfg;
const calls = makeClients({ url, token, createTask, graph: { Client }, pnp: { graphfi, GraphBrowser, BearerToken }, diagnose });
const names = diagnose ? [...MAIN, ...DIAGNOSE] : MAIN;

const reset = async () => {
  const r = await fetch(`${url}/_emulator/reset`, { method: "POST" });
  if (r.status !== 204) throw new Error(`reset answered ${r.status}`);
  await r.arrayBuffer();
};

if (mode === "stub") {
  // No network: fetch answers at once with a copy of a real 201 from the emulator. What is left is
  // each client's own CPU cost per call (plus building one Response).
  await reset();
  const real = await fetch(`${url}/v1.0/planner/tasks`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(task),
  });
  const body = await real.text();
  const headers = [...real.headers].filter(([k]) => !["content-length", "transfer-encoding", "connection", "keep-alive"].includes(k));
  // Whatever a client hands to fetch (a URL and init, or a Request it built) is its own cost; reading
  // and sending it would be fetch's, so the stub ignores it.
  globalThis.fetch = async () => new Response(body, { status: 201, headers });
}

const run = (name) => {
  if (mode === "concurrent") return timeConcurrent(calls[name], task, perBlock, concurrency);
  return timeSequential(calls[name], task, perBlock);
};

for (const name of names) {
  if (mode !== "stub") await reset();
  if (mode === "concurrent") await timeConcurrent(calls[name], task, warmup, concurrency);
  else await timeSequential(calls[name], task, warmup);
}
const samples = await alternate(names, rounds, async (name) => {
  if (mode !== "stub") await reset(); // every block starts from the same emulator state
  return run(name);
}, (r) => process.stderr.isTTY && process.stderr.write(`\r[bench] node ${mode}: round ${r + 1}/${rounds}`));
if (process.stderr.isTTY) process.stderr.write("\n");
process.stdout.write(`${JSON.stringify({ samples })}\n`);
