// graph-tasks/web in a plain page: init (optional) with the default URL, a URL, or bytes; then createTask.
import init, { createTask, GraphError, initSync } from "graph-tasks/web";
import type { InitInput, PlannerTask } from "graph-tasks/web";

export async function page(bytes?: ArrayBuffer): Promise<PlannerTask> {
  await init();
  await init(new URL("/pkg/graph_tasks_bg.wasm", "https://example.test/"));
  await init("/pkg/graph_tasks_bg.wasm");
  await init(fetch("/pkg/graph_tasks_bg.wasm"));
  const input: InitInput | undefined = bytes;
  if (input) initSync(bytes as ArrayBuffer);
  try {
    return await createTask({ planId: "p", title: "from a page" }, { accessToken: "t" });
  } catch (e) {
    if (e instanceof GraphError && e.kind === "config") console.log(e.code);
    throw e;
  }
}
