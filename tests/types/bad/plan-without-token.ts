// expect: TS2345 TS2769 TS2322
// openPlan needs accessToken or getAccessToken.
import { openPlan } from "graph-tasks";
await openPlan({ planId: "p" }, { baseUrl: "https://graph.microsoft.com/v1.0" });
