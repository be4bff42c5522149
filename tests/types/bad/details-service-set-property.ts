// expect: TS2353
// The details' id and etag are the service's; a create cannot send them.
import type { PlannerTaskDetailsInput } from "graph-tasks";
export const details: PlannerTaskDetailsInput = { description: "d", "@odata.etag": "W/\"x\"" };
