// expect: TS2769 TS2345
// Neither accessToken nor getAccessToken.
import { createTask } from "graph-tasks";
await createTask({ planId: "p", title: "t" }, { endpoint: "planner" });
