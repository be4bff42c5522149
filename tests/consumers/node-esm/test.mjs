// Node ESM consumer: `import { createTask, GraphError } from "graph-tasks"`, no init call.
import { createTask, GraphError } from "graph-tasks";
import * as web from "graph-tasks/web";
import { createRequire } from "node:module";
import scenario from "./scenario.mjs";
import report from "./report.mjs";

const label = "node-esm";
const results = await scenario({ createTask, GraphError }, process.argv[2], label);

const extra = async (name, body) => {
  try {
    results.push({ name, ok: true, detail: (await body()) || "" });
  } catch (e) {
    results.push({ name, ok: false, detail: e.stack || String(e) });
  }
};
await extra("resolves the Node ESM entry", () => {
  const resolved = import.meta.resolve("graph-tasks");
  if (!resolved.endsWith("/node_modules/graph-tasks/node.mjs")) throw new Error(resolved);
  return resolved.slice(resolved.indexOf("node_modules"));
});
await extra("import and require share one module and one GraphError", () => {
  const cjs = createRequire(import.meta.url)("graph-tasks");
  if (cjs.GraphError !== GraphError || cjs.createTask !== createTask) throw new Error("two copies");
});
await extra("graph-tasks/web works in Node (init is a no-op)", async () => {
  const value = await web.default();
  if (value !== undefined) throw new Error("init resolved to " + value);
  web.initSync();
  if (web.createTask !== createTask || web.GraphError !== GraphError) throw new Error("graph-tasks/web is another copy");
});

process.exitCode = report(label, results) ? 0 : 1;
