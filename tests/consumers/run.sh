#!/usr/bin/env bash
# The npm package's consumer tests (issue 4 §3).
#
#   bash tests/consumers/run.sh EMULATOR_URL [path/to/graph-tasks-<version>.tgz]
#
# EMULATOR_URL is a running graph emulator (http://127.0.0.1:PORT, started by the caller, e.g. scripts/test).
# The tarball defaults to target/npm/graph-tasks-*.tgz (scripts/build-pkg). Each consumer is a fresh project
# in a temp dir that installs the tarball offline, then creates tasks against the emulator and checks
# what comes back (scenario.js):
#   node-esm            import { createTask, GraphError } from "graph-tasks"        (Node, no init)
#   node-cjs            require("graph-tasks"), as on Node 18 (no require of ESM)    (Node, no init)
#   browser-esbuild     an esbuild browser bundle, in headless Chromium              (no plugin, no init)
#   web                 graph-tasks/web in a plain page: await init(), createTask    (Chromium)
#   browser-no-bundler  the main entry in a plain page through an import map         (Chromium, no init)
# Prints one ok/FAIL line per check and "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export PATH="$root/scripts/tools/node_modules/.bin:$PATH"

emulator=${1:-}
[ -n "$emulator" ] || { echo "usage: tests/consumers/run.sh EMULATOR_URL [TARBALL]" >&2; exit 2; }
emulator=${emulator%/}
tarball=${2:-}
if [ -z "$tarball" ]; then
  tarball=$(ls "$root"/target/npm/graph-tasks-*.tgz 2>/dev/null | head -n 1 || true)
fi
[ -n "$tarball" ] && [ -f "$tarball" ] || { echo "no package tarball: run scripts/build-pkg first" >&2; exit 1; }
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
node -e 'fetch(process.argv[1] + "/_emulator/health").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$emulator" \
  || { echo "no emulator answers at $emulator/_emulator/health" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/results.txt"
: > "$log"
status=0

# A fresh project from tests/consumers/NAME with the tarball installed offline and the shared checks.
project() {
  local name=$1 dir="$work/$1"
  cp -r "$here/$name" "$dir"
  { cat "$here/scenario.js"; echo "export default scenario;"; } > "$dir/scenario.mjs"
  { cat "$here/scenario.js"; echo "module.exports = scenario;"; } > "$dir/scenario.cjs"
  { cat "$here/report.js"; echo "export default report;"; } > "$dir/report.mjs"
  { cat "$here/report.js"; echo "module.exports = report;"; } > "$dir/report.cjs"
  if ! (cd "$dir" && npm install --offline --no-audit --no-fund --loglevel=error --cache "$work/.npm-cache" "$tarball") > "$work/$name-npm.log" 2>&1; then
    cat "$work/$name-npm.log"
    echo "FAIL $name: npm install --offline of the tarball" | tee -a "$log"
    return 1
  fi
}

run() {
  "$@" 2>&1 | tee -a "$log" || status=1
}

echo "package: $tarball"
echo "emulator: $emulator"

# Node.
if project node-esm; then
  run node "$work/node-esm/test.mjs" "$emulator"
else status=1; fi

if project node-cjs; then
  # Node >= 20.19 can require() an ES module; Node 18 cannot. Turn that off where Node allows it.
  node_flags=()
  node --no-experimental-require-module -e 0 2>/dev/null && node_flags=(--no-experimental-require-module)
  run node "${node_flags[@]}" "$work/node-cjs/test.cjs" "$emulator"
else status=1; fi

# Browsers.
pages=()
if project browser-esbuild; then
  (
    cd "$work/browser-esbuild"
    esbuild main.js --bundle --format=esm --platform=browser --log-level=warning --outfile=dist/main.js
    cp node_modules/graph-tasks/graph_tasks_bg.wasm dist/
  ) 2>&1 | tee -a "$log" || { echo "FAIL browser-esbuild: esbuild" | tee -a "$log"; status=1; }
  if grep -q "readFileSync" "$work/browser-esbuild/dist/main.js"; then
    echo "FAIL browser-esbuild: the bundle took the Node entry" | tee -a "$log"
    status=1
  else
    echo "ok   browser-esbuild: the bundle took the browser entry" | tee -a "$log"
  fi
  pages+=(browser-esbuild/index.html)
else status=1; fi
if project web; then pages+=(web/index.html); else status=1; fi
if project browser-no-bundler; then pages+=(browser-no-bundler/index.html); else status=1; fi
if [ "${#pages[@]}" -gt 0 ]; then
  run node "$here/browser.mjs" "$work" "$emulator" "${pages[@]}"
fi

passed=$(grep -c '^ok ' "$log" || true)
failed=$(grep -c '^FAIL ' "$log" || true)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
