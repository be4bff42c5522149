// expect: TS18047 TS18048 TS18049
// A created task property may be missing or null.
import { createTask } from "graph-tasks";
const task = await createTask({ planId: "p", title: "t" }, { accessToken: "t" });
console.log(task.title.length);
