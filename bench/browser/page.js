// The Chromium bench page, bundled by esbuild into target/bench/www/bench.js at bench time.
// graph-tasks is NOT bundled: it is the built package as an app would load it, served by the emulator
// at /pkg/ (index.js, which fetches /pkg/graph_tasks_bg.wasm on the first call).
import { createTask } from "/pkg/index.js";
import { Client } from "@microsoft/microsoft-graph-client";
import { graphfi, GraphBrowser } from "@pnp/graph";
import "@pnp/graph/planner/index.js";
import { BearerToken } from "@pnp/queryable";
import { makeClients } from "../lib/clients.mjs";
import { timeSequential } from "../lib/measure.mjs";

let calls = null;
let task = null;

async function reset() {
  const r = await fetch("/_emulator/reset", { method: "POST" });
  if (r.status !== 204) throw new Error(`reset answered ${r.status}`);
  await r.arrayBuffer();
}

window.bench = {
  setup(config) {
    task = config.task;
    calls = makeClients({
      url: location.origin,
      token: config.token,
      createTask,
      graph: { Client },
      pnp: { graphfi, GraphBrowser, BearerToken },
      diagnose: config.diagnose,
    });
    return Object.keys(calls);
  },
  /** One block of n sequential creates from a fresh emulator state; resolves to µs per call. */
  async block(name, n) {
    await reset();
    return timeSequential(calls[name], task, n);
  },
};
window.benchReady = true;
