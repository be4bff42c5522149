// expect: TS2741
// A reference in the short form needs its url.
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p", title: "t", details: { references: [{ alias: "no url" }] } };
