// Source of node.cjs (bundled by scripts/build-pkg with esbuild into one CommonJS file, so that require()
// works on every Node >= 18 without loading any ES module).
//
// The wasm is read next to node.cjs and instantiated synchronously on the first createTask call;
// requiring the package does nothing else.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { initSync, createTask as runCreateTask, createTasks as runCreateTasks, openPlan as runOpenPlan } from "./graph_tasks.js";
export { GraphError } from "./graph_error.js";

let ready = false;

// Each export instantiates the wasm synchronously on its first call (read with fs), then calls through.
const whenReady = (run) => (...args) => {
  if (!ready) {
    try {
      initSync({ module: readFileSync(join(__dirname, "graph_tasks_bg.wasm")) });
    } catch (e) {
      return Promise.reject(e);
    }
    ready = true;
  }
  return run(...args);
};

export const createTask = /* @__PURE__ */ whenReady(runCreateTask);
export const createTasks = /* @__PURE__ */ whenReady(runCreateTasks);
export const openPlan = /* @__PURE__ */ whenReady(runOpenPlan);
