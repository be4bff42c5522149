// expect: TS2769 TS2345
// endpoint "user" needs userId.
import { createTask } from "graph-tasks";
await createTask({ title: "t" }, { endpoint: "user", accessToken: "t" });
