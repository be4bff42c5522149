// expect: TS2353 TS2769
// A Planner-only property (assignments) sent to a 2015 endpoint.
import { createTask } from "graph-tasks";
await createTask({ title: "t", assignments: { u: {} } }, { endpoint: "me", accessToken: "t" });
