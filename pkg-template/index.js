// graph-tasks: the entry for bundlers and browsers (Vite, webpack, esbuild, Rollup, a plain page).
//
// Importing it does nothing: the wasm module is fetched and instantiated by the first createTask call,
// from graph_tasks_bg.wasm next to the glue. Bundlers see the glue's
// `new URL("./graph_tasks_bg.wasm", import.meta.url)` and emit the file as an asset.
import init, { createTask as runCreateTask, createTasks as runCreateTasks, openPlan as runOpenPlan } from "./graph_tasks.js";
export { GraphError } from "./graph_error.js";

let ready = false;

// Each export instantiates the wasm on its first call (fetched next to this file), then calls through.
const whenReady = (run) => (...args) =>
  ready
    ? run(...args)
    : init().then(() => {
        ready = true;
        return run(...args);
      });

export const createTask = /* @__PURE__ */ whenReady(runCreateTask);
export const createTasks = /* @__PURE__ */ whenReady(runCreateTasks);
export const openPlan = /* @__PURE__ */ whenReady(runOpenPlan);
