// expect: TS2353 TS2561
// 2015 labels are category0 to category5.
import type { LegacyTaskInput } from "graph-tasks";
export const task: LegacyTaskInput = { title: "t", appliedCategories: { category6: true } };
