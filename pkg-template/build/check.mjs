// Checks the assembled package before it is packed, and measures it.
// Called by scripts/build-pkg:   node check.mjs <package dir> <tarball> <sizes.json> <bundle dir> <release|dev>
//
// Fails when a file named by `files` or `exports` is missing, when node.cjs is not plain CommonJS, or
// when an entry does not export createTask and the one GraphError class.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [pkg, tarball, sizesFile, bundleDir, profile = "release"] = process.argv.slice(2);
const fail = (message) => {
  console.error(`build-pkg: ${message}`);
  process.exit(1);
};
const manifest = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8"));

// Every file the manifest names exists, and nothing else is shipped by accident.
const targets = new Set(manifest.files);
const walk = (value) => {
  if (typeof value === "string") targets.add(value.replace(/^\.\//, ""));
  else for (const v of Object.values(value)) walk(v);
};
walk(manifest.exports);
targets.add(manifest.main.replace(/^\.\//, ""));
targets.add(manifest.types.replace(/^\.\//, ""));
for (const file of targets) {
  if (!fs.existsSync(path.join(pkg, file))) fail(`package.json names ${file}, which the build did not produce`);
}

// node.cjs must load without any ES module (Node 18 cannot require one).
const cjs = fs.readFileSync(path.join(pkg, "node.cjs"), "utf8");
if (/^\s*(import|export)\s/m.test(cjs) || cjs.includes("import.meta")) fail("node.cjs is not plain CommonJS");

// Every entry exports createTask and the same GraphError class; loading does not instantiate anything.
const required = createRequire(path.join(pkg, "package.json"))(path.join(pkg, "node.cjs"));
const node = await import(pathToFileURL(path.join(pkg, "node.mjs")));
const nodeWeb = await import(pathToFileURL(path.join(pkg, "node-web.mjs")));
const browser = await import(pathToFileURL(path.join(pkg, "index.js")));
const web = await import(pathToFileURL(path.join(pkg, "web.js")));
for (const [name, m] of Object.entries({ "node.cjs": required, "node.mjs": node, "node-web.mjs": nodeWeb, "index.js": browser, "web.js": web })) {
  if (typeof m.createTask !== "function" || typeof m.GraphError !== "function") fail(`${name} does not export createTask and GraphError`);
  if (!(new m.GraphError("x", { kind: "config" }) instanceof Error)) fail(`${name}: GraphError does not extend Error`);
}
if (node.GraphError !== required.GraphError || nodeWeb.GraphError !== required.GraphError) fail("the Node entries do not share one GraphError");
if (web.GraphError !== browser.GraphError || web.createTask !== browser.createTask) fail("index.js and web.js do not share one module");
if (typeof web.default !== "function" || typeof web.initSync !== "function") fail("web.js does not export init and initSync");

// Sizes.
const measure = (files) => {
  const buf = Buffer.concat(files.map((f) => fs.readFileSync(path.isAbsolute(f) ? f : path.join(pkg, f))));
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
const glue = ["graph_tasks.js", "graph_error.js", "env.js"];
const fullGlue = ["graph_tasks_full.js"];
const sizes = {
  version: manifest.version,
  profile,
  wasm: measure(["graph_tasks_bg.wasm"]),
  wasmFull: measure(["graph_tasks_full_bg.wasm"]),
  wasmPlan: measure(["graph_tasks_plan_bg.wasm"]),
  // Node's createTask (node.cjs reads it from disk; built for speed, not shipped to browsers).
  wasmNode: measure(["graph_tasks_node_bg.wasm"]),
  entries: {
    "graph-tasks (browser, bundlers): index.js + glue": measure(["index.js", ...glue]),
    "  + the full build's glue (createTasks)": measure(fullGlue),
    "graph-tasks/web: web.js + index.js + glue": measure(["web.js", "index.js", ...glue]),
    "graph-tasks (Node import): node.mjs + node.cjs": measure(["node.mjs", "node.cjs"]),
    "graph-tasks (Node require): node.cjs": measure(["node.cjs"]),
  },
  tarball: fs.statSync(tarball).size,
};
// Consumers bundled by esbuild --bundle --minify --splitting (browser, ESM). createTask: the entry chunk
// and the lean wasm, what every page load ships (the full build's chunk loads only for createTasks or
// `reconcile: true`); the number the size gate budgets. createTasks: every chunk and the full wasm.
const sum = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
// A consumer's chunks, but the glue chunk of a build it never loads (`skip`: createTasks never loads
// the openPlan build's glue, openPlan never the createTasks build's).
const chunks = (dir, skip) =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((f) => f.endsWith(".js") && !(skip && f.startsWith(skip))).map((f) => path.join(dir, f))
    : [];
// The chunks a file loads at once: itself and every chunk it imports statically, transitively
// (`import ... from "./chunk-X.js"` or `import "./chunk-X.js"`), not those behind a dynamic `import()`.
const staticClosure = (file) => {
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f) || !fs.existsSync(f)) return;
    seen.add(f);
    const text = fs.readFileSync(f, "utf8");
    for (const m of text.matchAll(/(?:^|[;}\s])import\s*(?:[^"'()]*?from\s*)?["'](\.\/[^"']+)["']/g)) visit(path.join(path.dirname(f), m[1]));
  };
  visit(file);
  return [...seen];
};
const bundle = path.join(bundleDir, "out", "out.js");
if (fs.existsSync(bundle)) {
  const js = measure(staticClosure(bundle));
  sizes.consumerBundle = { js, total: sum(js, sizes.wasm) };
}
const bulkChunks = chunks(path.join(bundleDir, "bulk"), "graph_tasks_plan-");
if (bulkChunks.length) {
  const js = measure(bulkChunks);
  sizes.bulkConsumerBundle = { js, total: sum(js, sizes.wasmFull) };
}
const planChunks = chunks(path.join(bundleDir, "plan"), "graph_tasks_full-");
if (planChunks.length) {
  const js = measure(planChunks);
  sizes.planConsumerBundle = { js, total: sum(js, sizes.wasmPlan) };
}
fs.writeFileSync(sizesFile, JSON.stringify(sizes, null, 2) + "\n");

const row = (label, s) => console.log(`  ${label.padEnd(52)} ${String(s.raw).padStart(7)} B  ${String(s.gzip).padStart(6)} B gzip  ${String(s.brotli).padStart(6)} B br`);
console.log(`graph-tasks ${manifest.version} (${profile} build; sizes in bytes, gzip -9, brotli -11)`);
row("graph_tasks_bg.wasm (createTask)", sizes.wasm);
row("graph_tasks_full_bg.wasm (createTasks)", sizes.wasmFull);
row("graph_tasks_plan_bg.wasm (everything, openPlan)", sizes.wasmPlan);
row("graph_tasks_node_bg.wasm (createTask in Node)", sizes.wasmNode);
for (const [label, s] of Object.entries(sizes.entries)) row(label, s);
if (sizes.consumerBundle) {
  row("esbuild --bundle --minify createTask consumer: JS", sizes.consumerBundle.js);
  row("  ... JS + wasm", sizes.consumerBundle.total);
}
if (sizes.bulkConsumerBundle) {
  row("esbuild --bundle --minify createTasks consumer: JS", sizes.bulkConsumerBundle.js);
  row("  ... JS + wasm", sizes.bulkConsumerBundle.total);
}
if (sizes.planConsumerBundle) {
  row("esbuild --bundle --minify openPlan consumer: JS", sizes.planConsumerBundle.js);
  row("  ... JS + wasm", sizes.planConsumerBundle.total);
}
console.log(`  ${path.basename(tarball).padEnd(52)} ${String(sizes.tarball).padStart(7)} B`);
