// graph-tasks demo page.
//
// Safety rules for this file:
//  * Everything that came from a server (or from the user) is put into the DOM with
//    textContent / createElement / setAttribute on harmless attributes. innerHTML is never used.
//  * The access token lives only in the password input and in the options object passed to
//    createTask. It is never stored (no localStorage/sessionStorage/cookies), never put in a
//    URL and never logged.

const LIB_URL = "/pkg/web.js";
const SEED_URL = "/_emulator/seed";
const DEV_TOKEN = "dev-token";
const GRAPH_V1 = "https://graph.microsoft.com/v1.0";
const GRAPH_BETA = "https://graph.microsoft.com/beta";

const PLANNER_CATEGORY_COLOURS = [
  null, "Pink", "Red", "Yellow", "Green", "Blue", "Purple", "Bronze", "Lime", "Aqua", "Gray",
  "Silver", "Brown", "Cranberry", "Orange", "Peach", "Marigold", "Light green", "Dark green",
  "Teal", "Light blue", "Dark blue", "Lavender", "Plum", "Light gray", "Dark gray",
];

const ERROR_FIELDS = [
  ["kind", "Kind"],
  ["status", "HTTP status"],
  ["code", "Code"],
  ["message", "Message"],
  ["innerCode", "Inner code"],
  ["requestId", "request-id"],
  ["clientRequestId", "client-request-id"],
  ["date", "Date"],
  ["retryAfterMs", "Retry after (ms)"],
  ["mayHaveBeenCreated", "May have been created"],
];

// ───────────────────────── state ─────────────────────────

const state = {
  lib: null, // { createTask, GraphError }
  seed: null, // { users, plans } when the emulator seed is available
  controller: null, // AbortController of the running request
  lastCreatedId: null,
  historySeq: 0,
};

const $ = (id) => document.getElementById(id);
const app = document.querySelector("[data-testid=app]");

// ───────────────────────── small DOM helpers ─────────────────────────

/** createElement with text content and attributes; children may be nodes or strings. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = String(v);
    else if (k === "testid") node.dataset.testid = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function clear(node) {
  node.replaceChildren();
}

function isLegacy(endpoint) {
  return endpoint !== "planner";
}

function currentEndpoint() {
  return $("endpoint").value;
}

function currentTarget() {
  return document.querySelector("input[name=target]:checked").value;
}

function usingSeed() {
  return currentTarget() === "emulator" && state.seed !== null;
}

function userName(id) {
  const u = state.seed?.users?.find((x) => x.id === id);
  return u ? u.displayName : null;
}

function planById(id) {
  return state.seed?.plans?.find((p) => p.id === id) ?? null;
}

function bucketName(planId, bucketId) {
  const plan = planById(planId);
  const b = plan?.buckets?.find((x) => x.id === bucketId);
  return b ? b.name : null;
}

function formatDate(iso) {
  if (typeof iso !== "string" || iso === "") return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function timeNode(iso) {
  const text = formatDate(iso);
  if (text === null) return dash();
  return el("time", { datetime: iso, title: iso, text });
}

function dash() {
  return el("span", { class: "muted", text: "—" });
}

function priorityLabel(p) {
  if (typeof p !== "number" || !Number.isFinite(p)) return null;
  let name;
  if (p <= 1) name = "Urgent";
  else if (p <= 4) name = "Important";
  else if (p <= 7) name = "Medium";
  else name = "Low";
  return { name, text: `${name} (${p})`, cls: `prio-${name.toLowerCase()}` };
}

function categoryChip(key) {
  const m = /^category(\d+)$/.exec(key);
  const n = m ? Number(m[1]) : NaN;
  const colour = PLANNER_CATEGORY_COLOURS[n] ?? null;
  const chip = el("span", { class: "chip cat", "data-cat": Number.isFinite(n) ? String(n) : "x", title: colour ?? key });
  chip.append(el("span", { class: "dot", "aria-hidden": "true" }), document.createTextNode(key));
  return chip;
}

// ───────────────────────── library loading ─────────────────────────

async function loadLibrary() {
  const pill = $("lib-status");
  try {
    const mod = await import(LIB_URL);
    await mod.default();
    if (typeof mod.createTask !== "function") throw new Error("createTask is not exported");
    state.lib = { createTask: mod.createTask, GraphError: mod.GraphError };
    pill.textContent = "wasm: ready";
    pill.dataset.state = "ready";
    app.dataset.lib = "ready";
  } catch (e) {
    pill.textContent = "wasm: failed to load";
    pill.dataset.state = "error";
    pill.title = String(e && e.message ? e.message : e);
    app.dataset.lib = "error";
    setStatus(`Could not load ${LIB_URL}: ${pill.title}`, "error");
  }
  updateSubmitEnabled();
}

// ───────────────────────── seed (emulator) ─────────────────────────

async function loadSeed() {
  try {
    const res = await fetch(SEED_URL, { headers: { Accept: "application/json" }, cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const data = await res.json();
    if (!data || !Array.isArray(data.plans) || !Array.isArray(data.users)) throw new Error("unexpected seed shape");
    state.seed = {
      users: data.users.filter((u) => u && typeof u.id === "string"),
      plans: data.plans
        .filter((p) => p && typeof p.id === "string")
        .map((p) => ({ ...p, buckets: Array.isArray(p.buckets) ? p.buckets.filter((b) => b && typeof b.id === "string") : [] })),
    };
    app.dataset.seed = "ready";
  } catch {
    state.seed = null;
    app.dataset.seed = "unavailable";
  }
  fillSeedControls();
  syncForm();
  refreshHistory();
}

function fillSeedControls() {
  const planSel = $("plan-select");
  clear(planSel);
  const dl = $("user-id-options");
  clear(dl);
  if (!state.seed) return;
  for (const p of state.seed.plans) {
    planSel.append(el("option", { value: p.id, text: p.title ? `${p.title}` : p.id }));
  }
  planSel.append(el("option", { value: "", text: "— no plan —" }));
  for (const u of state.seed.users) {
    dl.append(el("option", { value: u.id, text: u.displayName ?? u.id }));
  }
  fillBuckets();
}

function fillBuckets() {
  const sel = $("bucket-select");
  const previous = sel.value;
  clear(sel);
  sel.append(el("option", { value: "", text: "— no bucket —" }));
  const plan = planById($("plan-select").value);
  for (const b of plan?.buckets ?? []) sel.append(el("option", { value: b.id, text: b.name ?? b.id }));
  if ([...sel.options].some((o) => o.value === previous)) sel.value = previous;
}

// ───────────────────────── form state ─────────────────────────

function renderAssignees() {
  const list = $("assignee-list");
  const legacy = isLegacy(currentEndpoint());
  const checked = new Set([...list.querySelectorAll("input:checked")].map((i) => i.value));
  clear(list);
  if (!usingSeed()) return;
  const type = legacy ? "radio" : "checkbox";
  if (legacy) {
    const id = "assignee-none";
    list.append(
      el("label", { class: "choice", for: id },
        el("input", { type, name: "assignee", id, value: "", testid: "assignee", checked: checked.size === 0 || checked.has("") }),
        el("span", { text: "Nobody" })),
    );
  }
  state.seed.users.forEach((u, i) => {
    const id = `assignee-${i}`;
    const input = el("input", { type, name: "assignee", id, value: u.id, testid: "assignee", checked: checked.has(u.id) });
    const label = el("label", { class: "choice", for: id, title: u.id },
      input,
      el("span", { class: "avatar", "aria-hidden": "true", text: initials(u.displayName ?? u.id) }),
      el("span", { text: u.displayName ?? u.id }));
    list.append(label);
  });
}

function initials(name) {
  const parts = String(name).trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : String(name).slice(0, 2);
  return s.toUpperCase();
}

function renderCategories() {
  const list = $("category-list");
  const legacy = isLegacy(currentEndpoint());
  const checked = new Set([...list.querySelectorAll("input:checked")].map((i) => i.value));
  clear(list);
  const [from, to] = legacy ? [0, 5] : [1, 25];
  for (let n = from; n <= to; n++) {
    const key = `category${n}`;
    const id = `cat-${key}`;
    const colour = PLANNER_CATEGORY_COLOURS[n];
    list.append(
      el("label", { class: "cat-toggle", for: id, "data-cat": String(n), title: colour ?? key },
        el("input", { type: "checkbox", id, value: key, testid: `category-${key}`, checked: checked.has(key) }),
        el("span", { class: "dot", "aria-hidden": "true" }),
        el("span", { text: String(n) }),
        el("span", { class: "visually-hidden", text: ` ${key}${colour ? ` (${colour})` : ""}` })),
    );
  }
}

function syncForm() {
  const endpoint = currentEndpoint();
  const legacy = isLegacy(endpoint);
  const real = currentTarget() === "real";
  const seeded = usingSeed();

  $("real-fields").hidden = !real;
  $("emulator-hint").hidden = real;
  $("target-status").textContent = real ? "target: Microsoft Graph" : state.seed ? "target: local emulator" : "target: local emulator (no seed)";
  $("base-url").placeholder = endpoint === "planner" ? GRAPH_V1 : GRAPH_BETA;

  $("user-id-field").hidden = endpoint !== "user";

  $("plan-select").hidden = !seeded;
  $("plan-input").hidden = seeded;
  $("bucket-select").hidden = !seeded;
  $("bucket-input").hidden = seeded;
  $("plan-label").htmlFor = seeded ? "plan-select" : "plan-input";
  $("bucket-label").htmlFor = seeded ? "bucket-select" : "bucket-input";

  $("assignees-input").hidden = seeded;
  $("assignees-hint").textContent = legacy
    ? "The 2015 beta task has a single assignee (assignedTo)."
    : seeded ? "" : "Comma-separated user ids.";
  $("assignees-input").placeholder = legacy ? "user id" : "user id, user id, …";

  $("priority-field").hidden = legacy;
  $("priority-custom").hidden = legacy || $("priority").value !== "custom";

  renderAssignees();
  renderCategories();
  updateHistoryHeading();
}

function updateSubmitEnabled() {
  const busy = state.controller !== null;
  $("submit").disabled = busy || state.lib === null;
  $("cancel").disabled = !busy;
  app.dataset.busy = String(busy);
}

function setStatus(text, kind = "") {
  const s = $("status");
  s.textContent = text;
  s.dataset.kind = kind;
}

function updateDuePreview() {
  const iso = dueIso();
  $("due-utc").textContent = iso ? `→ ${iso}` : "";
}

// datetime-local ("2026-12-01T18:00") is local time; send it as UTC ISO 8601 without milliseconds.
function dueIso() {
  const v = $("due").value;
  if (!v) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return undefined;
  return d.toISOString().replace(/\.000Z$/, "Z");
}

// ───────────────────────── building the request ─────────────────────────

function selectedPlanId() {
  return (usingSeed() ? $("plan-select").value : $("plan-input").value.trim()) || undefined;
}

function selectedBucketId() {
  return (usingSeed() ? $("bucket-select").value : $("bucket-input").value.trim()) || undefined;
}

function selectedAssignees() {
  if (usingSeed()) {
    return [...$("assignee-list").querySelectorAll("input:checked")].map((i) => i.value).filter(Boolean);
  }
  return $("assignees-input").value.split(",").map((s) => s.trim()).filter(Boolean);
}

function selectedCategories() {
  return [...$("category-list").querySelectorAll("input:checked")].map((i) => i.value);
}

function buildTask() {
  const endpoint = currentEndpoint();
  const task = { title: $("title").value };
  const planId = selectedPlanId();
  const bucketId = selectedBucketId();
  if (planId !== undefined) task.planId = planId;
  if (bucketId !== undefined) task.bucketId = bucketId;
  const due = dueIso();
  if (due) task.dueDateTime = due;

  const assignees = selectedAssignees();
  const cats = selectedCategories();

  if (isLegacy(endpoint)) {
    if (assignees.length > 0) task.assignedTo = assignees[0];
  } else {
    if (assignees.length > 0) {
      task.assignments = {};
      for (const id of assignees) {
        task.assignments[id] = { "@odata.type": "#microsoft.graph.plannerAssignment", orderHint: " !" };
      }
    }
    const p = $("priority").value;
    if (p === "custom") {
      const raw = $("priority-custom").value.trim();
      // Passed through as a number (or the raw text if not numeric) so that the library validates it.
      if (raw !== "") task.priority = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    } else if (p !== "") {
      task.priority = Number(p);
    }
  }
  if (cats.length > 0) {
    task.appliedCategories = {};
    for (const c of cats) task.appliedCategories[c] = true;
  }
  return task;
}

function buildOptions(signal) {
  const endpoint = currentEndpoint();
  const opts = { endpoint, signal };
  if (currentTarget() === "emulator") {
    opts.accessToken = DEV_TOKEN;
    opts.baseUrl = `${location.origin}${endpoint === "planner" ? "/v1.0" : "/beta"}`;
  } else {
    // Read from the password input at submit time; only ever handed to the library.
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

// ───────────────────────── submit ─────────────────────────

async function onSubmit(ev) {
  ev.preventDefault();
  if (!state.lib || state.controller) return;
  const controller = new AbortController();
  state.controller = controller;
  updateSubmitEnabled();
  setStatus("Creating task…", "busy");
  const started = performance.now();
  try {
    const task = buildTask();
    const created = await state.lib.createTask(task, buildOptions(controller.signal));
    const ms = Math.round(performance.now() - started);
    state.lastCreatedId = created && typeof created.id === "string" ? created.id : null;
    renderTask(created, "Created");
    revealResult();
    setStatus(`Created in ${ms} ms`, "ok");
    refreshHistory(true);
  } catch (err) {
    renderError(err);
    revealResult();
    setStatus(err && err.kind ? `Failed: ${err.kind}` : "Failed", "error");
  } finally {
    state.controller = null;
    updateSubmitEnabled();
  }
}

function onCancel() {
  if (state.controller) state.controller.abort();
}

// ───────────────────────── rendering: task card ─────────────────────────

function renderTask(task, heading) {
  const result = $("result");
  clear(result);
  if (!task || typeof task !== "object") {
    result.append(el("p", { class: "empty", text: "The library resolved without a task object." }));
    return;
  }
  const legacy = typeof task.createdBy === "string" || "assignedTo" in task;

  const card = el("article", { class: "card task-card", testid: "result-card", "aria-labelledby": "card-title" });
  const head = el("header", { class: "card-head" },
    el("span", { class: "eyebrow", text: `${heading} · ${legacy ? "2015 beta task" : "plannerTask"}` }),
    el("h3", { id: "card-title", class: "card-title", testid: "card-title", text: task.title ?? "" }));
  const prio = priorityLabel(task.priority);
  if (prio) head.append(el("span", { class: `chip prio ${prio.cls}`, testid: "card-priority", text: prio.text }));
  card.append(head);

  const dl = el("dl", { class: "props" });
  const row = (label, testid, value) => {
    dl.append(el("dt", { text: label }), el("dd", { testid }, value ?? dash()));
  };
  const mono = (v) => (v === undefined || v === null || v === "" ? dash() : el("code", { class: "mono wrap", text: String(v) }));

  row("Task ID", "card-id", mono(task.id));
  const planTitle = planById(task.planId)?.title;
  row("Plan", "card-planId", task.planId ? el("span", {}, mono(task.planId), planTitle ? el("span", { class: "muted", text: ` ${planTitle}` }) : null) : dash());
  const bName = bucketName(task.planId, task.bucketId);
  row("Bucket", "card-bucketId", task.bucketId ? el("span", {}, mono(task.bucketId), bName ? el("span", { class: "muted", text: ` ${bName}` }) : null) : dash());
  row("Created", "card-createdDateTime", timeNode(task.createdDateTime));
  row("Created by", "card-createdBy", createdByNode(task.createdBy));
  row("Due", "card-dueDateTime", timeNode(task.dueDateTime));
  row("Assignees", "card-assignees", assigneesNode(task));
  if (!legacy) row("Priority", "card-priority-row", prio ? el("span", { text: prio.text }) : dash());
  row("Categories", "card-categories", categoriesNode(task.appliedCategories));
  row("ETag", "card-etag", mono(task["@odata.etag"]));
  card.append(dl);

  const raw = el("section", { class: "card raw", "aria-label": "Raw JSON response" },
    el("header", { class: "card-head" }, el("span", { class: "eyebrow", text: "Raw JSON" })),
    el("pre", { class: "json", testid: "raw-json", tabindex: "0", text: safeStringify(task) }));

  result.append(el("div", { class: "result-grid" }, card, raw));
}

/** On the one-column layout the result sits below the form: bring it into view. */
function revealResult() {
  if (!window.matchMedia("(max-width: 960px)").matches) return;
  const panel = $("result").closest("section");
  const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  panel.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
}

function safeStringify(v) {
  try {
    return JSON.stringify(v, null, 2);
  } catch {
    return String(v);
  }
}

function createdByNode(cb) {
  if (cb === undefined || cb === null) return dash();
  if (typeof cb === "string") return personNode(cb);
  const id = cb.user?.id ?? cb.application?.id ?? null;
  const display = cb.user?.displayName ?? cb.application?.displayName ?? null;
  if (id) return personNode(id, display);
  return el("code", { class: "mono wrap", text: safeStringify(cb) });
}

function personNode(id, display) {
  const name = display ?? userName(id);
  const wrap = el("span", { class: "person" });
  if (name) {
    wrap.append(el("span", { class: "avatar sm", "aria-hidden": "true", text: initials(name) }), el("span", { text: name }), " ");
  }
  wrap.append(el("code", { class: "mono muted wrap", text: id }));
  return wrap;
}

function assigneesNode(task) {
  let ids = [];
  if (typeof task.assignedTo === "string" && task.assignedTo) ids = [task.assignedTo];
  else if (task.assignments && typeof task.assignments === "object") {
    ids = Object.keys(task.assignments).filter((k) => task.assignments[k] !== null);
  }
  if (ids.length === 0) return dash();
  const ul = el("ul", { class: "plain" });
  for (const id of ids) ul.append(el("li", { testid: "card-assignee" }, personNode(id)));
  return ul;
}

function categoriesNode(cats) {
  if (!cats || typeof cats !== "object") return dash();
  const on = Object.keys(cats).filter((k) => cats[k] === true);
  if (on.length === 0) return dash();
  const wrap = el("span", { class: "chips" });
  for (const k of on) wrap.append(categoryChip(k));
  return wrap;
}

// ───────────────────────── rendering: errors ─────────────────────────

function isGraphError(err) {
  const G = state.lib?.GraphError;
  return (typeof G === "function" && err instanceof G) || (err && err.name === "GraphError");
}

function renderError(err) {
  const result = $("result");
  clear(result);
  const graph = isGraphError(err);
  const panel = el("article", { class: "card error-card", testid: "error-panel", role: "alert", "data-kind": String(err?.kind ?? "unexpected") });
  panel.append(el("header", { class: "card-head" },
    el("span", { class: "eyebrow", text: graph ? "GraphError" : `Unexpected error${err?.name ? ` (${err.name})` : ""}` }),
    el("h3", { class: "card-title", testid: "error-title", text: err?.message ? String(err.message) : String(err) })));

  const dl = el("dl", { class: "props" });
  for (const [key, label] of ERROR_FIELDS) {
    let v;
    try {
      v = err?.[key];
    } catch {
      v = undefined;
    }
    if (!graph && key === "kind") v = "unexpected";
    const dd = el("dd", { testid: `error-${key}` });
    if (v === undefined || v === null || v === "") dd.append(dash());
    else if (typeof v === "boolean") dd.append(el("span", { class: `chip ${v ? "warn" : "okc"}`, text: v ? "yes" : "no" }));
    else if (key === "kind") dd.append(el("span", { class: "chip kind", text: String(v) }));
    else dd.append(el("span", { class: "wrap", text: String(v) }));
    dl.append(el("dt", { text: label }), dd);
  }
  // problems: [{ field, message }]
  const problems = toArray(err?.problems);
  const pdd = el("dd", { testid: "error-problems" });
  if (problems.length === 0) pdd.append(dash());
  else {
    const ul = el("ul", { class: "problems" });
    for (const p of problems) {
      ul.append(el("li", { testid: "error-problem" },
        el("code", { class: "mono", testid: "error-problem-field", text: String(p?.field ?? "") }),
        el("span", { testid: "error-problem-message", text: String(p?.message ?? "") })));
    }
    pdd.append(ul);
  }
  dl.append(el("dt", { text: "Problems" }), pdd);
  panel.append(dl);

  let body;
  try {
    body = err?.body;
  } catch {
    body = undefined;
  }
  if (body !== undefined && body !== null && body !== "") {
    panel.append(el("details", { class: "raw-body", open: true },
      el("summary", { text: "Raw error body" }),
      el("pre", { class: "json", testid: "error-body", tabindex: "0", text: prettyMaybeJson(String(body)) })));
  }
  result.append(panel);
}

function toArray(v) {
  if (!v) return [];
  if (Array.isArray(v)) return v;
  try {
    return Array.from(v);
  } catch {
    return [];
  }
}

function prettyMaybeJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// ───────────────────────── history ─────────────────────────

function historyBase() {
  if (currentTarget() === "emulator") return `${location.origin}/v1.0`;
  const base = $("base-url").value.trim().replace(/\/+$/, "");
  return base && currentEndpoint() === "planner" ? base : GRAPH_V1;
}

// The library's own rule for the demo's own requests: a bearer token goes only over https, or over
// plain http to this machine. `new URL` is the parser fetch uses, and it writes an IPv4 host in its
// dotted form, so `127.0.0.+1` (a host name DNS would resolve) never looks like loopback here.
function tokenMayGoTo(url) {
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

function historyToken() {
  return currentTarget() === "emulator" ? DEV_TOKEN : $("token").value;
}

function updateHistoryHeading() {
  const planId = selectedPlanId();
  const plan = planById(planId);
  $("history-plan").textContent = plan?.title ?? (planId ? planId : "this plan");
}

// `explicit`: the Refresh button or a create. A custom target's list is never fetched on its own when
// a field changes, so that no request (and no token) leaves because of a half-typed URL.
async function refreshHistory(explicit = false) {
  const seq = ++state.historySeq;
  const list = $("history-list");
  const stateLine = $("history-state");
  const panel = list.closest("section");
  updateHistoryHeading();
  const planId = selectedPlanId();
  if (!planId) {
    clear(list);
    panel.dataset.state = "idle";
    stateLine.textContent = "Choose a plan to list its tasks.";
    return;
  }
  const token = historyToken();
  if (!token) {
    clear(list);
    panel.dataset.state = "idle";
    stateLine.textContent = "Enter an access token to list the plan's tasks.";
    return;
  }
  const url = `${historyBase()}/planner/plans/${encodeURIComponent(planId)}/tasks`;
  if (currentTarget() !== "emulator" && explicit !== true) {
    clear(list);
    panel.dataset.state = "idle";
    stateLine.textContent = "Press Refresh to list the plan's tasks.";
    return;
  }
  if (!tokenMayGoTo(url)) {
    clear(list);
    panel.dataset.state = "error";
    stateLine.textContent = "Not listed: the token is only sent over https, or over http to this machine.";
    return;
  }
  panel.dataset.state = "loading";
  stateLine.textContent = "Loading…";
  try {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" }, cache: "no-store" });
    if (seq !== state.historySeq) return;
    if (!res.ok) {
      let code = "";
      try {
        code = (await res.json())?.error?.code ?? "";
      } catch { /* not JSON */ }
      throw new Error(`HTTP ${res.status}${code ? ` ${code}` : ""}`);
    }
    const data = await res.json();
    if (seq !== state.historySeq) return;
    renderHistory(Array.isArray(data?.value) ? data.value : []);
    panel.dataset.state = "ready";
  } catch (e) {
    if (seq !== state.historySeq) return;
    clear(list);
    panel.dataset.state = "error";
    stateLine.textContent = `Could not list tasks: ${e && e.message ? e.message : e}`;
  }
}

function renderHistory(tasks) {
  const list = $("history-list");
  clear(list);
  // Newest first: by createdDateTime, falling back to reversed server order.
  const sorted = tasks
    .map((t, i) => ({ t, i, ts: Date.parse(t?.createdDateTime ?? "") }))
    .sort((a, b) => {
      const A = Number.isNaN(a.ts) ? -Infinity : a.ts;
      const B = Number.isNaN(b.ts) ? -Infinity : b.ts;
      return B - A || b.i - a.i;
    })
    .map((x) => x.t);
  $("history-state").textContent = sorted.length === 0 ? "No tasks in this plan yet." : `${sorted.length} task${sorted.length === 1 ? "" : "s"}, newest first.`;
  for (const t of sorted) {
    if (!t || typeof t !== "object") continue;
    const isNew = state.lastCreatedId !== null && t.id === state.lastCreatedId;
    const legacy = typeof t.createdBy === "string" || "assignedTo" in t;
    const prio = priorityLabel(t.priority);
    const meta = el("span", { class: "meta" });
    meta.append(timeNode(t.createdDateTime));
    const bName = bucketName(t.planId, t.bucketId);
    if (bName) meta.append(el("span", { class: "sep", "aria-hidden": "true", text: "·" }), el("span", { text: bName }));
    if (t.dueDateTime) meta.append(el("span", { class: "sep", "aria-hidden": "true", text: "·" }), el("span", {}, "due ", timeNode(t.dueDateTime)));

    const badges = el("span", { class: "badges" });
    if (isNew) badges.append(el("span", { class: "chip new", text: "new" }));
    if (legacy) badges.append(el("span", { class: "chip legacy", text: "beta task" }));
    if (prio) badges.append(el("span", { class: `chip prio ${prio.cls}`, text: prio.name }));
    const nAssignees = typeof t.assignedTo === "string" && t.assignedTo ? 1 : t.assignments ? Object.keys(t.assignments).length : 0;
    if (nAssignees) badges.append(el("span", { class: "chip", text: `${nAssignees} assignee${nAssignees === 1 ? "" : "s"}` }));

    const button = el("button", { type: "button", class: "history-item-button", "aria-label": `Show task ${t.title ?? t.id ?? ""}` },
      el("span", { class: "history-title", testid: "history-item-title", text: t.title ?? "" }),
      meta,
      badges);
    button.addEventListener("click", () => {
      renderTask(t, "From history");
      revealResult();
    });
    list.append(el("li", { class: `history-item${isNew ? " is-new" : ""}`, testid: "history-item", "data-task-id": t.id ?? "" }, button));
  }
}

// ───────────────────────── wiring ─────────────────────────

function init() {
  $("emulator-origin").textContent = location.origin;
  $("task-form").addEventListener("submit", onSubmit);
  $("cancel").addEventListener("click", onCancel);
  $("endpoint").addEventListener("change", syncForm);
  for (const r of document.querySelectorAll("input[name=target]")) {
    r.addEventListener("change", () => {
      syncForm();
      refreshHistory();
    });
  }
  $("plan-select").addEventListener("change", () => {
    fillBuckets();
    refreshHistory();
  });
  $("plan-input").addEventListener("change", refreshHistory);
  $("token").addEventListener("change", refreshHistory);
  $("base-url").addEventListener("change", refreshHistory);
  $("priority").addEventListener("change", () => {
    syncForm();
    if ($("priority").value === "custom") $("priority-custom").focus();
  });
  $("due").addEventListener("input", updateDuePreview);
  $("history-refresh").addEventListener("click", () => refreshHistory(true));
  syncForm();
  updateSubmitEnabled();
  loadSeed();
  loadLibrary();
}

init();
