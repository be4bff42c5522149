// Reading the input file: CSV (RFC 4180, by csv-parse, bundled at build time) or JSON, into plan.createTask
// inputs, each with the row number a spreadsheet shows (the header is row 1; a quoted field with line
// breaks is still one row). Every problem of every row is collected; nothing stops at the first.
import { parse } from "csv-parse/sync";

import { COLUMNS, PRIORITY_NAMES, taskFromCells } from "../rows.js";

export { COLUMNS, PRIORITY_NAMES };

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
