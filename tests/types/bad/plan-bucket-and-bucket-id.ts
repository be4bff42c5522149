// expect: TS2345 TS2322
// A plan task with both a bucket name and a bucketId (the library refuses it at run time).
import { openPlan } from "graph-tasks";
const plan = await openPlan({ planId: "p" }, { accessToken: "t" });
await plan.createTask({ title: "t", bucket: "To do", bucketId: "b" });
