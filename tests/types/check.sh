#!/usr/bin/env bash
# The TypeScript checks of the packed npm package (issue 4 §2).
#
#   bash tests/types/check.sh [path/to/graph-tasks-<version>.tgz]    (default: target/npm/graph-tasks-*.tgz)
#
# Installs the tarball (offline) into a fresh project, so that the `exports` map and its `types`
# conditions are what TypeScript resolves, then runs `tsc --strict --noEmit`:
#   - good.ts, good-web.ts and good-cjs.cts must compile: moduleResolution node16 (ESM and CommonJS
#     files), node16 with exactOptionalPropertyTypes, bundler, and the legacy node10;
#   - every bad/*.ts must fail, with only the error codes its first line expects (`// expect: TS2322 …`),
#     so that a file cannot "fail" for an unrelated reason (a broken import, say). Both node16 and bundler.
# Exits non-zero when a good file fails or a bad file passes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tsc="$root/scripts/tools/node_modules/.bin/tsc"
[ -x "$tsc" ] || { echo "tsc is missing: run scripts/bootstrap" >&2; exit 1; }

tarball=${1:-}
if [ -z "$tarball" ]; then
  tarball=$(ls "$root"/target/npm/graph-tasks-*.tgz 2>/dev/null | head -n 1 || true)
fi
[ -n "$tarball" ] && [ -f "$tarball" ] || { echo "no package tarball: run scripts/build-pkg first" >&2; exit 1; }
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf '{ "name": "graph-tasks-types-check", "private": true, "type": "module" }\n' > package.json
npm install --offline --no-audit --no-fund --loglevel=error --cache "$work/.npm-cache" "$tarball" > npm.log 2>&1 \
  || { cat npm.log; echo "npm install of $tarball failed" >&2; exit 1; }
cp "$here"/good.ts "$here"/good-web.ts "$here"/good-cjs.cts .
mkdir bad
cp "$here"/bad/*.ts bad/

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'ok    %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$1"; }

node16=(--strict --noEmit --pretty false --module node16 --moduleResolution node16 --target es2022)
bundler=(--strict --noEmit --pretty false --module esnext --moduleResolution bundler --target es2022)

good() {
  local name=$1; shift
  if "$tsc" "$@" > out.txt 2>&1; then
    pass "$name"
  else
    fail "$name"
    sed 's/^/      /' out.txt
  fi
}

good "good (node16: ESM, web entry, CommonJS)" "${node16[@]}" good.ts good-web.ts good-cjs.cts
good "good (node16, exactOptionalPropertyTypes)" "${node16[@]}" --exactOptionalPropertyTypes good.ts good-web.ts good-cjs.cts
good "good (bundler)" "${bundler[@]}" good.ts good-web.ts
# TypeScript's legacy resolution (moduleResolution node10) ignores `exports`: main, types, typesVersions.
good "good (node10, CommonJS output)" --strict --noEmit --pretty false --module commonjs --moduleResolution node10 \
  --target es2022 good.ts good-web.ts

bad() {
  local mode=$1; shift
  "$tsc" "$@" bad/*.ts > out.txt 2>&1 || true
  for file in bad/*.ts; do
    local expected got unexpected
    expected=$(head -n 1 "$file" | sed -n 's|^// expect: ||p')
    [ -n "$expected" ] || { fail "$file ($mode): its first line must be // expect: TS…"; continue; }
    got=$(grep -E "^$file\([0-9]+,[0-9]+\): error TS[0-9]+" out.txt | sed -E 's/.*: error (TS[0-9]+):.*/\1/' | sort -u | tr '\n' ' ' || true)
    unexpected=""
    for code in $got; do
      case " $expected " in *" $code "*) ;; *) unexpected="$unexpected $code" ;; esac
    done
    if [ -z "$got" ]; then
      fail "$file ($mode): compiles, but must not"
    elif [ -n "$unexpected" ]; then
      fail "$file ($mode): fails with$unexpected, expected only: $expected"
      grep -A3 -E "^$file\(" out.txt | sed 's/^/      /'
    else
      pass "$file ($mode): ${got% }"
    fi
  done
  # Errors outside bad/ (in the package's own declarations, say) are failures too.
  if grep -E "^[^ ].*: error TS" out.txt | grep -vE "^bad/" > stray.txt; then
    fail "errors outside bad/ ($mode)"
    sed 's/^/      /' stray.txt
  fi
}

bad node16 "${node16[@]}"
bad bundler "${bundler[@]}"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
