// Node CommonJS consumer: `require("graph-tasks")`, no init call. run.sh runs it with
// --no-experimental-require-module where Node has that flag, so that it behaves as Node 18 does
// (which cannot require an ES module).
const { createTask, GraphError } = require("graph-tasks");
const scenario = require("./scenario.cjs");
const report = require("./report.cjs");

const label = "node-cjs";
(async () => {
  const results = await scenario({ createTask, GraphError }, process.argv[2], label);
  const resolved = require.resolve("graph-tasks");
  results.push({
    name: "resolves the CommonJS entry",
    ok: resolved.endsWith("/node_modules/graph-tasks/node.cjs"),
    detail: resolved,
  });
  const loaded = Object.keys(require.cache).filter((f) => f.includes("node_modules/graph-tasks/"));
  results.push({
    name: "loads one CommonJS file and no ES module",
    ok: loaded.length === 1 && loaded[0].endsWith("node.cjs"),
    detail: loaded.join(", "),
  });
  process.exitCode = report(label, results) ? 0 : 1;
})().catch((e) => {
  console.log(`FAIL ${label}: crashed\n${e.stack}`);
  process.exitCode = 1;
});
