// expect: TS2769 TS2322
// retry takes settings or false, not true.
import { createTask } from "graph-tasks";
await createTask({ planId: "p", title: "t" }, { accessToken: "t", retry: true });
