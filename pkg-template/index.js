// graph-tasks: the entry for bundlers and browsers (Vite, webpack, esbuild, Rollup, a plain page).
//
// Importing it does nothing: the wasm module is fetched and instantiated by the first createTask call,
// from graph_tasks_bg.wasm next to the glue. Bundlers see the glue's
// `new URL("./graph_tasks_bg.wasm", import.meta.url)` and emit the file as an asset.
import initLean, { createTask as leanCreateTask } from "./graph_tasks.js";
export { GraphError } from "./graph_error.js";

// Two builds of one crate: graph_tasks.js/_bg.wasm holds createTask alone, so that an app that only
// creates tasks one at a time ships nothing else; graph_tasks_full.js/_bg.wasm adds createTasks and
// createTask's `reconcile: true`. The full one is imported only when first needed (a separate chunk
// for bundlers that split code), and each is instantiated on its first call.
let leanReady;
let full;
const loadFull = () =>
  (full ??= import("./graph_tasks_full.js").then(async (glue) => {
    await glue.default();
    return glue;
  }));

export function createTask(task, options) {
  // A getter on options is read once more here than in the wasm; the wasm reads (and checks) them all.
  let reconcile = false;
  try {
    reconcile = options?.reconcile === true;
  } catch {
    /* the wasm reports options it cannot read */
  }
  if (reconcile) return loadFull().then((glue) => glue.createTask(task, options));
  return leanReady ? leanCreateTask(task, options) : initLean().then(() => ((leanReady = true), leanCreateTask(task, options)));
}

export function createTasks(tasks, options) {
  return loadFull().then((glue) => glue.createTasks(tasks, options));
}

// openPlan is a third build (graph_tasks_plan.js/_bg.wasm: everything, with openPlan), imported only by
// openPlan, so that neither of the others carries it.
let plan;
const loadPlan = () =>
  (plan ??= import("./graph_tasks_plan.js").then(async (glue) => {
    await glue.default();
    return glue;
  }));

export function openPlan(target, options) {
  return loadPlan().then((glue) => glue.openPlan(target, options));
}
