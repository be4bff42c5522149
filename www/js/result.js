// The result card: a created task (with its details: description, checklist, references) or an error.
import { $, el, clear, dash, timeNode, initials, priorityLabel, safeStringify, toArray, prettyMaybeJson, safeLink } from "./dom.js";
import { isGraphError } from "./library.js";
import { PLANNER_CATEGORY_COLOURS, planTitle, bucketName, userName, labelName } from "./plan.js";

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

/** A label chip: its colour, the plan's name for it ("Label N" when unnamed) and its key. */
export function categoryChip(key, planId) {
  const m = /^category(\d+)$/.exec(key);
  const n = m ? Number(m[1]) : NaN;
  const colour = PLANNER_CATEGORY_COLOURS[n] ?? null;
  const name = planId ? labelName(planId, key) : null;
  const chip = el("span", { class: "chip cat", testid: "label-chip", "data-cat": Number.isFinite(n) ? String(n) : "x", title: `${key}${colour ? ` (${colour})` : ""}` });
  chip.append(el("span", { class: "dot", "aria-hidden": "true" }));
  chip.append(el("span", { class: "chip-name", testid: "label-chip-name", text: name ?? (Number.isFinite(n) && n > 0 ? `Label ${n}` : key) }));
  chip.append(el("span", { class: "chip-key muted", text: ` ${key}` }));
  return chip;
}

export function renderTask(task, heading) {
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
  const title = planTitle(task.planId);
  row("Plan", "card-planId", task.planId ? el("span", {}, mono(task.planId), title ? el("span", { class: "muted", text: ` ${title}` }) : null) : dash());
  const bName = bucketName(task.planId, task.bucketId);
  row("Bucket", "card-bucketId", task.bucketId ? el("span", {}, bName ? el("span", { testid: "card-bucket-name", text: `${bName} ` }) : null, mono(task.bucketId)) : dash());
  row("Created", "card-createdDateTime", timeNode(task.createdDateTime));
  row("Created by", "card-createdBy", createdByNode(task.createdBy));
  row("Due", "card-dueDateTime", timeNode(task.dueDateTime));
  row("Assignees", "card-assignees", assigneesNode(task));
  if (!legacy) row("Priority", "card-priority-row", prio ? el("span", { text: prio.text }) : dash());
  row("Labels", "card-categories", categoriesNode(task.appliedCategories, legacy ? null : task.planId));
  row("ETag", "card-etag", mono(task["@odata.etag"]));
  card.append(dl);
  if (task.details && typeof task.details === "object") card.append(detailsNode(task.details));
  else if (!legacy && (task.hasDescription || task.checklistItemCount || task.referenceCount)) {
    card.append(el("p", { class: "hint", text: `Details not loaded here: ${task.checklistItemCount ?? 0} checklist items, ${task.referenceCount ?? 0} references${task.hasDescription ? ", a description" : ""}.` }));
  }

  const raw = el("section", { class: "card raw", "aria-label": "Raw JSON response" },
    el("header", { class: "card-head" }, el("span", { class: "eyebrow", text: "Raw JSON" })),
    el("pre", { class: "json", testid: "raw-json", tabindex: "0", text: safeStringify(task) }));

  result.append(el("div", { class: "result-grid" }, card, raw));
}

/** Ordinal comparison of order hints (as Planner sorts them), then the key. */
function byHint(hintName) {
  return ([ka, a], [kb, b]) => {
    const ha = String(a?.[hintName] ?? "");
    const hb = String(b?.[hintName] ?? "");
    if (ha !== hb) return ha < hb ? -1 : 1;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}

/** Decodes a reference key (`https%3A//contoso%2Ecom/a`) to its URL; null when it does not decode. */
export function referenceUrl(key) {
  try {
    return decodeURIComponent(key);
  } catch {
    return null;
  }
}

function detailsNode(details) {
  const section = el("section", { class: "details", testid: "card-details", "aria-label": "Details" });
  const desc = typeof details.description === "string" && details.description !== "" ? details.description : null;
  section.append(el("h4", { text: "Description" }),
    desc === null ? el("p", { class: "muted", testid: "card-description", text: "No description." }) : el("p", { class: "description", testid: "card-description", text: desc }));

  const items = Object.entries(details.checklist && typeof details.checklist === "object" ? details.checklist : {})
    .filter(([, v]) => v && typeof v === "object")
    .sort(byHint("orderHint"));
  section.append(el("h4", { text: `Checklist${items.length ? ` (${items.filter(([, v]) => v.isChecked).length}/${items.length} done)` : ""}` }));
  if (items.length === 0) section.append(el("p", { class: "muted", text: "No checklist." }));
  else {
    const ul = el("ul", { class: "checklist", testid: "card-checklist" });
    items.forEach(([id, item], i) => {
      const cid = `card-check-${i}`;
      ul.append(el("li", { testid: "card-checklist-item", "data-item-id": id, "data-checked": String(item.isChecked === true) },
        el("input", { type: "checkbox", id: cid, disabled: true, checked: item.isChecked === true, testid: "card-checklist-checkbox" }),
        el("label", { for: cid, testid: "card-checklist-title", text: String(item.title ?? "") })));
    });
    section.append(ul);
  }

  const refs = Object.entries(details.references && typeof details.references === "object" ? details.references : {})
    .filter(([, v]) => v && typeof v === "object")
    .sort(byHint("previewPriority"));
  section.append(el("h4", { text: "References" }));
  if (refs.length === 0) section.append(el("p", { class: "muted", text: "No references." }));
  else {
    const ul = el("ul", { class: "references", testid: "card-references" });
    for (const [key, ref] of refs) {
      const url = referenceUrl(key) ?? key;
      const alias = typeof ref.alias === "string" && ref.alias !== "" ? ref.alias : null;
      ul.append(el("li", { testid: "card-reference", "data-url": url },
        safeLink(url, alias ?? url, "card-reference-link"),
        alias ? el("span", { class: "muted mono wrap", text: ` ${url}` }) : null,
        ref.type ? el("span", { class: "chip", text: String(ref.type) }) : null));
    }
    section.append(ul);
  }
  return section;
}

/** On the one-column layout the result sits below the form: bring it into view. */
export function revealResult() {
  if (!window.matchMedia("(max-width: 960px)").matches) return;
  const panel = $("result").closest("section");
  const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  panel.scrollIntoView({ block: "start", behavior: reduce ? "auto" : "smooth" });
}

function createdByNode(cb) {
  if (cb === undefined || cb === null) return dash();
  if (typeof cb === "string") return personNode(cb);
  const id = cb.user?.id ?? cb.application?.id ?? null;
  const display = cb.user?.displayName ?? cb.application?.displayName ?? null;
  if (id) return personNode(id, display);
  return el("code", { class: "mono wrap", text: safeStringify(cb) });
}

export function personNode(id, display) {
  const name = display ?? userName(id);
  const wrap = el("span", { class: "person" });
  if (name) {
    wrap.append(el("span", { class: "avatar sm", "aria-hidden": "true", text: initials(name) }), el("span", { testid: "person-name", text: name }), " ");
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
  for (const id of ids) ul.append(el("li", { testid: "card-assignee", "data-user-id": id }, personNode(id)));
  return ul;
}

function categoriesNode(cats, planId) {
  if (!cats || typeof cats !== "object") return dash();
  const on = Object.keys(cats).filter((k) => cats[k] === true);
  if (on.length === 0) return dash();
  const wrap = el("span", { class: "chips" });
  for (const k of on) wrap.append(categoryChip(k, planId));
  return wrap;
}

export function renderError(err) {
  const result = $("result");
  clear(result);
  const graph = isGraphError(err);
  const panel = el("article", { class: "card error-card", testid: "error-panel", role: "alert", "data-kind": String(err?.kind ?? "unexpected") });
  panel.append(el("header", { class: "card-head" },
    el("span", { class: "eyebrow", text: graph ? `GraphError${err?.step === "details" ? " · the task was created, its details were not set" : ""}` : `Unexpected error${err?.name ? ` (${err.name})` : ""}` }),
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
