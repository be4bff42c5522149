// expect: TS2769 TS2322
// userId only goes with endpoint "user".
import { createTask } from "graph-tasks";
await createTask({ title: "t" }, { endpoint: "me", userId: "u", accessToken: "t" });
