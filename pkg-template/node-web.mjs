// graph-tasks/web in Node: the Node module, plus loaders that have nothing to do (the wasm is read from
// the package on the first createTask), so that code written for the web entry also runs in Node.
export { createTask, createTasks, openPlan, GraphError } from "./node.mjs";

export default function init() {
  return Promise.resolve();
}

export function initSync() {}

export function initPlan() {
  return Promise.resolve();
}
