// Browser consumer bundled by esbuild (no plugin, no init call): run.sh runs
//   esbuild main.js --bundle --format=esm --platform=browser --outfile=dist/main.js
// and copies graph_tasks_bg.wasm next to the bundle (esbuild does not copy `new URL(…, import.meta.url)`
// assets; the package README says so).
import { createTask, GraphError } from "graph-tasks";
import scenario from "./scenario.mjs";

const emulator = new URLSearchParams(location.search).get("emulator");
scenario({ createTask, GraphError }, emulator, "browser-esbuild").then(
  (results) => (window.__results = results),
  (e) => (window.__results = [{ name: "page", ok: false, detail: String(e && e.stack) }]),
);
