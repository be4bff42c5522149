// The checks every consumer runs against the emulator, in Node (ESM and CommonJS) and in Chromium.
// tests/consumers/run.sh copies this file into each consumer as scenario.mjs (with `export default`)
// or scenario.cjs (with `module.exports`), so that all consumers run exactly the same checks.
//
//   const results = await scenario({ createTask, GraphError }, "http://127.0.0.1:PORT", "label");
//   // → [{ name, ok, detail }]

/* eslint-disable no-unused-vars */
async function scenario(lib, emulator, label) {
  const { createTask, GraphError } = lib;
  const PLAN = "xqQg5FS2LkCp935s-FIFm2QAFkHM";
  const BUCKET = "hsOf2dhOJkqyYYZEtdzDe2QAIUCR";
  const USER = "fbab97d0-4932-4511-b675-204639209557";
  const V1 = emulator + "/v1.0";
  const BETA = emulator + "/beta";
  const ID = /^[A-Za-z0-9_-]{28}$/;
  const results = [];
  const stamp = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
  let n = 0;
  const requestId = () => `${label}-${stamp}-${++n}`;

  function assert(condition, message) {
    if (!condition) throw new Error(message);
  }
  async function check(name, body) {
    try {
      const detail = await body();
      results.push({ name, ok: true, detail: detail || "" });
    } catch (e) {
      results.push({ name, ok: false, detail: (e && e.stack) || String(e) });
    }
  }
  async function rejection(promise) {
    try {
      const value = await promise;
      throw new Error("expected a rejection, got " + JSON.stringify(value).slice(0, 200));
    } catch (e) {
      return e;
    }
  }
  async function received(clientRequestId) {
    const r = await fetch(`${emulator}/_emulator/requests?clientRequestId=${encodeURIComponent(clientRequestId)}`);
    assert(r.ok, "GET /_emulator/requests answered " + r.status);
    return r.json();
  }

  await check("exports createTask and GraphError", () => {
    assert(typeof createTask === "function", "createTask is " + typeof createTask);
    assert(typeof GraphError === "function", "GraphError is " + typeof GraphError);
    assert(new GraphError("m", { kind: "config", mayHaveBeenCreated: false, problems: [] }) instanceof Error, "GraphError extends Error");
  });

  let created;
  const plannerId = requestId();
  await check("creates a Planner task (POST /v1.0/planner/tasks)", async () => {
    const title = `Consumer ${label} <b>${stamp}</b>`;
    created = await createTask(
      { planId: PLAN, bucketId: BUCKET, title, priority: 3, assignments: { [USER]: {} }, appliedCategories: { category2: true } },
      { accessToken: "dev-token", baseUrl: V1, clientRequestId: plannerId },
    );
    assert(created && typeof created === "object", "no task");
    assert(created.title === title, "title " + JSON.stringify(created.title));
    assert(created.planId === PLAN, "planId " + created.planId);
    assert(created.bucketId === BUCKET, "bucketId " + created.bucketId);
    assert(ID.test(created.id), "id " + JSON.stringify(created.id));
    assert(created.priority === 3, "priority " + created.priority);
    assert(typeof created["@odata.etag"] === "string", "@odata.etag " + created["@odata.etag"]);
    const assignment = created.assignments && created.assignments[USER];
    assert(assignment && assignment["@odata.type"] === "#microsoft.graph.plannerAssignment", "assignment " + JSON.stringify(assignment));
    assert(created.appliedCategories && created.appliedCategories.category2 === true, "appliedCategories");
    return "id " + created.id;
  });

  await check("sent what the docs require (emulator's record)", async () => {
    const records = await received(plannerId);
    assert(records.length === 1, `${records.length} requests with client-request-id ${plannerId}`);
    const [record] = records;
    assert(record.method === "POST" && record.path === "/v1.0/planner/tasks", `${record.method} ${record.path}`);
    assert(record.status === 201, "status " + record.status);
    assert(/^Bearer /.test(record.headers.authorization || ""), "authorization " + record.headers.authorization);
    assert(/^application\/json/.test(record.headers["content-type"] || ""), "content-type " + record.headers["content-type"]);
    const body = JSON.parse(record.body);
    assert(body.assignments[USER]["@odata.type"] === "#microsoft.graph.plannerAssignment", "@odata.type filled in");
    assert(body.assignments[USER].orderHint === " !", "orderHint filled in");
  });

  const invalidId = requestId();
  await check("refuses an invalid task with GraphError kind validation, sending nothing", async () => {
    const e = await rejection(
      createTask({ planId: PLAN, title: "bad", priority: "high" }, { accessToken: "dev-token", baseUrl: V1, clientRequestId: invalidId }),
    );
    assert(e instanceof GraphError, "not a GraphError: " + e);
    assert(e instanceof Error, "not an Error");
    assert(e.name === "GraphError", "name " + e.name);
    assert(e.kind === "validation", "kind " + e.kind);
    assert(e.code === "invalidTask", "code " + e.code);
    assert(e.mayHaveBeenCreated === false, "mayHaveBeenCreated " + e.mayHaveBeenCreated);
    assert(Array.isArray(e.problems) && e.problems.some((p) => p.field === "priority"), "problems " + JSON.stringify(e.problems));
    assert(JSON.parse(JSON.stringify(e)).kind === "validation", "toJSON");
    assert((await received(invalidId)).length === 0, "the emulator received the invalid task");
    return e.message;
  });

  await check("reports the service's 404 as GraphError kind http", async () => {
    const e = await rejection(createTask({ planId: "AAAAAAAAAAAAAAAAAAAAAAAAAAAA", title: "t" }, { accessToken: "dev-token", baseUrl: V1 }));
    assert(e instanceof GraphError, "not a GraphError: " + e);
    assert(e.kind === "http" && e.status === 404, `kind ${e.kind}, status ${e.status}`);
    assert(typeof e.code === "string" && typeof e.requestId === "string", `code ${e.code}, requestId ${e.requestId}`);
    assert(e.mayHaveBeenCreated === false, "mayHaveBeenCreated");
    return `${e.status} ${e.code}`;
  });

  await check("refuses options without a token with GraphError kind config", async () => {
    const e = await rejection(createTask({ planId: PLAN, title: "t" }, { baseUrl: V1 }));
    assert(e instanceof GraphError && e.kind === "config" && e.code === "missingToken", `${e.kind} ${e.code}`);
  });

  await check("creates a 2015 task (POST /beta/me/tasks, getAccessToken)", async () => {
    const task = await createTask(
      { title: `Legacy ${label}`, planId: PLAN, assignedTo: USER },
      { endpoint: "me", getAccessToken: async () => "dev-token", baseUrl: BETA },
    );
    assert(ID.test(task.id), "id " + JSON.stringify(task.id));
    assert(task.title === `Legacy ${label}`, "title " + task.title);
    assert(typeof task.createdBy === "string", "createdBy is a user id string: " + JSON.stringify(task.createdBy));
    return "id " + task.id;
  });

  return results;
}
