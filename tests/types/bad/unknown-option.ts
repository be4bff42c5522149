// expect: TS2769 TS2353
// A misspelt option (timeout for timeoutMs).
import { createTask } from "graph-tasks";
await createTask({ planId: "p", title: "t" }, { accessToken: "t", timeout: 5000 });
