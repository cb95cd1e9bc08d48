#!/usr/bin/env bash
# `npm test [-- substring...]`: set up, build the TypeScript, run the test runner.
# Type errors do not stop the run (tsc still emits JavaScript), but they are
# counted as one failed test by test/run.js.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

mkdir -p build
echo "build: tsc -p ."
set +e
node_modules/.bin/tsc -p . >build/.tsc-log 2>&1
tsc_status=$?
set -e
{ echo "$tsc_status"; cat build/.tsc-log; } >build/.tsc-status
if [ "$tsc_status" -ne 0 ]; then
  echo "build: tsc reported errors (JavaScript was still emitted; counted as a failure):"
  head -n 30 build/.tsc-log
fi

exec node test/run.js "$@"
