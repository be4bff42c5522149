// The columns of a task spreadsheet and how a row's cells become a plan.createTask input: one module
// for the command line (`graph-tasks import`, bundled into bin/graph-tasks.cjs) and the demo page (which
// loads it from the package, /pkg/rows.js), so that both read a row the same way. Plain JavaScript with
// no imports, since the page has no build step.

/** The CSV columns, in the order the help lists them. */
export const COLUMNS = [
  "title",
  "bucket",
  "assignees",
  "labels",
  "start",
  "due",
  "priority",
  "percentComplete",
  "description",
  "checklist",
  "references",
];

/** Planner's names of the priorities it shows, and the number each is sent as. */
export const PRIORITY_NAMES = { urgent: 1, important: 3, medium: 5, low: 9 };

const split = (value) =>
  value
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** One row's cells (column → raw text) as a plan.createTask input; `problem(field, message)` for each problem. */
export function taskFromCells(cells, problem) {
  const input = {};
  const title = (cells.title ?? "").trim();
  if (title === "") problem("title", "the title is empty");
  else if (title.length > 255) problem("title", `the title has ${title.length} characters; Planner allows 255`);
  input.title = title;

  const text = (name) => {
    const v = cells[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const bucket = text("bucket");
  if (bucket !== undefined) input.bucket = bucket;
  const assignees = text("assignees");
  if (assignees !== undefined) input.assignees = split(assignees);
  const labels = text("labels");
  if (labels !== undefined) input.labels = split(labels);

  for (const [column, property] of [
    ["start", "startDateTime"],
    ["due", "dueDateTime"],
  ]) {
    const v = text(column);
    if (v === undefined) continue;
    const iso = parseDate(v);
    if (iso === null) problem(column, `"${v}" is not a date: write 2026-12-01 or 2026-12-01T09:00:00Z (an offset is required with a time)`);
    else input[property] = iso;
  }
  if (input.startDateTime && input.dueDateTime && Date.parse(input.startDateTime) > Date.parse(input.dueDateTime)) {
    problem("start", "the start is after the due date");
  }

  const priority = text("priority");
  if (priority !== undefined) {
    const named = PRIORITY_NAMES[priority.toLowerCase()];
    if (named !== undefined) input.priority = named;
    else if (/^\d+$/.test(priority) && Number(priority) <= 10) input.priority = Number(priority);
    else problem("priority", `"${priority}" is not a priority: write 0 to 10, or Urgent, Important, Medium or Low`);
  }
  const percent = text("percentComplete");
  if (percent !== undefined) {
    const m = /^(\d+)\s*%?$/.exec(percent);
    if (m && Number(m[1]) <= 100) input.percentComplete = Number(m[1]);
    else problem("percentComplete", `"${percent}" is not a whole number from 0 to 100`);
  }

  const details = {};
  const description = cells.description;
  if (description !== undefined && description.trim() !== "") details.description = description;
  const checklist = text("checklist");
  if (checklist !== undefined) {
    details.checklist = split(checklist).map((item) => {
      const m = /^\[([ xX])\]\s*(.*)$/.exec(item);
      return m ? { title: m[2], isChecked: m[1] !== " " } : item;
    });
  }
  const references = text("references");
  if (references !== undefined) {
    details.references = [];
    for (const entry of split(references)) {
      const bar = entry.indexOf("|");
      const url = (bar < 0 ? entry : entry.slice(0, bar)).trim();
      const alias = bar < 0 ? "" : entry.slice(bar + 1).trim();
      let ok = false;
      try {
        ok = /^https?:$/.test(new URL(url).protocol);
      } catch {
        ok = false;
      }
      if (!ok) {
        problem("references", `"${url}" is not an http or https URL`);
        continue;
      }
      details.references.push(alias ? { url, alias } : { url });
    }
  }
  if (Object.keys(details).length > 0) input.details = details;
  return input;
}

/** `2026-12-01` (midnight UTC) or an ISO 8601 date-time with an offset → ISO string; null otherwise. */
export function parseDate(value) {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (dateOnly) {
    const iso = `${value}T00:00:00Z`;
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? null : iso;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : value;
}
