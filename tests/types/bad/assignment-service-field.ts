// expect: TS2353
// assignedBy is set by the service, not sent.
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p", title: "t", assignments: { u: { assignedBy: { user: { id: "me" } } } } };
