// Assembles the npm package from wasm-pack's `--target web` output and pkg-template/.
// Called by scripts/build-pkg:   node assemble.mjs <wasm-pack out dir> <package dir> <version>
//
// The web glue is shipped once, as graph_tasks.js, with two edits: the snippet import points at
// ./graph_error.js (the one GraphError class), and the default wasm URL is written
// `new URL("./graph_tasks_bg.wasm", import.meta.url)`, the form every bundler turns into an asset.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const [stage, pkg, version] = process.argv.slice(2);
const template = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fail = (message) => {
  console.error(`build-pkg: ${message}`);
  process.exit(1);
};
if (!stage || !pkg || !version) fail("usage: assemble.mjs <wasm-pack out dir> <package dir> <version>");

// Replaces `from` (a string or a RegExp) exactly once; anything else means the glue changed shape.
function replaceOnce(text, from, to, what) {
  const count = typeof from === "string" ? text.split(from).length - 1 : (text.match(new RegExp(from, "g")) || []).length;
  if (count !== 1) fail(`expected one ${what} in the wasm-bindgen glue, found ${count}`);
  return text.replace(from, to);
}

function findAll(dir, name, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) findAll(p, name, out);
    else if (entry.name === name) out.push(p);
  }
  return out;
}

fs.rmSync(pkg, { recursive: true, force: true });
fs.mkdirSync(pkg, { recursive: true });

// 1. The wasm and the GraphError snippet.
fs.copyFileSync(path.join(stage, "graph_tasks_bg.wasm"), path.join(pkg, "graph_tasks_bg.wasm"));
const snippets = fs.existsSync(path.join(stage, "snippets")) ? findAll(path.join(stage, "snippets"), "graph_error.js") : [];
if (snippets.length !== 1) fail(`expected one snippets/**/graph_error.js from wasm-bindgen, found ${snippets.length}`);
const snippetPath = path.relative(stage, snippets[0]).split(path.sep).join("/");
fs.copyFileSync(snippets[0], path.join(pkg, "graph_error.js"));

// 2. The glue.
let glue = fs.readFileSync(path.join(stage, "graph_tasks.js"), "utf8");
glue = glue.replace(/^\/\* @ts-self-types=.*\*\/\n/, "");
glue = replaceOnce(glue, `from './${snippetPath}';`, `from './graph_error.js';`, "import of the GraphError snippet");
glue = replaceOnce(
  glue,
  /new URL\('graph_tasks_bg\.wasm', import\.meta\.url\)/,
  `new URL('./graph_tasks_bg.wasm', import.meta.url)`,
  "default wasm URL",
);
const stray = glue.match(/from '\.\/snippets\/[^']*'/);
if (stray) fail(`the glue imports another snippet (${stray[0]}); ship it or drop it`);
fs.writeFileSync(path.join(pkg, "graph_tasks.js"), glue);

// 3. Entries, types, README and licences from the template; index.d.cts is index.d.ts for `require`.
for (const name of ["index.js", "web.js", "node.mjs", "node-web.mjs", "index.d.ts", "web.d.ts", "README.md", "LICENSE-MIT", "LICENSE-APACHE"]) {
  fs.copyFileSync(path.join(template, name), path.join(pkg, name));
}
fs.copyFileSync(path.join(template, "index.d.ts"), path.join(pkg, "index.d.cts"));
fs.copyFileSync(path.join(template, "build", "node-entry.js"), path.join(pkg, "node-entry.js"));

// 4. package.json with the crate's version.
const manifest = JSON.parse(fs.readFileSync(path.join(template, "package.json"), "utf8"));
manifest.version = version;
fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
