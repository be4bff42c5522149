// The 1 MiB response limit over real HTTP in Node: a 200 MB chunked body and a gzip bomb (400 KB that
// expands to 400 MB) must each end as `bodyTooLarge` with the process's memory bounded. The wasm
// suite (tests/hardening.rs) covers the same in Chromium with streams made in the page.
//
//   node --test tests/node/body-limit.test.mjs      (after scripts/build-pkg)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import zlib from "node:zlib";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const { createTask } = await import(pathToFileURL(path.join(REPO, "target/npm/graph-tasks/node.mjs")));

const MB = 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 0x20);
let bomb;
let server;
let base;

function gzipOfSpaces(total) {
  return new Promise((resolve, reject) => {
    const gzip = zlib.createGzip({ level: 9 });
    const out = [];
    gzip.on("data", (d) => out.push(d));
    gzip.on("end", () => resolve(Buffer.concat(out)));
    gzip.on("error", reject);
    let written = 0;
    const pump = () => {
      while (written < total) {
        written += chunk.length;
        if (!gzip.write(chunk)) return gzip.once("drain", pump);
      }
      gzip.end();
    };
    pump();
  });
}

before(async () => {
  bomb = await gzipOfSpaces(400 * MB);
  server = http.createServer((req, res) => {
    req.resume();
    if (req.url.startsWith("/chunked")) {
      res.writeHead(201, { "content-type": "application/json" });
      let sent = 0;
      const write = () => {
        while (sent < 200 * MB) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once("drain", write);
        }
        res.end();
      };
      res.on("error", () => {});
      write();
    } else {
      res.writeHead(201, { "content-type": "application/json", "content-encoding": "gzip", "content-length": bomb.length });
      res.end(bomb);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});

after(() => server?.close());

async function expectTooLarge(route) {
  globalThis.gc?.();
  const start = process.memoryUsage().rss;
  let error;
  try {
    await createTask({ planId: "xqQg5FS2LkCp935s-FIFm2QAFkHM", title: "big" }, { accessToken: "t", baseUrl: `${base}/${route}`, retry: false });
  } catch (e) {
    error = e;
  }
  const grown = process.memoryUsage().rss - start;
  assert.equal(error?.code, "bodyTooLarge", `${route}: ${error}`);
  assert.ok(grown < 50 * MB, `${route}: RSS grew by ${(grown / MB).toFixed(1)} MB`);
  console.log(`${route}: bodyTooLarge, RSS grew by ${(grown / MB).toFixed(1)} MB`);
}

test("a 200 MB chunked body is cut off at 1 MiB with memory bounded", () => expectTooLarge("chunked"));
test(`a gzip bomb is cut off at 1 MiB of decoded bytes with memory bounded`, () => expectTooLarge("bomb"));
