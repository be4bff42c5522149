// The plan and the seed: where requests go (target, endpoint, token rule, client options), the emulator's
// seed (/_emulator/seed: users, groups, plans with buckets and label names), and the plan opened with the
// library's openPlan (its buckets, its label names, name resolution). Without openPlan (an older package)
// names are resolved here, from the seed, and the library gets ids.
import { $, app } from "./dom.js";
import { state } from "./state.js";

export const SEED_URL = "/_emulator/seed";
export const DEV_TOKEN = "dev-token";
export const GRAPH_V1 = "https://graph.microsoft.com/v1.0";
export const GRAPH_BETA = "https://graph.microsoft.com/beta";

export const PLANNER_CATEGORY_COLOURS = [
  null, "Pink", "Red", "Yellow", "Green", "Blue", "Purple", "Bronze", "Lime", "Aqua", "Gray",
  "Silver", "Brown", "Cranberry", "Orange", "Peach", "Marigold", "Light green", "Dark green",
  "Teal", "Light blue", "Dark blue", "Lavender", "Plum", "Light gray", "Dark gray",
];

// ───────── target and endpoint ─────────

export function currentEndpoint() {
  return $("endpoint").value;
}

export function isLegacy(endpoint = currentEndpoint()) {
  return endpoint !== "planner";
}

export function currentTarget() {
  return document.querySelector("input[name=target]:checked").value;
}

export function usingSeed() {
  return currentTarget() === "emulator" && state.seed !== null;
}

// The library's own rule for the demo's own requests: a bearer token goes only over https, or over
// plain http to this machine. `new URL` is the parser fetch uses, and it writes an IPv4 host in its
// dotted form, so `127.0.0.+1` (a host name DNS would resolve) never looks like loopback here.
export function tokenMayGoTo(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (parsed.protocol === "https:") return true;
  if (parsed.protocol !== "http:") return false;
  const host = parsed.hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The token for the current target: the emulator's development token, or the password input's. */
export function currentToken() {
  return currentTarget() === "emulator" ? DEV_TOKEN : $("token").value;
}

/** The v1.0 base URL the Planner calls go to. */
export function plannerBase() {
  if (currentTarget() === "emulator") return `${location.origin}/v1.0`;
  const base = $("base-url").value.trim().replace(/\/+$/, "");
  return base && currentEndpoint() === "planner" ? base : GRAPH_V1;
}

/** The library's options for the current form (token read at call time, never stored elsewhere). */
export function buildOptions(signal, endpoint = currentEndpoint()) {
  const opts = { endpoint, signal };
  if (currentTarget() === "emulator") {
    opts.accessToken = DEV_TOKEN;
    opts.baseUrl = `${location.origin}${endpoint === "planner" ? "/v1.0" : "/beta"}`;
  } else {
    opts.accessToken = $("token").value;
    const base = $("base-url").value.trim();
    if (base) opts.baseUrl = base.replace(/\/+$/, "");
  }
  if (endpoint === "user") opts.userId = $("user-id").value.trim();
  const wb = $("workbook-session-id").value.trim();
  if (wb) opts.workbookSessionId = wb;
  const crid = $("client-request-id").value.trim();
  if (crid) opts.clientRequestId = crid;
  const t = $("timeout-ms").value.trim();
  if (t !== "" && Number.isFinite(Number(t))) opts.timeoutMs = Number(t);
  return opts;
}

// ───────── seed ─────────

export async function loadSeed() {
  try {
    const res = await fetch(SEED_URL, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const data = await res.json();
    if (!data || !Array.isArray(data.plans) || !Array.isArray(data.users)) throw new Error("unexpected seed shape");
    state.seed = {
      users: data.users.filter((u) => u && typeof u.id === "string"),
      plans: data.plans
        .filter((p) => p && typeof p.id === "string")
        .map((p) => ({
          ...p,
          buckets: Array.isArray(p.buckets) ? p.buckets.filter((b) => b && typeof b.id === "string") : [],
          categories: p.categories && typeof p.categories === "object" ? p.categories : {},
        })),
    };
    app.dataset.seed = "ready";
  } catch {
    state.seed = null;
    app.dataset.seed = "unavailable";
  }
}

export function seedPlan(id) {
  return state.seed?.plans?.find((p) => p.id === id) ?? null;
}

export function seedUsers() {
  return state.seed?.users ?? [];
}

export function userById(id) {
  return seedUsers().find((x) => x.id === id) ?? null;
}

export function userName(id) {
  return userById(id)?.displayName ?? null;
}

export function selectedPlanId() {
  return (usingSeed() ? $("plan-select").value : $("plan-input").value.trim()) || undefined;
}

/** The open plan handle when it is of `planId` (and of the current target). */
function handleOf(planId) {
  return state.plan && state.plan.id === planId && state.plan.key === targetKey() ? state.plan.handle : null;
}

export function planTitle(planId) {
  return handleOf(planId)?.title ?? seedPlan(planId)?.title ?? null;
}

/** The plan's buckets ([{id, name}] in board order): the open plan's, else the seed's. */
export function planBuckets(planId) {
  const h = handleOf(planId);
  if (h) return toArr(h.buckets).map((b) => ({ id: String(b.id), name: String(b.name ?? b.id) }));
  return seedPlan(planId)?.buckets ?? [];
}

/** The plan's label names ({ categoryN: name }, named ones only): the open plan's, else the seed's. */
export function planLabels(planId) {
  const h = handleOf(planId);
  const src = h ? h.labels : seedPlan(planId)?.categories;
  const out = {};
  if (src && typeof src === "object") {
    for (const [k, v] of Object.entries(src)) if (/^category\d+$/.test(k) && typeof v === "string" && v !== "") out[k] = v;
  }
  return out;
}

export function labelName(planId, key) {
  return planLabels(planId)[key] ?? null;
}

export function bucketName(planId, bucketId) {
  return planBuckets(planId).find((b) => b.id === bucketId)?.name ?? null;
}

function toArr(v) {
  return Array.isArray(v) ? v : v ? Array.from(v) : [];
}

// ───────── the plan handle (openPlan) ─────────

function targetKey() {
  return `${currentTarget()}\n${plannerBase()}\n${$("workbook-session-id").value.trim()}`;
}

/**
 * The plan handle of `planId` for the current target, opened once (openPlan) and kept while the target
 * stays the same. Null when the package has no openPlan. Rejects with the library's GraphError.
 */
export async function openCurrentPlan(planId, { signal } = {}) {
  if (!state.lib?.openPlan || !planId) return null;
  const key = targetKey();
  const token = currentToken();
  if (state.plan && state.plan.id === planId && state.plan.key === key && state.plan.token === token) return state.plan.handle;
  const opts = buildOptions(undefined, "planner");
  delete opts.signal;
  delete opts.endpoint;
  delete opts.clientRequestId; // per call
  let pending = state.planPending;
  if (!pending || pending.id !== planId || pending.key !== key || pending.token !== token) {
    pending = { id: planId, key, token, promise: state.lib.openPlan({ planId }, opts) };
    state.planPending = pending;
    app.dataset.plan = "opening";
    pending.promise.then(
      () => {},
      () => {
        if (state.planPending === pending) {
          state.planPending = null;
          app.dataset.plan = "error";
        }
      },
    );
  }
  const handle = await (signal ? raceAbort(pending.promise, signal) : pending.promise);
  if (state.planPending === pending) state.planPending = null;
  if (state.plan && state.plan.handle === handle) return handle;
  const old = state.plan;
  state.plan = { id: planId, key, token, handle };
  if (old && old.handle && old.handle !== handle) {
    try {
      old.handle.free?.();
    } catch { /* already freed */ }
  }
  app.dataset.plan = "open";
  document.dispatchEvent(new CustomEvent("plan-opened"));
  return handle;
}

function raceAbort(promise, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    promise.then(resolve, reject);
  });
}

// ───────── names without openPlan (from the seed) ─────────

/**
 * Resolves plan inputs (bucket, assignees, labels by name) to plain plannerTask inputs with the seed, the
 * way plan.resolve does: { ok: true, tasks } or { ok: false, problems: [{ index, field, message }] }.
 */
export function resolveLocally(planId, inputs) {
  const problems = [];
  const buckets = planBuckets(planId);
  const labels = planLabels(planId);
  const users = seedUsers();
  const tasks = inputs.map((input, index) => {
    const { bucket, assignees, labels: names, ...rest } = input;
    const task = { ...rest, planId };
    if (bucket !== undefined && bucket !== "") {
      const lower = String(bucket).toLowerCase();
      const b = buckets.find((x) => x.id === bucket) ?? buckets.find((x) => x.name.toLowerCase() === lower);
      if (b) task.bucketId = b.id;
      else if (buckets.length === 0) task.bucketId = String(bucket); // nothing known to compare with: an id
      else problems.push({ index, field: "bucket", message: `no bucket "${bucket}"; the plan has ${buckets.map((x) => x.name).join(", ") || "none"}` });
    }
    if (assignees && assignees.length) {
      task.assignments = {};
      assignees.forEach((who, i) => {
        const lower = String(who).toLowerCase();
        const u = users.find((x) => x.id === who || x.userPrincipalName?.toLowerCase() === lower || x.mail?.toLowerCase() === lower);
        if (u) task.assignments[u.id] = { "@odata.type": "#microsoft.graph.plannerAssignment", orderHint: " !" };
        else if (users.length === 0 || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(who)) task.assignments[who] = { "@odata.type": "#microsoft.graph.plannerAssignment", orderHint: " !" };
        else problems.push({ index, field: `assignees[${i}]`, message: `no user "${who}"` });
      });
    }
    if (names && names.length) {
      task.appliedCategories = {};
      names.forEach((name, i) => {
        const lower = String(name).toLowerCase();
        const key = /^category([1-9]|1\d|2[0-5])$/.test(name) ? name : Object.keys(labels).find((k) => labels[k].toLowerCase() === lower);
        if (key) task.appliedCategories[key] = true;
        else problems.push({ index, field: `labels[${i}]`, message: `no label "${name}"; the plan has ${Object.values(labels).join(", ") || "none named"}` });
      });
    }
    return task;
  });
  return problems.length ? { ok: false, problems } : { ok: true, tasks };
}
