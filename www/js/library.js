// Loading the npm package graph-tasks (served by the emulator at /pkg/): the wasm module and its exports.
import { $, app } from "./dom.js";
import { state } from "./state.js";

export const LIB_URL = "/pkg/web.js";

/** Loads the package; resolves with whether it loaded. openPlan and createTasks are used when exported. */
export async function loadLibrary() {
  const pill = $("lib-status");
  try {
    const mod = await import(LIB_URL);
    await mod.default();
    if (typeof mod.createTask !== "function") throw new Error("createTask is not exported");
    state.lib = {
      createTask: mod.createTask,
      createTasks: typeof mod.createTasks === "function" ? mod.createTasks : null,
      openPlan: typeof mod.openPlan === "function" ? mod.openPlan : null,
      GraphError: mod.GraphError,
    };
    pill.textContent = state.lib.openPlan ? "wasm: ready · openPlan" : "wasm: ready";
    pill.dataset.state = "ready";
    app.dataset.lib = "ready";
    app.dataset.openPlan = String(state.lib.openPlan !== null);
    return true;
  } catch (e) {
    pill.textContent = "wasm: failed to load";
    pill.dataset.state = "error";
    pill.title = String(e && e.message ? e.message : e);
    app.dataset.lib = "error";
    const s = $("status");
    s.textContent = `Could not load ${LIB_URL}: ${pill.title}`;
    s.dataset.kind = "error";
    return false;
  }
}

export function isGraphError(err) {
  const G = state.lib?.GraphError;
  return (typeof G === "function" && err instanceof G) || (err && err.name === "GraphError");
}
