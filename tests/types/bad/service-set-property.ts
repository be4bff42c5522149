// expect: TS2353
// A service-set property (id) in a task to create.
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p", title: "t", id: "01gzSlKkIUSUl6DF_EilrmQAKDhh" };
