// expect: TS2322 TS2769 TS2345
// openPlan takes { planId } or { groupId, title }, not both.
import { openPlan } from "graph-tasks";
await openPlan({ planId: "p", groupId: "g", title: "t" }, { accessToken: "t" });
