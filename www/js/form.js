// The form: target, endpoint, the task by names (bucket, assignees, labels) on the plan opened with
// openPlan, and its details (description, checklist editor, references); submit and cancel.
import { $, el, clear, app, initials, httpUrl } from "./dom.js";
import { state } from "./state.js";
import {
  GRAPH_V1, GRAPH_BETA, PLANNER_CATEGORY_COLOURS, currentEndpoint, isLegacy, currentTarget, usingSeed,
  seedUsers, selectedPlanId, planBuckets, planLabels, buildOptions, openCurrentPlan, resolveLocally,
  tokenMayGoTo, plannerBase,
} from "./plan.js";
import { renderTask, renderError, revealResult } from "./result.js";
import { refreshHistory, updateHistoryHeading } from "./history.js";

const MAX_CHECKLIST = 20;
const MAX_REFERENCES = 10;

/** The checklist being edited: [{ title, isChecked }] in the order to send. */
const checklist = [];
/** The references being edited: [{ url, alias }] in preview order. */
const references = [];

// ───────── seed-backed controls ─────────

export function fillSeedControls() {
  const planSel = $("plan-select");
  clear(planSel);
  const dl = $("user-id-options");
  clear(dl);
  if (!state.seed) return;
  for (const p of state.seed.plans) planSel.append(el("option", { value: p.id, text: p.title ? `${p.title}` : p.id }));
  planSel.append(el("option", { value: "", text: "— no plan —" }));
  for (const u of state.seed.users) dl.append(el("option", { value: u.id, text: u.displayName ?? u.id }));
  fillBuckets();
}

export function fillBuckets() {
  const sel = $("bucket-select");
  const previous = sel.value;
  clear(sel);
  sel.append(el("option", { value: "", text: "— no bucket —" }));
  for (const b of planBuckets(selectedPlanId())) sel.append(el("option", { value: b.id, text: b.name }));
  if ([...sel.options].some((o) => o.value === previous)) sel.value = previous;
}

function renderAssignees() {
  const list = $("assignee-list");
  const legacy = isLegacy();
  const checked = new Set([...list.querySelectorAll("input:checked")].map((i) => i.value));
  clear(list);
  if (!usingSeed()) return;
  const type = legacy ? "radio" : "checkbox";
  if (legacy) {
    const id = "assignee-none";
    list.append(el("label", { class: "choice", for: id },
      el("input", { type, name: "assignee", id, value: "", testid: "assignee", checked: checked.size === 0 || checked.has("") }),
      el("span", { text: "Nobody" })));
  }
  seedUsers().forEach((u, i) => {
    const id = `assignee-${i}`;
    const input = el("input", { type, name: "assignee", id, value: u.id, testid: "assignee", checked: checked.has(u.id) });
    const who = u.mail || u.userPrincipalName || u.id;
    list.append(el("label", { class: "choice", for: id, title: who },
      input,
      el("span", { class: "avatar", "aria-hidden": "true", text: initials(u.displayName ?? u.id) }),
      el("span", { text: u.displayName ?? u.id })));
  });
}

function renderCategories() {
  const list = $("category-list");
  const legacy = isLegacy();
  const checked = new Set([...list.querySelectorAll("input:checked")].map((i) => i.value));
  clear(list);
  list.classList.toggle("named", !legacy);
  const [from, to] = legacy ? [0, 5] : [1, 25];
  const names = legacy ? {} : planLabels(selectedPlanId());
  for (let n = from; n <= to; n++) {
    const key = `category${n}`;
    const id = `cat-${key}`;
    const colour = PLANNER_CATEGORY_COLOURS[n];
    const name = names[key] ?? null;
    const text = legacy ? String(n) : name ?? `Label ${n}`;
    list.append(el("label", { class: `cat-toggle${name ? " is-named" : ""}`, for: id, "data-cat": String(n), title: `${key}${colour ? ` (${colour})` : ""}`, testid: "label-toggle", "data-name": name ?? "" },
      el("input", { type: "checkbox", id, value: key, testid: `category-${key}`, checked: checked.has(key) }),
      el("span", { class: "dot", "aria-hidden": "true" }),
      el("span", { class: "cat-name", text }),
      el("span", { class: "visually-hidden", text: ` ${key}${colour ? ` (${colour})` : ""}` })));
  }
}

// ───────── checklist editor ─────────

function renderChecklist() {
  const list = $("checklist-list");
  clear(list);
  checklist.forEach((item, i) => {
    const title = el("input", { type: "text", value: item.title, testid: "checklist-item-title", "aria-label": `Checklist item ${i + 1}`, spellcheck: "true" });
    title.value = item.title;
    title.addEventListener("input", () => {
      item.title = title.value;
    });
    const box = el("input", { type: "checkbox", testid: "checklist-item-checked", "aria-label": `Item ${i + 1} done`, checked: item.isChecked });
    box.addEventListener("change", () => {
      item.isChecked = box.checked;
    });
    const btn = (label, text, testid, disabled, fn) => {
      const b = el("button", { type: "button", class: "icon", "aria-label": label, title: label, testid, disabled, text });
      b.addEventListener("click", fn);
      return b;
    };
    list.append(el("li", { class: "editor-item", testid: "checklist-item" },
      box, title,
      btn(`Move item ${i + 1} up`, "↑", "checklist-item-up", i === 0, () => move(checklist, i, i - 1, renderChecklist)),
      btn(`Move item ${i + 1} down`, "↓", "checklist-item-down", i === checklist.length - 1, () => move(checklist, i, i + 1, renderChecklist)),
      btn(`Remove item ${i + 1}`, "✕", "checklist-item-remove", false, () => {
        checklist.splice(i, 1);
        renderChecklist();
      })));
  });
  $("checklist-add").disabled = checklist.length >= MAX_CHECKLIST;
  $("checklist-count").textContent = checklist.length ? `${checklist.length} of ${MAX_CHECKLIST}` : "";
}

function move(arr, from, to, render) {
  if (to < 0 || to >= arr.length) return;
  const [x] = arr.splice(from, 1);
  arr.splice(to, 0, x);
  render();
  // Keep the focus on the moved row's same button, for keyboard users.
  const rows = document.querySelectorAll(`#${arr === checklist ? "checklist-list" : "reference-list"} > li`);
  rows[to]?.querySelector(`[data-testid$="-${to > from ? "down" : "up"}"]:not(:disabled)`)?.focus();
}

function addChecklistItem() {
  const input = $("checklist-new");
  const title = input.value.trim();
  if (title === "" || checklist.length >= MAX_CHECKLIST) return;
  checklist.push({ title, isChecked: false });
  input.value = "";
  renderChecklist();
  input.focus();
}

// ───────── references editor ─────────

function renderReferences() {
  const list = $("reference-list");
  clear(list);
  references.forEach((ref, i) => {
    const alias = el("input", { type: "text", testid: "reference-item-alias", "aria-label": `Name of reference ${i + 1}`, placeholder: "name (optional)" });
    alias.value = ref.alias;
    alias.addEventListener("input", () => {
      ref.alias = alias.value;
    });
    const remove = el("button", { type: "button", class: "icon", "aria-label": `Remove reference ${i + 1}`, title: "Remove", testid: "reference-item-remove", text: "✕" });
    remove.addEventListener("click", () => {
      references.splice(i, 1);
      renderReferences();
    });
    list.append(el("li", { class: "editor-item ref", testid: "reference-item" },
      el("code", { class: "mono wrap", testid: "reference-item-url", text: ref.url }), alias, remove));
  });
  $("reference-add").disabled = references.length >= MAX_REFERENCES;
}

function addReference() {
  const urlInput = $("reference-url");
  const aliasInput = $("reference-alias");
  const err = $("reference-error");
  const raw = urlInput.value.trim();
  if (raw === "") return;
  const url = httpUrl(raw);
  if (url === null) {
    err.textContent = `Not added: "${raw}" is not an http:// or https:// URL.`;
    err.hidden = false;
    return;
  }
  if (references.some((r) => r.url === url)) {
    err.textContent = "That URL is already a reference.";
    err.hidden = false;
    return;
  }
  err.hidden = true;
  err.textContent = "";
  references.push({ url, alias: aliasInput.value.trim() });
  urlInput.value = "";
  aliasInput.value = "";
  renderReferences();
  urlInput.focus();
}

// ───────── form state ─────────

export function syncForm() {
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
  $("bucket-input").placeholder = legacy ? "28-character bucket id" : "bucket name or id";
  $("plan-label").htmlFor = seeded ? "plan-select" : "plan-input";
  $("bucket-label").htmlFor = seeded ? "bucket-select" : "bucket-input";

  $("assignees-input").hidden = seeded && legacy;
  $("assignees-hint").textContent = legacy
    ? "The 2015 beta task has a single assignee (assignedTo)."
    : seeded ? "Pick the plan's people, or type email addresses (separated by , or ;)." : "User ids, user principal names or email addresses, separated by , or ;.";
  $("assignees-input").placeholder = legacy ? "user id" : "adele@contoso.com; …";
  $("categories-legend-text").textContent = legacy ? "Categories" : "Labels";

  $("priority-field").hidden = legacy;
  $("priority-custom").hidden = legacy || $("priority").value !== "custom";
  $("details-group").hidden = legacy;

  renderAssignees();
  renderCategories();
  updateHistoryHeading();
}

export function updateSubmitEnabled() {
  const busy = state.controller !== null;
  $("submit").disabled = busy || state.lib === null;
  $("cancel").disabled = !busy;
  app.dataset.busy = String(busy);
}

export function setStatus(text, kind = "") {
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

// ───────── building the request ─────────

const splitList = (s) => s.split(/[;,]/).map((x) => x.trim()).filter(Boolean);

function checkedAssignees() {
  return usingSeed() ? [...$("assignee-list").querySelectorAll("input:checked")].map((i) => i.value).filter(Boolean) : [];
}

function selectedCategories() {
  return [...$("category-list").querySelectorAll("input:checked")].map((i) => i.value);
}

function priorityValue() {
  const p = $("priority").value;
  if (p === "custom") {
    const raw = $("priority-custom").value.trim();
    // Passed through as a number (or the raw text if not numeric) so that the library validates it.
    if (raw !== "") return Number.isFinite(Number(raw)) ? Number(raw) : raw;
    return undefined;
  }
  return p !== "" ? Number(p) : undefined;
}

/** The Planner task as plan.createTask takes it: bucket, assignees and labels by name. */
function buildPlanInput() {
  const planId = selectedPlanId();
  const input = { title: $("title").value };
  if (usingSeed()) {
    const id = $("bucket-select").value;
    if (id) {
      const buckets = planBuckets(planId);
      const b = buckets.find((x) => x.id === id);
      // By name; by id only when two buckets share that name.
      input.bucket = b && buckets.filter((x) => x.name.toLowerCase() === b.name.toLowerCase()).length === 1 ? b.name : id;
    }
  } else {
    const typed = $("bucket-input").value.trim();
    if (typed) input.bucket = typed;
  }
  const people = [...checkedAssignees(), ...splitList($("assignees-input").value)];
  if (people.length) input.assignees = [...new Set(people)];
  const names = planLabels(planId);
  const labels = selectedCategories().map((k) => names[k] ?? k);
  if (labels.length) input.labels = labels;
  const due = dueIso();
  if (due) input.dueDateTime = due;
  const priority = priorityValue();
  if (priority !== undefined) input.priority = priority;

  const details = {};
  const description = $("description").value;
  if (description.trim() !== "") details.description = description;
  if (checklist.length) details.checklist = checklist.map((c) => (c.isChecked ? { title: c.title, isChecked: true } : c.title));
  if (references.length) details.references = references.map((r) => (r.alias.trim() ? { url: r.url, alias: r.alias.trim() } : { url: r.url }));
  if (Object.keys(details).length) input.details = details;
  return input;
}

/** The 2015 beta task (ids only, as before). */
function buildLegacyTask() {
  const task = { title: $("title").value };
  const planId = selectedPlanId();
  const bucketId = (usingSeed() ? $("bucket-select").value : $("bucket-input").value.trim()) || undefined;
  if (planId !== undefined) task.planId = planId;
  if (bucketId !== undefined) task.bucketId = bucketId;
  const due = dueIso();
  if (due) task.dueDateTime = due;
  const assignees = usingSeed() ? checkedAssignees() : splitList($("assignees-input").value);
  if (assignees.length > 0) task.assignedTo = assignees[0];
  const cats = selectedCategories();
  if (cats.length > 0) {
    task.appliedCategories = {};
    for (const c of cats) task.appliedCategories[c] = true;
  }
  return task;
}

/** Options of one call on a plan handle. */
export function callOptions(signal) {
  const opts = buildOptions(signal, "planner");
  const out = { signal };
  if (opts.clientRequestId) out.clientRequestId = opts.clientRequestId;
  if (opts.timeoutMs !== undefined) out.timeoutMs = opts.timeoutMs;
  return out;
}

/** Whether the plan handle may be used for the current target (the token rule checked first, here too). */
export function mayOpenPlan() {
  return state.lib?.openPlan && (currentTarget() === "emulator" || tokenMayGoTo(plannerBase()));
}

/** A validation GraphError made here, for names the page resolved itself (an older package). */
export function localValidationError(problems) {
  const G = state.lib?.GraphError;
  const fields = { kind: "validation", mayHaveBeenCreated: false, problems: problems.map(({ field, message }) => ({ field, message })) };
  const message = `the task was not sent: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`;
  try {
    return new G(message, fields);
  } catch {
    return Object.assign(new Error(message), { name: "GraphError", ...fields });
  }
}

async function createPlanner(signal) {
  const input = buildPlanInput();
  const planId = selectedPlanId();
  if (mayOpenPlan() && planId) {
    const plan = await openCurrentPlan(planId, { signal });
    return plan.createTask(input, callOptions(signal));
  }
  const r = resolveLocally(planId, [input]);
  if (!r.ok) throw localValidationError(r.problems);
  const task = r.tasks[0];
  if (planId === undefined) delete task.planId;
  return state.lib.createTask(task, buildOptions(signal));
}

async function onSubmit(ev) {
  ev.preventDefault();
  if (!state.lib || state.controller) return;
  const controller = new AbortController();
  state.controller = controller;
  updateSubmitEnabled();
  setStatus("Creating task…", "busy");
  const started = performance.now();
  try {
    const created = isLegacy()
      ? await state.lib.createTask(buildLegacyTask(), buildOptions(controller.signal))
      : await createPlanner(controller.signal);
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
    if (err?.step === "details") refreshHistory(true);
  } finally {
    state.controller = null;
    updateSubmitEnabled();
  }
}

function onCancel() {
  if (state.controller) state.controller.abort();
}

/** Opens the selected plan on the local emulator (its buckets and label names); never for a custom target. */
export async function openSelectedPlan() {
  if (currentTarget() !== "emulator" || !mayOpenPlan()) return;
  const planId = selectedPlanId();
  if (!planId) return;
  try {
    await openCurrentPlan(planId);
  } catch (e) {
    setStatus(`Could not open the plan: ${e && e.message ? e.message : e}`, "error");
  }
}

export function initForm({ onPlanChange }) {
  $("task-form").addEventListener("submit", onSubmit);
  $("cancel").addEventListener("click", onCancel);
  $("endpoint").addEventListener("change", syncForm);
  $("priority").addEventListener("change", () => {
    syncForm();
    if ($("priority").value === "custom") $("priority-custom").focus();
  });
  $("due").addEventListener("input", updateDuePreview);
  $("plan-select").addEventListener("change", () => {
    fillBuckets();
    renderCategories();
    onPlanChange();
  });
  document.addEventListener("plan-opened", () => {
    fillBuckets();
    renderCategories();
    updateHistoryHeading();
  });
  $("checklist-add").addEventListener("click", addChecklistItem);
  $("checklist-new").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addChecklistItem();
    }
  });
  $("reference-add").addEventListener("click", addReference);
  for (const id of ["reference-url", "reference-alias"]) {
    $(id).addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        addReference();
      }
    });
  }
  renderChecklist();
  renderReferences();
}
