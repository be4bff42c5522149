// graph-tasks/web: everything graph-tasks exports, plus explicit loaders for a plain page or a worker.
export * from "./index.js";

/** Where the wasm module is: a URL, a Request or Response, bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the wasm module, by default from `graph_tasks_bg.wasm` next to `web.js`. Optional: createTask
 * loads the default on first use. Calling it again does nothing.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Loads the wasm module synchronously from bytes or a compiled module (a worker, say). */
export function initSync(module: BufferSource | WebAssembly.Module): void;

/** Loads the build that holds createTasks (`graph_tasks_full_bg.wasm`), by default from next to `web.js`. Optional: the first createTasks call loads it. */
export function initFull(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Loads the build that holds openPlan (`graph_tasks_plan_bg.wasm`), by default from next to `web.js`. Optional: the first openPlan call loads it. */
export function initPlan(input?: InitInput | Promise<InitInput>): Promise<void>;
