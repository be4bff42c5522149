// End-to-end tests of the static demo page (www/) against the local emulator.
//
//   DEMO_URL=http://127.0.0.1:8787/ SCREENSHOT=/tmp/demo.png node --test tests/demo/
//
// Needs: the emulator serving www/ at / and the built npm package at /pkg/, Debian's chromium
// (/usr/bin/chromium, or CHROMIUM_PATH) and playwright-core, resolved from scripts/tools/node_modules
// (installed by the project's bootstrap) or from NODE_PATH. Never runs `playwright install`.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "..", "..");
const DEMO_URL = process.env.DEMO_URL || "http://127.0.0.1:8787/";
const SCREENSHOT = process.env.SCREENSHOT || "/tmp/demo.png";
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const TIMEOUT = 30_000;

function loadPlaywright() {
  const bases = [
    path.join(REPO, "scripts", "tools", "package.json"), // resolves scripts/tools/node_modules
    fileURLToPath(import.meta.url), // node_modules above this file, then NODE_PATH
  ];
  const errors = [];
  for (const base of bases) {
    try {
      return createRequire(base)("playwright-core");
    } catch (e) {
      errors.push(`${base}: ${e.message.split("\n")[0]}`);
    }
  }
  throw new Error(`playwright-core not found (install it in scripts/tools or set NODE_PATH):\n${errors.join("\n")}`);
}

const { chromium } = loadPlaywright();
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

after(async () => {
  await browser?.close();
});

const tid = (id) => `[data-testid="${id}"]`;

/** Opens the demo in a fresh context and records everything suspicious that happens in it. */
async function openDemo() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 960 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const seen = { dialogs: [], pageErrors: [], consoleErrors: [], console: [], requests: [] };
  page.on("dialog", async (d) => {
    seen.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss().catch(() => {});
  });
  page.on("pageerror", (e) => seen.pageErrors.push(String(e && e.message ? e.message : e)));
  page.on("console", (m) => {
    const entry = { type: m.type(), text: m.text(), url: m.location()?.url ?? "" };
    seen.console.push(entry);
    if (m.type() === "error") seen.consoleErrors.push(entry);
  });
  page.on("request", (r) => seen.requests.push({ method: r.method(), url: r.url(), headers: r.headers() }));

  await page.goto(DEMO_URL, { waitUntil: "domcontentloaded" });
  await page.waitForFunction(() => {
    const a = document.querySelector('[data-testid="app"]');
    return a && a.dataset.lib !== "loading" && a.dataset.seed !== "loading";
  });
  const app = page.locator(tid("app"));
  assert.equal(await app.getAttribute("data-lib"), "ready", `library did not load: ${await page.locator(tid("status")).textContent()}`);
  assert.equal(await app.getAttribute("data-seed"), "ready", "emulator seed (/_emulator/seed) not available");
  // The history of the default plan has been loaded (or has failed) before a test starts.
  await page.waitForFunction(() => {
    const h = document.querySelector('[data-testid="history"]');
    return h && h.dataset.state && h.dataset.state !== "loading";
  });
  return { context, page, seen };
}

/** Clicks "Create task" and waits for the card or the error panel. */
async function submit(page) {
  await page.locator(tid("submit")).click();
  const outcome = page.locator(`${tid("result-card")}, ${tid("error-panel")}`);
  await outcome.first().waitFor();
  await page.locator(`${tid("app")}[data-busy="false"]`).waitFor();
  if (await page.locator(tid("error-panel")).count()) {
    return { kind: "error", text: await page.locator(tid("error-panel")).innerText() };
  }
  return { kind: "card", text: await page.locator(tid("result-card")).innerText() };
}

/** Console errors other than failed resource loads of unrelated URLs (e.g. a 401 of the history). */
function scriptErrors(seen) {
  return seen.consoleErrors.filter(
    (e) => !(e.text.startsWith("Failed to load resource") && !/\/x(\?|$)/.test(e.url)),
  );
}

async function historyTitles(page) {
  return page.locator(`${tid("history-list")} ${tid("history-item-title")}`).allTextContents();
}

test("creates a task and shows it in the card and the history", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    const title = `Demo task ${new Date().toISOString()}`;
    await page.locator(tid("title")).fill(title);
    const assignees = page.locator(`${tid("assignees")} input${tid("assignee")}`);
    if (await assignees.count()) await assignees.first().check();
    await page.locator(tid("priority")).selectOption("3");
    await page.locator(tid("category-category1")).check();
    await page.locator(tid("category-category4")).check();
    await page.locator(tid("due")).fill("2026-12-01T18:00");
    const dueIso = await page.evaluate(() => new Date("2026-12-01T18:00").toISOString().replace(/\.000Z$/, "Z"));
    assert.equal(await page.locator(tid("due-utc")).textContent(), `→ ${dueIso}`);

    const r = await submit(page);
    assert.equal(r.kind, "card", `expected a created task, got:\n${r.text}`);

    const card = page.locator(tid("result-card"));
    assert.equal(await card.locator(tid("card-title")).textContent(), title);
    assert.match((await card.locator(tid("card-id")).textContent()).trim(), /\S/);
    assert.match(await card.locator(tid("card-priority")).first().textContent(), /Important \(3\)/);
    const cats = await card.locator(tid("card-categories")).textContent();
    assert.match(cats, /category1/);
    assert.match(cats, /category4/);
    const due = await card.locator(`${tid("card-dueDateTime")} time`).getAttribute("datetime");
    assert.equal(Date.parse(due), Date.parse(dueIso));
    if (await assignees.count()) assert.ok((await card.locator(tid("card-assignee")).count()) >= 1);

    const raw = JSON.parse(await page.locator(tid("raw-json")).textContent());
    assert.equal(raw.title, title);
    assert.equal(await card.locator(tid("card-id")).textContent(), raw.id);
    assert.equal(await card.locator(tid("card-planId")).locator("code").textContent(), raw.planId);
    if (raw["@odata.etag"]) assert.equal(await card.locator(tid("card-etag")).textContent(), raw["@odata.etag"]);

    // History refreshes after the create; the new task is first (newest first) and marked.
    const item = page.locator(`${tid("history-item")}[data-task-id="${raw.id}"]`);
    await item.waitFor();
    assert.equal(await item.locator(tid("history-item-title")).textContent(), title);
    assert.equal((await historyTitles(page))[0], title, "newest task should be listed first");

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(seen.dialogs, []);
  } finally {
    await context.close();
  }
});

test("renders a hostile title literally (no HTML injection)", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    const payload = "<img src=x onerror=alert(1)>";
    await page.locator(tid("title")).fill(payload);
    const r = await submit(page);
    assert.equal(r.kind, "card", `expected a created task, got:\n${r.text}`);

    const card = page.locator(tid("result-card"));
    assert.equal(await card.locator(tid("card-title")).textContent(), payload);
    assert.equal(await card.locator(tid("card-title")).innerText(), payload, "title must be visible as text");
    const raw = JSON.parse(await page.locator(tid("raw-json")).textContent());
    assert.equal(raw.title, payload);

    const item = page.locator(`${tid("history-item")}[data-task-id="${raw.id}"]`);
    await item.waitFor();
    assert.equal(await item.locator(tid("history-item-title")).textContent(), payload);

    // Give a would-be onerror handler time to fire.
    await page.waitForTimeout(500);
    const imgs = await page.evaluate(() => ({
      inResult: document.querySelectorAll('[data-testid="result"] img').length,
      inHistory: document.querySelectorAll('[data-testid="history-list"] img').length,
      srcX: [...document.querySelectorAll("img")].filter((i) => i.getAttribute("src") === "x").length,
    }));
    assert.deepEqual(imgs, { inResult: 0, inHistory: 0, srcX: 0 });
    assert.deepEqual(seen.dialogs, [], "no alert/confirm/prompt dialog may open");
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(scriptErrors(seen), [], "no console error (script injection, CSP violation, …)");
    assert.equal(seen.requests.filter((q) => /\/x(\?|$)/.test(new URL(q.url).pathname)).length, 0, "no request for src=x");
  } finally {
    await context.close();
  }
});

test("an empty title is reported as a validation GraphError with problems", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    await page.locator(tid("title")).fill("");
    const before = seen.requests.length;
    const r = await submit(page);
    assert.equal(r.kind, "error", `expected a GraphError panel, got:\n${r.text}`);

    const panel = page.locator(tid("error-panel"));
    assert.equal(await panel.getAttribute("data-kind"), "validation");
    assert.equal((await panel.locator(tid("error-kind")).textContent()).trim(), "validation");
    assert.equal((await panel.locator(tid("error-mayHaveBeenCreated")).textContent()).trim(), "no");
    const fields = await panel.locator(tid("error-problem-field")).allTextContents();
    assert.ok(fields.length >= 1, "problems list must not be empty");
    assert.ok(fields.some((f) => /title/i.test(f)), `a problem should name the title field, got ${JSON.stringify(fields)}`);
    for (const m of await panel.locator(tid("error-problem-message")).allTextContents()) assert.match(m, /\S/);
    // Every GraphError field has its row.
    for (const f of ["kind", "status", "code", "message", "innerCode", "requestId", "clientRequestId", "date", "retryAfterMs", "mayHaveBeenCreated", "problems"]) {
      assert.equal(await panel.locator(tid(`error-${f}`)).count(), 1, `row for ${f}`);
    }
    // Validation happens before any network request to create a task.
    const posts = seen.requests.slice(before).filter((q) => q.method === "POST");
    assert.deepEqual(posts.map((q) => q.url), []);
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await context.close();
  }
});

test("a priority out of range is reported as a validation GraphError", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    await page.locator(tid("title")).fill("Priority out of range");
    await page.locator(tid("priority")).selectOption("custom");
    await page.locator(tid("priority-custom")).fill("11");
    const r = await submit(page);
    assert.equal(r.kind, "error", `expected a GraphError panel, got:\n${r.text}`);
    const panel = page.locator(tid("error-panel"));
    assert.equal((await panel.locator(tid("error-kind")).textContent()).trim(), "validation");
    const fields = await panel.locator(tid("error-problem-field")).allTextContents();
    assert.ok(fields.some((f) => /priority/i.test(f)), `a problem should name priority, got ${JSON.stringify(fields)}`);
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await context.close();
  }
});

test("a legacy /me/tasks task is created and listed", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    await page.locator(tid("endpoint")).selectOption("me");
    assert.equal(await page.locator(tid("priority")).isVisible(), false, "the 2015 task has no priority");
    assert.equal(await page.locator(tid("category-category0")).count(), 1);
    assert.equal(await page.locator(tid("category-category6")).count(), 0);
    const title = `Legacy task ${new Date().toISOString()}`;
    await page.locator(tid("title")).fill(title);
    await page.locator(tid("category-category0")).check();
    const r = await submit(page);
    assert.equal(r.kind, "card", `expected a created task, got:\n${r.text}`);
    const raw = JSON.parse(await page.locator(tid("raw-json")).textContent());
    assert.equal(raw.title, title);
    assert.equal(typeof raw.createdBy, "string", "legacy task carries createdBy as a user-id string");
    assert.equal(await page.locator(tid("card-title")).textContent(), title);
    await page.locator(`${tid("history-item")}[data-task-id="${raw.id}"]`).waitFor();
    const posts = seen.requests.filter((q) => q.method === "POST").map((q) => new URL(q.url).pathname);
    assert.ok(posts.some((p) => p.endsWith("/me/tasks")), `POST went to ${JSON.stringify(posts)}`);
  } finally {
    await context.close();
  }
});

test("a pasted token stays in memory (no storage, URL or console)", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    const secret = `test-secret-${Math.random().toString(36).slice(2)}`;
    await page.locator(tid("target-real")).check();
    assert.equal(await page.locator(tid("token")).getAttribute("type"), "password");
    await page.locator(tid("base-url")).fill(new URL("/v1.0", DEMO_URL).href);
    await page.locator(tid("token")).fill(secret);
    await page.locator(tid("plan-input")).fill(await page.evaluate(() => fetch("/_emulator/seed").then((r) => r.json()).then((s) => s.plans[0].id)));
    await page.locator(tid("title")).fill("Token hygiene");
    await submit(page); // the emulator may accept or refuse this token: either way it must not leak.

    const sent = seen.requests.filter((q) => q.method === "POST");
    assert.ok(sent.length >= 1, "a create request was sent");
    assert.equal(sent[sent.length - 1].headers.authorization, `Bearer ${secret}`);
    assert.ok(seen.requests.every((q) => !q.url.includes(secret)), "token in a request URL");
    assert.ok(!page.url().includes(secret), "token in the page URL");
    const stored = await page.evaluate(() => JSON.stringify({ l: { ...localStorage }, s: { ...sessionStorage }, c: document.cookie }));
    assert.ok(!stored.includes(secret), "token in web storage or cookies");
    assert.deepEqual((await context.cookies()).filter((c) => c.value.includes(secret)), []);
    assert.ok(seen.console.every((m) => !m.text.includes(secret)), "token logged to the console");
  } finally {
    await context.close();
  }
});
