// expect: TS2741
// A task without a title.
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p" };
