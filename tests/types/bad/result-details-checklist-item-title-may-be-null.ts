// expect: TS2322
// A checklist item the service returns may lack a title: it is not a plain string.
import type { PlannerTask } from "graph-tasks";
export function firstTitle(task: PlannerTask): string {
  const item = Object.values(task.details?.checklist ?? {})[0];
  return item?.title;
}
