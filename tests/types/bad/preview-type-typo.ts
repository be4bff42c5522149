// expect: TS2322 TS2820
// A create may only send a known preview type.
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p", title: "t", previewType: "checkList" };
