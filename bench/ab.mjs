#!/usr/bin/env node
// A/B of graph-tasks builds per call in Node, against the real emulator: raw fetch, Microsoft's Graph
// JS client and each build given, in alternated rounds in one process (the order rotated each round),
// every round from a reset emulator. Prints the median µs per call and the median of per-round ratios
// to raw fetch. Nothing here asserts on time.
//
//   node bench/ab.mjs BUILD...        (after bench/run has installed bench/node_modules once)
//
// A BUILD is a package entry (e.g. target/npm/graph-tasks/node.mjs of two checkouts) or a directory of
// wasm-bindgen `--target web` output (graph_tasks.js and graph_tasks_bg.wasm). ROUNDS (default 60)
// and PER_ROUND (default 100) set the run's length; INTERLEAVE=1 times calls one by one (below).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rotate } from "./lib/measure.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const builds = process.argv.slice(2);
if (builds.length === 0) {
  console.error("usage: node bench/ab.mjs BUILD... (a package entry file or a wasm-bindgen output directory)");
  process.exit(2);
}
const rounds = Number(process.env.ROUNDS ?? 60);
const perRound = Number(process.env.PER_ROUND ?? 100);

const emulatorBin = path.join(root, "target/release/graph-emulator");
if (!existsSync(emulatorBin)) {
  console.error("bench/ab.mjs: build the emulator first (cargo build --release -p graph-tasks-emulator)");
  process.exit(1);
}
const work = mkdtempSync(path.join(tmpdir(), "graph-tasks-ab-"));
const portFile = path.join(work, "port");
const emulator = spawn(emulatorBin, ["--port", "0", "--port-file", portFile, "--quiet"], { stdio: "ignore" });
process.on("exit", () => emulator.kill());
for (let i = 0; i < 100 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 50));
const url = `http://127.0.0.1:${readFileSync(portFile, "utf8").trim()}`;

const load = async (build) => {
  const resolved = path.resolve(build);
  if (!existsSync(path.join(resolved, "graph_tasks.js"))) return (await import(pathToFileURL(resolved).href)).createTask;
  const glue = await import(pathToFileURL(path.join(resolved, "graph_tasks.js")).href);
  glue.initSync({ module: readFileSync(path.join(resolved, "graph_tasks_bg.wasm")) });
  return glue.createTask;
};
const { Client } = createRequire(path.join(here, "package.json"))("@microsoft/microsoft-graph-client");

const seed = await (await fetch(`${url}/_emulator/seed`)).json();
const plan = seed.plans[0];
// The body bench/run sends: an assignment already in Graph's form, a due date, a priority.
const task = {
  planId: plan.id,
  bucketId: plan.buckets[0].id,
  title: "Update client list",
  assignments: { "fbab97d0-4932-4511-b675-204639209557": { "@odata.type": "#microsoft.graph.plannerAssignment", orderHint: " !" } },
  dueDateTime: "2026-12-01T17:00:00Z",
  priority: 3,
};
const token = "bench-token";
const tasksUrl = `${url}/v1.0/planner/tasks`;
const graph = Client.init({ authProvider: (done) => done(null, token), baseUrl: `${url}/`, defaultVersion: "v1.0" });
const options = { accessToken: token, baseUrl: `${url}/v1.0` };
const clients = [
  ["raw fetch", async () => {
    const r = await fetch(tasksUrl, { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(task) });
    return r.json();
  }],
  ["Graph JS client", () => graph.api("/planner/tasks").header("authorization", `Bearer ${token}`).post(task)],
];
for (const build of builds) {
  const createTask = await load(build);
  clients.push([build, () => createTask(task, options)]);
}
// INTERLEAVE=1: each round calls the clients one by one in turn (the order rotated per call) and
// times each call alone; a change of a few µs shows through the noise of a loaded machine better
// this way than in blocks. The table is then the median of every call's time, and its ratio to raw
// fetch's median.
const interleave = process.env.INTERLEAVE === "1";
const samples = new Map(clients.map(([name]) => [name, []]));
const check = (name, created) => {
  if (typeof created?.id !== "string") throw new Error(`${name}: a create resolved without an id`);
};
for (let r = 0; r < rounds; r++) {
  if (interleave) {
    await (await fetch(`${url}/_emulator/reset`, { method: "POST" })).arrayBuffer();
    for (let i = 0; i < perRound; i++) {
      for (const [name, call] of rotate(clients, i)) {
        const t0 = performance.now();
        const created = await call();
        const elapsed = (performance.now() - t0) * 1000;
        check(name, created);
        // The first rounds warm every client up.
        if (r >= Math.min(4, rounds >> 2)) samples.get(name).push(elapsed);
      }
    }
    continue;
  }
  for (const [name, call] of rotate(clients, r)) {
    await (await fetch(`${url}/_emulator/reset`, { method: "POST" })).arrayBuffer();
    for (let i = 0; i < 20; i++) await call();
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) check(name, await call());
    samples.get(name).push(((performance.now() - t0) * 1000) / perRound);
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const raw = samples.get("raw fetch");
console.log(
  interleave
    ? `${rounds} rounds of ${perRound} creates per client, calls interleaved one by one, Node ${process.version}`
    : `${rounds} rounds of ${perRound} sequential creates each, Node ${process.version}`,
);
for (const [name, values] of samples) {
  const ratio = interleave ? median(values) / median(raw) : median(values.map((v, i) => v / raw[i]));
  console.log(`${name.padEnd(48)} ${median(values).toFixed(0).padStart(6)} µs  ${ratio.toFixed(3)}× raw fetch`);
}
process.exit(0);
