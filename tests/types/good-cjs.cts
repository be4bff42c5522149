// A CommonJS TypeScript file: `import` compiles to require("graph-tasks"), which resolves index.d.cts.
import { createTask, GraphError } from "graph-tasks";
import type { LegacyTask } from "graph-tasks";

export async function run(): Promise<LegacyTask | undefined> {
  try {
    return await createTask({ title: "t" }, { endpoint: "me", accessToken: "t" });
  } catch (e) {
    if (e instanceof GraphError && e.kind === "network") return undefined;
    throw e;
  }
}
