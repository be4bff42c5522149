// expect: TS2769 TS2322
// An endpoint name that does not exist.
import { createTask } from "graph-tasks";
await createTask({ title: "t" }, { endpoint: "users", accessToken: "t" });
