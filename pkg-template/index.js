// graph-tasks: the entry for bundlers and browsers (Vite, webpack, esbuild, Rollup, a plain page).
//
// Importing it does nothing: the wasm module is fetched and instantiated by the first createTask call,
// from graph_tasks_bg.wasm next to the glue. Bundlers see the glue's
// `new URL("./graph_tasks_bg.wasm", import.meta.url)` and emit the file as an asset.
import init, { createTask as run } from "./graph_tasks.js";
export { GraphError } from "./graph_error.js";

let ready = false;

export function createTask(task, options) {
  return ready
    ? run(task, options)
    : init().then(() => {
        ready = true;
        return run(task, options);
      });
}
