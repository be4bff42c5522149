// One cold start, in a fresh Node process: node cold-child.mjs <client>
// Prints {"ms": import + instantiate time, "sinceProcessStart": ms since the process began}.
// graph-tasks loads its wasm on the first call, so the first call is part of its cold start: one that
// fails validation locally (no title, no planId) instantiates the module without touching the network.
const client = process.argv[2];
const t0 = performance.now();
if (client === "graph-tasks") {
  const { createTask } = await import("graph-tasks");
  const err = await createTask({}, { accessToken: "x" }).then(
    () => null,
    (e) => e,
  );
  if (!err || err.kind !== "validation") throw new Error(`expected a validation error, got ${err}`);
} else if (client === "graph-client") {
  const { Client } = await import("@microsoft/microsoft-graph-client");
  const c = Client.init({ authProvider: (done) => done(null, "x") });
  c.api("/planner/tasks");
} else if (client === "pnp") {
  const { graphfi, GraphBrowser } = await import("@pnp/graph");
  await import("@pnp/graph/planner/index.js");
  const { BearerToken } = await import("@pnp/queryable");
  graphfi().using(GraphBrowser(), BearerToken("x")).planner.tasks;
} else if (client !== "fetch") {
  throw new Error(`unknown client ${client}`);
}
const t1 = performance.now();
process.stdout.write(`${JSON.stringify({ ms: t1 - t0, sinceProcessStart: t1 })}\n`);
