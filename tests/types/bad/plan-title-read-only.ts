// expect: TS2540
// A plan handle's data is read-only: refresh() reads it again.
import { openPlan } from "graph-tasks";
const plan = await openPlan({ planId: "p" }, { accessToken: "t" });
plan.title = "renamed";
