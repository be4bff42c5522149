// graph-tasks import against the emulator: 500 rows with quotes, line breaks, a BOM and names give 500
// tasks and a correct report; --dry-run creates nothing; unknown names exit 2 with their rows;
// --skip-invalid; JSON input.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { installPackage, sharedEmulator, control, freshPlan, createdIn, planTasks, people, runCli, tempDir, bigCsv, readReportFile } from "./helpers.mjs";

let emulator;
let dir;
let who;
before(async () => {
  installPackage();
  emulator = await sharedEmulator();
  dir = tempDir();
  who = await people(emulator);
});
after(() => emulator && emulator.stop());

/** Checks the report against the plan: one row per input row, each created task in the plan with its row's title. */
export async function checkReport(reportFile, titles, planId) {
  const rows = readReportFile(reportFile);
  assert.equal(rows.length, titles.length, "one report row per input row");
  const tasks = await planTasks(emulator, planId);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  rows.forEach((r, i) => {
    assert.equal(Number(r.row), i + 2, "rows in order, the first task is row 2");
    assert.equal(r.status, "created", `row ${r.row}: ${r.errorCode} ${r.errorMessage}`);
    assert.equal(r.title, titles[i], `row ${r.row}'s title`);
    const task = byId.get(r.taskId);
    assert.ok(task, `row ${r.row}'s task ${r.taskId} is in the plan`);
    assert.equal(task.title, titles[i]);
    assert.match(r.webUrl, new RegExp(`^https://planner\\.cloud\\.microsoft/webui/plan/${planId}/view/board/task/${r.taskId}`));
  });
  return tasks;
}

test("a 500-row CSV with quotes, line breaks, a BOM and names gives 500 tasks and a correct report", async () => {
  const plan = await freshPlan(emulator, "CLI 500");
  const { text, titles } = bigCsv(500, { buckets: plan.buckets.map((b) => b.name), people: who });
  const file = path.join(dir, "tasks.csv");
  fs.writeFileSync(file, text);
  const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base, "--concurrency", "8"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /500 of 500 rows created; 0 failed/);
  assert.equal(await createdIn(emulator, plan.id), 500);
  const tasks = await checkReport(path.join(dir, "tasks.report.csv"), titles, plan.id);
  assert.equal(tasks.length, 500);
  // The names became ids: buckets by name, and the columns' values as Planner stores them.
  const byTitle = new Map(tasks.map((t) => [t.title, t]));
  const t0 = byTitle.get(titles[0]);
  assert.equal(t0.bucketId, plan.buckets[0].id);
  assert.equal(t0.priority, 1, "Urgent is 1");
  assert.deepEqual(Object.keys(t0.appliedCategories || {}).filter((k) => t0.appliedCategories[k]).sort(), ["category1", "category3"]);
  if (who.length) assert.ok(Object.keys(t0.assignments || {}).length >= 1, "row 2's people are assigned");
  const t1 = byTitle.get(titles[1]);
  assert.equal(t1.bucketId, plan.buckets[1].id);
  assert.equal(t1.priority, 3, "Important is 3");
  assert.equal(Date.parse(t1.dueDateTime), Date.parse("2026-12-02T17:00:00Z"));
  assert.equal(byTitle.get(titles[3]).priority, 9, "Low is 9");
  assert.equal(byTitle.get(titles[9]).percentComplete, 50);
});

test("--dry-run resolves every row, prints what would be created and creates nothing", async () => {
  // A title of its own in the group: --plan TITLE must name one plan.
  const plan = await freshPlan(emulator, `CLI dry run ${process.pid}`);
  const { text } = bigCsv(40, { buckets: plan.buckets.map((b) => b.name), people: who, tag: "dry " });
  const file = path.join(dir, "dry.csv");
  fs.writeFileSync(file, text);
  const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base, "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Dry run: 40 tasks would be created in plan "CLI dry run \d+"/);
  assert.match(r.stdout, new RegExp(`row 2: "Task dry 0, \\\\"quoted\\\\" part"|row 2: "Task dry 0, "quoted" part"`));
  assert.match(r.stdout, /row 41: /);
  assert.match(r.stdout, /bucket "In progress"/);
  assert.equal(await createdIn(emulator, plan.id), 0);
  assert.equal(fs.existsSync(path.join(dir, "dry.report.csv")), false, "a dry run writes no report");

  // The same plan named by its group and title (on an emulator whose plans have a group).
  const seed = await control(emulator, "seed");
  const groupId = plan.groupId || (seed.plans || []).find((p) => p.id === plan.id)?.groupId;
  if (groupId) {
    const g = await runCli(["import", file, "--group", groupId, "--plan", plan.title, "--base-url", emulator.base, "--dry-run"]);
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, new RegExp(`Dry run: 40 tasks would be created in plan "${plan.title}" \\(${plan.id}\\)`));
    assert.equal(await createdIn(emulator, plan.id), 0);
  }
});

test("unknown buckets, people and labels: exit 2, every row named, nothing created; --skip-invalid creates the rest", async () => {
  const plan = await freshPlan(emulator, "CLI names");
  const good = who[0] || "";
  const csv =
    "title,bucket,assignees,labels\n" +
    `One,To do,${good},\n` + // row 2
    "Two,No such bucket,,\n" + // row 3
    "Three,,nobody@example.invalid,\n" + // row 4
    "Four,,,No such label\n" + // row 5
    "Five,In progress,,category2\n"; // row 6
  const file = path.join(dir, "names.csv");
  fs.writeFileSync(file, csv);
  const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /row 3: bucket/);
  assert.match(r.stderr, /row 4: assignees/);
  assert.match(r.stderr, /row 5: labels/);
  assert.doesNotMatch(r.stderr, /row [26]:/);
  assert.equal(await createdIn(emulator, plan.id), 0);

  const s = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base, "--skip-invalid"]);
  assert.equal(s.code, 1, "some rows were not created");
  assert.equal(await createdIn(emulator, plan.id), 2);
  const rows = readReportFile(path.join(dir, "names.report.csv"));
  assert.deepEqual(
    rows.map((x) => [x.row, x.status]),
    [
      ["2", "created"],
      ["3", "invalid"],
      ["4", "invalid"],
      ["5", "invalid"],
      ["6", "created"],
    ],
  );
  assert.match(rows[1].errorMessage, /bucket/);
});

test("JSON input: an array of plan.createTask inputs", async () => {
  const plan = await freshPlan(emulator, "CLI JSON");
  const file = path.join(dir, "tasks.json");
  fs.writeFileSync(
    file,
    JSON.stringify([
      { title: "From JSON 1", bucket: "Done", priority: 5 },
      { title: "From JSON 2", labels: ["category4"], dueDateTime: "2026-12-24T12:00:00Z" },
    ]),
  );
  const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base]);
  assert.equal(r.code, 0, r.stderr);
  const rows = readReportFile(path.join(dir, "tasks.json.report.csv"));
  assert.deepEqual(rows.map((x) => [x.row, x.status, x.title]), [
    ["1", "created", "From JSON 1"],
    ["2", "created", "From JSON 2"],
  ]);
  const tasks = await planTasks(emulator, plan.id);
  assert.equal(tasks.find((t) => t.title === "From JSON 1").bucketId, plan.buckets.find((b) => b.name === "Done").id);
});

test("--token-command: a JWT from a command is used and never shown; the report's links carry its tenant", async () => {
  const plan = await freshPlan(emulator, "CLI token command");
  const b64url = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const token = `${b64url({ alg: "none" })}.${b64url({ exp: Math.floor(Date.now() / 1000) + 3600, tid: "72f988bf-86f1-41af-91ab-2d7cd011db47" })}.c2ln`;
  const file = path.join(dir, "token.csv");
  fs.writeFileSync(file, "title\nWith a JWT\nAnd another\n");
  const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base, "--token-command", `echo ${token}`], { env: { GRAPH_TOKEN: "" } });
  assert.equal(r.code, 0, r.stderr);
  const report = fs.readFileSync(path.join(dir, "token.report.csv"), "utf8");
  for (const text of [r.stdout, r.stderr, report]) assert.ok(!text.includes(token) && !text.includes(token.split(".")[1]), "the token is never shown");
  const rows = readReportFile(path.join(dir, "token.report.csv"));
  assert.equal(rows.length, 2);
  for (const row of rows) assert.match(row.webUrl, /\?tid=72f988bf-86f1-41af-91ab-2d7cd011db47$/);
});

test("rows that share a title and a bucket: a warning, and --resume refuses to guess between them", async () => {
  const plan = await freshPlan(emulator, "CLI same titles");
  const file = path.join(dir, "same.csv");
  const reportFile = path.join(dir, "same.report.csv");
  fs.writeFileSync(file, "title,bucket\nCall the client,To do\nCall the client,To do\nSomething else,To do\n");
  const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: rows 2, 3 share a title and a bucket/);
  // As if row 3 had been in flight when the run stopped.
  const text = fs.readFileSync(reportFile, "utf8").split("\r\n");
  text[2] = text[2].replace(",created,", ",pending,");
  fs.writeFileSync(reportFile, text.join("\r\n"));
  const resumed = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base, "--resume"]);
  assert.equal(resumed.code, 2, resumed.stderr);
  assert.match(resumed.stderr, /--resume cannot continue safely[^]*rows 2, 3/);
  assert.equal((await planTasks(emulator, plan.id)).length, 3, "nothing created, nothing removed");
});

test("JSON items that break the library's rules: every one reported before anything is sent", async () => {
  const plan = await freshPlan(emulator, "CLI JSON rules");
  const file = path.join(dir, "rules.json");
  fs.writeFileSync(
    file,
    JSON.stringify([
      { title: "Fine" },
      { title: "Too urgent", priority: 11 },
      { title: "Backwards", startDateTime: "2026-12-02T00:00:00Z", dueDateTime: "2026-12-01T00:00:00Z" },
      { title: "Bad link", details: { references: [{ url: "not a url" }] } },
    ]),
  );
  const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emulator.base]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /item 2: priority: /);
  assert.match(r.stderr, /item 3: /);
  assert.match(r.stderr, /item 4: details/);
  assert.doesNotMatch(r.stderr, /item 1:/);
  assert.equal(await createdIn(emulator, plan.id), 0);
});
