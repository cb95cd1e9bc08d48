#!/usr/bin/env bash
# Builds an application written in TypeScript (apps/<name>/main.ts) with the
# library into a host firmware: build/apps/<name>/<name>.
#   npm run app -- <name> [--san] [--gen-only] [--idf-out DIR]
# The compiler, the library's and the Node runner's JavaScript come from one
# incremental tsc run (scripts/tsconfig.app-build.json), skipped while no
# .ts file outside the apps' own folders changed since the last one; the app's
# own JavaScript is emitted by the build itself (codegen/src/app/build.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: npm run app -- <app name under apps/ | folder | entry.ts> [--san] [--gen-only] [--idf-out DIR]" >&2
  exit 2
fi
stamp=build/.app-build-tsc
changed() {
  [ -f "$stamp" ] && [ -f build/codegen/src/app/build.js ] && [ -f build/apps/run-node.js ] || return 0
  [ -n "$(find codegen/src ts-src apps/run-node.ts tsconfig.json scripts/tsconfig.app-build.json package-lock.json \
    -newer "$stamp" \( -name '*.ts' -o -name '*.json' \) -print -quit)" ]
}
if changed; then
  mkdir -p build
  touch "$stamp.new"   # edits made while tsc runs are seen next time
  # Type errors in files being edited elsewhere do not stop the build (tsc still emits).
  if npx tsc -p scripts/tsconfig.app-build.json >/dev/null; then mv "$stamp.new" "$stamp"
  else echo "build-app: tsc reported type errors (see npx tsc -p scripts/tsconfig.app-build.json); continuing with what it emitted" >&2; rm -f "$stamp.new"; fi
fi
exec node build/codegen/src/app/build.js "$@"
