// expect: TS2367
// Comparing GraphError.kind with a kind that does not exist.
import { createTask, GraphError } from "graph-tasks";
try {
  await createTask({ planId: "p", title: "t" }, { accessToken: "t" });
} catch (e) {
  if (e instanceof GraphError && e.kind === "throttled") console.log(e.retryAfterMs);
}
