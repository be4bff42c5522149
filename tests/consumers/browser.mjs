// Runs the browser consumers in headless Chromium (Debian's /usr/bin/chromium through playwright-core;
// never a browser download).
//
//   node browser.mjs ROOT EMULATOR_URL PAGE...      e.g. PAGE = web/index.html
//
// Serves ROOT (the consumers' temp projects) from a tiny static server on 127.0.0.1, opens each page
// with ?emulator=EMULATOR_URL, waits for window.__results (set by scenario.js) and prints one
// `ok`/`FAIL` line per check. Each page must also load exactly one .wasm, with no uncaught error.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const [root, emulator, ...pages] = process.argv.slice(2);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const TIMEOUT = 30_000;

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

function serve(dir) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function line(ok, label, name, detail) {
  console.log(`${ok ? "ok  " : "FAIL"} ${label}: ${name}${ok && detail ? ` (${detail})` : ""}`);
  if (!ok && detail) console.log(String(detail).replace(/^/gm, "       "));
}

let failed = 0;
if (!fs.existsSync(chromiumPath)) {
  line(false, "browser", "Chromium", `${chromiumPath} is missing (run scripts/bootstrap, or set CHROMIUM_PATH)`);
  process.exit(1);
}
const { chromium } = createRequire(path.join(repo, "scripts", "tools", "package.json"))("playwright-core");
const server = await serve(path.resolve(root));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (const page of pages) {
    const label = page.split("/")[0];
    const tab = await browser.newPage();
    const errors = [];
    const consoleLines = [];
    const wasm = [];
    tab.on("pageerror", (e) => errors.push(e.stack || String(e)));
    tab.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    tab.on("request", (r) => {
      if (new URL(r.url()).pathname.endsWith(".wasm")) wasm.push(new URL(r.url()).pathname);
    });
    let results;
    try {
      await tab.goto(`${origin}/${page}?emulator=${encodeURIComponent(emulator)}`, { timeout: TIMEOUT });
      await tab.waitForFunction(() => window.__results, null, { timeout: TIMEOUT });
      results = await tab.evaluate(() => window.__results);
    } catch (e) {
      results = [{ name: "page finished", ok: false, detail: `${e.message}\n${errors.join("\n")}\n${consoleLines.join("\n")}` }];
    }
    results.push({ name: "loads one .wasm", ok: wasm.length === 1, detail: wasm.join(", ") || "none" });
    results.push({ name: "no uncaught error", ok: errors.length === 0, detail: errors.join("\n") });
    for (const r of results) {
      line(r.ok, label, r.name, r.detail);
      if (!r.ok) failed++;
    }
    if (results.some((r) => !r.ok) && consoleLines.length) console.log(consoleLines.map((l) => `       console ${l}`).join("\n"));
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
}
process.exitCode = failed ? 1 : 0;
