// The --token-command provider (pkg-template/bin/token.mjs, which has no bundled dependency and is
// tested from source): run at the start, again only when the JWT's exp is less than 5 minutes away;
// every token it read is redacted.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { commandTokenProvider, redact, jwtPayload } from "../../pkg-template/bin/token.mjs";
import { tempDir } from "./helpers.mjs";

const b64url = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
export const jwt = (claims) => `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.c2lnbmF0dXJl`;

function counterCommand(dir, tokenFor) {
  // Each run appends a line to runs.txt and prints the token of that run (tokens.json[n]).
  const runs = path.join(dir, "runs.txt");
  const tokens = path.join(dir, "tokens.json");
  fs.writeFileSync(tokens, JSON.stringify(tokenFor));
  const script = path.join(dir, "token.cjs");
  fs.writeFileSync(
    script,
    `const fs = require("fs"); fs.appendFileSync(${JSON.stringify(runs)}, "run\\n");
     const n = fs.readFileSync(${JSON.stringify(runs)}, "utf8").split("\\n").length - 2;
     const all = JSON.parse(fs.readFileSync(${JSON.stringify(tokens)}, "utf8"));
     process.stdout.write(all[Math.min(n, all.length - 1)] + "\\n");`,
  );
  return { command: `"${process.execPath}" "${script}"`, runs: () => (fs.existsSync(runs) ? fs.readFileSync(runs, "utf8").split("\n").length - 1 : 0) };
}

test("the command runs at the start, and again only when exp is less than 5 minutes away", async () => {
  const dir = tempDir();
  let clock = Date.UTC(2026, 11, 1, 12, 0, 0);
  const now = () => clock;
  const exp = (ms) => Math.floor((clock + ms) / 1000);
  const first = jwt({ exp: exp(20 * 60_000), tid: "tenant-1", n: 1 });
  const second = jwt({ exp: exp(80 * 60_000), n: 2 });
  const { command, runs } = counterCommand(dir, [first, second]);
  const provider = commandTokenProvider(command, now);
  assert.equal(await provider.get(), first);
  assert.equal(runs(), 1);
  await Promise.all([provider.get(), provider.get(), provider.get()]);
  assert.equal(runs(), 1, "a fresh token is reused");
  clock += 14 * 60_000; // 6 minutes left
  assert.equal(await provider.get(), first);
  assert.equal(runs(), 1);
  clock += 2 * 60_000; // 4 minutes left: refreshed
  const [a, b] = await Promise.all([provider.get(), provider.get()]);
  assert.equal(a, second);
  assert.equal(b, second);
  assert.equal(runs(), 2, "concurrent calls share one run of the command");
  assert.equal(jwtPayload(first).tid, "tenant-1");
  assert.equal(redact(`x ${first} y ${second}`), "x [redacted] y [redacted]");
});

test("a token that is not a JWT is kept for the run; a failing command is an error without the token", async () => {
  const dir = tempDir();
  const { command, runs } = counterCommand(dir, ["opaque-token-value-1234"]);
  const provider = commandTokenProvider(command);
  assert.equal(await provider.get(), "opaque-token-value-1234");
  assert.equal(await provider.get(), "opaque-token-value-1234");
  assert.equal(runs(), 1);
  const failing = commandTokenProvider("echo leaked-token-abcdef; echo 'no login: leaked-token-abcdef' >&2; exit 4");
  await assert.rejects(failing.get(), (e) => {
    assert.match(e.message, /the --token-command failed \(exit 4\): no login: \[redacted\]/);
    return true;
  });
  const empty = commandTokenProvider("true");
  await assert.rejects(empty.get(), /printed no token/);
});
