// Reading the input file: CSV (RFC 4180, by csv-parse, bundled at build time) or JSON, into plan.createTask
// inputs, each with the row number a spreadsheet shows (the header is row 1; a quoted field with line
// breaks is still one row). Every problem of every row is collected; nothing stops at the first.
import { parse } from "csv-parse/sync";

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

const LIST_SEPARATOR = ";";

/**
 * Reads `text` as `format` ("csv" or "json").
 * Returns { rows: [{ row, input }], problems: [{ row, field, message }], label } where `label` is how a
 * row is named in messages ("row" for CSV, "item" for JSON). Blank CSV lines are skipped (they keep
 * their row numbers). A problem with no row (row 0) concerns the whole file.
 */
export function readInput(text, format) {
  return format === "json" ? readJson(text) : readCsv(text);
}

function readCsv(text) {
  const problems = [];
  let records;
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      record_delimiter: ["\r\n", "\n", "\r"],
      info: true,
    });
  } catch (e) {
    const row = typeof e.records === "number" ? e.records + 1 : 0;
    problems.push({ row, field: "", message: `not valid CSV: ${csvMessage(e)}` });
    return { rows: [], problems, label: "row" };
  }
  if (records.length === 0) {
    problems.push({ row: 0, field: "", message: "the file is empty: it needs a header row naming the columns, then one row per task" });
    return { rows: [], problems, label: "row" };
  }
  const header = records[0].record.map((h) => h.trim());
  const known = new Map(COLUMNS.map((c) => [c.toLowerCase(), c]));
  const columns = [];
  const seen = new Set();
  header.forEach((name, i) => {
    const column = known.get(name.toLowerCase());
    if (!column) {
      problems.push({
        row: 1,
        field: name || `column ${i + 1}`,
        message: name
          ? `unknown column "${name}"; the columns are ${COLUMNS.join(", ")}`
          : `column ${i + 1} has no name; the columns are ${COLUMNS.join(", ")}`,
      });
    } else if (seen.has(column)) {
      problems.push({ row: 1, field: column, message: `the column "${column}" appears twice` });
    }
    seen.add(column);
    columns.push(column);
  });
  if (!seen.has("title")) problems.push({ row: 1, field: "title", message: "the header has no title column" });

  const rows = [];
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    const row = info.records; // the header is record 1: row numbers as a spreadsheet shows them
    if (record.every((v) => v.trim() === "")) continue;
    if (record.length !== header.length) {
      problems.push({ row, field: "", message: `${record.length} fields where the header has ${header.length}` });
      continue;
    }
    const cells = {};
    record.forEach((value, i) => {
      if (columns[i]) cells[columns[i]] = value;
    });
    const rowProblems = [];
    const input = taskFromCells(cells, (field, message) => rowProblems.push({ row, field, message }));
    problems.push(...rowProblems);
    rows.push({ row, input, valid: rowProblems.length === 0 });
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ row: 0, field: "", message: "the file has a header row but no task rows" });
  return { rows, problems, label: "row" };
}

function csvMessage(e) {
  // csv-parse's messages name lines of the file; the row is reported separately.
  return String(e.message || e).replace(/\s+/g, " ").trim();
}

const split = (value) =>
  value
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** One CSV row's cells (column → raw text) as a plan.createTask input; `problem(field, message)` for each problem. */
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

function readJson(text) {
  const problems = [];
  let value;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    problems.push({ row: 0, field: "", message: `not valid JSON: ${e.message}` });
    return { rows: [], problems, label: "item" };
  }
  if (!Array.isArray(value)) {
    problems.push({ row: 0, field: "", message: "the JSON must be an array of tasks (plan.createTask inputs)" });
    return { rows: [], problems, label: "item" };
  }
  if (value.length === 0) problems.push({ row: 0, field: "", message: "the array is empty" });
  const rows = value.map((input, i) => {
    const row = i + 1;
    let valid = true;
    if (input === null || typeof input !== "object" || Array.isArray(input)) {
      problems.push({ row, field: "", message: "not an object" });
      valid = false;
    } else if (typeof input.title !== "string" || input.title.trim() === "") {
      problems.push({ row, field: "title", message: "the title is missing or empty" });
      valid = false;
    }
    return { row, input, valid };
  });
  return { rows, problems, label: "item" };
}
