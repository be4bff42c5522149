// A createTasks consumer of graph-tasks: an app that imports tasks in bulk (the full wasm build).
import { createTasks } from "graph-tasks";

export function createAll(tasks, accessToken) {
  return createTasks(tasks, { accessToken });
}
