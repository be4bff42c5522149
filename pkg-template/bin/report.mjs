// The report: a CSV file with one row per input row, written as results arrive.
//
// A run first writes the whole report, every row it is about to send marked `pending` with the time the
// run started. Each result is then appended as its own line the moment it arrives (a synchronous write,
// so a killed process loses nothing that had been answered), and when the run ends, however it ends
// short of SIGKILL, the file is rewritten with one line per row. Reading a report, the last line of a
// row wins, so a report cut short by a kill reads the same as a finished one.
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";

export const REPORT_COLUMNS = ["row", "status", "title", "taskId", "webUrl", "errorCode", "errorMessage", "runStartedAt"];

/** What each status means (the help and README list them). */
export const STATUSES = {
  created: "the task exists: taskId and webUrl say which",
  failed: "not created; errorCode and errorMessage say why",
  invalid: "not sent: the row has a problem (with --skip-invalid)",
  pending: "sent or about to be sent when the run stopped: --resume reconciles it",
};

function csvField(value) {
  const s = value === undefined || value === null ? "" : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields) {
  return fields.map(csvField).join(",") + "\r\n";
}

const lineOf = (entry) => csvLine(REPORT_COLUMNS.map((c) => entry[c]));

/** Reads a report: a Map from row number to its last entry. Throws an Error with a message on a bad file. */
export function readReport(file) {
  const text = fs.readFileSync(file, "utf8");
  let records;
  try {
    records = parse(text, { bom: true, relax_column_count: true, record_delimiter: ["\r\n", "\n", "\r"] });
  } catch (e) {
    throw new Error(`the report ${file} is not valid CSV (${e.message})`);
  }
  const header = records[0] || [];
  if (header.join(",") !== REPORT_COLUMNS.join(",")) throw new Error(`${file} is not a graph-tasks report (its header is not ${REPORT_COLUMNS.join(",")})`);
  const entries = new Map();
  for (const record of records.slice(1)) {
    // A line cut short by a kill mid-write has too few fields: it is ignored (its row stays as it was).
    if (record.length !== REPORT_COLUMNS.length) continue;
    const entry = Object.fromEntries(REPORT_COLUMNS.map((c, i) => [c, record[i]]));
    const row = Number(entry.row);
    if (!Number.isInteger(row) || row < 1) continue;
    entries.set(row, entry);
  }
  return entries;
}

export class Report {
  /** `redact` is applied to every text written. */
  constructor(file, redact) {
    this.file = file;
    this.redact = redact;
    this.entries = new Map();
    this.fd = null;
  }

  /** Writes the whole report (a Map or array of entries) and opens it for appending results. */
  begin(entries) {
    for (const e of entries) this.entries.set(Number(e.row), e);
    this.rewrite();
    this.fd = fs.openSync(this.file, "a");
  }

  /** Records one row's entry: appended at once. */
  set(entry) {
    const clean = { ...entry };
    for (const k of ["title", "errorMessage", "errorCode"]) if (clean[k] !== undefined) clean[k] = this.redact(String(clean[k]));
    this.entries.set(Number(clean.row), clean);
    if (this.fd !== null) fs.writeSync(this.fd, lineOf(clean));
  }

  /** Rewrites the report with one line per row, in row order (atomically: a temp file renamed over it). */
  rewrite() {
    const rows = [...this.entries.values()].sort((a, b) => Number(a.row) - Number(b.row));
    const text = csvLine(REPORT_COLUMNS) + rows.map(lineOf).join("");
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.file);
  }

  /** Closes the append handle and compacts the file. */
  finish() {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    this.rewrite();
  }
}
