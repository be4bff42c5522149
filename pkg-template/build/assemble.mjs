// Assembles the npm package from wasm-pack's `--target web` output and pkg-template/.
// Called by scripts/build-pkg:   node assemble.mjs <wasm-pack out dir> <package dir> <version>
//
// The web glue is shipped once, as graph_tasks.js, with two edits: the snippet import points at
// ./graph_error.js (the one GraphError class), and the default wasm URL is written
// `new URL("./graph_tasks_bg.wasm", import.meta.url)`, the form every bundler turns into an asset.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { execFileSync } from "node:child_process";

const [stage, pkg, version, mode = "release"] = process.argv.slice(2);
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

// Every import the wasm calls either is wrapped in handleError (declared `catch` in src/wasm/js.rs, so
// a JS exception becomes a Result) or is one of these calls, which cannot throw whatever the caller
// passes: wasm-bindgen's own type checks and conversions (typeof, no getters), `instanceof` (which
// wasm-bindgen wraps in try/catch itself), constructors of the client's own plain objects, push onto
// its own arrays, the futures executor's `then`/`queueMicrotask` on native promises (every promise the
// client awaits is native: its own `new Promise`, or one of env.js's async functions, which adopt
// whatever the caller's code gives, a hostile thenable included; `resolve` is its Promise.resolve()
// of nothing; `reject` is Promise.reject of the client's own GraphError, for a call refused before it starts), the global-object lookup, and `signal` of the client's own AbortController. Anything
// else fails the build: a new import must be declared `catch`.
const SAFE_IMPORTS = new Set([
  "Error", "__wbindgen_boolean_get", "__wbindgen_is_function", "__wbindgen_is_null", "__wbindgen_is_object",
  "__wbindgen_is_string", "__wbindgen_is_undefined", "__wbindgen_number_get", "__wbindgen_string_get",
  "__wbindgen_throw", "_wbg_cb_unref", "new", "new_typed", "new_no_args", "push", "queueMicrotask", "then", "resolve", "reject",
  "static_accessor_GLOBAL", "static_accessor_GLOBAL_THIS", "static_accessor_SELF", "static_accessor_WINDOW",
  "signal", "instanceof_AbortSignal", "instanceof_Object", "instanceof_Response", "instanceof_Array",
  "instanceof_Function", "length", "__wbindgen_debug_string", "__wbindgen_jsval_loose_eq",
  // Debug builds only (`scripts/build-pkg --dev`): js-sys's futures executor, under debug_assertions,
  // polls each task inside `console.createTask(name).run(poll)` for DevTools' linked stacks. The
  // accessor is a typeof check; `run` calls the executor's own poll and throws only what it throws.
  "static_accessor_CREATE_TASK", "run",
]);
function auditImports(glueText, build) {
  const imports = [...glueText.matchAll(/^\s*__wbg_([A-Za-z0-9_]+?)_[0-9a-f]{16}: (function[^\n]*)/gm)];
  if (imports.length < 10) fail(`cannot read the glue's imports (found ${imports.length})`);
  const unsafe = [];
  for (const [, name, head] of imports) {
    if (head.includes("handleError(")) continue;
    if (!SAFE_IMPORTS.has(name)) unsafe.push(name);
  }
  const caught = imports.filter(([, , head]) => head.includes("handleError(")).length;
  console.log(`  wasm imports (${build}): ${imports.length} (${caught} catch, ${imports.length - caught} that cannot throw)`);
  if (unsafe.length) fail(`imports that can throw into wasm without \`catch\`: ${unsafe.join(", ")} (declare them in src/wasm/js.rs)`);
}

// wasm-bindgen registers each GraphCall (src/wasm/call.rs) with a FinalizationRegistry, to free its Rust
// side should JavaScript drop the object unfreed. None is: the wasm makes each one only to hand it to
// env.js `drive`, whose `finally` frees it, and the GraphCall class is not part of the package's API.
// Registering and unregistering cost about 6 µs of every createTask call in Node (bench/ab.mjs, calls
// interleaved), so the registry goes.
function dropCallFinalization(glueText) {
  let out = replaceOnce(glueText, "GraphCallFinalization.register(obj, obj.__wbg_ptr, obj);", "", "GraphCall registration");
  out = replaceOnce(out, "GraphCallFinalization.unregister(this);", "", "GraphCall unregistration");
  out = replaceOnce(
    out,
    /const GraphCallFinalization = \(typeof FinalizationRegistry === 'undefined'\)\n\s*\? \{ register: \(\) => \{\}, unregister: \(\) => \{\} \}\n\s*: new FinalizationRegistry\(ptr => wasm\.__wbg_graphcall_free\(ptr, 1\)\);\n/,
    "",
    "GraphCall registry",
  );
  if (out.includes("GraphCallFinalization")) fail("the glue still uses GraphCallFinalization");
  return out;
}

// The wasm's import and export names carry wasm-bindgen's 16-digit hashes (`__wbg_fetch_63f5…`), and
// every name is written twice: in the wasm and in the glue. binaryen's --minify-imports-and-exports
// renames them to one or two letters and prints the mapping; the glue is rewritten from that mapping,
// so the two stay in step. Saves about 1.6 KB gzip of wasm and 1 KB of glue.
function minifyNames(glueText, wasmPath, moduleName) {
  const output = execFileSync(
    "wasm-opt",
    ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--minify-imports-and-exports-and-modules", wasmPath, "-o", wasmPath],
    { encoding: "utf8" },
  );
  let map;
  try {
    map = JSON.parse(output.slice(output.indexOf("{")));
  } catch (e) {
    fail(`cannot read wasm-opt's name mapping: ${e.message}`);
  }
  let out = glueText;
  const modules = new Set(map.imports.map(([module]) => module));
  if (modules.size !== 1 || !modules.has(moduleName)) fail(`unexpected import modules: ${[...modules]}`);
  const minifiedModules = importModules(fs.readFileSync(wasmPath));
  if (minifiedModules.size !== 1) fail(`the minified wasm imports from ${minifiedModules.size} modules`);
  const [minified] = minifiedModules;
  out = replaceOnce(out, `${JSON.stringify(moduleName)}: import0`, `${JSON.stringify(minified)}: import0`, "import module");
  for (const [, from, to] of map.imports) {
    out = replaceOnce(out, `        ${from}: function`, `        ${to}: function`, `import ${from}`);
  }
  // Longest first, so that no name is replaced inside a longer one.
  for (const [from, to] of [...map.exports].sort((a, b) => b[0].length - a[0].length)) {
    const pattern = new RegExp(`\\bwasm\\.${from.replace(/[$]/g, "\\$")}\\b`, "g");
    if (!pattern.test(out)) continue;
    out = out.replace(pattern, `wasm.${to}`);
  }
  const left = out.match(/\bwasm\.(__wbindgen|__externref|wasm_bindgen__|createTask|memory)\w*/);
  if (left) fail(`the glue still names ${left[0]} after minifying`);
  return out;
}

fs.rmSync(pkg, { recursive: true, force: true });
fs.mkdirSync(pkg, { recursive: true });

// 1. Each build (lean: createTask alone; full: createTasks too; plan: everything; node: the lean build
// compiled for speed, for node.cjs) is its wasm and its glue; every glue imports the same JS snippets of the wasm layer, graph_error.js (the one GraphError class) and env.js (the
// environment calls that must never throw into wasm), shipped once beside them.
for (const [build, name] of [["lean", "graph_tasks"], ["full", "graph_tasks_full"], ["plan", "graph_tasks_plan"], ["node", "graph_tasks_node"]]) {
  const dir = path.join(stage, build);
  const wasmName = `${name}_bg.wasm`;
  fs.copyFileSync(path.join(dir, wasmName), path.join(pkg, wasmName));
  let glue = fs.readFileSync(path.join(dir, `${name}.js`), "utf8");
  glue = glue.replace(/^\/\* @ts-self-types=.*\*\/\n/, "");
  for (const snippet of ["graph_error.js", "env.js"]) {
    const found = fs.existsSync(path.join(dir, "snippets")) ? findAll(path.join(dir, "snippets"), snippet) : [];
    if (found.length !== 1) fail(`expected one snippets/**/${snippet} from wasm-bindgen (${build}), found ${found.length}`);
    const snippetPath = path.relative(dir, found[0]).split(path.sep).join("/");
    fs.copyFileSync(found[0], path.join(pkg, snippet));
    // 2. The glue imports it from beside itself.
    glue = replaceOnce(glue, `from './${snippetPath}';`, `from './${snippet}';`, `import of the ${snippet} snippet`);
  }
  glue = replaceOnce(
    glue,
    new RegExp(`new URL\\('${wasmName.replace(".", "\\.")}', import\\.meta\\.url\\)`),
    `new URL('./${wasmName}', import.meta.url)`,
    "default wasm URL",
  );
  const stray = glue.match(/from '\.\/snippets\/[^']*'/);
  if (stray) fail(`the glue imports another snippet (${stray[0]}); ship it or drop it`);
  auditImports(glue, build);
  glue = dropCallFinalization(glue);
  if (mode === "release") glue = minifyNames(glue, path.join(pkg, wasmName), `./${name}_bg.js`);
  fs.writeFileSync(path.join(pkg, `${name}.js`), glue);
}

// 3. Entries, types, README and licences from the template; index.d.cts is index.d.ts for `require`.
for (const name of ["index.js", "web.js", "rows.js", "node.mjs", "node-web.mjs", "index.d.ts", "web.d.ts", "README.md", "LICENSE-MIT", "LICENSE-APACHE"]) {
  fs.copyFileSync(path.join(template, name), path.join(pkg, name));
}
fs.copyFileSync(path.join(template, "index.d.ts"), path.join(pkg, "index.d.cts"));
fs.copyFileSync(path.join(template, "build", "node-entry.js"), path.join(pkg, "node-entry.js"));

// 4. package.json with the crate's version.
const manifest = JSON.parse(fs.readFileSync(path.join(template, "package.json"), "utf8"));
manifest.version = version;
fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify(manifest, null, 2) + "\n");


// The module names of a wasm binary's imports (its import section, read as the spec lays it out).
function importModules(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return value;
  };
  const name = () => {
    const length = leb();
    const text = bytes.subarray(at, at + length).toString("utf8");
    at += length;
    return text;
  };
  const modules = new Set();
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 2) {
      for (let count = leb(); count > 0; count--) {
        modules.add(name());
        name();
        const kind = bytes[at++];
        if (kind === 0) leb();
        else fail("the wasm imports something other than functions");
      }
    }
    at = end;
  }
  return modules;
}
