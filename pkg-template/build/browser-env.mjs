// Rewrites the package's env.js for the browser entries, once node.cjs has bundled its own copy:
//   node browser-env.mjs <package dir>
//
// env.js (src/wasm/env.js) bounds an attempt in Node without giving fetch a signal (`SIGNAL_ON_FETCH`),
// which only Node needs. The browser entries (index.js, web.js and the three glues beside them) never
// run in Node (the package's "node" condition sends Node to node.mjs and node.cjs), so their copy reads
// SIGNAL_ON_FETCH as `true` outright, and a bundler's minifier then drops the Node-only code from what
// pages ship. A runtime that loads them anyway gets the signal, as a browser does.
import fs from "node:fs";
import path from "node:path";

const [pkg] = process.argv.slice(2);
const file = path.join(pkg ?? "", "env.js");
const text = fs.readFileSync(file, "utf8");
// The flag is written where it is read, as a literal: a minifier folds `if (false)` away, and then
// drops the functions only that branch calls, but it does not follow a constant's name there.
const from = "if (!SIGNAL_ON_FETCH) {";
const code = text.split("\n").filter((line) => !line.trimStart().startsWith("//"));
const uses = code.filter((line) => line.includes("SIGNAL_ON_FETCH")).length;
if (text.split(from).length !== 2 || uses !== 2) {
  console.error(`build-pkg: expected env.js to declare SIGNAL_ON_FETCH and read it once, as \`${from}\``);
  process.exit(1);
}
fs.writeFileSync(file, text.replace(from, "if (false) {"));
