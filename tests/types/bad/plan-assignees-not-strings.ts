// expect: TS2322
// Assignees are user ids, userPrincipalNames or emails: strings.
import { openPlan } from "graph-tasks";
const plan = await openPlan({ planId: "p" }, { accessToken: "t" });
await plan.createTask({ title: "t", assignees: [{ id: "u" }] });
