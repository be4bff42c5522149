// bench/run's driver: measures, prints one table, writes target/bench/results.{json,md}.
// Run it through bench/run, which builds and installs what is missing first.
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { startEmulator } from "./emulator.mjs";
import { measureSizes } from "./size.mjs";
import { runBulk } from "./bulk.mjs";
import { compareEmulators } from "./emulator-compare.mjs";
import { runChromium } from "./chromium.mjs";
import { LABELS, MAIN, DIAGNOSE } from "./clients.mjs";
import { median, quartiles, summarize } from "./stats.mjs";
import { rotate } from "./measure.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BENCH = path.resolve(HERE, "..");
const ROOT = path.resolve(BENCH, "..");
// bench/run copies target/npm/graph-tasks here at the start of a run.
const PKG = path.join(ROOT, "target", "bench", "pkg");
const OUT = path.join(ROOT, "target", "bench");
const EMULATOR = path.join(ROOT, "target", "release", "graph-emulator");
const EMULATOR_BENCH = path.join(ROOT, "target", "release", "graph-emulator-bench");
const TOOLS = createRequire(path.join(ROOT, "scripts", "tools", "package.json"));

const SECTIONS = ["size", "node", "throughput", "chromium", "cold", "bulk", "emulator"];
const USAGE = `usage: bench/run [options]

  --quick                 about 70 s: fewer calls, rounds and processes; bulk with 200 tasks
  --n N                   Node sequential creates per client (default 6400; quick 960)
  --rounds R              rounds the N creates are split into, alternated (default 32; quick 12)
  --concurrency C         throughput concurrency (default 32)
  --throughput-n N        creates per client per throughput round (default 1000; quick 400)
  --throughput-rounds R   (default 12; quick 8)
  --chromium-n N          Chromium sequential creates per client (default 3200; quick 600)
  --chromium-rounds R     (default 32; quick 12)
  --cold K                fresh Node processes per client for cold start (default 31; quick 9)
  --bulk-n N              bulk: tasks per client into one plan (default 1000; quick 200), emulator at
                          --latency-ms 50 --rate-limit 200, a fresh emulator per client
  --no-bulk-sweep         bulk: leave out the createTasks concurrency × batchSize sweep
  --emulator-requests N   graph-emulator-bench creates (default 10000), at --emulator-concurrency (64)
  --emulator-rounds R     old/new emulator: rounds per configuration, old/new paired (default 7; quick 3)
  --skip LIST             comma-separated sections to leave out: ${SECTIONS.join(",")}
  --no-chromium           same as --skip chromium
  --diagnose              also time graph-tasks/fetch variants and a no-network (stubbed fetch) run,
                          to show where graph-tasks' per-call overhead comes from
  --rebuild               rebuild the npm package first (scripts/build-pkg), even if it exists

Prints one table; writes target/bench/results.json and target/bench/results.md. Never fails on a time.`;

function parseArgs(argv) {
  const quick = argv.includes("--quick");
  const o = {
    quick,
    n: quick ? 960 : 6400,
    rounds: quick ? 12 : 32,
    concurrency: 32,
    throughputN: quick ? 400 : 1000,
    throughputRounds: quick ? 8 : 12,
    chromiumN: quick ? 600 : 3200,
    chromiumRounds: quick ? 12 : 32,
    cold: quick ? 9 : 31,
    emulatorRequests: 10000,
    emulatorConcurrency: 64,
    emulatorRounds: quick ? 3 : 7,
    bulkN: quick ? 200 : 1000,
    bulkSweep: true,
    skip: new Set(),
    diagnose: false,
  };
  const num = {
    "--n": "n",
    "--rounds": "rounds",
    "--concurrency": "concurrency",
    "--throughput-n": "throughputN",
    "--throughput-rounds": "throughputRounds",
    "--chromium-n": "chromiumN",
    "--chromium-rounds": "chromiumRounds",
    "--cold": "cold",
    "--emulator-requests": "emulatorRequests",
    "--emulator-concurrency": "emulatorConcurrency",
    "--emulator-rounds": "emulatorRounds",
    "--bulk-n": "bulkN",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (a === "--quick" || a === "--rebuild") {
      // --rebuild is bench/run's
    } else if (a === "--diagnose") o.diagnose = true;
    else if (a === "--no-bulk-sweep") o.bulkSweep = false;
    else if (a === "--no-chromium") o.skip.add("chromium");
    else if (a === "--skip") {
      for (const s of (argv[++i] ?? "").split(",").filter(Boolean)) {
        if (!SECTIONS.includes(s)) fail(`unknown section ${s} (one of ${SECTIONS.join(", ")})`);
        o.skip.add(s);
      }
    } else if (a in num) {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) fail(`${a} needs a positive whole number`);
      o[num[a]] = v;
    } else fail(`unknown option ${a}\n\n${USAGE}`);
  }
  for (const [n, r] of [["n", "rounds"], ["throughputN", "throughputRounds"], ["chromiumN", "chromiumRounds"]]) {
    o[r] = Math.min(o[r], o[n]);
  }
  return o;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const log = (s) => process.stderr.write(s);
/** Round-by-round progress, on a terminal only (one line rewritten in place). */
const progress = (s) => process.stderr.isTTY && log(`\r[bench] ${s}`);
const say = (s) => log(`[bench] ${s}\n`);

/** Runs `node script arg` and parses the JSON of its last stdout line. */
function nodeChild(script, arg) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, arg], { cwd: BENCH, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(script)} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()));
      } catch (e) {
        reject(new Error(`${path.basename(script)} printed no JSON: ${out.slice(-500)}`));
      }
    });
  });
}

async function seedTask(url) {
  const seed = await (await fetch(`${url}/_emulator/seed`)).json();
  const plan = seed.plans.find((p) => p.id === "xqQg5FS2LkCp935s-FIFm2QAFkHM") ?? seed.plans[0];
  // The same body for every client: a typical create with an assignment already in the form Graph
  // wants (so graph-tasks has nothing to fill in, and raw fetch sends exactly the same bytes).
  return {
    planId: plan.id,
    bucketId: plan.buckets[0].id,
    title: "Update client list",
    assignments: {
      "fbab97d0-4932-4511-b675-204639209557": { "@odata.type": "#microsoft.graph.plannerAssignment", orderHint: " !" },
    },
    dueDateTime: "2026-12-01T17:00:00Z",
    priority: 3,
  };
}

async function prepareWww(esbuild) {
  const www = path.join(OUT, "www");
  fs.rmSync(www, { recursive: true, force: true });
  fs.mkdirSync(www, { recursive: true });
  fs.copyFileSync(path.join(BENCH, "browser", "index.html"), path.join(www, "index.html"));
  await esbuild.build({
    entryPoints: [path.join(BENCH, "browser", "page.js")],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    external: ["/pkg/*"],
    outfile: path.join(www, "bench.js"),
    logLevel: "error",
  });
  return www;
}

function coldStart(k) {
  const names = ["graph-tasks", "graph-client", "pnp"];
  const script = path.join(HERE, "cold-child.mjs");
  const once = (name) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [script, name], { cwd: BENCH, encoding: "utf8" });
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`cold start of ${name} failed: ${r.stderr}`);
    return { ...JSON.parse(r.stdout.trim()), wall };
  };
  for (const name of names) once(name); // page cache, not counted
  const samples = Object.fromEntries(names.map((n) => [n, { ms: [], wall: [], sinceProcessStart: [] }]));
  for (let i = 0; i < k; i++) {
    for (const name of rotate(names, i)) {
      const r = once(name);
      samples[name].ms.push(r.ms);
      samples[name].wall.push(r.wall);
      samples[name].sinceProcessStart.push(r.sinceProcessStart);
    }
    progress(`cold start: ${i + 1}/${k}`);
  }
  if (process.stderr.isTTY) log("\n");
  const out = {};
  for (const name of names) {
    const s = samples[name];
    const g = samples["graph-client"];
    const paired = (key) => median(s[key].map((x, i) => x / g[key][i]));
    out[name] = {
      ms: median(s.ms),
      msIqr: quartiles(s.ms),
      ratio: paired("ms"),
      ratioIqr: quartiles(s.ms.map((x, i) => x / g.ms[i])),
      wall: median(s.wall),
      wallRatio: paired("wall"),
      sinceProcessStart: median(s.sinceProcessStart),
      samples: s,
    };
  }
  return out;
}

// ---------------------------------------------------------------- table

const int = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "—");
const dec = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "—");
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "—");
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
/** "1.32× (IQR 1.25–1.40)": the median per-round ratio and the spread of the rounds. */
const ratioWithIqr = (x) => (x && Number.isFinite(x.ratio) ? `${x.ratio.toFixed(3)}× (IQR ${x.ratioIqr[0].toFixed(2)}–${x.ratioIqr[1].toFixed(2)})` : "—");

function buildTable(r, o) {
  const cols = MAIN;
  const rows = [];
  const section = (title, cells = []) => rows.push([`**${title}**`, ...cols.map((_, i) => cells[i] ?? "")]);
  const row = (label, f) => rows.push([label, ...cols.map((c) => f(c) ?? "—")]);

  if (r.size) {
    section("Size: createTask consumer, esbuild --bundle --minify --splitting, ESM, browser (bytes)");
    const s = r.size;
    const triple = (x) => (x ? `${int(x.raw)} / ${int(x.gzip)} / ${int(x.brotli)}` : "—");
    row("JS at page load (entry + static chunks) raw / gzip -9 / brotli", (c) => triple(s[c]?.js));
    row("wasm raw / gzip -9 / brotli", (c) => (s[c]?.wasm ? triple(s[c].wasm) : "—"));
    row("total (JS + wasm) raw / gzip -9 / brotli", (c) => triple(s[c]?.total));
    const pk = s.packageSizes;
    if (pk?.consumerBundle) row("build-pkg's consumerBundle (sizes.json; entry chunk + lean wasm)", (c) => (c === "graph-tasks" ? triple(pk.consumerBundle.total) : ""));
    section("Size context (bytes, raw / gzip -9 / brotli)", ["value"]);
    if (s["graph-tasks-bulk"]) rows.push(["graph-tasks createTasks consumer: every chunk + graph_tasks_full_bg.wasm", triple(s["graph-tasks-bulk"].total), "", "", ""]);
    if (pk?.bulkConsumerBundle) rows.push(["  build-pkg's bulkConsumerBundle (sizes.json)", triple(pk.bulkConsumerBundle.total), "", "", ""]);
    if (s.msal) {
      rows.push([`@azure/msal-browser ${r.msalVersion ?? ""} sign-in (PublicClientApplication + acquireTokenSilent), page load`, triple(s.msal.js), "", "", ""]);
      rows.push([`  every chunk (${s.msal.chunks})`, triple(s.msal.allJs), "", "", ""]);
    }
  }
  if (r.node) {
    section(`Node per call: ${int(o.n)} sequential creates each, ${o.rounds} alternated rounds`);
    row("median µs per call", (c) => int(r.node[c]?.median));
    row("× raw fetch (median of per-round ratios)", (c) => ratio(r.node[c]?.ratio));
  }
  if (r.throughput) {
    section(`Node throughput: concurrency ${o.concurrency}, ${int(o.throughputN)} creates × ${o.throughputRounds} alternated rounds`);
    row("median creates/s", (c) => int(r.throughput[c]?.median));
    row("time per create × raw fetch (raw fetch creates/s ÷ this)", (c) => ratio(r.throughput[c]?.ratio));
  }
  if (r.chromium) {
    section(`Chromium ${r.chromium.version} per call: ${int(o.chromiumN)} sequential creates each, ${o.chromiumRounds} alternated rounds`);
    row("median µs per call", (c) => int(r.chromium.results[c]?.median));
    row("× raw fetch (median of per-round ratios)", (c) => ratio(r.chromium.results[c]?.ratio));
  }
  if (r.cold) {
    section(`Cold start: fresh Node process, import + ready, ${o.cold} processes each, alternated`);
    row("median ms, import + instantiate (in process)", (c) => (r.cold[c] ? dec(r.cold[c].ms, 1) : "—"));
    row("× Graph JS client (median of per-round ratios)", (c) => (r.cold[c] ? ratio(r.cold[c].ratio) : "—"));
    row("median ms, whole process (spawn to exit)", (c) => (r.cold[c] ? dec(r.cold[c].wall, 1) : "—"));
    row("× Graph JS client, whole process", (c) => (r.cold[c] ? ratio(r.cold[c].wallRatio) : "—"));
  }
  if (r.diagnose) {
    const d = r.diagnose;
    section("Diagnose (--diagnose): where graph-tasks' per-call time goes", ["value", "× raw fetch"]);
    for (const [key, label] of [["node", "Node"], ["chromium", "Chromium"]]) {
      if (!d[key]) continue;
      for (const name of DIAGNOSE) {
        const x = d[key][name];
        if (x) rows.push([`${label}: ${LABELS[name]}, µs per call`, int(x.median), ratio(x.ratio), "", ""]);
      }
    }
    if (d.stub) {
      for (const name of [...MAIN, ...DIAGNOSE]) {
        const x = d.stub[name];
        if (x) rows.push([`Node, fetch stubbed (no network): ${LABELS[name]}, µs per call`, dec(x.median, 1), ratio(x.ratio), "", ""]);
      }
    }
  }
  if (r.bulk) {
    const b = r.bulk;
    section(
      `Bulk: ${int(b.n)} tasks into one plan, emulator --latency-ms ${b.latencyMs} --rate-limit ${b.rate}, fresh emulator per client`,
      ["wall s (× rate limit)", "tasks created (ok results)", "duplicates", "early retries (emulator / bench); sent during a wait; 429s"],
    );
    const lim = b.limitMs;
    rows.push([`limit the rate allows (${int(b.n)} / ${b.rate} per s)`, `${dec(lim / 1000, 2)} s (1.00×)`, int(b.n), "0", ""]);
    // The bucket starts full (it holds one second's worth), so the first `rate` creates need not wait.
    const floor = (Math.max(0, b.n - b.rate) / b.rate) * 1000 + b.latencyMs;
    rows.push([`  floor with the bucket full at start ((${int(b.n)} − ${b.rate}) / ${b.rate} s + ${b.latencyMs} ms)`, `${dec(floor / 1000, 2)} s (${ratio(floor / lim)})`, "", "", ""]);
    const ra = Object.values(b.results).flatMap((x) => (x.proxy?.retryAfterMs ? [x.proxy.retryAfterMs] : []));
    if (ra.length) {
      const lo = Math.min(...ra.map((x) => x.min));
      const hi = Math.max(...ra.map((x) => x.max));
      rows.push([`  Retry-After answered by the rate limit, over all clients: ${dec(lo, 0)}–${dec(hi, 0)} ms`, "", "", "", ""]);
    }
    for (const x of Object.values(b.results)) {
      const err = x.failed ? `; ${x.failed} failed: ${Object.entries(x.errors).map(([k, v]) => `${v}× ${k}`).join(", ")}` : "";
      rows.push([
        x.label,
        `${dec(x.ms / 1000, 2)} s (${ratio(x.ms / lim)})`,
        `${int(x.createdPerStats)} (${int(x.ok)} ok)${err}`,
        String(x.duplicates),
        `${x.earlyRetries} / ${x.proxy ? int(x.proxy.earlyRetries) : "—"}; ${x.proxy ? int(x.proxy.sentDuringWait) : "—"}; ${int(x.throttled)}`,
      ]);
    }
  }
  if (r.emulator) {
    const e = r.emulator;
    section(
      `Emulator: graph-emulator-bench ${int(e.requests)} creates, concurrency ${e.concurrency}; old = ${e.oldCommit} (journal), new = this tree (SQLite); medians of ${e.rounds} rounds, a fresh emulator each`,
      ["creates/s", "p50 / p99", "errors", "new ÷ old creates/s (median of paired rounds)"],
    );
    if (e.oldError) rows.push([`old (${e.oldCommit})`, `not measured: ${e.oldError}`, "", "", ""]);
    for (const [key, label] of [["old-memory", "old, in memory"], ["new-memory", "new, in memory"], ["old-data", "old, --data (journal file)"], ["new-data", "new, --data (SQLite file)"]]) {
      const x = e.results[key];
      if (!x) continue;
      const oldX = e.results[key.replace("new", "old")];
      rows.push([
        label,
        int(x.createsPerSecond),
        `${dec(x.p50, 2)} / ${dec(x.p99, 2)} ms`,
        String(x.errors),
        key.startsWith("new") && oldX ? ratioWithIqr(x) : "",
      ]);
    }
  }
  section("Budgets (issues 19, 16, 12)", ["measured", "budget", "status"]);
  for (const b of r.budgets) rows.push([b.name, b.measured, b.budget, b.status, ""]);
  return rows;
}

function budgets(r) {
  const out = [];
  const status = (ok) => (ok === null ? "not measured" : ok ? "met" : "NOT MET");
  // A timed budget whose rounds fall on both sides of the limit is within this run's noise.
  const timed = (x, limit) =>
    !x || !Number.isFinite(x.ratio)
      ? "not measured"
      : `${status(x.ratio <= limit)}${x.ratioIqr[0] <= limit && x.ratioIqr[1] > limit ? " (IQR straddles the limit)" : ""}`;
  // The createTask consumer: what a page load ships (entry chunk and its static chunks, lean wasm); the
  // size gate's consumerBundle (entry chunk only) is shown beside it.
  const gz = r.size?.["graph-tasks"]?.total.gzip;
  const gate = r.size?.packageSizes?.consumerBundle?.total.gzip;
  out.push({
    name: "Size (19.2): createTask consumer, JS + wasm, gzip -9",
    measured: gz === undefined ? "—" : `${int(gz)} B${gate ? ` (sizes.json consumerBundle: ${int(gate)} B)` : ""}`,
    budget: "≤ 30,000 B (goal 20 KB)",
    status: gz === undefined ? "not measured" : `${status(gz <= 30000)}${gz <= 20000 ? ", goal met" : ""}`,
  });
  const gt = r.node?.["graph-tasks"];
  const gc = r.node?.["graph-client"];
  out.push({
    name: "Per call, Node (19.3): graph-tasks ÷ raw fetch below Graph JS client's",
    measured: gt && gc ? `${ratioWithIqr(gt)} vs ${ratioWithIqr(gc)}` : "—",
    budget: "< Graph JS client's ratio",
    status: gt && gc ? status(gt.ratio < gc.ratio) : "not measured",
  });
  out.push({
    name: "Per call, Chromium (19.3): graph-tasks ÷ raw fetch",
    measured: ratioWithIqr(r.chromium?.results["graph-tasks"]),
    budget: "≤ 1.10×",
    status: timed(r.chromium?.results["graph-tasks"], 1.1),
  });
  const cold = r.cold?.["graph-tasks"];
  out.push({
    name: "Cold start (19.5): graph-tasks ÷ Graph JS client",
    measured: cold === undefined ? "—" : `${ratioWithIqr(cold)}; ${dec(cold.ms)} vs ${dec(r.cold["graph-client"].ms)} ms (whole process ${ratio(cold.wallRatio)})`,
    budget: "≤ 1.00×",
    status: timed(cold, 1.0),
  });
  const bulk = r.bulk?.results.createTasks;
  out.push({
    name: "Bulk (19.4): createTasks, defaults, ÷ the rate limit's time; early retries",
    measured: bulk
      ? `${ratio(bulk.ms / r.bulk.limitMs)} (${dec(bulk.ms / 1000, 2)} s of ${dec(r.bulk.limitMs / 1000, 2)} s); early retries ${bulk.earlyRetries} (emulator) / ${bulk.proxy?.earlyRetries ?? "—"} (bench); ${bulk.createdPerStats}/${r.bulk.n} created, ${bulk.duplicates} duplicates`
      : "—",
    budget: "≤ 1.20×, 0 early retries",
    status: bulk
      ? status(bulk.ms <= 1.2 * r.bulk.limitMs && bulk.earlyRetries === 0 && (bulk.proxy?.earlyRetries ?? 0) === 0 && bulk.createdPerStats === r.bulk.n && bulk.duplicates === 0 && bulk.failed === 0)
      : "not measured",
  });
  const e = r.emulator?.results;
  for (const [key, label] of [["memory", "in memory"], ["data", "--data"]]) {
    const o = e?.[`old-${key}`];
    const n = e?.[`new-${key}`];
    out.push({
      name: `Emulator (12), ${label}: new creates/s ÷ old`,
      measured: o && n ? `${ratioWithIqr(n)} (${int(n.createsPerSecond)} vs ${int(o.createsPerSecond)}/s; p99 ${dec(n.p99, 2)} vs ${dec(o.p99, 2)} ms)` : "—",
      budget: "≥ 0.90× (a larger drop needs a reason)",
      status: o && n ? `${status(n.ratio >= 0.9)}${n.ratioIqr[0] < 0.9 && n.ratioIqr[1] >= 0.9 ? " (IQR straddles the limit)" : ""}` : "not measured",
    });
  }
  return out;
}

function renderMarkdown(header, rows) {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => [...String(r[i] ?? "")].length)));
  const line = (r) => `| ${r.map((c, i) => String(c ?? "").padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

// ---------------------------------------------------------------- main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const started = Date.now();
  fs.mkdirSync(OUT, { recursive: true });
  const esbuild = TOOLS("esbuild");
  const want = (s) => !o.skip.has(s);

  const env = {
    date: new Date().toISOString(),
    commit: (() => {
      try {
        const head = execFileSync("git", ["-C", ROOT, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
        const dirty = execFileSync("git", ["-C", ROOT, "status", "--porcelain", "--", "src", "pkg-template", "emulator", "Cargo.toml", "Cargo.lock"], { encoding: "utf8" }).trim();
        return dirty ? `${head}+dirty` : head;
      } catch {
        return "unknown";
      }
    })(),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavgAtStart: os.loadavg(),
    package: JSON.parse(fs.readFileSync(path.join(PKG, "package.json"), "utf8")).version,
    wasmFullSha256: fs.existsSync(path.join(PKG, "graph_tasks_full_bg.wasm")) ? createHash("sha256").update(fs.readFileSync(path.join(PKG, "graph_tasks_full_bg.wasm"))).digest("hex") : null,
    packageBuilt: fs.statSync(path.join(ROOT, "target", "npm", "graph-tasks", "graph_tasks_bg.wasm")).mtime.toISOString(),
    wasmSha256: createHash("sha256").update(fs.readFileSync(path.join(PKG, "graph_tasks_bg.wasm"))).digest("hex"),
    libraries: Object.fromEntries(
      ["@microsoft/microsoft-graph-client", "@pnp/graph", "@azure/msal-browser"].map((n) => [
        n,
        JSON.parse(fs.readFileSync(path.join(BENCH, "node_modules", n, "package.json"), "utf8")).version,
      ]),
    ),
  };
  const r = {};
  r.msalVersion = env.libraries["@azure/msal-browser"];

  if (want("size")) {
    say("size: bundling the consumers with esbuild (code split)");
    r.size = await measureSizes({ esbuild, benchDir: BENCH, pkgDir: PKG, outDir: path.join(OUT, "size") });
  }

  const needsEmulator = ["node", "throughput", "chromium"].some(want);
  if (needsEmulator) {
    const www = await prepareWww(esbuild);
    const emu = await startEmulator(EMULATOR, ["--www", www, "--pkg", PKG]);
    say(`emulator at ${emu.url} (pid ${emu.pid})`);
    try {
      const task = await seedTask(emu.url);
      const token = "bench-token";
      const base = { url: emu.url, token, task, diagnose: o.diagnose };
      if (want("node")) {
        say(`node per call: ${o.n} creates per client in ${o.rounds} rounds`);
        const perBlock = Math.max(1, Math.round(o.n / o.rounds));
        const { samples } = await nodeChild(path.join(HERE, "node-speed.mjs"), JSON.stringify({ ...base, mode: "sequential", rounds: o.rounds, perBlock, warmup: Math.min(200, perBlock * 2) }));
        r.node = summarize(samples, "fetch");
      }
      if (want("throughput")) {
        say(`node throughput: concurrency ${o.concurrency}, ${o.throughputN} creates per client per round, ${o.throughputRounds} rounds`);
        const { samples } = await nodeChild(
          path.join(HERE, "node-speed.mjs"),
          JSON.stringify({ ...base, diagnose: false, mode: "concurrent", concurrency: o.concurrency, rounds: o.throughputRounds, perBlock: Math.min(o.throughputN, 2000), warmup: 200 }),
        );
        r.throughput = summarize(samples, "fetch", { invert: true });
      }
      if (o.diagnose) {
        say("diagnose: node with fetch stubbed (no network)");
        const { samples } = await nodeChild(path.join(HERE, "node-speed.mjs"), JSON.stringify({ ...base, mode: "stub", rounds: o.quick ? 4 : 12, perBlock: 400, warmup: 400 }));
        r.stub = summarize(samples, "fetch");
      }
      if (want("chromium")) {
        say(`chromium: ${o.chromiumN} creates per client in ${o.chromiumRounds} rounds`);
        const { chromium } = TOOLS("playwright-core");
        const perBlock = Math.max(1, Math.round(o.chromiumN / o.chromiumRounds));
        const { samples, version } = await runChromium({
          chromium,
          executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
          url: emu.url,
          token,
          task,
          names: o.diagnose ? [...MAIN, ...DIAGNOSE] : MAIN,
          rounds: o.chromiumRounds,
          perBlock,
          warmup: Math.min(200, perBlock * 2),
          diagnose: o.diagnose,
          log,
          progress,
        });
        r.chromium = { version, results: summarize(samples, "fetch") };
      }
    } finally {
      await emu.stop();
    }
  }

  if (want("cold")) {
    say(`cold start: ${o.cold} fresh Node processes per client`);
    r.cold = coldStart(o.cold);
  }
  if (want("bulk")) {
    say(`bulk: ${o.bulkN} tasks per client, emulator at --latency-ms 50 --rate-limit 200, a fresh one per client`);
    r.bulk = await runBulk({ emulator: EMULATOR, benchDir: BENCH, libDir: HERE, n: o.bulkN, sweep: o.bulkSweep, log: say });
  }
  if (want("emulator")) {
    say(`emulator: old (d2fa59a) and new, graph-emulator-bench ${o.emulatorRequests} creates at concurrency ${o.emulatorConcurrency}, ${o.emulatorRounds} round(s)`);
    r.emulator = await compareEmulators({
      root: ROOT,
      newDir: path.dirname(EMULATOR),
      requests: o.emulatorRequests,
      concurrency: o.emulatorConcurrency,
      rounds: o.emulatorRounds,
      log: say,
    });
  }

  // Split the --diagnose variants off the main rows.
  if (o.diagnose) {
    const take = (res) => {
      if (!res) return undefined;
      const d = {};
      for (const n of DIAGNOSE) {
        d[n] = res[n];
        delete res[n];
      }
      return d;
    };
    r.diagnose = { node: take(r.node), chromium: take(r.chromium?.results), stub: r.stub };
    delete r.stub;
  }
  r.budgets = budgets(r);

  const header = ["", ...MAIN.map((c) => LABELS[c])];
  const rows = buildTable(r, o);
  const table = renderMarkdown(header, rows);
  const seconds = Math.round((Date.now() - started) / 1000);
  const title =
    `graph-tasks bench, ${env.date.slice(0, 16).replace("T", " ")} UTC, commit ${env.commit}, package ${env.package}; ` +
    `Node ${env.node}, ${env.cpus} CPUs; Graph JS client ${env.libraries["@microsoft/microsoft-graph-client"]}, ` +
    `@pnp/graph ${env.libraries["@pnp/graph"]}, @azure/msal-browser ${env.libraries["@azure/msal-browser"]}; ${o.quick ? "--quick, " : ""}${seconds} s`;
  const notes =
    "Times are medians of alternated rounds against the same local emulator, same task body and token; " +
    "ratios are medians of per-round ratios (> 1 = slower than the baseline). KB = 1000 bytes. " +
    "Times are for comparison within this run only. Bulk rows are one run each (a fresh emulator per client, " +
    "one process per client), so they move from run to run by more than the per-call rows; the emulator rows are medians of " +
    "their rounds.";

  const md = `${title}\n\n${table}\n\n${notes}\n`;
  fs.writeFileSync(path.join(OUT, "results.md"), md);
  fs.writeFileSync(path.join(OUT, "results.json"), `${JSON.stringify({ env, options: { ...o, skip: [...o.skip] }, seconds, results: r }, null, 2)}\n`);
  process.stdout.write(`\n${md}\nwrote ${path.relative(ROOT, path.join(OUT, "results.md"))} and ${path.relative(ROOT, path.join(OUT, "results.json"))}\n`);
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e}`);
  process.exit(1);
});
