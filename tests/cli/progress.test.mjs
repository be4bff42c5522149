// graph-tasks import in a pseudo-terminal (tmux): the progress bar is drawn on stderr and moves. The
// screen is captured while the run goes and at its end, and saved to target/cli-progress.txt.
// Without a terminal, stderr gets plain progress lines instead (checked too).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { installPackage, startEmulator, freshPlan, createdIn, people, runCli, tempDir, bigCsv, sleep, root, TOKEN } from "./helpers.mjs";

const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const skip = !hasTmux && "tmux is not installed";
const socket = `graph-tasks-cli-test-${process.pid}`;
const tmux = (...args) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

let emulator;
let dir;
before(async () => {
  if (skip) return;
  installPackage();
  // Chaos makes the run long enough to watch, with throttling waits to count down.
  emulator = await startEmulator(["--chaos-rate", "0.3", "--chaos-seed", "17"]);
  dir = tempDir();
});
after(() => {
  if (emulator) emulator.stop();
  if (hasTmux) {
    try {
      tmux("kill-server");
    } catch {
      // not started
    }
  }
});

test("in a terminal, the progress bar is drawn and moves (screen saved to target/cli-progress.txt)", { skip }, async () => {
  const plan = await freshPlan(emulator, "CLI progress");
  const { text } = bigCsv(300, { buckets: plan.buckets.map((b) => b.name), people: await people(emulator), tag: "bar " });
  const file = path.join(dir, "bar.csv");
  fs.writeFileSync(file, text);
  const { bin } = installPackage();
  const command =
    `cd ${quote(dir)} && GRAPH_TOKEN=${quote(TOKEN)} ${quote(bin)} import bar.csv --plan-id ${quote(plan.id)} ` +
    `--base-url ${quote(emulator.base)} --concurrency 2; echo "EXIT=$?"; sleep 600`;
  tmux("new-session", "-d", "-s", "cli", "-x", "132", "-y", "12", command);

  const started = Date.now();
  const seen = new Map(); // done count → first screen showing it
  let final = null;
  let throttled = null;
  while (Date.now() - started < 240_000) {
    await sleep(200);
    const screen = tmux("capture-pane", "-p", "-t", "cli");
    // The last bar on the screen (a bar is redrawn in place: there should be one).
    const m = [...screen.matchAll(/[█░]{10,}\s+(\d+)\/(\d+) done \| (\d+) created \| (\d+) failed/g)].pop();
    if (m && !seen.has(Number(m[1]))) seen.set(Number(m[1]), { at: (Date.now() - started) / 1000, screen });
    if (!throttled && /throttled: \d+s left/.test(screen)) throttled = screen;
    if (/EXIT=\d+/.test(screen)) {
      final = screen;
      break;
    }
  }
  assert.ok(final, "the run ended");
  const code = Number(/EXIT=(\d+)/.exec(final)[1]);
  assert.ok(code === 0 || code === 1, `exit ${code}`);
  const values = [...seen.keys()].sort((a, b) => a - b);
  const moving = values.filter((v) => v > 0 && v < 300);
  assert.ok(moving.length >= 2, `the bar moved through at least two values before the end (saw ${values.join(", ")})`);
  assert.match(final, /[█░]{10,}\s+300\/300 done \| \d+ created \| \d+ failed/, "the finished bar stays on the screen");
  assert.match(final, /graph-tasks: \d+ of 300 rows created/);
  assert.equal((final.match(/ done \| /g) || []).length, 1, "one bar, redrawn in place, and nothing else written over it");
  assert.ok((await createdIn(emulator, plan.id)) > 0);

  const mid = seen.get(moving[Math.floor(moving.length / 2)]);
  const trim = (s) => s.replace(/\s+$/gm, "").replace(/\n+$/, "");
  const capture =
    `graph-tasks import in tmux (132x12), 300 rows, emulator at --chaos-rate 0.3; the bar seen at ${values.length} values: ${values.join(", ")}\n\n` +
    `--- ${mid.at.toFixed(1)} s into the run:\n${trim(mid.screen)}\n\n` +
    (throttled ? `--- during a throttling wait:\n${trim(throttled)}\n\n` : "") +
    `--- at the end:\n${trim(final)}\n`;
  fs.mkdirSync(path.join(root, "target"), { recursive: true });
  fs.writeFileSync(path.join(root, "target", "cli-progress.txt"), capture);
});

test("without a terminal, progress is a plain line on stderr", async () => {
  const emu = emulator || (await startEmulator(["--chaos-rate", "0.3", "--chaos-seed", "18"]));
  try {
    const plan = await freshPlan(emu, "CLI plain progress");
    const { text } = bigCsv(60, { buckets: plan.buckets.map((b) => b.name), people: [], tag: "plain " });
    const file = path.join(dir || tempDir(), "plain.csv");
    fs.writeFileSync(file, text);
    const r = await runCli(["import", file, "--plan-id", plan.id, "--base-url", emu.base, "--concurrency", "2"]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.match(r.stderr, /^progress: 60\/60 done, \d+ created, \d+ failed, 0 in flight$/m);
    assert.doesNotMatch(r.stderr, /\x1b\[/, "no terminal escapes when stderr is not a terminal");
  } finally {
    if (!emulator) emu.stop();
  }
});
