// graph-tasks in Node, ESM: the very module that require("graph-tasks") returns, so a process that
// mixes import and require shares one wasm instance and one GraphError class.
import cjs from "./node.cjs";

export const { createTask, createTasks, openPlan, GraphError } = cjs;
