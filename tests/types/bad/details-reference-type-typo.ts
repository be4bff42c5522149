// expect: TS2322
// A reference type must be one the docs list (PowerPoint, Word, Excel, Other).
import type { PlannerTaskInput } from "graph-tasks";
export const task: PlannerTaskInput = { planId: "p", title: "t", details: { references: [{ url: "https://x.com", type: "Pdf" }] } };
