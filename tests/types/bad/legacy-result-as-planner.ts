// expect: TS2339
// A 2015 endpoint returns a LegacyTask, which has no assignments.
import { createTask } from "graph-tasks";
const task = await createTask({ title: "t" }, { endpoint: "me", accessToken: "t" });
console.log(task.assignments);
