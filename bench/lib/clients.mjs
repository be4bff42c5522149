// The create calls being compared, built once per process (Node) or page (Chromium) from the same
// code, so that every client sends the same task with the same token to the same emulator.
//
// Each call takes the task object and resolves to the created task (the service's JSON); the harness
// checks that it has an id. Whatever a client needs once (a Client, a graphfi root, an options object)
// is built here, outside the timed loops; what a real caller would do per call is done per call.

export const LABELS = {
  "graph-tasks": "graph-tasks",
  fetch: "raw fetch",
  "graph-client": "Graph JS client",
  pnp: "@pnp/graph",
  // --diagnose variants (not part of the spec table's comparison)
  "gt-no-timeout": "graph-tasks, timeoutMs: 0",
  "fetch-request": "fetch(new Request(...))",
  "fetch-like-gt": "fetch + graph-tasks' per-call JS work",
};

/** The main comparison, in table order. */
export const MAIN = ["graph-tasks", "fetch", "graph-client", "pnp"];
/** Extra variants for --diagnose: where graph-tasks' per-call overhead comes from. */
export const DIAGNOSE = ["gt-no-timeout", "fetch-request", "fetch-like-gt"];

/**
 * @param {object} o
 * @param {string} o.url      the emulator's origin, e.g. http://127.0.0.1:PORT
 * @param {string} o.token    the bearer token every client sends
 * @param {Function} o.createTask  graph-tasks' createTask
 * @param {object} o.graph    { Client } from @microsoft/microsoft-graph-client
 * @param {object} o.pnp      { graphfi, GraphBrowser, BearerToken } from @pnp/graph, @pnp/queryable
 * @param {boolean} [o.diagnose]
 */
export function makeClients({ url, token, createTask, graph, pnp, diagnose = false }) {
  const base = `${url}/v1.0`;
  const tasksUrl = `${base}/planner/tasks`;
  const auth = `Bearer ${token}`;

  const gtOptions = { accessToken: token, baseUrl: base };

  // The Graph JS client attaches the token (AuthenticationHandler) and its telemetry headers only
  // for https Graph hosts, and deletes an "Authorization" header for any other host. The emulator is
  // plain http on loopback, so the token goes in as a per-request header spelt "authorization",
  // which the handler leaves alone. The authProvider is kept, as an app would pass it.
  const graphClient = graph.Client.init({
    authProvider: (done) => done(null, token),
    baseUrl: `${url}/`,
    defaultVersion: "v1.0",
  });

  // PnPjs: GraphBrowser (its default fetch-with-retry, headers and parsing) pointed at the emulator.
  const pnpRoot = pnp.graphfi().using(pnp.GraphBrowser({ baseUrl: base }), pnp.BearerToken(token));

  const calls = {
    "graph-tasks": (task) => createTask(task, gtOptions),
    fetch: async (task) => {
      const res = await fetch(tasksUrl, {
        method: "POST",
        headers: { Authorization: auth, "Content-Type": "application/json" },
        body: JSON.stringify(task),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
    "graph-client": (task) => graphClient.api("/planner/tasks").header("authorization", auth).post(task),
    pnp: (task) => pnpRoot.planner.tasks.add(task),
  };
  if (!diagnose) return calls;

  const gtNoTimeout = { ...gtOptions, timeoutMs: 0 };
  calls["gt-no-timeout"] = (task) => createTask(task, gtNoTimeout);
  calls["fetch-request"] = async (task) => {
    const req = new Request(tasksUrl, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: JSON.stringify(task),
    });
    const res = await fetch(req);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  };
  // The JS-side work graph-tasks' transport (src/wasm/transport.rs) does per call, without wasm: a
  // UUID for client-request-id (16 bytes from crypto.getRandomValues, as graph-tasks draws them), an
  // AbortController and a 30 s timer, a plain init object with its extra headers and
  // redirect: "manual", five response header reads, text() then JSON.parse.
  const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
  const uuid = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let s = "";
    for (let i = 0; i < 16; i++) s += (i === 4 || i === 6 || i === 8 || i === 10 ? "-" : "") + hex[b[i]];
    return s;
  };
  calls["fetch-like-gt"] = async (task) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("timeout")), 30000);
    try {
      const res = await fetch(tasksUrl, {
        method: "POST",
        headers: {
          Authorization: auth,
          "Content-Type": "application/json",
          Accept: "application/json",
          "client-request-id": uuid(),
        },
        body: JSON.stringify(task),
        signal: controller.signal,
        redirect: "manual",
      });
      for (const h of ["request-id", "client-request-id", "date", "retry-after", "content-length"]) res.headers.get(h);
      const text = await res.text();
      if (res.status !== 201) throw new Error(`HTTP ${res.status}`);
      return JSON.parse(text);
    } finally {
      clearTimeout(timer);
    }
  };
  return calls;
}
