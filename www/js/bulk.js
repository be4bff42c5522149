// Bulk import: CSV pasted or chosen (the columns of `graph-tasks import`), a preview of every row with its
// problems before anything is sent, then plan.createTasks with a progress bar (throttling waits shown),
// Cancel (an AbortSignal) and each row's result. Also the local emulator's run-time behaviour
// (POST /_emulator/config), so that a visitor can watch the client cope with throttling and faults.
import { $, el, clear, errorText } from "./dom.js";
import { state } from "./state.js";
import { parseCsv } from "./csv.js";
import {
  currentTarget, isLegacy, selectedPlanId, planTitle, planBuckets, planLabels, buildOptions,
  openCurrentPlan, resolveLocally,
} from "./plan.js";
import { callOptions, mayOpenPlan } from "./form.js";
import { refreshHistory, listPlanTasks } from "./history.js";

// The columns and the reading of a row are the package's own, shared with `graph-tasks import`.
import { COLUMNS, taskFromCells as rowToTask } from "/pkg/rows.js";
export { COLUMNS };
const MAX_ROWS = 5000;

const EMULATOR_MODES = {
  normal: { chaosRate: 0, rateLimit: 0, latencyMs: 0 },
  // 150 requests a second: a 200-row run at the library's defaults (4 batches of 20 in flight) meets
  // 429s with Retry-After and waits. (Much lower limits make the emulator answer Retry-After in
  // milliseconds, and a run can use up its retries: see the "Retries" field.)
  throttled: { chaosRate: 0, rateLimit: 150, latencyMs: 20 },
  faulty: { chaosRate: 0.3, rateLimit: 0, latencyMs: 20 },
  slow: { chaosRate: 0, rateLimit: 0, latencyMs: 400 },
};

const bulk = {
  rows: [], // [{ row, input, problems: [{ field, message }], state, result }]
  fileProblems: [], // problems of the whole file or its header: [{ row, field, message }]
  checkedText: null, // the text the rows were checked from
  checkedPlan: null,
  timer: null,
};

// ───────── reading the CSV ─────────

/** One row's cells as a plan.createTask input, with the page's own early check of the checklist's size. */
export function taskFromCells(cells, problem) {
  const input = rowToTask(cells, problem);
  const checklist = input.details?.checklist;
  if (checklist && checklist.length > 20) problem("checklist", `${checklist.length} items; a task holds at most 20`);
  return input;
}

/** The CSV text as rows: { rows, fileProblems }. */
export function readCsv(text) {
  const fileProblems = [];
  const { records, error } = parseCsv(text);
  if (error) {
    fileProblems.push({ row: error.row, field: "", message: `not valid CSV: ${error.message}` });
    return { rows: [], fileProblems };
  }
  if (records.length === 0 || records.every((r) => r.fields.every((f) => f.trim() === ""))) {
    fileProblems.push({ row: 0, field: "", message: "nothing to read: paste a header row naming the columns, then one row per task" });
    return { rows: [], fileProblems };
  }
  const header = records[0].fields.map((h) => h.trim());
  const known = new Map(COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = [];
  const seen = new Set();
  header.forEach((name, i) => {
    const column = known.get(name.toLowerCase());
    if (!column) fileProblems.push({ row: 1, field: name || `column ${i + 1}`, message: `unknown column "${name}"; the columns are ${COLUMNS.join(", ")}` });
    else if (seen.has(column)) fileProblems.push({ row: 1, field: column, message: `the column "${column}" appears twice` });
    seen.add(column);
    columns.push(column);
  });
  if (!seen.has("title")) fileProblems.push({ row: 1, field: "title", message: "the header has no title column" });
  const rows = [];
  for (const { fields, row } of records.slice(1)) {
    if (fields.every((v) => v.trim() === "")) continue;
    const problems = [];
    let input = { title: (fields[columns.indexOf("title")] ?? "").trim() };
    if (fields.length !== header.length) problems.push({ field: "", message: `${fields.length} fields where the header has ${header.length}` });
    else {
      const cells = {};
      fields.forEach((v, i) => {
        if (columns[i]) cells[columns[i]] = v;
      });
      input = taskFromCells(cells, (field, message) => problems.push({ field, message }));
    }
    rows.push({ row, input, problems, state: problems.length ? "invalid" : "ready", result: null });
  }
  if (rows.length > MAX_ROWS) fileProblems.push({ row: 0, field: "", message: `${rows.length} rows; the page takes at most ${MAX_ROWS} (use graph-tasks import for more)` });
  else if (rows.length === 0 && fileProblems.length === 0) fileProblems.push({ row: 0, field: "", message: "a header row but no task rows" });
  return { rows, fileProblems };
}

// ───────── checking ─────────

async function checkRows() {
  const text = $("bulk-csv").value;
  const planId = selectedPlanId();
  const panel = $("bulk-panel");
  const { rows, fileProblems } = readCsv(text);
  bulk.rows = rows;
  bulk.fileProblems = fileProblems;
  bulk.checkedText = text;
  bulk.checkedPlan = planId ?? null;
  if (!planId) fileProblems.push({ row: 0, field: "plan", message: "choose a plan above" });
  else if (isLegacy()) fileProblems.push({ row: 0, field: "endpoint", message: "bulk import creates Planner tasks: choose POST /planner/tasks above" });
  panel.dataset.state = "checking";
  setLine("Checking the rows…");
  renderRows();
  // Names (buckets, people, labels) of the rows that are otherwise fine, resolved without creating anything.
  const candidates = rows.filter((r) => r.state === "ready");
  if (fileProblems.length === 0 && candidates.length) {
    try {
      let res;
      if (mayOpenPlan()) {
        const plan = await openCurrentPlan(planId);
        res = await plan.resolve(candidates.map((r) => r.input));
      } else {
        res = resolveLocally(planId, candidates.map((r) => r.input));
      }
      if (bulk.checkedText !== text) return; // edited meanwhile
      if (!res.ok) {
        for (const p of Array.from(res.problems ?? [])) {
          const r = candidates[p.index];
          if (!r) continue;
          r.problems.push({ field: String(p.field ?? ""), message: String(p.message ?? "") });
          r.state = "invalid";
        }
      }
    } catch (e) {
      fileProblems.push({ row: 0, field: "", message: `the names could not be checked: ${errorText(e)}` });
    }
  }
  renderRows();
  panel.dataset.state = "checked";
  updateBulkButtons();
}

function readyRows() {
  return bulk.rows.filter((r) => r.state === "ready");
}

function isStale() {
  return bulk.checkedText !== $("bulk-csv").value || bulk.checkedPlan !== (selectedPlanId() ?? null);
}

export function updateBulkButtons() {
  const running = state.bulkController !== null;
  const n = readyRows().length;
  const create = $("bulk-create");
  const ok = !running && state.lib !== null && bulk.fileProblems.length === 0 && n > 0 && !isStale() && $("bulk-panel").dataset.state === "checked";
  create.disabled = !ok;
  create.textContent = `Create ${n} task${n === 1 ? "" : "s"}`;
  $("bulk-cancel").disabled = !running;
  $("bulk-check").disabled = running;
  $("bulk-csv").readOnly = running;
  $("bulk-file").disabled = running;
  $("bulk-sample").disabled = running;
  $("bulk-plan").textContent = planTitle(selectedPlanId()) ?? selectedPlanId() ?? "no plan";
  if (!running && bulk.checkedText !== null && isStale() && $("bulk-panel").dataset.state === "checked") {
    setLine("The CSV or the plan changed: check the rows again.");
  }
}

function setLine(text) {
  $("bulk-summary").textContent = text;
}

// ───────── the table ─────────

function cellList(values) {
  return values && values.length ? values.join("; ") : "";
}

function detailsSummary(d) {
  if (!d) return "";
  const parts = [];
  if (d.description) parts.push("description");
  if (d.checklist?.length) parts.push(`${d.checklist.length} checklist`);
  if (d.references?.length) parts.push(`${d.references.length} ref${d.references.length === 1 ? "" : "s"}`);
  return parts.join(", ");
}

function renderRows() {
  const body = $("bulk-rows");
  clear(body);
  const fileList = $("bulk-file-problems");
  clear(fileList);
  for (const p of bulk.fileProblems) {
    fileList.append(el("li", { testid: "bulk-file-problem" }, p.row ? `Row ${p.row}${p.field ? ` (${p.field})` : ""}: ` : p.field ? `${p.field}: ` : "", p.message));
  }
  fileList.hidden = bulk.fileProblems.length === 0;
  for (const r of bulk.rows) {
    const tr = el("tr", { testid: "bulk-row", "data-row": String(r.row), "data-state": r.state });
    const i = r.input;
    const dates = [i.startDateTime ? `start ${i.startDateTime.slice(0, 10)}` : "", i.dueDateTime ? `due ${i.dueDateTime.slice(0, 10)}` : ""].filter(Boolean).join(" · ");
    tr.append(
      el("td", { class: "num", text: String(r.row) }),
      el("td", { testid: "bulk-row-title", class: "wrap", text: i.title ?? "" }),
      el("td", { text: i.bucket ?? "" }),
      el("td", { class: "wrap", text: cellList(i.assignees) }),
      el("td", { text: cellList(i.labels) }),
      el("td", { text: dates }),
      el("td", { text: [i.priority !== undefined ? `P${i.priority}` : "", i.percentComplete ? `${i.percentComplete}%` : ""].filter(Boolean).join(" ") }),
      el("td", { text: detailsSummary(i.details) }),
      outcomeCell(r));
    body.append(tr);
  }
  const bad = bulk.rows.filter((r) => r.state === "invalid").length;
  const n = bulk.rows.length;
  if ($("bulk-panel").dataset.state !== "running") {
    setLine(n === 0 && bulk.fileProblems.length ? "Nothing can be sent: see the problems above." : `${n} row${n === 1 ? "" : "s"}: ${n - bad} ready, ${bad} with problems${bad ? " (not sent)" : ""}. Nothing has been sent.`);
  }
  $("bulk-table-wrap").hidden = n === 0;
}

function outcomeCell(r) {
  const td = el("td", { testid: "bulk-row-result", class: "outcome wrap" });
  fillOutcome(td, r);
  return td;
}

function fillOutcome(td, r) {
  clear(td);
  if (r.state === "invalid") {
    const ul = el("ul", { class: "problems" });
    for (const p of r.problems) ul.append(el("li", { testid: "bulk-row-problem" }, p.field ? el("code", { class: "mono", text: p.field }) : null, " ", p.message));
    td.append(el("span", { class: "chip warn", text: "not sent" }), ul);
  } else if (r.state === "ready") td.append(el("span", { class: "muted", text: "ready" }));
  else if (r.state === "pending") td.append(el("span", { class: "muted", text: "waiting…" }));
  else if (r.state === "created") {
    const t = r.result.task ?? {};
    td.append(el("span", { class: "chip okc", text: "created" }), " ", el("code", { class: "mono", testid: "bulk-row-task-id", text: String(t.id ?? "") }));
    if (r.result.foundAfterCancel) td.append(" ", el("span", { class: "chip", testid: "bulk-row-found", title: "in flight at the cancel; found in the plan afterwards", text: "found after the cancel" }));
    if (r.result.reconciled) td.append(" ", el("span", { class: "chip", title: "the answer was lost; the task was found in the plan", text: "reconciled" }));
    if (r.result.duplicatesRemoved) td.append(" ", el("span", { class: "chip", text: `${r.result.duplicatesRemoved} duplicate removed` }));
  } else {
    const e = r.result?.error ?? {};
    const kind = String(e.kind ?? "error");
    const aborted = kind === "aborted";
    td.append(el("span", { class: `chip ${aborted ? "" : "warn"}`, testid: "bulk-row-error-kind", text: aborted ? (e.mayHaveBeenCreated && !r.result?.checkedAfterCancel ? "cancelled" : "cancelled: not created") : `${kind}${e.status ? ` ${e.status}` : ""}` }));
    if (r.result?.checkedAfterCancel) td.append(" ", el("span", { class: "muted", text: "(in flight at the cancel; not in the plan)" }));
    else if (e.mayHaveBeenCreated) td.append(" ", el("span", { class: "chip warn", text: "may have been created" }));
    if (!aborted) td.append(" ", el("span", { text: `${e.code ? `${e.code}: ` : ""}${e.message ?? ""}` }));
    if (e.step === "details") td.append(" ", el("span", { class: "muted", text: "(the task exists; its details were not set)" }));
  }
}

function updateRow(r) {
  const tr = $("bulk-rows").querySelector(`tr[data-row="${r.row}"]`);
  if (!tr) return;
  tr.dataset.state = r.state;
  fillOutcome(tr.querySelector('[data-testid="bulk-row-result"]'), r);
}

function applyResult(rows, result) {
  const r = rows[result?.index];
  if (!r) return;
  r.result = result;
  r.state = result.ok ? "created" : result.error?.kind === "aborted" && !result.error?.mayHaveBeenCreated ? "aborted" : "failed";
  updateRow(r);
}

// ───────── running ─────────

function showProgress(p) {
  const bar = $("bulk-progress");
  const done = (p.created ?? 0) + (p.failed ?? 0);
  bar.max = Math.max(1, p.total ?? 1);
  bar.value = done;
  bar.dataset.done = String(done);
  const panel = $("bulk-panel");
  panel.dataset.progressUpdates = String(Number(panel.dataset.progressUpdates ?? "0") + 1);
  $("bulk-progress-text").textContent = `${done} of ${p.total} done · ${p.created} created · ${p.failed} failed · ${p.inFlight} in flight`;
  bulk.waitingUntil = typeof p.waitingUntil === "number" ? p.waitingUntil : null;
  if (bulk.waitingUntil !== null) {
    panel.dataset.throttled = "seen";
    panel.dataset.throttleWaits = String(Number(panel.dataset.throttleWaits ?? "0") + 1);
  }
  tickThrottle();
}

function tickThrottle() {
  const line = $("bulk-throttle");
  const left = bulk.waitingUntil ? bulk.waitingUntil - Date.now() : 0;
  if (left > 0) {
    line.hidden = false;
    line.textContent = `Throttled by the service (429): no new request for ${(left / 1000).toFixed(1)} s, as its Retry-After asks`;
    $("bulk-progress-wrap").dataset.waiting = "true";
  } else {
    line.hidden = true;
    $("bulk-progress-wrap").dataset.waiting = "false";
  }
}

async function runBulk() {
  if (state.bulkController || isStale()) return;
  const rows = readyRows();
  if (rows.length === 0) return;
  const planId = selectedPlanId();
  const controller = new AbortController();
  state.bulkController = controller;
  const panel = $("bulk-panel");
  panel.dataset.state = "running";
  panel.dataset.progressUpdates = "0";
  delete panel.dataset.throttled;
  panel.dataset.throttleWaits = "0";
  for (const r of rows) {
    r.state = "pending";
    r.result = null;
    updateRow(r);
  }
  $("bulk-progress-wrap").hidden = false;
  showProgress({ total: rows.length, created: 0, failed: 0, inFlight: 0, waitingUntil: null });
  panel.dataset.progressUpdates = "0";
  setLine(`Creating ${rows.length} tasks…`);
  updateBulkButtons();
  bulk.timer = setInterval(tickThrottle, 200);
  const runOpts = {
    signal: controller.signal,
    onProgress: (p) => showProgress(p),
    onResult: (res) => applyResult(rows, res),
  };
  const conc = Number($("bulk-concurrency").value);
  if ($("bulk-concurrency").value !== "" && Number.isFinite(conc)) runOpts.concurrency = conc;
  const size = Number($("bulk-batch-size").value);
  if ($("bulk-batch-size").value !== "" && Number.isFinite(size)) runOpts.batchSize = size;
  // A throttled Graph can answer 429 to the same create several times while a burst drains: the page
  // allows more retries than the library's default of 3, so that a throttled run still creates every row.
  const retries = Number($("bulk-retries").value);
  if ($("bulk-retries").value !== "" && Number.isInteger(retries) && retries >= 0) runOpts.retry = { maxRetries: retries };
  const started = performance.now();
  const runStartedAt = Date.now();
  try {
    let results;
    if (mayOpenPlan()) {
      const plan = await openCurrentPlan(planId, { signal: controller.signal });
      results = await plan.createTasks(rows.map((r) => r.input), { ...callOptions(controller.signal), ...runOpts });
    } else {
      const res = resolveLocally(planId, rows.map((r) => r.input));
      if (!res.ok) throw new Error("the rows changed; check them again");
      if (!state.lib.createTasks) throw new Error("this build of graph-tasks has no createTasks");
      results = await state.lib.createTasks(res.tasks, { ...buildOptions(controller.signal, "planner"), ...runOpts });
    }
    for (const res of Array.from(results ?? [])) applyResult(rows, res);
    const cancelledRun = controller.signal.aborted;
    const maybe = rows.filter((r) => r.state === "failed" && r.result?.error?.mayHaveBeenCreated);
    if (cancelledRun && maybe.length) await lookForMaybes(planId, rows, maybe, runStartedAt);
    const created = rows.filter((r) => r.state === "created").length;
    const failed = rows.length - created;
    const notSent = bulk.rows.length - rows.length;
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const cancelled = cancelledRun;
    const waits = Number(panel.dataset.throttleWaits ?? "0");
    const reconciled = rows.filter((r) => r.result?.reconciled).length;
    setLine(`${cancelled ? "Cancelled" : "Done"} in ${secs} s: ${created} created, ${failed} not created${notSent ? `, ${notSent} rows with problems not sent` : ""}.`
      + `${waits ? ` Throttled: ${waits} progress reports during a Retry-After wait.` : ""}${reconciled ? ` ${reconciled} found in the plan after a lost answer (reconciled).` : ""}`);
    $("bulk-created-count").textContent = String(created);
    $("bulk-failed-count").textContent = String(failed);
    panel.dataset.state = cancelled ? "cancelled" : "done";
    // The bar at the end, as the results have it.
    const bar = $("bulk-progress");
    bar.value = cancelled ? created : rows.length;
    $("bulk-progress-text").textContent = `${created} of ${rows.length} created · ${failed} not created`;
  } catch (e) {
    setLine(`The run could not start: ${errorText(e)}`);
    for (const r of rows) if (r.state === "pending") {
      r.state = "failed";
      r.result = { ok: false, error: e, index: -1 };
      updateRow(r);
    }
    panel.dataset.state = "error";
  } finally {
    clearInterval(bulk.timer);
    bulk.waitingUntil = null;
    tickThrottle();
    state.bulkController = null;
    // Rows keep their results; a new run needs a new check (so nothing is sent twice by accident).
    bulk.checkedText = null;
    updateBulkButtons();
    refreshHistory(true);
  }
}

/**
 * After a cancel, the creates that were in flight may have been stored: look for each in the plan (same
 * title and bucket, created since the run began, not claimed by another row) so that every row ends as
 * created or not. A create answered after the cancel is stored within moments; the look waits a second.
 */
async function lookForMaybes(planId, rows, maybe, since) {
  setLine(`Cancelled: looking in the plan for ${maybe.length} task${maybe.length === 1 ? "" : "s"} that may have been created…`);
  await new Promise((r) => setTimeout(r, 1000));
  let tasks;
  try {
    tasks = await listPlanTasks(planId);
  } catch {
    return; // they stay "may have been created"
  }
  const claimed = new Set(rows.filter((r) => r.state === "created").map((r) => r.result?.task?.id));
  const buckets = planBuckets(planId);
  const sinceMs = since - 5 * 60 * 1000; // clock skew
  for (const r of maybe) {
    const bucketId = r.input.bucket ? (buckets.find((b) => b.id === r.input.bucket) ?? buckets.find((b) => b.name.toLowerCase() === r.input.bucket.toLowerCase()))?.id : undefined;
    const found = tasks.find((t) => t && t.title === r.input.title && !claimed.has(t.id)
      && (bucketId === undefined || t.bucketId === bucketId)
      && !(Date.parse(t.createdDateTime ?? "") < sinceMs));
    if (found) {
      claimed.add(found.id);
      r.result = { ok: true, task: found, index: r.result.index, foundAfterCancel: true };
      r.state = "created";
    } else {
      r.result = { ...r.result, checkedAfterCancel: true };
      r.state = "aborted";
    }
    updateRow(r);
  }
}

// ───────── the emulator's behaviour ─────────

async function loadEmulatorConfig() {
  const out = $("emulator-config");
  if (currentTarget() !== "emulator") {
    out.textContent = "Only for the local emulator.";
    return;
  }
  try {
    const res = await fetch("/_emulator/config", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    showConfig(await res.json());
  } catch (e) {
    out.textContent = `The emulator's settings are not available: ${errorText(e)}`;
  }
}

function showConfig(c) {
  const n = (v) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  $("emulator-config").textContent = `Now: chaos rate ${n(c?.chaosRate)}, rate limit ${n(c?.rateLimit) || "none"}${n(c?.rateLimit) ? " requests/s" : ""}, latency ${n(c?.latencyMs)} ms.`;
  $("emulator-config").dataset.config = JSON.stringify({ chaosRate: n(c?.chaosRate), rateLimit: n(c?.rateLimit), latencyMs: n(c?.latencyMs) });
}

function presetToInputs() {
  const preset = EMULATOR_MODES[$("emulator-mode").value];
  if (!preset) return;
  $("emulator-chaos").value = String(preset.chaosRate);
  $("emulator-rate").value = String(preset.rateLimit);
  $("emulator-latency").value = String(preset.latencyMs);
}

async function applyEmulatorConfig() {
  if (currentTarget() !== "emulator") return;
  const body = {
    chaosRate: Number($("emulator-chaos").value || 0),
    rateLimit: Number($("emulator-rate").value || 0),
    latencyMs: Math.round(Number($("emulator-latency").value || 0)),
  };
  const out = $("emulator-config");
  try {
    const res = await fetch("/_emulator/config", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store" });
    if (!res.ok) {
      let msg = "";
      try {
        msg = (await res.json())?.error?.message ?? "";
      } catch { /* not JSON */ }
      throw new Error(`HTTP ${res.status}${msg ? `: ${msg}` : ""}`);
    }
    showConfig(await res.json());
  } catch (e) {
    out.textContent = `Not applied: ${errorText(e)}`;
  }
}

// ───────── a sample ─────────

function sampleCsv() {
  const planId = selectedPlanId();
  const buckets = planBuckets(planId).map((b) => b.name);
  const labels = Object.values(planLabels(planId));
  const people = (state.seed?.users ?? []).map((u) => u.mail || u.userPrincipalName).filter(Boolean);
  const q = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ["title,bucket,assignees,labels,start,due,priority,percentComplete,description,checklist,references"];
  const pick = (arr, i) => (arr.length ? arr[i % arr.length] : "");
  for (let i = 0; i < 6; i++) {
    lines.push([
      `Sample task ${i + 1}`, pick(buckets, i), pick(people, i + 1), [pick(labels, i), pick(labels, i + 2)].filter(Boolean).join(";"),
      "2026-12-01", `2026-12-${String(8 + i).padStart(2, "0")}`, ["Urgent", "Important", "Medium", "Low"][i % 4], String((i * 20) % 100),
      i === 0 ? "First line\nsecond line, with a comma" : "", "Agenda;[x] Invite;Notes", i % 2 ? "https://example.com/spec|Spec" : "",
    ].map(q).join(","));
  }
  return `${lines.join("\n")}\n`;
}

// ───────── wiring ─────────

export function initBulk() {
  $("bulk-check").addEventListener("click", checkRows);
  $("bulk-create").addEventListener("click", runBulk);
  $("bulk-cancel").addEventListener("click", () => state.bulkController?.abort());
  $("bulk-csv").addEventListener("input", updateBulkButtons);
  $("bulk-sample").addEventListener("click", () => {
    $("bulk-csv").value = sampleCsv();
    checkRows();
  });
  $("bulk-file").addEventListener("change", async () => {
    const file = $("bulk-file").files?.[0];
    if (!file) return;
    if (file.size > 5 * 1024 * 1024) {
      setLine(`${file.name} is over 5 MB: use graph-tasks import for it.`);
      return;
    }
    $("bulk-csv").value = await file.text();
    checkRows();
  });
  $("emulator-mode").addEventListener("change", presetToInputs);
  $("emulator-apply").addEventListener("click", applyEmulatorConfig);
  presetToInputs();
  updateBulkButtons();
}

export function onTargetChangedBulk() {
  const emulator = currentTarget() === "emulator";
  $("emulator-settings").disabled = !emulator;
  updateBulkButtons();
  if (emulator) loadEmulatorConfig();
  else $("emulator-config").textContent = "Only for the local emulator.";
}
