// Shared pieces of the command-line tests (tests/cli/*.test.mjs): the package installed from its
// tarball into a fresh project, emulators, running the command as its own process, and the plan's tasks.
//
// Environment:
//   GRAPH_EMULATOR_URL  a running emulator for the tests that need no special flags (else one is started)
//   GRAPH_EMULATOR_BIN  the emulator binary (default target/release/graph-emulator)
//   GRAPH_TASKS_TGZ     the package tarball (default target/npm/graph-tasks-*.tgz)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const TOKEN = "dev-token";

export function tempDir(name = "graph-tasks-cli-") {
  return fs.mkdtempSync(path.join(os.tmpdir(), name));
}

let installed = null;
/** Installs the tarball into a fresh project (offline) once per test file; returns its paths. */
export function installPackage() {
  if (installed) return installed;
  let tarball = process.env.GRAPH_TASKS_TGZ;
  if (!tarball) {
    const dir = path.join(root, "target", "npm");
    const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^graph-tasks-.*\.tgz$/.test(f)) : [];
    if (found.length !== 1) throw new Error(`expected one target/npm/graph-tasks-*.tgz (run scripts/build-pkg), found ${found.length}`);
    tarball = path.join(dir, found[0]);
  }
  const project = tempDir("graph-tasks-cli-project-");
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "cli-test", private: true }));
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", "--cache", path.join(project, ".npm-cache"), tarball], { cwd: project, stdio: "pipe" });
  installed = {
    project,
    bin: path.join(project, "node_modules", ".bin", "graph-tasks"),
    pkg: path.join(project, "node_modules", "graph-tasks"),
  };
  return installed;
}

/** Starts an emulator with `flags`; `{ url, base, stop }` (base is the Graph URL, …/v1.0). */
export async function startEmulator(flags = []) {
  const bin = process.env.GRAPH_EMULATOR_BIN || path.join(root, "target", "release", "graph-emulator");
  if (!fs.existsSync(bin)) throw new Error(`no emulator at ${bin}: cargo build --release -p graph-tasks-emulator (or set GRAPH_EMULATOR_BIN)`);
  const dir = tempDir("graph-tasks-cli-emulator-");
  const portFile = path.join(dir, "port");
  const child = spawn(bin, ["--port", "0", "--port-file", portFile, "--quiet", ...flags], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.on("error", (e) => (stderr += e.message));
  for (let i = 0; i < 100 && !(fs.existsSync(portFile) && fs.readFileSync(portFile, "utf8").trim()); i++) await sleep(100);
  const port = fs.existsSync(portFile) ? fs.readFileSync(portFile, "utf8").trim() : "";
  if (!port) {
    child.kill();
    throw new Error(`the emulator did not start: ${stderr}`);
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    base: `${url}/v1.0`,
    stop: () => {
      child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The emulator of GRAPH_EMULATOR_URL, or a new one. */
export async function sharedEmulator() {
  const given = process.env.GRAPH_EMULATOR_URL;
  if (given) {
    const url = given.replace(/\/+$/, "").replace(/\/v1\.0$/, "");
    return { url, base: `${url}/v1.0`, stop: () => {} };
  }
  return startEmulator();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function control(emulator, pathName, body) {
  const r = await fetch(`${emulator.url}/_emulator/${pathName}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${pathName}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** A fresh plan with these buckets: `{ id, title, buckets: [{ id, name }] }`. */
export function freshPlan(emulator, title, buckets = ["To do", "In progress", "Done"]) {
  return control(emulator, "plans", { title, buckets });
}

/** How many tasks the emulator says it created in `planId`. */
export async function createdIn(emulator, planId) {
  const stats = await control(emulator, "stats");
  return (stats.tasksCreatedPerPlan || {})[planId] || 0;
}

/** Every task of the plan, following @odata.nextLink. */
export async function planTasks(emulator, planId) {
  const tasks = [];
  let url = `${emulator.base}/planner/plans/${encodeURIComponent(planId)}/tasks`;
  while (url) {
    const r = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!r.ok) throw new Error(`list tasks: ${r.status} ${await r.text()}`);
    const body = await r.json();
    tasks.push(...(body.value || []));
    url = body["@odata.nextLink"];
  }
  return tasks;
}

/** People of the seed as the CSV names them: a user principal name or mail where the seed has one, else the id. */
export async function people(emulator) {
  const seed = await control(emulator, "seed");
  return (seed.users || []).map((u) => u.userPrincipalName || u.mail || u.id);
}

/** Runs the installed command; resolves `{ code, signal, stdout, stderr }`. `onStart(child)` sees the process. */
export function runCli(args, { env = {}, cwd, onStart, timeoutMs = 120_000 } = {}) {
  const { bin } = installPackage();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd,
      env: { ...process.env, GRAPH_TOKEN: TOKEN, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`graph-tasks ${args.join(" ")} ran past ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (onStart) onStart(child, () => stderr);
  });
}

/** A CSV field, quoted when it must be. */
export function field(value) {
  const s = String(value ?? "");
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A CSV of `count` tasks with a BOM, CRLF line ends, quotes, commas and line breaks inside fields,
 * bucket names, people and labels. Returns { text, titles } (titles[i] is the title of row i + 2).
 */
export function bigCsv(count, { buckets, people: who, tag = "" }) {
  const header = ["title", "bucket", "assignees", "labels", "start", "due", "priority", "percentComplete", "description", "checklist", "references"];
  const lines = [header.join(",")];
  const titles = [];
  const priorities = ["Urgent", "Important", "Medium", "Low", "0", "10", ""];
  for (let i = 0; i < count; i++) {
    const title = i % 7 === 0 ? `Task ${tag}${i}, "quoted" part` : i % 11 === 0 ? `Task ${tag}${i} — ünïcødé` : `Task ${tag}${i}`;
    titles.push(title);
    const description = i % 5 === 0 ? `First line of ${i}\nsecond line, with a comma\nand "quotes"` : i % 3 === 0 ? `Plain notes ${i}` : "";
    const assignees = who.length && i % 4 === 0 ? [who[i % who.length], who[(i + 1) % who.length]].filter((v, k, a) => a.indexOf(v) === k).join(";") : "";
    const labels = i % 6 === 0 ? "category1;category3" : i % 6 === 1 ? "category2" : "";
    const day = String(1 + (i % 28)).padStart(2, "0");
    lines.push(
      [
        title,
        buckets[i % buckets.length],
        assignees,
        labels,
        i % 2 ? `2026-12-${day}` : "",
        i % 2 ? `2026-12-${day}T17:00:00Z` : "",
        priorities[i % priorities.length],
        i % 9 === 0 ? "50" : "",
        description,
        i % 8 === 0 ? "Call;[x] Email" : "",
        i % 10 === 0 ? "https://example.com/spec|Spec" : "",
      ]
        .map(field)
        .join(","),
    );
  }
  return { text: "\uFEFF" + lines.join("\r\n") + "\r\n", titles };
}

/** Reads a report into rows (via the same CSV rules: quoted fields may hold line breaks). */
export function readReportFile(file) {
  const text = fs.readFileSync(file, "utf8");
  const records = [];
  let rec = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      rec.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      // CRLF ends the record at the \n.
    } else if (c === "\n") {
      rec.push(cell);
      records.push(rec);
      rec = [];
      cell = "";
    } else cell += c;
  }
  if (cell !== "" || rec.length) {
    rec.push(cell);
    records.push(rec);
  }
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
