// expect: TS2769 TS2322
// getAccessToken must return a string (or a promise of one).
import { createTask } from "graph-tasks";
await createTask({ planId: "p", title: "t" }, { getAccessToken: async () => 42 });
