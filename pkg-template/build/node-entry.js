// Source of node.cjs (bundled by scripts/build-pkg with esbuild into one CommonJS file, so that require()
// works on every Node >= 18 without loading any ES module).
//
// The wasm is read next to node.cjs and instantiated synchronously on the first createTask call;
// requiring the package does nothing else.
import { readFileSync } from "node:fs";
import { join } from "node:path";
// createTask runs on graph_tasks_node_bg.wasm: the lean build's features, compiled for speed (scripts/build-pkg).
import * as lean from "./graph_tasks_node.js";
import * as full from "./graph_tasks_full.js";
import * as planBuild from "./graph_tasks_plan.js";
export { GraphError } from "./graph_error.js";

// Both builds (see index.js), each instantiated synchronously on its first call from the .wasm next
// to this file.
const loaded = new Set();
function ready(glue, file) {
  if (!loaded.has(file)) {
    glue.initSync({ module: readFileSync(join(__dirname, file)) });
    loaded.add(file);
  }
  return glue;
}
const call = (glue, file, name) => (...args) => {
  try {
    return ready(glue, file)[name](...args);
  } catch (e) {
    return Promise.reject(e);
  }
};
const leanCreateTask = call(lean, "graph_tasks_node_bg.wasm", "createTask");
const fullCreateTask = call(full, "graph_tasks_full_bg.wasm", "createTask");
export const createTasks = call(full, "graph_tasks_full_bg.wasm", "createTasks");
export const openPlan = call(planBuild, "graph_tasks_plan_bg.wasm", "openPlan");

export function createTask(task, options) {
  let reconcile = false;
  try {
    reconcile = options?.reconcile === true;
  } catch {
    /* the wasm reports options it cannot read */
  }
  return reconcile ? fullCreateTask(task, options) : leanCreateTask(task, options);
}
