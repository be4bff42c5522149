// graph-tasks import: usage, input checking, row numbers, exit codes and the token's secrecy, each
// run as its own process from the package installed out of its tarball.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { installPackage, sharedEmulator, freshPlan, createdIn, runCli, tempDir } from "./helpers.mjs";

let emulator;
let plan;
let dir;
before(async () => {
  installPackage();
  emulator = await sharedEmulator();
  plan = await freshPlan(emulator, "CLI usage");
  dir = tempDir();
});
after(() => emulator && emulator.stop());

const write = (name, text) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const target = () => ["--plan-id", plan.id, "--base-url", emulator.base];

test("npx graph-tasks --help documents the command, the columns, the priorities and examples", () => {
  const { project } = installPackage();
  const help = execFileSync("npx", ["--offline", "--no-install", "graph-tasks", "--help"], { cwd: project, encoding: "utf8" });
  for (const s of [
    "graph-tasks import FILE",
    "--plan-id",
    "--group ID --plan TITLE",
    "--token-env",
    "--token-command",
    "--base-url",
    "--dry-run",
    "--concurrency",
    "--skip-invalid",
    "--report",
    "--resume",
    "Urgent = 1, Important = 3, Medium = 5, Low = 9",
    "percentComplete",
    "checklist",
    "references",
    "Examples:",
    "Exit status",
  ]) {
    assert.ok(help.includes(s), `--help mentions ${s}`);
  }
});

test("--version prints the package's version", async () => {
  const { pkg } = installPackage();
  const { version } = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8"));
  const r = await runCli(["--version"]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), version);
});

test("bad usage exits 2 with a message", async () => {
  const file = write("one.csv", "title\nOne\n");
  for (const [args, message] of [
    [[], /no command/],
    [["export", file], /unknown command "export"/],
    [["import"], /needs the input FILE/],
    [["import", file, "--bogus"], /Unknown option '--bogus'/],
    [["import", file], /which plan\?/],
    [["import", file, "--group", "g"], /--group ID needs --plan TITLE/],
    [["import", file, "--plan-id", "p", "--plan", "x"], /not both/],
    [["import", file, ...target(), "--concurrency", "0"], /--concurrency must be a whole number from 1 to 64/],
    [["import", file, ...target(), "--format", "xml"], /--format is csv or json/],
    [["import", path.join(dir, "missing.csv"), ...target()], /cannot read .*missing\.csv: no such file/],
    [["import", file, ...target(), "--resume", "--report", path.join(dir, "none.report.csv")], /no report at/],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit 2 (stderr: ${r.stderr})`);
    assert.match(r.stderr, message, args.join(" "));
  }
});

test("every bad row is reported at once, with spreadsheet row numbers, and nothing is created", async () => {
  const file = write(
    "bad.csv",
    "\uFEFFtitle,priority,due,start,percentComplete,references,description\r\n" +
      'Fine,Urgent,2026-12-01,,,,"a note\r\nover two lines"\r\n' + // row 2 (a quoted line break: still one row)
      "Bad priority,High,,,,,\r\n" + // row 3
      '"Multi\nline\ntitle",5,,,,,\r\n' + // row 4 (three lines of the file)
      ",3,,,,,\r\n" + // row 5: no title
      "Bad date,,31/12/2026,,,,\r\n" + // row 6
      "Too few fields,1\r\n" + // row 7
      "Start after due,,2026-12-01,2026-12-02,,,\r\n" + // row 8
      "Bad percent,,,,150,,\r\n" + // row 9
      "Bad reference,,,,,not a url,\r\n" + // row 10
      "\r\n" + // row 11: blank, skipped
      "Low,low,,,,,\r\n", // row 12 (fine: priority names are case-insensitive)
  );
  const r = await runCli(["import", file, ...target()]);
  assert.equal(r.code, 2, r.stderr);
  const expected = [
    [3, /row 3: priority: "High" is not a priority/],
    [5, /row 5: title: the title is empty/],
    [6, /row 6: due: "31\/12\/2026" is not a date/],
    [7, /row 7: 2 fields where the header has 7/],
    [8, /row 8: start: the start is after the due date/],
    [9, /row 9: percentComplete: "150" is not a whole number from 0 to 100/],
    [10, /row 10: references: "not a url" is not an http or https URL/],
  ];
  for (const [, re] of expected) assert.match(r.stderr, re);
  for (const ok of [2, 4, 11, 12]) assert.doesNotMatch(r.stderr, new RegExp(`row ${ok}:`), `row ${ok} has no problem`);
  assert.match(r.stderr, /7 problems in 7 rows; nothing was created/);
  assert.equal(fs.existsSync(path.join(dir, "bad.report.csv")), false, "no report is written for a refused input");
  assert.equal(await createdIn(emulator, plan.id), 0);
});

test("an unknown column is an error of row 1, with the known columns listed", async () => {
  const file = write("columns.csv", "title,Bucket,owner,notes\nOne,,,\n");
  const r = await runCli(["import", file, ...target()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /row 1: owner: unknown column "owner"; the columns are title, bucket, assignees/);
  assert.match(r.stderr, /row 1: notes: unknown column "notes"/);
  assert.doesNotMatch(r.stderr, /Bucket/, "column names are case-insensitive");
  const dup = write("dup.csv", "title,title\na,b\n");
  const d = await runCli(["import", dup, ...target()]);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /the column "title" appears twice/);
  const none = write("notitle.csv", "bucket\nTo do\n");
  const n = await runCli(["import", none, ...target()]);
  assert.equal(n.code, 2);
  assert.match(n.stderr, /the header has no title column/);
});

test("a CSV that is not RFC 4180 names the row where it breaks", async () => {
  const file = write("quote.csv", 'title,description\nOne,fine\nTwo,"never closed\n');
  const r = await runCli(["import", file, ...target()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /row 3: not valid CSV: Quote Not Closed/);
  const empty = write("empty.csv", "");
  const e = await runCli(["import", empty, ...target()]);
  assert.equal(e.code, 2);
  assert.match(e.stderr, /the file is empty/);
});

test("JSON input: an array of inputs; anything else exits 2 with item numbers", async () => {
  const notArray = write("obj.json", '{"title": "x"}');
  const a = await runCli(["import", notArray, ...target()]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /the JSON must be an array/);
  const bad = write("items.json", JSON.stringify([{ title: "ok" }, { title: "" }, 7]));
  const b = await runCli(["import", bad, ...target()]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /item 2: title: the title is missing or empty/);
  assert.match(b.stderr, /item 3: not an object/);
  assert.equal(await createdIn(emulator, plan.id), 0);
});

test("no token: exit 2 naming the variable; a token never appears in output or errors", async () => {
  const file = write("token.csv", "title\nOne\n");
  const r = await runCli(["import", file, ...target()], { env: { GRAPH_TOKEN: "" } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the environment variable GRAPH_TOKEN is empty or not set/);
  const other = await runCli(["import", file, ...target(), "--token-env", "MY_TOKEN"], { env: { MY_TOKEN: "" } });
  assert.match(other.stderr, /MY_TOKEN/);

  // A command that fails after printing its token, and one that prints the token with an error.
  const secret = "s3cr3t-token-value-0123456789";
  const failing = await runCli(["import", file, ...target(), "--token-command", `echo ${secret}; echo "bad: ${secret}" >&2; exit 3`]);
  assert.equal(failing.code, 2);
  assert.match(failing.stderr, /the --token-command failed \(exit 3\)/);
  assert.ok(!failing.stderr.includes(secret) && !failing.stdout.includes(secret), "the token is not shown");
});

test("an existing report is never overwritten without --resume", async () => {
  const file = write("exists.csv", "title\nOne\n");
  fs.writeFileSync(path.join(dir, "exists.report.csv"), "keep me\n");
  const r = await runCli(["import", file, ...target()]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /exists already: pass --resume/);
  assert.equal(fs.readFileSync(path.join(dir, "exists.report.csv"), "utf8"), "keep me\n");
  const resume = await runCli(["import", file, ...target(), "--resume"]);
  assert.equal(resume.code, 2);
  assert.match(resume.stderr, /is not a graph-tasks report/);
});
