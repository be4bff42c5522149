// Checks the bundled command line, bin/graph-tasks.cjs, and ships the licences of what was bundled in.
// Called by scripts/build-pkg after esbuild has bundled pkg-template/bin/graph-tasks.mjs:
//
//   node cli.mjs <package dir> <esbuild metafile> <node_modules dir the bundled packages came from>
//
// The package keeps zero runtime dependencies: the CSV parser and the progress bar are inside the
// bundle, whose only requires are Node's own modules and the package's node.cjs. Their licences go to
// bin/THIRD-PARTY-LICENSES.txt. The command must start and print its help.
import fs from "node:fs";
import path from "node:path";
import { builtinModules } from "node:module";
import { execFileSync } from "node:child_process";

const [pkg, metafile, modulesDir] = process.argv.slice(2);
const fail = (message) => {
  console.error(`build-pkg: ${message}`);
  process.exit(1);
};
if (!pkg || !metafile || !modulesDir) fail("usage: cli.mjs <package dir> <metafile> <node_modules dir>");

const bin = path.join(pkg, "bin", "graph-tasks.cjs");
const code = fs.readFileSync(bin, "utf8");
if (!code.startsWith("#!/usr/bin/env node\n")) fail("bin/graph-tasks.cjs does not start with #!/usr/bin/env node");

// 1. Its requires: Node's modules and ../node.cjs, nothing else.
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const requires = new Set([...code.matchAll(/\brequire\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]));
for (const r of requires) {
  if (r !== "../node.cjs" && !builtins.has(r)) fail(`bin/graph-tasks.cjs requires "${r}": bundle it, the package has no dependencies`);
}
if (!requires.has("../node.cjs")) fail("bin/graph-tasks.cjs does not load the library from ../node.cjs");

// 2. The licences of the bundled packages.
const meta = JSON.parse(fs.readFileSync(metafile, "utf8"));
const packages = new Map();
for (const input of Object.keys(meta.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input.split(path.sep).join("/"));
  if (m) packages.set(m[1], path.join(modulesDir, m[1]));
}
if (!packages.has("csv-parse") || !packages.has("cli-progress")) fail(`the bundle lacks csv-parse or cli-progress (has ${[...packages.keys()].join(", ")})`);
let notices = "graph-tasks bin/graph-tasks.cjs bundles these packages, under their own licences:\n";
for (const [name, dir] of [...packages].sort()) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const licenseFile = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  if (!licenseFile) fail(`${name} has no licence file to ship`);
  notices += `\n${"=".repeat(78)}\n${name} ${manifest.version} (${manifest.license})\n${"=".repeat(78)}\n\n`;
  notices += fs.readFileSync(path.join(dir, licenseFile), "utf8").trim() + "\n";
}
fs.writeFileSync(path.join(pkg, "bin", "THIRD-PARTY-LICENSES.txt"), notices);
fs.chmodSync(bin, 0o755);

// 3. It starts.
const help = execFileSync(process.execPath, [bin, "--help"], { encoding: "utf8" });
if (!help.includes("graph-tasks import FILE")) fail("bin/graph-tasks.cjs --help does not print the usage");
console.log(`  bin/graph-tasks.cjs: ${code.length} B, bundles ${[...packages.keys()].sort().join(", ")}`);
