// expect: TS2322
// A checklist item is a title or { title, isChecked }, not a number.
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p", title: "t", details: { checklist: ["ok", 2] } };
