// The plan's task list ("Tasks in …"), every page of it: @odata.nextLink is followed as the service gives
// it, but only to the origin of the first request, and only where the token may go.
import { $, el, clear, timeNode, priorityLabel } from "./dom.js";
import { state } from "./state.js";
import { currentTarget, selectedPlanId, planTitle, bucketName, plannerBase, currentToken, tokenMayGoTo } from "./plan.js";
import { renderTask, revealResult } from "./result.js";

const MAX_PAGES = 200; // 20,000 tasks at Planner's 100 a page; a plan holds at most 9,000
const SHOWN = 300; // newest first; the count says how many there are in all

export function updateHistoryHeading() {
  const planId = selectedPlanId();
  $("history-plan").textContent = planTitle(planId) ?? (planId ? planId : "this plan");
}

/** The plan's tasks on the current target, every page (for the bulk import's look after a cancel). */
export async function listPlanTasks(planId) {
  const url = `${plannerBase()}/planner/plans/${encodeURIComponent(planId)}/tasks`;
  const token = currentToken();
  if (!token || !tokenMayGoTo(url)) throw new Error("the token is only sent over https, or over http to this machine");
  return (await fetchPlanTasks(url, token)).tasks;
}

/**
 * Every page of a list: `@odata.nextLink` followed as given, but only to the first request's origin and
 * only where the token may go. `current()` false stops early (a newer refresh started).
 */
async function fetchPlanTasks(url, token, { current = () => true, onPage = () => {} } = {}) {
  const origin = new URL(url).origin;
  const tasks = [];
  let next = url;
  let pages = 0;
  while (next) {
    if (++pages > MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages`);
    const res = await fetch(next, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" }, cache: "no-store" });
    if (!current()) return { tasks, pages };
    if (!res.ok) {
      let code = "";
      try {
        code = (await res.json())?.error?.code ?? "";
      } catch { /* not JSON */ }
      throw new Error(`HTTP ${res.status}${code ? ` ${code}` : ""}`);
    }
    const data = await res.json();
    if (Array.isArray(data?.value)) tasks.push(...data.value);
    next = typeof data?.["@odata.nextLink"] === "string" ? data["@odata.nextLink"] : null;
    if (next !== null) {
      let u;
      try {
        u = new URL(next, url);
      } catch {
        throw new Error("an @odata.nextLink that is not a URL");
      }
      if (u.origin !== origin || !tokenMayGoTo(u.href)) throw new Error(`an @odata.nextLink to another origin (${u.origin}) was not followed`);
      next = u.href;
      onPage(tasks.length);
    }
  }
  return { tasks, pages };
}

// `explicit`: the Refresh button or a create. A custom target's list is never fetched on its own when
// a field changes, so that no request (and no token) leaves because of a half-typed URL.
export async function refreshHistory(explicit = false) {
  const seq = ++state.historySeq;
  const list = $("history-list");
  const stateLine = $("history-state");
  const panel = list.closest("section");
  updateHistoryHeading();
  const planId = selectedPlanId();
  const idle = (text, s = "idle") => {
    clear(list);
    panel.dataset.state = s;
    stateLine.textContent = text;
  };
  if (!planId) return idle("Choose a plan to list its tasks.");
  const token = currentToken();
  if (!token) return idle("Enter an access token to list the plan's tasks.");
  const url = `${plannerBase()}/planner/plans/${encodeURIComponent(planId)}/tasks`;
  if (currentTarget() !== "emulator" && explicit !== true) return idle("Press Refresh to list the plan's tasks.");
  if (!tokenMayGoTo(url)) return idle("Not listed: the token is only sent over https, or over http to this machine.", "error");
  panel.dataset.state = "loading";
  stateLine.textContent = "Loading…";
  try {
    const { tasks, pages } = await fetchPlanTasks(url, token, {
      current: () => seq === state.historySeq,
      onPage: (n) => {
        stateLine.textContent = `Loading… ${n} tasks so far`;
      },
    });
    if (seq !== state.historySeq) return;
    renderHistory(tasks, pages);
    panel.dataset.state = "ready";
    panel.dataset.count = String(tasks.length);
  } catch (e) {
    if (seq !== state.historySeq) return;
    clear(list);
    panel.dataset.state = "error";
    stateLine.textContent = `Could not list tasks: ${e && e.message ? e.message : e}`;
  }
}

function renderHistory(tasks, pages) {
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
  const n = sorted.length;
  $("history-state").textContent = n === 0
    ? "No tasks in this plan yet."
    : `${n} task${n === 1 ? "" : "s"}${pages > 1 ? ` (${pages} pages)` : ""}, newest first${n > SHOWN ? `; the newest ${SHOWN} shown` : ""}.`;
  for (const t of sorted.slice(0, SHOWN)) {
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
    if (t.checklistItemCount) badges.append(el("span", { class: "chip", text: `☑ ${t.checklistItemCount}` }));

    const button = el("button", { type: "button", class: "history-item-button", "aria-label": `Show task ${t.title ?? t.id ?? ""}` },
      el("span", { class: "history-title", testid: "history-item-title", text: t.title ?? "" }),
      meta,
      badges);
    button.addEventListener("click", () => {
      renderTask(t, "From history");
      revealResult();
      if (!legacy && typeof t.id === "string") showDetails(t);
    });
    list.append(el("li", { class: `history-item${isNew ? " is-new" : ""}`, testid: "history-item", "data-task-id": t.id ?? "" }, button));
  }
}

let detailsSeq = 0;

/** A click on a listed task: its details (description, checklist, references) read and added to the card. */
async function showDetails(task) {
  const seq = ++detailsSeq;
  const url = `${plannerBase()}/planner/tasks/${encodeURIComponent(task.id)}/details`;
  const token = currentToken();
  if (!token || !tokenMayGoTo(url)) return;
  try {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" }, cache: "no-store" });
    if (!res.ok) return;
    const details = await res.json();
    if (seq !== detailsSeq || !details || typeof details !== "object") return;
    // Only onto the card of this task (a create since the click has replaced it).
    if (document.querySelector('[data-testid="result-card"] [data-testid="card-id"]')?.textContent !== task.id) return;
    renderTask({ ...task, details }, "From history");
  } catch { /* the card stays without details */ }
}
