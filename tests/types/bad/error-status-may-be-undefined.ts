// expect: TS18048
// GraphError.status is undefined when no response arrived.
import { GraphError } from "graph-tasks";
export const f = (e: GraphError): number => e.status + 1;
