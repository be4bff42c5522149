// A createTask consumer of graph-tasks: what an app that only creates tasks ships.
import { createTask } from "graph-tasks";

export function create(task, accessToken) {
  return createTask(task, { accessToken });
}
