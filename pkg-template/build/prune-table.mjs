// Empties the closure shims that only the function table keeps alive in a build whose glue makes no
// closures (the lean createTask build):
//
//   node prune-table.mjs MODULE.wasm GLUE.js TOOLS_NODE_MODULES   (scripts/tools/node_modules)
//
// Why: wasm-bindgen's describe functions take the address of an `invoke` shim for every closure type
// in the signatures of the js-sys and web-sys imports linked in, which puts each shim in the function
// table. wasm-bindgen runs the describes and removes them, but the table entries stay, and with them
// the shims (about 50 of them, 5 KB raw, ~0.4 KB gzip), which neither wasm-opt nor wasm-bindgen can
// drop: a table entry may be called indirectly. Here one may not: a shim is only ever called by the
// glue's `makeMutClosure`/`makeClosure`, through an export, so in a build whose glue has neither and
// exports no shim, no call can reach one. Each keeps its table slot (indices do not move) with a body
// of `unreachable`, and wasm-opt, run after this, drops what only the shims used.
//
// Written here because no tool does it: binaryen (already a build tool, via its JS API) edits the
// module, and the rule above is this project's to check. Anything unexpected (a glue that makes
// closures, a shim that is exported or called directly) leaves the module as it was, and says why.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [modulePath, gluePath, tools] = process.argv.slice(2);
if (!modulePath || !gluePath || !tools) {
  console.error("usage: node prune-table.mjs MODULE.wasm GLUE.js TOOLS_NODE_MODULES");
  process.exit(2);
}
const { default: binaryen } = await import(pathToFileURL(path.join(tools, "binaryen", "index.js")).href);
const SHIM = /^wasm_bindgen::convert::closures::_::invoke::h[0-9a-f]{16}$/;

const glue = readFileSync(gluePath, "utf8");
if (/makeMutClosure|makeClosure|CLOSURE_DTORS/.test(glue)) {
  console.log(`prune-table: ${gluePath} makes closures; the table is left as it is`);
  process.exit(0);
}

const module = binaryen.readBinary(readFileSync(modulePath));
// What rustc's wasm32 target and wasm-bindgen emit (externref tables, multi-value shims), and no more:
// binaryen writes the module back in the encodings its features allow.
const F = binaryen.Features;
module.setFeatures(F.MVP | F.MutableGlobals | F.SignExt | F.BulkMemory | (F.BulkMemoryOpt ?? 0) | F.NontrappingFPToInt | F.ReferenceTypes | F.Multivalue);

const exported = new Set();
for (let i = 0; i < module.getNumExports(); i++) {
  const info = binaryen.getExportInfo(module.getExportByIndex(i));
  if (info.kind === binaryen.ExternalFunction) exported.add(info.value);
}
const inTable = new Set();
for (let i = 0; i < module.getNumElementSegments(); i++) {
  for (const name of binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(i)).data) inTable.add(name);
}
const shims = [...inTable].filter((name) => SHIM.test(name));
if (shims.length === 0) {
  // Without the names section the shims cannot be told apart: nothing to do, and nothing is guessed.
  console.log(`prune-table: no closure shim is named in ${modulePath}'s table; the table is left as it is`);
  process.exit(0);
}
const refused = shims.filter((name) => exported.has(name));
if (refused.length > 0) {
  console.log(`prune-table: ${refused[0]} is exported; the table is left as it is`);
  process.exit(0);
}
// A direct call to a shim would mean something other than the glue calls it. The text format names
// every call's target, whatever expression holds it.
const called = new Set();
for (const match of module.emitText().matchAll(/\((?:return_)?call \$"?([^\s)"]+)/g)) called.add(match[1]);
const direct = shims.find((name) => [...called].some((target) => target.endsWith(name.slice(-17))));
if (direct) {
  console.log(`prune-table: ${direct} is called directly; the table is left as it is`);
  process.exit(0);
}

for (const name of shims) {
  const info = binaryen.getFunctionInfo(module.getFunction(name));
  module.removeFunction(name);
  module.addFunction(name, info.params, info.results, [], module.unreachable());
}
if (!module.validate()) {
  console.error(`prune-table: the module does not validate after emptying ${shims.length} shims`);
  process.exit(1);
}
writeFileSync(modulePath, module.emitBinary());
console.log(`prune-table: emptied ${shims.length} closure shims kept only by the table`);
