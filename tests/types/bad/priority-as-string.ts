// expect: TS2769 TS2322
// A priority given as a string.
import { createTask } from "graph-tasks";
await createTask({ planId: "p", title: "t", priority: "high" }, { accessToken: "t" });
