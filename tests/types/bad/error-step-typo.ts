// expect: TS2367
// GraphError.step is "create" or "details".
import { GraphError } from "graph-tasks";
export function after(e: GraphError): boolean {
  return e.step === "patch";
}
