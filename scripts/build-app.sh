#!/usr/bin/env bash
# Builds an application written in TypeScript (apps/<name>/main.ts) with the
# library into a host firmware: build/apps/<name>/<name>.
#   npm run app -- <name> [--san] [--gen-only] [--idf-out DIR]
# Also compiles the TypeScript (the Node runner build/apps/run-node.js and the
# apps' JavaScript come from the same tsc run).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: npm run app -- <app name under apps/ | folder | entry.ts> [--san] [--gen-only] [--idf-out DIR]" >&2
  exit 2
fi
# Type errors in files being edited elsewhere do not stop the build (tsc still emits).
npx tsc -p . >/dev/null || echo "build-app: tsc reported type errors (see npx tsc -p .); continuing with what it emitted" >&2
# The apps' JavaScript for the Node runner: tsconfig.json may not list apps/ yet.
npx tsc -p apps/tsconfig.json >/dev/null || echo "build-app: tsc (apps) reported type errors; continuing" >&2
exec node build/codegen/src/app/build.js "$@"
