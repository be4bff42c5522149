// expect: TS2769 TS2741 TS2345
// A Planner task without planId.
import { createTask } from "graph-tasks";
await createTask({ title: "t" }, { accessToken: "t" });
