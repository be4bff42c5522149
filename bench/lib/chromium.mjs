// The per-call comparison in headless Chromium (Debian's /usr/bin/chromium through playwright-core).
// The page is served by the emulator itself (--www), graph-tasks from the package dir (--pkg), so all
// requests are same-origin: no CORS preflight for anyone.
import { alternate } from "./measure.mjs";

export async function runChromium({ chromium, executablePath, url, token, task, names, rounds, perBlock, warmup, diagnose, log, progress }) {
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${url}/index.html`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 30000 }).catch(() => {
      throw new Error(`the bench page did not load: ${errors.join("; ")}`);
    });
    await page.evaluate((c) => window.bench.setup(c), { token, task, diagnose });
    const block = (name, n) => page.evaluate(([name, n]) => window.bench.block(name, n), [name, n]);
    for (const name of names) await block(name, warmup);
    const samples = await alternate(names, rounds, (name) => block(name, perBlock), (r) => progress(`chromium: round ${r + 1}/${rounds}`));
    if (process.stderr.isTTY) log("\n");
    if (errors.length) log(`[bench] page errors: ${errors.join("; ")}\n`);
    return { samples, version: browser.version() };
  } finally {
    await browser.close();
  }
}
