// graph-tasks: the command line of the npm package (`npx graph-tasks import tasks.csv …`).
//
// Bundled by scripts/build-pkg (pkg-template/build/cli.mjs) into bin/graph-tasks.cjs with its CSV
// parser and progress bar, so that the package keeps no runtime dependency; the library is the
// package's own node.cjs, loaded from beside it.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { setMaxListeners } from "node:events";
import { readInput, COLUMNS, PRIORITY_NAMES } from "./input.mjs";
import { Report, readReport, REPORT_COLUMNS, STATUSES } from "./report.mjs";
import { createProgress } from "./progress.mjs";
import { redact, tokenFromEnv, commandTokenProvider, jwtPayload, TokenError } from "./token.mjs";

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

const HELP = `graph-tasks: Microsoft Planner tasks from the command line

Usage:
  graph-tasks import FILE (--plan-id ID | --group ID --plan TITLE) [options]
  graph-tasks --help | --version

import creates one Planner task per row of FILE: a CSV file with a header row, or (.json) a JSON array
of plan.createTask inputs. Every row is checked and every bucket, person and label name resolved
before anything is sent; a problem in any row stops the run with every problem listed, by row number
(the header is row 1; a quoted cell with line breaks is still one row). Nothing is created then.

The plan:
  --plan-id ID             the plan's id
  --group ID --plan TITLE  the plan of that title in the Microsoft 365 group ID

CSV columns (any order; only title is required; an unknown column is an error):
  title            the task's title
  bucket           a bucket name or id
  assignees        people, separated by ";": user ids, user principal names or emails
  labels           label names or category1 … category25, separated by ";"
  start, due       2026-12-01 (midnight UTC) or 2026-12-01T09:00:00Z / 2026-12-01T09:00:00+01:00
  priority         0 (highest) to 10, or Planner's names: Urgent = 1, Important = 3, Medium = 5, Low = 9
  percentComplete  0 to 100 (100 is completed)
  description      the task's notes (line breaks kept)
  checklist        items separated by ";"; "[x] item" is checked
  references       URLs separated by ";"; "https://…|Alias" gives the link a name

Token (never printed, nor written to the report):
  --token-env NAME         read the bearer token from the environment variable NAME (default GRAPH_TOKEN)
  --token-command "CMD"    run CMD for the token, at the start and again when the token's JWT expires
                           in less than 5 minutes

Options:
  --base-url URL           the Graph base URL (default https://graph.microsoft.com/v1.0)
  --dry-run                check and resolve every row, print what would be created, create nothing
  --concurrency N          batch requests in flight at once (1 to 64, up to 20 creates each;
                           default 4)
  --skip-invalid           create the valid rows and report the others as invalid
  --report FILE            the report (default next to the input: tasks.csv → tasks.report.csv,
                           tasks.json → tasks.json.report.csv)
  --resume                 continue the run the report is of: rows already created are skipped, rows
                           that were in flight are reconciled with the plan, so none is created twice
  --format csv|json        the input's format (default: from the file's extension; csv otherwise)
  -h, --help               this help
  -v, --version            the package's version

Progress goes to stderr: a bar when stderr is a terminal (done of total, created, failed, and the
seconds left of a throttling wait), else a line every 5 seconds.

The report is a CSV file with one row per input row, written as results arrive:
  ${REPORT_COLUMNS.join(",")}
  status: ${Object.keys(STATUSES).join(", ")}
Without --resume, an existing report is not overwritten: pass --resume, or another --report.

Exit status: 0 every row created; 1 some rows not created (the report says which); 2 bad usage or bad
input, nothing created; 130 interrupted (Ctrl-C: no new request is sent, the report is written; run
again with --resume).

Examples:
  export GRAPH_TOKEN=$(az account get-access-token --resource-type ms-graph --query accessToken -o tsv)
  npx graph-tasks import tasks.csv --group 0b3e5c2a-… --plan "Client onboarding"
  npx graph-tasks import tasks.csv --plan-id xqQg5FS2LkCp935s-FIFm2QAFkHM --dry-run
  npx graph-tasks import tasks.csv --plan-id xqQg5FS2LkCp935s-FIFm2QAFkHM \\
      --token-command "az account get-access-token --resource-type ms-graph --query accessToken -o tsv"
  npx graph-tasks import tasks.csv --plan-id xqQg5FS2LkCp935s-FIFm2QAFkHM --resume
  npx graph-tasks import tasks.json --plan-id … --base-url http://127.0.0.1:8080/v1.0 --token-env DEV_TOKEN

A CSV file:
  title,bucket,assignees,labels,due,priority,checklist
  Kick-off call,To do,adele@contoso.com;alex@contoso.com,Client,2026-12-01,Urgent,Agenda;[x] Invite
`;

class UsageError extends Error {}

const out = (line) => process.stdout.write(redact(line) + "\n");
const err = (line) => process.stderr.write(redact(line) + "\n");

function version() {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).version;
  } catch {
    return "unknown";
  }
}

const VALUE_OPTIONS = ["plan-id", "group", "plan", "token-env", "token-command", "base-url", "concurrency", "report", "format"];

function parseCommandLine(rawArgv) {
  // A Planner id may start with "-" (they are base64url): the word after an option that takes a value
  // is always its value, as `--plan-id=-XYZ` would be.
  const argv = [];
  for (let i = 0; i < rawArgv.length; i++) {
    const a = rawArgv[i];
    if (a.startsWith("--") && VALUE_OPTIONS.includes(a.slice(2)) && i + 1 < rawArgv.length) argv.push(`${a}=${rawArgv[++i]}`);
    else argv.push(a);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        "plan-id": { type: "string" },
        group: { type: "string" },
        plan: { type: "string" },
        "token-env": { type: "string" },
        "token-command": { type: "string" },
        "base-url": { type: "string" },
        "dry-run": { type: "boolean" },
        concurrency: { type: "string" },
        "skip-invalid": { type: "boolean" },
        report: { type: "string" },
        resume: { type: "boolean" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (e) {
    throw new UsageError(e.message.replace(/\. To specify a positional argument.*$/s, "").trim());
  }
  const { values: o, positionals } = parsed;
  if (o.help || o.version) return { help: o.help, version: o.version };
  if (positionals.length === 0) throw new UsageError("no command: graph-tasks import FILE …");
  const [command, ...rest] = positionals;
  if (command !== "import") throw new UsageError(`unknown command "${command}" (the command is import)`);
  if (rest.length !== 1) throw new UsageError(rest.length === 0 ? "import needs the input FILE" : `import takes one FILE, not ${rest.length}`);
  const file = rest[0];
  const target = o["plan-id"] !== undefined ? "planId" : "group";
  if (o["plan-id"] !== undefined && (o.group !== undefined || o.plan !== undefined)) {
    throw new UsageError("give either --plan-id, or --group with --plan, not both");
  }
  if (target === "group" && (o.group === undefined || o.plan === undefined)) {
    throw new UsageError(o.group === undefined && o.plan === undefined ? "which plan? give --plan-id ID, or --group ID --plan TITLE" : o.group === undefined ? "--plan TITLE needs --group ID" : "--group ID needs --plan TITLE");
  }
  for (const name of ["plan-id", "group", "plan", "token-env", "token-command", "base-url", "report"]) {
    if (o[name] !== undefined && o[name].trim() === "") throw new UsageError(`--${name} is empty`);
  }
  if (o["token-env"] !== undefined && o["token-command"] !== undefined) throw new UsageError("give either --token-env or --token-command, not both");
  let concurrency;
  if (o.concurrency !== undefined) {
    if (!/^\d+$/.test(o.concurrency) || Number(o.concurrency) < 1 || Number(o.concurrency) > 64) throw new UsageError(`--concurrency must be a whole number from 1 to 64, not "${o.concurrency}"`);
    concurrency = Number(o.concurrency);
  }
  let format = o.format;
  if (format !== undefined && format !== "csv" && format !== "json") throw new UsageError(`--format is csv or json, not "${format}"`);
  if (format === undefined) format = /\.json$/i.test(file) ? "json" : "csv";
  if (o["dry-run"] && o.resume) throw new UsageError("--dry-run and --resume do not go together");
  const report = o.report ?? path.join(path.dirname(file), `${path.basename(file).replace(/\.csv$/i, "")}.report.csv`);
  return {
    file,
    format,
    target: target === "planId" ? { planId: o["plan-id"] } : { groupId: o.group, title: o.plan },
    tokenEnv: o["token-env"] ?? "GRAPH_TOKEN",
    tokenCommand: o["token-command"],
    baseUrl: o["base-url"],
    dryRun: Boolean(o["dry-run"]),
    concurrency,
    skipInvalid: Boolean(o["skip-invalid"]),
    report: path.resolve(report),
    resume: Boolean(o.resume),
  };
}

function loadLibrary() {
  // The package's own entry, beside bin/ (kept external by the bundler).
  const lib = require("../node.cjs");
  if (typeof lib.openPlan !== "function") {
    throw new UsageError("this graph-tasks library has no openPlan: the package is incomplete");
  }
  return lib;
}

function problemLines(problems, label) {
  return problems
    .slice()
    .sort((a, b) => a.row - b.row)
    .map((p) => `  ${p.row > 0 ? `${label} ${p.row}` : "file"}: ${p.field ? `${p.field}: ` : ""}${p.message}`);
}

/** Every problem, by row, after one summary line. */
function reportProblems(problems, label, args, hintSkip) {
  const rows = new Set(problems.filter((p) => p.row > 0).map((p) => p.row)).size;
  err(
    `graph-tasks: ${args.file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}${rows ? ` in ${rows} ${label}${rows === 1 ? "" : "s"}` : ""}; nothing was created${hintSkip ? " (--skip-invalid creates the valid rows)" : ""}:`,
  );
  for (const l of problemLines(problems, label)) err(l);
}

function webUrl(planId, taskId, tenantId) {
  return `https://planner.cloud.microsoft/webui/plan/${encodeURIComponent(planId)}/view/board/task/${encodeURIComponent(taskId)}${tenantId ? `?tid=${encodeURIComponent(tenantId)}` : ""}`;
}

function errorText(e) {
  if (!e) return "unknown error";
  const problems = Array.isArray(e.problems) && e.problems.length ? `: ${e.problems.map((p) => `${p.field}: ${p.message}`).join("; ")}` : "";
  return `${e.message || String(e)}${problems}`;
}

function describe(task, plan, input = {}) {
  const parts = [];
  if (task.bucketId) {
    const b = plan.buckets.find((x) => x.id === task.bucketId);
    parts.push(`bucket "${b ? b.name : task.bucketId}"`);
  }
  const people = Object.keys(task.assignments || {});
  if (people.length) {
    const named = Array.isArray(input.assignees) ? input.assignees.join(", ") : "";
    parts.push(named ? `assigned to ${named} (${people.join(", ")})` : `assigned to ${people.join(", ")}`);
  }
  const labels = Object.entries(task.appliedCategories || {})
    .filter(([, on]) => on)
    .map(([c]) => (plan.labels && plan.labels[c] ? `${plan.labels[c]} (${c})` : c));
  if (labels.length) parts.push(`labels ${labels.join(", ")}`);
  if (task.startDateTime) parts.push(`start ${task.startDateTime}`);
  if (task.dueDateTime) parts.push(`due ${task.dueDateTime}`);
  if (task.priority !== undefined && task.priority !== null) parts.push(`priority ${task.priority}`);
  if (task.percentComplete) parts.push(`${task.percentComplete}% complete`);
  return parts.join(", ");
}

async function main(argv) {
  let args;
  try {
    args = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`graph-tasks: ${e.message}`);
    err("Run graph-tasks --help for the options.");
    return EXIT_USAGE;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return EXIT_OK;
  }
  if (args.version) {
    out(version());
    return EXIT_OK;
  }

  // 1. The input, every row checked locally.
  let text;
  try {
    text = fs.readFileSync(args.file, "utf8");
  } catch (e) {
    err(`graph-tasks: cannot read ${args.file}: ${e.code === "ENOENT" ? "no such file" : e.message}`);
    return EXIT_USAGE;
  }
  const input = readInput(text, args.format);
  const label = input.label;
  const problems = [...input.problems];
  // A problem of the file itself (its encoding, its header) leaves no row to trust, even with --skip-invalid.
  const fileProblem = problems.some((p) => p.row <= 1);

  // 2. The report of an earlier run, when resuming.
  let previous = null;
  if (args.resume) {
    if (!fs.existsSync(args.report)) {
      err(`graph-tasks: --resume: there is no report at ${args.report} (give its --report FILE)`);
      return EXIT_USAGE;
    }
    try {
      previous = readReport(args.report);
    } catch (e) {
      err(`graph-tasks: --resume: ${e.message}`);
      return EXIT_USAGE;
    }
    for (const { row, input: task } of input.rows) {
      const was = previous.get(row);
      if (was && was.status === "created" && was.title !== redact(String(task.title ?? "").trim())) {
        problems.push({ row, field: "title", message: `the report says this ${label} created "${was.title}": the input changed since; resume with the same file` });
      }
    }
  } else if (!args.dryRun && fs.existsSync(args.report)) {
    err(`graph-tasks: the report ${args.report} exists already: pass --resume to continue that run, or --report FILE for a new one`);
    return EXIT_USAGE;
  }

  // 3. The token and the plan (its buckets, labels and people resolve the names).
  let lib;
  let tokenOptions;
  let tenantId;
  try {
    if (args.tokenCommand !== undefined) {
      const provider = commandTokenProvider(args.tokenCommand);
      tenantId = jwtPayload(await provider.get())?.tid;
      tokenOptions = { getAccessToken: provider.get };
    } else {
      const token = tokenFromEnv(args.tokenEnv);
      tenantId = jwtPayload(token)?.tid;
      tokenOptions = { accessToken: token };
    }
    lib = loadLibrary();
  } catch (e) {
    if (!(e instanceof UsageError) && !(e instanceof TokenError)) throw e;
    if (problems.length) reportProblems(problems, label, args, false);
    err(`graph-tasks: ${e.message}`);
    return EXIT_USAGE;
  }
  const controller = new AbortController();
  // Every request of the run listens to this one signal.
  setMaxListeners(0, controller.signal);
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      err("graph-tasks: interrupted again: stopping now (the report has every result so far; run again with --resume)");
      process.exit(EXIT_INTERRUPTED);
    }
    interrupted = true;
    err("graph-tasks: interrupted: no new task is sent; waiting for the ones in flight, then writing the report (Ctrl-C again to stop at once)");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);

  const libOptions = { ...tokenOptions, signal: controller.signal };
  if (args.baseUrl !== undefined) libOptions.baseUrl = args.baseUrl;
  let plan;
  try {
    plan = await lib.openPlan(args.target, libOptions);
  } catch (e) {
    if (problems.length) reportProblems(problems, label, args, false);
    const which = args.target.planId ? `plan ${args.target.planId}` : `plan "${args.target.title}" of group ${args.target.groupId}`;
    err(`graph-tasks: cannot open the ${which}: ${errorText(e)}${e && e.code ? ` (${e.code})` : ""}`);
    return interrupted ? EXIT_INTERRUPTED : e && (e.kind === "network" || e.kind === "timeout" || (e.status >= 500)) ? EXIT_FAILED : EXIT_USAGE;
  }

  // 4. Names → ids for every row that passed the local checks.
  const candidates = input.rows.filter((r) => r.valid);
  if (candidates.length) {
    // People are looked up here, once each: a failed lookup is the run's failure, not a row's.
    let resolved;
    try {
      resolved = await plan.resolve(candidates.map((r) => r.input));
    } catch (e) {
      if (problems.length) reportProblems(problems, label, args, false);
      err(`graph-tasks: cannot resolve the names of ${args.file}: ${errorText(e)}${e && e.code ? ` (${e.code})` : ""}`);
      return interrupted ? EXIT_INTERRUPTED : EXIT_FAILED;
    }
    if (resolved && resolved.ok === false) {
      for (const p of resolved.problems) {
        const r = candidates[p.index];
        if (r) {
          r.valid = false;
          problems.push({ row: r.row, field: p.field, message: p.message });
        }
      }
    }
    if (resolved && resolved.ok) candidates.forEach((r, i) => (r.resolved = resolved.tasks[i]));
    else {
      // Resolve the valid ones alone, for the dry run's listing.
      const still = candidates.filter((r) => r.valid);
      const again = still.length ? await plan.resolve(still.map((r) => r.input)).catch(() => ({ ok: false })) : { ok: true, tasks: [] };
      if (again.ok) still.forEach((r, i) => (r.resolved = again.tasks[i]));
    }
  }
  if (previous) {
    // A row created by an earlier run is not sent again: a problem of it now (a bucket renamed since,
    // say) does not stop the resume.
    const done = (row) => previous.get(row) && previous.get(row).status === "created";
    for (let i = problems.length - 1; i >= 0; i--) if (problems[i].field !== "title" && done(problems[i].row)) problems.splice(i, 1);
    for (const r of input.rows) if (done(r.row) && !problems.some((p) => p.row === r.row)) r.valid = true;
  }
  for (const r of input.rows) if (problems.some((p) => p.row === r.row)) r.valid = false;
  const valid = input.rows.filter((r) => r.valid);
  const invalid = input.rows.filter((r) => !r.valid);

  if (problems.length && (!args.skipInvalid || fileProblem || valid.length === 0)) {
    reportProblems(problems, label, args, !args.skipInvalid && !fileProblem && valid.length > 0);
    return EXIT_USAGE;
  }
  if (problems.length) {
    err(`graph-tasks: ${invalid.length} ${label}${invalid.length === 1 ? "" : "s"} skipped (--skip-invalid):`);
    for (const l of problemLines(problems, label)) err(l);
  }

  // 5. A dry run stops here.
  if (args.dryRun) {
    out(`Dry run: ${valid.length} task${valid.length === 1 ? "" : "s"} would be created in plan "${plan.title}" (${plan.id}); nothing was sent.`);
    for (const r of valid) {
      const d = r.resolved ? describe(r.resolved, plan, r.input) : "";
      out(`  ${label} ${r.row}: "${r.input.title}"${d ? `: ${d}` : ""}`);
    }
    if (invalid.length) out(`  ${invalid.length} ${label}${invalid.length === 1 ? "" : "s"} would be skipped (invalid).`);
    return invalid.length ? EXIT_FAILED : EXIT_OK;
  }

  // 6. The report: every row to send marked pending first.
  const runStartedAt = new Date().toISOString();
  const report = new Report(args.report, redact);
  const entries = [];
  const toSend = [];
  let since;
  for (const r of input.rows) {
    const title = String(r.input.title ?? "").trim();
    const was = previous && previous.get(r.row);
    if (was && was.status === "created") {
      entries.push(was);
      continue;
    }
    if (!r.valid) {
      const p = problems.filter((x) => x.row === r.row);
      entries.push({ row: r.row, status: "invalid", title, errorCode: "invalidRow", errorMessage: p.map((x) => `${x.field ? `${x.field}: ` : ""}${x.message}`).join("; ") });
      continue;
    }
    // A row of an earlier run that was not created may exist all the same (in flight when the run
    // stopped, or failed after it may have reached the service): it is reconciled, never sent twice.
    if (was && was.runStartedAt && (since === undefined || was.runStartedAt < since)) since = was.runStartedAt;
    // A row keeps the start of the first run that sent it, so that a later resume looks back that far.
    r.since = was && was.runStartedAt ? was.runStartedAt : runStartedAt;
    entries.push({ row: r.row, status: "pending", title, runStartedAt: r.since });
    toSend.push(r);
  }
  // The library finds a task whose outcome was unknown by its title and bucket (and removes what it
  // takes for duplicates): rows that share both cannot be told apart.
  const key = (r) => `${String(r.input.title ?? "").trim()}\u0000${(r.resolved && r.resolved.bucketId) ?? r.input.bucket ?? r.input.bucketId ?? ""}`;
  const byKey = new Map();
  for (const r of input.rows) if (r.valid) byKey.set(key(r), [...(byKey.get(key(r)) || []), r.row]);
  const shared = [...new Set(toSend.map(key))].map((k) => byKey.get(k)).filter((rows) => rows && rows.length > 1);
  if (shared.length && previous) {
    err(`graph-tasks: --resume cannot continue safely: these ${label}s share a title and a bucket, and a resume finds tasks by title and bucket, so a task of one could be taken for another:`);
    for (const rows of shared.slice(0, 20)) err(`  ${label}s ${rows.join(", ")}`);
    err("Look for their tasks in the plan: set the report's status of a row whose task exists to created (with its taskId), or take the row out of the input, then resume.");
    return EXIT_USAGE;
  }
  for (const rows of shared.slice(0, 10)) {
    err(`graph-tasks: warning: ${label}s ${rows.join(", ")} share a title and a bucket: should a create's outcome be unknown (a timeout, a 504), the library's reconciliation cannot tell them apart`);
  }
  try {
    report.begin(entries);
  } catch (e) {
    err(`graph-tasks: cannot write the report ${args.report}: ${e.message}`);
    return EXIT_USAGE;
  }
  const already = entries.filter((e) => e.status === "created").length;
  if (previous) err(`graph-tasks: resuming: ${already} ${label}${already === 1 ? "" : "s"} created before, ${toSend.length} to send${since ? ` (reconciled with the tasks created since ${since})` : ""}`);
  err(`graph-tasks: creating ${toSend.length} task${toSend.length === 1 ? "" : "s"} in plan "${plan.title}" (${plan.id}); report: ${args.report}`);

  // 7. The creates.
  const progress = createProgress({ total: toSend.length, write: err });
  let created = 0;
  let failed = 0;
  let reconciled = 0;
  const answered = new Set();
  const onResult = (result) => {
    const r = toSend[result.index];
    if (!r || answered.has(result.index)) return;
    answered.add(result.index);
    const title = String(r.input.title ?? "").trim();
    if (result.ok) {
      created++;
      if (result.reconciled) reconciled++;
      report.set({ row: r.row, status: "created", title, taskId: result.task.id, webUrl: webUrl(plan.id, result.task.id, tenantId), runStartedAt: r.since });
    } else {
      const e = result.error || {};
      // Stopped by Ctrl-C, sent or not: still pending, so that --resume sends or reconciles it.
      const unknown = e.kind === "aborted";
      failed += unknown ? 0 : 1;
      report.set({ row: r.row, status: unknown ? "pending" : "failed", title, errorCode: e.code || e.kind || "error", errorMessage: errorText(e), runStartedAt: r.since });
    }
  };
  let crash = null;
  if (toSend.length) {
    const options = {
      signal: controller.signal,
      onProgress: (p) => progress.update(p),
      onResult,
    };
    if (args.concurrency !== undefined) options.concurrency = args.concurrency;
    if (since !== undefined) options.resume = { since };
    try {
      const results = await plan.createTasks(
        toSend.map((r) => r.input),
        options,
      );
      if (Array.isArray(results)) for (const result of results) if (result) onResult(result);
    } catch (e) {
      if (!(e && e.kind === "aborted")) crash = e;
    }
  }
  progress.stop({ created, failed: answered.size - created, inFlight: 0 });
  report.finish();
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigint);

  const pending = [...report.entries.values()].filter((e) => e.status === "pending").length;
  const notCreated = entries.length - already - created;
  err(
    `graph-tasks: ${already + created} of ${input.rows.length} ${label}s created${already ? ` (${already} before this run)` : ""}${reconciled ? `, ${reconciled} found already created and reconciled` : ""}; ${failed} failed${invalid.length ? `, ${invalid.length} invalid` : ""}${pending ? `, ${pending} not sent or not answered` : ""}. Report: ${args.report}`,
  );
  if (crash) err(`graph-tasks: the run stopped: ${errorText(crash)}`);
  if (interrupted) {
    err("graph-tasks: interrupted: run the same command with --resume to finish");
    return EXIT_INTERRUPTED;
  }
  return notCreated > 0 ? EXIT_FAILED : EXIT_OK;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    err(`graph-tasks: unexpected error: ${e && e.stack ? e.stack : e}`);
    process.exitCode = EXIT_FAILED;
  },
);

export { COLUMNS, PRIORITY_NAMES };
