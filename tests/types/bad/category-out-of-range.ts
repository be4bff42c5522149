// expect: TS2353 TS2561
// Planner labels are category1 to category25.
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p", title: "t", appliedCategories: { category26: true } };
