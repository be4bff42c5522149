// The emulator, old against new (issue 12): the binary from before the rebuild on axum's router and
// SQLite (commit d2fa59a, a journal file for --data) against this tree's (SQLite for --data), in memory
// and with --data, in one run. The same load generator (this tree's graph-emulator-bench) drives both.
// Each configuration runs R times, each time against a fresh emulator (and a fresh --data file of its
// own). In a round old and new run back to back for each mode, which one first alternating by round,
// so that the machine's drift falls on both; the values are medians, and new ÷ old is the median of the
// per-round ratios (paired: the same round), with their interquartile range.
//
// The old binary is built at bench time, only when it is missing:
//   git -C ROOT worktree add --detach /tmp/emu-old d2fa59a
//   (cd /tmp/emu-old && cargo build --release --locked -p graph-tasks-emulator --bins --target-dir /tmp/emu-old-target)
// GRAPH_TASKS_BENCH_OLD_EMULATOR=DIR uses the binaries in DIR instead; GRAPH_TASKS_BENCH_OLD_SRC and
// GRAPH_TASKS_BENCH_OLD_TARGET move the worktree and the target directory. If it cannot be built, the
// old rows say why and the new ones are still measured.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { startEmulator } from "./emulator.mjs";
import { median, quartiles } from "./stats.mjs";

export const OLD_COMMIT = "d2fa59a";
const OLD_SRC = process.env.GRAPH_TASKS_BENCH_OLD_SRC || "/tmp/emu-old";
const OLD_TARGET = process.env.GRAPH_TASKS_BENCH_OLD_TARGET || "/tmp/emu-old-target";

/** True when dir holds commit's emulator sources: a worktree at that commit, or an export of it. */
export function isOldSource(root, dir) {
  if (!fs.existsSync(path.join(dir, "emulator", "Cargo.toml"))) return false;
  const head = spawnSync("git", ["-C", dir, "rev-parse", "HEAD"], { encoding: "utf8" });
  const want = spawnSync("git", ["-C", root, "rev-parse", OLD_COMMIT], { encoding: "utf8" }).stdout.trim();
  if (head.status === 0 && path.resolve(spawnSync("git", ["-C", dir, "rev-parse", "--show-toplevel"], { encoding: "utf8" }).stdout.trim()) === path.resolve(dir)) {
    return head.stdout.trim() === want;
  }
  // Not a git checkout of its own (an export): compare what the build reads with the commit's.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "graph-tasks-bench-old-"));
  try {
    execFileSync("sh", ["-c", `git -C "$1" archive ${OLD_COMMIT} emulator src Cargo.toml Cargo.lock | tar -x -C "$2"`, "sh", root, tmp]);
    return ["emulator", "src", "Cargo.toml", "Cargo.lock"].every((p) => spawnSync("diff", ["-rq", path.join(tmp, p), path.join(dir, p)]).status === 0);
  } catch {
    return false;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The old binaries' directory, building them if missing; or { error } saying why not. */
export function oldEmulator(root, log) {
  if (process.env.GRAPH_TASKS_BENCH_OLD_EMULATOR) {
    const dir = process.env.GRAPH_TASKS_BENCH_OLD_EMULATOR;
    return fs.existsSync(path.join(dir, "graph-emulator")) ? { dir } : { error: `no graph-emulator in ${dir}` };
  }
  const dir = path.join(OLD_TARGET, "release");
  if (fs.existsSync(path.join(dir, "graph-emulator"))) return { dir };
  try {
    if (!fs.existsSync(OLD_SRC)) {
      log(`emulator: adding a worktree of ${OLD_COMMIT} at ${OLD_SRC}`);
      execFileSync("git", ["-C", root, "worktree", "add", "--detach", OLD_SRC, OLD_COMMIT], { stdio: ["ignore", "ignore", "inherit"] });
    } else if (!isOldSource(root, OLD_SRC)) {
      return { error: `${OLD_SRC} exists but does not hold ${OLD_COMMIT}'s sources` };
    }
    log(`emulator: building the old emulator (${OLD_COMMIT}) into ${OLD_TARGET}; a few minutes, once`);
    execFileSync("cargo", ["build", "--release", "--locked", "--quiet", "-p", "graph-tasks-emulator", "--bins", "--target-dir", OLD_TARGET], {
      cwd: OLD_SRC,
      stdio: ["ignore", "ignore", "inherit"],
    });
  } catch (e) {
    return { error: `the old emulator could not be built: ${String(e.message).split("\n")[0]}` };
  }
  return fs.existsSync(path.join(dir, "graph-emulator")) ? { dir } : { error: `the build left no ${dir}/graph-emulator` };
}

function benchOnce(emulatorBin, benchBin, requests, concurrency, args) {
  return startEmulator(emulatorBin, args).then(async (emu) => {
    try {
      let text;
      try {
        text = execFileSync(benchBin, ["--url", emu.url, "--requests", String(requests), "--concurrency", String(concurrency)], { encoding: "utf8" });
      } catch (e) {
        if (!/creates\/second/.test(e.stdout ?? "")) throw new Error(`graph-emulator-bench failed: ${e.stderr || e.message}`);
        text = e.stdout;
      }
      const num = (re) => Number(text.match(re)?.[1]);
      return { createsPerSecond: num(/creates\/second: ([\d.]+)/), p50: num(/p50: ([\d.]+) ms/), p99: num(/p99: ([\d.]+) ms/), errors: num(/errors: (\d+)/) };
    } finally {
      await emu.stop();
    }
  });
}

export async function compareEmulators({ root, newDir, requests, concurrency, rounds, log }) {
  const old = oldEmulator(root, log);
  const benchBin = path.join(newDir, "graph-emulator-bench");
  const configs = [];
  for (const mode of ["memory", "data"]) {
    if (old.dir) configs.push(["old", mode, old.dir]);
    configs.push(["new", mode, newDir]);
  }
  const samples = Object.fromEntries(configs.map(([v, m]) => [`${v}-${m}`, []]));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-tasks-bench-data-"));
  try {
    for (let round = 0; round < rounds; round++) {
      // Pairs back to back; old first in even rounds, new first in odd ones.
      const order = round % 2 ? configs.map((_, i) => configs[i ^ (old.dir ? 1 : 0)]) : configs;
      for (const [version, mode, dir] of order) {
        const args = [];
        if (mode === "data") {
          // A fresh file per run and per binary: SQLite for the new one, a journal for the old.
          const file = path.join(dataDir, `${version}-${round}.${version === "new" ? "db" : "journal"}`);
          args.push("--data", file);
        }
        log(`emulator: ${version} ${mode === "data" ? "--data" : "in memory"}, round ${round + 1}/${rounds}`);
        samples[`${version}-${mode}`].push(await benchOnce(path.join(dir, "graph-emulator"), benchBin, requests, concurrency, args));
      }
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const out = { requests, concurrency, rounds, oldCommit: OLD_COMMIT, oldDir: old.dir ?? null, oldError: old.error ?? null, results: {} };
  for (const [key, s] of Object.entries(samples)) {
    out.results[key] = {
      createsPerSecond: median(s.map((x) => x.createsPerSecond)),
      p50: median(s.map((x) => x.p50)),
      p99: median(s.map((x) => x.p99)),
      errors: s.reduce((a, x) => a + (x.errors || 0), 0),
      samples: s,
    };
  }
  for (const mode of ["memory", "data"]) {
    const o = samples[`old-${mode}`];
    const n = samples[`new-${mode}`];
    if (!o || !n) continue;
    const ratios = n.map((x, i) => x.createsPerSecond / o[i].createsPerSecond);
    out.results[`new-${mode}`].ratio = median(ratios);
    out.results[`new-${mode}`].ratioIqr = quartiles(ratios);
  }
  return out;
}
