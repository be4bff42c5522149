// graph-tasks/web: the entry for a plain <script type="module">, with an explicit loader.
//
//   import init, { createTask, GraphError } from "graph-tasks/web";
//   await init();            // optional: createTask loads the module on first use
//
// init(input) takes where the wasm is: a URL or string, a Request or Response, bytes, or a compiled
// WebAssembly.Module; by default graph_tasks_bg.wasm next to this file.
import load, { initSync as loadSync } from "./graph_tasks.js";
export { createTask, createTasks, openPlan, GraphError } from "./index.js";

// Loads the createTask build; createTasks (and `reconcile: true`) load graph_tasks_full_bg.wasm from
// next to this file on first use, or from where initFull says.
export default function init(input) {
  return load({ module_or_path: input }).then(() => {});
}

export function initFull(input) {
  return import("./graph_tasks_full.js").then((glue) => glue.default({ module_or_path: input })).then(() => {});
}

export function initSync(module) {
  loadSync({ module });
}

// Loads the openPlan build (graph_tasks_plan_bg.wasm) from next to this file, or from where initPlan says.
export function initPlan(input) {
  return import("./graph_tasks_plan.js").then((glue) => glue.default({ module_or_path: input })).then(() => {});
}
