// expect: TS2540
// The created task id is set by the service.
import { createTask } from "graph-tasks";
const task = await createTask({ planId: "p", title: "t" }, { accessToken: "t" });
task.id = "mine";
