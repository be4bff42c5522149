// The same consumer with PnPjs (@pnp/graph 4.x): planner.tasks.add.
import { graphfi, GraphBrowser } from "@pnp/graph";
import "@pnp/graph/planner/index.js";
import { BearerToken } from "@pnp/queryable";

export function create(task, accessToken) {
  return graphfi().using(GraphBrowser(), BearerToken(accessToken)).planner.tasks.add(task);
}
