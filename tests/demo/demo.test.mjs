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
import { parseCsv } from "../../www/js/csv.js";

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

test("the demo never sends the token to a non-loopback http URL", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    // Everything that would leave for evil.test is answered here, so a leak is seen and nothing waits.
    await context.route(/evil\.test|127\.0\.0\.\+1/, (route) => route.fulfill({ status: 200, body: "{}" }));
    await page.locator(tid("target-real")).check();
    await page.locator(tid("plan-input")).fill("xqQg5FS2LkCp935s-FIFm2QAFkHM");
    const token = "demo-secret-token-123";
    // Typed key by key, with change events in between, into every field that can start a request.
    await page.locator(tid("token")).pressSequentially(token);
    await page.locator(tid("token")).press("Tab");
    for (const base of ["http://evil.test/v1.0", "http://127.0.0.+1:8787/v1.0", "http://user@127.0.0.1/v1.0"]) {
      await page.locator(tid("base-url")).fill("");
      await page.locator(tid("base-url")).pressSequentially(base);
      await page.locator(tid("base-url")).press("Tab");
      await page.locator(tid("history-refresh")).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="history"]')?.dataset.state !== "loading");
      await page.locator(tid("title")).fill(`leak probe ${base}`);
      await submit(page);
    }
    const leaks = seen.requests.filter((r) => {
      const url = new URL(r.url);
      const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
      return url.protocol === "http:" && !loopback && Object.values(r.headers).some((v) => String(v).includes(token));
    });
    assert.deepEqual(leaks.map((r) => r.url), [], "the token went over plain http to a host that is not loopback");
    assert.equal(seen.requests.filter((r) => /evil\.test|\+1/.test(r.url)).length, 0, "no request at all went to those hosts");
    assert.match(await page.locator(tid("history-state")).innerText(), /only sent over https/);
  } finally {
    await context.close();
  }
});

// ───────────────────────── issue 18: the complete task, names, bulk import ─────────────────────────

const SHOTS = path.dirname(SCREENSHOT);
const PLAN_ID = "xqQg5FS2LkCp935s-FIFm2QAFkHM"; // "Client onboarding" of the built-in seed

/** GET a Graph route of the emulator with the development token, from inside the page. */
async function graphGet(page, route) {
  return page.evaluate(async (r) => {
    const res = await fetch(`/v1.0${r}`, { headers: { Authorization: "Bearer dev-token" }, cache: "no-store" });
    if (!res.ok) throw new Error(`GET ${r}: ${res.status}`);
    return res.json();
  }, route);
}

/** Every task of a plan, following @odata.nextLink. */
async function planTasks(page, planId) {
  return page.evaluate(async (id) => {
    const out = [];
    let next = `/v1.0/planner/plans/${id}/tasks`;
    while (next) {
      const res = await fetch(next, { headers: { Authorization: "Bearer dev-token" }, cache: "no-store" });
      const data = await res.json();
      out.push(...data.value);
      next = data["@odata.nextLink"] ?? null;
    }
    return out;
  }, planId);
}

async function emulatorConfig(page, body) {
  return page.evaluate(async (b) => {
    const res = await fetch("/_emulator/config", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(b) });
    return res.json();
  }, body);
}

async function waitPlanOpen(page) {
  await page.waitForFunction(() => {
    const a = document.querySelector('[data-testid="app"]');
    return a.dataset.openPlan !== "true" || a.dataset.plan === "open";
  });
}

async function addChecklist(page, title) {
  await page.locator(tid("checklist-new")).fill(title);
  await page.locator(tid("checklist-new")).press("Enter");
}

test("a complete task (description, checklist, reference, labels by name, assignee by email) shows as the service holds it", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    await waitPlanOpen(page);
    const seed = await page.evaluate(() => fetch("/_emulator/seed").then((r) => r.json()));
    const adele = seed.users.find((u) => u.displayName === "Adele Vance");
    const title = `Complete task ${new Date().toISOString()}`;
    await page.locator(tid("title")).fill(title);
    await page.locator(tid("bucket-select")).selectOption({ label: "In progress" });
    // Labels are chips with the plan's names; unnamed ones read "Label N".
    assert.equal(await page.locator(`${tid("label-toggle")}[data-name="Client"]`).count(), 1);
    assert.match(await page.locator(tid("categories")).innerText(), /Label 7/);
    await page.locator(`${tid("label-toggle")}[data-name="Client"]`).click();
    await page.locator(`${tid("label-toggle")}[data-name="Internal"]`).click();
    await page.locator(tid("assignees-input")).fill(adele.mail);
    await page.locator(tid("priority")).selectOption("1");
    const description = "Kick-off with the client.\nBring the signed contract.";
    await page.locator(tid("description")).fill(description);

    // The checklist editor: add four, remove one, move one up, check one.
    for (const t of ["Book the room", "Send the agenda", "Remove me", "Print the contract"]) await addChecklist(page, t);
    const items = page.locator(tid("checklist-item"));
    assert.equal(await items.count(), 4);
    await items.nth(2).locator(tid("checklist-item-remove")).click();
    assert.equal(await items.count(), 3);
    await items.nth(2).locator(tid("checklist-item-up")).click(); // "Print the contract" above "Send the agenda"
    const order = await page.locator(tid("checklist-item-title")).evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(order, ["Book the room", "Print the contract", "Send the agenda"]);
    await items.nth(0).locator(tid("checklist-item-checked")).check();

    const refUrl = "https://contoso.example/contracts/2026.pdf?v=2";
    await page.locator(tid("reference-url")).fill(refUrl);
    await page.locator(tid("reference-alias")).fill("Signed contract");
    await page.locator(tid("reference-add")).click();
    assert.equal(await page.locator(tid("reference-item")).count(), 1);

    const r = await submit(page);
    assert.equal(r.kind, "card", `expected a created task, got:\n${r.text}`);
    const card = page.locator(tid("result-card"));
    const raw = JSON.parse(await page.locator(tid("raw-json")).textContent());

    // What the service holds, read back from it.
    const task = await graphGet(page, `/planner/tasks/${raw.id}`);
    const details = await graphGet(page, `/planner/tasks/${raw.id}/details`);
    assert.equal(task.title, title);
    assert.deepEqual(Object.keys(task.appliedCategories).sort(), ["category3", "category4"]);
    assert.deepEqual(Object.keys(task.assignments), [adele.id]);
    assert.equal(task.bucketId, seed.plans[0].buckets.find((b) => b.name === "In progress").id);
    assert.equal(details.description, description);

    assert.equal(await card.locator(tid("card-title")).textContent(), title);
    assert.equal(await card.locator(tid("card-description")).textContent(), details.description);
    assert.deepEqual(await card.locator(tid("label-chip-name")).allTextContents(), ["Client", "Internal"]);
    assert.equal(await card.locator(tid("card-bucket-name")).textContent(), "In progress ");
    assert.equal(await card.locator(tid("card-assignee")).getAttribute("data-user-id"), adele.id);
    assert.match(await card.locator(tid("card-assignees")).innerText(), /Adele Vance/);

    const held = Object.entries(details.checklist)
      .sort(([, a], [, b]) => (a.orderHint < b.orderHint ? -1 : a.orderHint > b.orderHint ? 1 : 0))
      .map(([, v]) => ({ title: v.title, isChecked: v.isChecked }));
    assert.deepEqual(held, [
      { title: "Book the room", isChecked: true },
      { title: "Print the contract", isChecked: false },
      { title: "Send the agenda", isChecked: false },
    ]);
    const shown = await card.locator(tid("card-checklist-item")).evaluateAll((lis) => lis.map((li) => ({
      title: li.querySelector('[data-testid="card-checklist-title"]').textContent,
      isChecked: li.querySelector('input[type="checkbox"]').checked,
    })));
    assert.deepEqual(shown, held);

    const refKeys = Object.keys(details.references);
    assert.equal(refKeys.length, 1);
    assert.equal(decodeURIComponent(refKeys[0]), refUrl);
    assert.equal(details.references[refKeys[0]].alias, "Signed contract");
    const link = card.locator(tid("card-reference-link"));
    assert.equal(await link.textContent(), "Signed contract");
    assert.equal(await link.getAttribute("href"), refUrl);
    assert.equal(await link.getAttribute("rel"), "noopener noreferrer");

    fs.mkdirSync(SHOTS, { recursive: true });
    await page.locator(tid("result")).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, "demo-task.png"), fullPage: true });
    // From the history, the same task with its details read from the service.
    const item = page.locator(`${tid("history-item")}[data-task-id="${raw.id}"]`);
    await item.locator("button").click();
    await page.locator(`${tid("result-card")} ${tid("card-details")}`).waitFor();
    assert.match(await page.locator(tid("result-card")).textContent(), /From history/);
    assert.equal(await page.locator(tid("card-description")).textContent(), description);
    assert.equal(await page.locator(tid("card-checklist-item")).count(), 3);

    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(scriptErrors(seen), []);
  } finally {
    await context.close();
  }
});

test("XSS attempts in the description, checklist, a reference alias and a javascript: URL are text or refused", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    await waitPlanOpen(page);
    const desc = `<img src=x onerror=alert(1)>\n<script>alert(2)</script>`;
    const items = [`<svg onload=alert(3)>`, `"><img src=x onerror=alert(4)>`, `<a href="javascript:alert(5)">click</a>`];
    const alias = `<img src=x onerror=alert(6)><a href=javascript:alert(7)>x</a>`;
    await page.locator(tid("title")).fill("XSS details");
    await page.locator(tid("description")).fill(desc);
    for (const t of items) await addChecklist(page, t);
    // A javascript: URL is refused by the editor (and would be by the library and the service).
    for (const bad of ["javascript:alert(8)", "JaVaScRiPt:alert(9)", "data:text/html,<script>alert(10)</script>"]) {
      await page.locator(tid("reference-url")).fill(bad);
      await page.locator(tid("reference-add")).click();
      assert.match(await page.locator(tid("reference-error")).innerText(), /not an http:\/\/ or https:\/\/ URL/);
    }
    assert.equal(await page.locator(tid("reference-item")).count(), 0);
    await page.locator(tid("reference-url")).fill("https://example.com/x");
    await page.locator(tid("reference-alias")).fill(alias);
    await page.locator(tid("reference-add")).click();

    const r = await submit(page);
    assert.equal(r.kind, "card", `expected a created task, got:\n${r.text}`);
    const card = page.locator(tid("result-card"));
    assert.equal(await card.locator(tid("card-description")).textContent(), desc);
    assert.deepEqual(await card.locator(tid("card-checklist-title")).allTextContents(), items);
    assert.equal(await card.locator(tid("card-reference-link")).textContent(), alias);

    // The bulk import refuses a javascript: reference in a row, before anything is sent.
    await page.locator(tid("bulk-csv")).fill(`title,references,description\nBad link,javascript:alert(11)|x,"<img src=x onerror=alert(12)>"\n`);
    await page.locator(tid("bulk-check")).click();
    await page.locator(`${tid("bulk")}[data-state="checked"]`).waitFor();
    const row = page.locator(tid("bulk-row")).first();
    assert.equal(await row.getAttribute("data-state"), "invalid");
    assert.match(await row.locator(tid("bulk-row-result")).innerText(), /"javascript:alert\(11\)" is not an http or https URL/);

    await page.waitForTimeout(500);
    const dom = await page.evaluate(() => ({
      injected: document.querySelectorAll('[data-testid="result"] img, [data-testid="result"] svg, [data-testid="result"] script, [data-testid="bulk"] img').length,
      srcX: [...document.querySelectorAll("img")].filter((i) => i.getAttribute("src") === "x").length,
      links: [...document.querySelectorAll("a[href]")].map((a) => ({ href: a.getAttribute("href"), rel: a.getAttribute("rel") })),
    }));
    assert.equal(dom.injected, 0);
    assert.equal(dom.srcX, 0);
    for (const l of dom.links) {
      assert.match(l.href, /^https?:\/\//, `a link that is not http(s): ${l.href}`);
      assert.equal(l.rel, "noopener noreferrer");
    }
    assert.deepEqual(seen.dialogs, [], "no alert/confirm/prompt dialog may open");
    assert.deepEqual(seen.pageErrors, []);
    assert.deepEqual(scriptErrors(seen), []);
    assert.equal(seen.requests.filter((q) => /\/x(\?|$)/.test(new URL(q.url).pathname)).length, 0, "no request for src=x");
  } finally {
    await context.close();
  }
});

test("bad rows are shown with their problems before anything is sent", { timeout: 90_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    await waitPlanOpen(page);
    const p = `Checked ${Date.now()}`;
    const csv = [
      "\uFEFFtitle,bucket,assignees,labels,start,due,priority,percentComplete,description,checklist,references",
      `${p} good,To do,AlexW@contoso.com,Client;Urgent,2026-12-01,2026-12-05,Important,10,"Line one\nline ""two"", with a comma",A;[x] B,https://example.com|Spec`,
      `,To do,,,,,,,,,`,
      `${p} bad priority,,,,,,Huge,,,,`,
      `${p} bad date,,,,,2026-13-45,,,,,`,
      `${p} start after due,,,,2026-12-09,2026-12-01,,,,,`,
      `${p} bad percent,,,,,,,150,,,`,
      `${p} unknown bucket,Nowhere,,,,,,,,,`,
      `${p} unknown label,,,Nope,,,,,,,`,
      `${p} unknown person,,nobody@contoso.com,,,,,,,,`,
      `${p} too few fields,To do`,
      `${p} also good,Done,,Label 9;category9,,,,,,,`,
    ].join("\r\n");
    const before = seen.requests.length;
    await page.locator(tid("bulk-csv")).fill(csv);
    await page.locator(tid("bulk-check")).click();
    await page.locator(`${tid("bulk")}[data-state="checked"]`).waitFor();
    const rows = await page.locator(tid("bulk-row")).evaluateAll((trs) => trs.map((tr) => ({
      row: Number(tr.dataset.row),
      state: tr.dataset.state,
      text: tr.querySelector('[data-testid="bulk-row-result"]').innerText,
    })));
    const byRow = Object.fromEntries(rows.map((r) => [r.row, r]));
    assert.equal(rows.length, 12 - 1, "one row per task row (the header is row 1)");
    assert.equal(byRow[2].state, "ready", byRow[2].text);
    assert.equal(byRow[12].state === "invalid", true, "'Label 9' is not a name of the plan");
    const expect = {
      3: /title.*the title is empty/s,
      4: /priority.*"Huge" is not a priority/s,
      5: /due.*"2026-13-45" is not a date/s,
      6: /start.*after the due date/s,
      7: /percentComplete.*"150"/s,
      8: /bucket.*Nowhere/s,
      9: /labels\[0\].*Nope/s,
      10: /assignees\[0\].*nobody@contoso\.com/s,
      11: /2 fields where the header has 11/,
    };
    for (const [row, re] of Object.entries(expect)) {
      assert.equal(byRow[row].state, "invalid", `row ${row}`);
      assert.match(byRow[row].text, re, `row ${row}`);
    }
    // The multi-line quoted description is one row, read exactly.
    assert.match(await page.locator(`${tid("bulk-row")}[data-row="2"]`).innerText(), /description, 2 checklist, 1 ref/);
    assert.equal(await page.locator(tid("bulk-create")).textContent(), "Create 1 task");
    assert.match(await page.locator(tid("bulk-summary")).innerText(), /Nothing has been sent/);
    const writes = seen.requests.slice(before).filter((q) => q.method !== "GET" && q.method !== "OPTIONS");
    assert.deepEqual(writes.map((q) => `${q.method} ${q.url}`), [], "nothing is sent by checking the rows");

    // Creating sends the good row only; the others keep their problems.
    await page.locator(tid("bulk-create")).click();
    await page.locator(`${tid("bulk")}[data-state="done"]`).waitFor();
    assert.equal(await page.locator(`${tid("bulk-row")}[data-row="2"]`).getAttribute("data-state"), "created");
    assert.equal(await page.locator(`${tid("bulk-row")}[data-state="invalid"]`).count(), 10);
    const mine = (await planTasks(page, PLAN_ID)).filter((t) => t.title.startsWith(p));
    assert.deepEqual(mine.map((t) => t.title), [`${p} good`]);
    const details = await graphGet(page, `/planner/tasks/${mine[0].id}/details`);
    assert.equal(details.description, 'Line one\nline "two", with a comma');
    assert.deepEqual(Object.values(details.checklist).map((c) => [c.title, c.isChecked]).sort(), [["A", false], ["B", true]]);
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await context.close();
  }
});

function bulkCsv(prefix, n, seed) {
  const buckets = seed.plans[0].buckets.map((b) => b.name);
  const labels = Object.values(seed.plans[0].categories);
  const people = seed.users.map((u) => u.mail);
  // Every other row completed (percentComplete 100): fewer active tasks, so that the suite can run again
  // and again against one emulator before the plan's 2,400 active tasks are reached.
  const lines = ["title,bucket,assignees,labels,due,priority,percentComplete,checklist"];
  for (let i = 1; i <= n; i++) {
    lines.push([`${prefix} ${String(i).padStart(3, "0")}`, buckets[i % buckets.length], people[i % people.length], labels[i % labels.length], `2026-12-${String(1 + (i % 28)).padStart(2, "0")}`, ["Urgent", "Important", "Medium", "Low"][i % 4], i % 2 ? "100" : "0", i % 10 === 0 ? "First;[x] Second" : ""].join(","));
  }
  return lines.join("\n");
}

async function watchProgress(page) {
  await page.evaluate(() => {
    window.__progress = [];
    const bar = document.querySelector('[data-testid="bulk-progress"]');
    new MutationObserver(() => window.__progress.push(Number(bar.dataset.done ?? bar.value))).observe(bar, { attributes: true, attributeFilter: ["data-done"] });
  });
}

test("a 200-row paste moves the progress bar (throttled) and gives 200 tasks and 200 row results", { timeout: 180_000 }, async (t) => {
  const { context, page, seen } = await openDemo();
  try {
    await waitPlanOpen(page);
    const seed = await page.evaluate(() => fetch("/_emulator/seed").then((r) => r.json()));
    // The advanced options switch the local emulator to a throttled Graph.
    await page.locator(`${tid("bulk-advanced")} summary`).click();
    await page.locator(tid("emulator-mode")).selectOption("throttled");
    await page.locator(tid("emulator-apply")).click();
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid="emulator-config"]').dataset.config ?? "{}").rateLimit === 150);

    const prefix = `Bulk ${Date.now()}`;
    await page.locator(tid("bulk-csv")).fill(bulkCsv(prefix, 200, seed));
    await page.locator(tid("bulk-check")).click();
    await page.locator(`${tid("bulk")}[data-state="checked"]`).waitFor();
    assert.equal(await page.locator(`${tid("bulk-row")}[data-state="ready"]`).count(), 200);
    assert.equal(await page.locator(tid("bulk-create")).textContent(), "Create 200 tasks");
    await watchProgress(page);
    await page.locator(tid("bulk-create")).click();
    await page.locator(`${tid("bulk")}[data-state="done"]`).waitFor({ timeout: 150_000 });

    const progress = await page.evaluate(() => window.__progress);
    assert.ok(new Set(progress).size >= 5, `the bar moved through few values: ${JSON.stringify(progress)}`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1], `the bar went back: ${JSON.stringify(progress)}`);
    assert.equal(progress[progress.length - 1], 200);
    assert.equal(await page.locator(tid("bulk")).getAttribute("data-throttled"), "seen", "a throttling wait was shown");
    t.diagnostic(`progress values: ${progress.length}; throttled progress reports: ${await page.locator(tid("bulk")).getAttribute("data-throttle-waits")}; ${await page.locator(tid("bulk-summary")).innerText()}`);

    const results = await page.locator(tid("bulk-row")).evaluateAll((trs) => trs.map((tr) => ({ state: tr.dataset.state, id: tr.querySelector('[data-testid="bulk-row-task-id"]')?.textContent ?? null, text: tr.querySelector('[data-testid="bulk-row-result"]').innerText })));
    assert.equal(results.length, 200);
    assert.deepEqual(results.filter((r) => r.state !== "created").map((r) => r.text), []);
    assert.equal(await page.locator(tid("bulk-created-count")).textContent(), "200");

    const mine = (await planTasks(page, PLAN_ID)).filter((t) => t.title.startsWith(prefix));
    assert.equal(mine.length, 200, "200 tasks in the plan");
    assert.equal(new Set(mine.map((t) => t.title)).size, 200, "no title twice");
    assert.deepEqual(new Set(results.map((r) => r.id)), new Set(mine.map((t) => t.id)));

    // The history follows @odata.nextLink: every task of the plan is counted.
    await page.waitForFunction(() => document.querySelector('[data-testid="history"]').dataset.state === "ready");
    const all = await planTasks(page, PLAN_ID);
    assert.ok(all.length > 100);
    assert.equal(Number(await page.locator(tid("history")).getAttribute("data-count")), all.length);

    fs.mkdirSync(SHOTS, { recursive: true });
    await page.locator(tid("bulk")).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, "demo-bulk.png"), fullPage: true });
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await emulatorConfig(page, { chaosRate: 0, rateLimit: 0, latencyMs: 0 }).catch(() => {});
    await context.close();
  }
});

test("Cancel mid-run shows which rows were created and which were not", { timeout: 120_000 }, async (t) => {
  const { context, page, seen } = await openDemo();
  try {
    await waitPlanOpen(page);
    const seed = await page.evaluate(() => fetch("/_emulator/seed").then((r) => r.json()));
    await page.locator(`${tid("bulk-advanced")} summary`).click();
    await page.locator(tid("emulator-mode")).selectOption("slow");
    await page.locator(tid("emulator-apply")).click();
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid="emulator-config"]').dataset.config ?? "{}").latencyMs === 400);
    await page.locator(tid("bulk-concurrency")).fill("1");
    await page.locator(tid("bulk-batch-size")).fill("10");

    const prefix = `Cancel ${Date.now()}`;
    await page.locator(tid("bulk-csv")).fill(bulkCsv(prefix, 200, seed));
    await page.locator(tid("bulk-check")).click();
    await page.locator(`${tid("bulk")}[data-state="checked"]`).waitFor();
    await page.locator(tid("bulk-create")).click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="bulk-progress"]').dataset.done ?? 0) >= 20, null, { timeout: 60_000 });
    assert.equal(await page.locator(tid("bulk-cancel")).isEnabled(), true);
    await page.locator(tid("bulk-cancel")).click();
    await page.locator(`${tid("bulk")}[data-state="cancelled"]`).waitFor({ timeout: 60_000 });

    const rows = await page.locator(tid("bulk-row")).evaluateAll((trs) => trs.map((tr) => ({
      title: tr.querySelector('[data-testid="bulk-row-title"]').textContent,
      state: tr.dataset.state,
      id: tr.querySelector('[data-testid="bulk-row-task-id"]')?.textContent ?? null,
      text: tr.querySelector('[data-testid="bulk-row-result"]').innerText,
    })));
    assert.equal(rows.length, 200);
    const created = rows.filter((r) => r.state === "created");
    const aborted = rows.filter((r) => r.state === "aborted");
    const maybe = rows.filter((r) => r.state === "failed");
    const found = created.filter((r) => /found after the cancel/.test(r.text)).length;
    assert.ok(created.length >= 20 && created.length < 200, `created ${created.length}`);
    assert.ok(aborted.length > 0, "some rows were not created");
    assert.equal(created.length + aborted.length + maybe.length, 200, "every row has its result");
    t.diagnostic(`cancelled: ${created.length} created (${found} of them found in the plan after the cancel); ${aborted.length} not created; ${maybe.length} may have been created`);
    for (const r of aborted) assert.match(r.text, /cancelled: not created/);
    for (const r of maybe) assert.match(r.text, /may have been created/);
    assert.match(await page.locator(tid("bulk-summary")).innerText(), new RegExp(`Cancelled in [\\d.]+ s: ${created.length} created, ${200 - created.length} not created\\.`));

    // The service holds the created rows, none of the cancelled ones, and nothing twice.
    await page.waitForTimeout(1500); // a batch answered after the abort is in the store by now
    const mine = (await planTasks(page, PLAN_ID)).filter((t) => t.title.startsWith(prefix));
    assert.equal(new Set(mine.map((t) => t.title)).size, mine.length, "no title twice");
    const held = new Set(mine.map((t) => t.title));
    for (const r of created) assert.ok(held.has(r.title), `${r.title} is shown created but is not in the plan`);
    for (const r of aborted) assert.ok(!held.has(r.title), `${r.title} is shown not created but is in the plan`);
    // Every row ends as created or not: the page looked in the plan for the creates in flight.
    assert.equal(maybe.length, 0, "no row is left as 'may have been created'");
    assert.equal(held.size, created.length, "the plan holds exactly the rows shown created");
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await emulatorConfig(page, { chaosRate: 0, rateLimit: 0, latencyMs: 0 }).catch(() => {});
    await context.close();
  }
});

// The page's own RFC 4180 reader (www/js/csv.js has no DOM and runs in Node as it is).
test("the page's CSV reader: quotes, doubled quotes, embedded line breaks, BOM, CRLF, errors", () => {
  const r = parseCsv('\uFEFFtitle,description\r\n"a, b","say ""hi""\nand go"\r\nplain,\n\n"last",x');
  assert.equal(r.error, null);
  assert.deepEqual(r.records.map((x) => x.fields), [["title", "description"], ["a, b", 'say "hi"\nand go'], ["plain", ""], [""], ["last", "x"]]);
  assert.deepEqual(r.records.map((x) => x.row), [1, 2, 3, 4, 5]);
  assert.deepEqual(parseCsv("a,b\rc,d\r").records.map((x) => x.fields), [["a", "b"], ["c", "d"]]);
  assert.deepEqual(parseCsv('a"b,"",c').records[0].fields, ['a"b', "", "c"]);
  assert.deepEqual(parseCsv("").records, []);
  assert.deepEqual(parseCsv('a\n"open').error, { row: 2, message: "a quoted field is not closed" });
  assert.equal(parseCsv('"a"b,c').error.row, 1);
});

test("a faulty emulator (chaos 0.3): every row ends created, each task once", { timeout: 150_000 }, async (t) => {
  const { context, page, seen } = await openDemo();
  try {
    await waitPlanOpen(page);
    const seed = await page.evaluate(() => fetch("/_emulator/seed").then((r) => r.json()));
    await page.locator(`${tid("bulk-advanced")} summary`).click();
    await page.locator(tid("emulator-mode")).selectOption("faulty");
    await page.locator(tid("emulator-apply")).click();
    await page.waitForFunction(() => JSON.parse(document.querySelector('[data-testid="emulator-config"]').dataset.config ?? "{}").chaosRate === 0.3);
    const prefix = `Faulty ${Date.now()}`;
    await page.locator(tid("bulk-csv")).fill(bulkCsv(prefix, 100, seed));
    await page.locator(tid("bulk-check")).click();
    await page.locator(`${tid("bulk")}[data-state="checked"]`).waitFor();
    await page.locator(tid("bulk-create")).click();
    await page.locator(`${tid("bulk")}[data-state="done"]`).waitFor({ timeout: 120_000 });
    const rows = await page.locator(tid("bulk-row")).evaluateAll((trs) => trs.map((tr) => ({ state: tr.dataset.state, text: tr.querySelector('[data-testid="bulk-row-result"]').innerText })));
    t.diagnostic(await page.locator(tid("bulk-summary")).innerText());
    assert.deepEqual(rows.filter((r) => r.state !== "created").map((r) => r.text), []);
    const mine = (await planTasks(page, PLAN_ID)).filter((x) => x.title.startsWith(prefix));
    assert.equal(mine.length, 100);
    assert.equal(new Set(mine.map((x) => x.title)).size, 100, "no title twice");
    assert.deepEqual(seen.pageErrors, []);
  } finally {
    await emulatorConfig(page, { chaosRate: 0, rateLimit: 0, latencyMs: 0 }).catch(() => {});
    await context.close();
  }
});

test("a chosen CSV file (BOM, CRLF, quoted line breaks) is read and checked, nothing sent", { timeout: 60_000 }, async () => {
  const { context, page, seen } = await openDemo();
  try {
    await waitPlanOpen(page);
    const before = seen.requests.length;
    const csv = '\uFEFFtitle,bucket,description,checklist\r\nFrom a file,To do,"two\r\nlines","[x] done;open"\r\n,Nowhere,,\r\n';
    await page.locator(tid("bulk-file")).setInputFiles({ name: "tasks.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    await page.locator(`${tid("bulk")}[data-state="checked"]`).waitFor();
    assert.equal(await page.locator(tid("bulk-csv")).inputValue(), csv.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n"), "the file's text is in the box");
    const rows = await page.locator(tid("bulk-row")).evaluateAll((trs) => trs.map((tr) => [tr.dataset.row, tr.dataset.state, tr.querySelector('[data-testid="bulk-row-title"]').textContent]));
    assert.deepEqual(rows, [["2", "ready", "From a file"], ["3", "invalid", ""]]);
    assert.match(await page.locator(`${tid("bulk-row")}[data-row="3"]`).innerText(), /the title is empty/);
    assert.equal(await page.locator(tid("bulk-create")).textContent(), "Create 1 task");
    assert.deepEqual(seen.requests.slice(before).filter((q) => q.method !== "GET" && q.method !== "OPTIONS").map((q) => q.url), []);
  } finally {
    await context.close();
  }
});
