// expect: TS2353
// Details are set on Planner tasks only; a 2015 task has no details input.
import type { LegacyTaskInput } from "graph-tasks";
export const task: LegacyTaskInput = { title: "t", details: { description: "d" } };
