#!/usr/bin/env bash
# `npm run bench`: our MQTT client side by side with libmosquitto, Eclipse
# Paho C and MQTT.js on the same workloads through one local mosquitto
# (bench/run.ts; method and latest figures in bench/README.md).
# Prints one table and writes bench/results/latest.json.
#   BENCH_QUICK=1   smaller counts and fewer growth points (a few minutes)
#   npm run bench -- --sizes                 code size tables only (seconds)
#   npm run bench -- --symbols [LEVEL] [typical|core]  linked flash per
#                                            function, Cortex-M3 (seconds)
#   npm run bench -- --cpu                   QoS 0/1 publish instructions, ours
#                                            and libmosquitto only (minutes)
#   npm run bench -- --hotspots RUN BASE N   our top functions per message
#                                            from two callgrind files
# Needs, beyond scripts/setup.sh: the two client libraries under comparison,
# and newlib's generic headers (the lx106 build of the ports uses them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

BENCH_PACKAGES=(libmosquitto-dev libpaho-mqtt-dev libnewlib-dev)
missing=()
for p in "${BENCH_PACKAGES[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = "installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # Another apt/dpkg run may hold the lock: wait for it rather than fail.
  APT_OPTS=(-o DPkg::Lock::Timeout=1200 -o Acquire::Retries=3)
  $SUDO apt-get "${APT_OPTS[@]}" install -y -q --no-install-recommends "${missing[@]}" ||
    { $SUDO apt-get "${APT_OPTS[@]}" update -q &&
      $SUDO apt-get "${APT_OPTS[@]}" install -y -q --no-install-recommends "${missing[@]}"; }
fi
if [ ! -f node_modules/mqtt/package.json ]; then
  echo "bench: MQTT.js (npm mqtt) is missing from node_modules: run npm ci" >&2
  exit 1
fi

# The bench's TypeScript (bench/run.ts, bench/node/*.ts and the test harness
# it reuses) builds with its own small tsconfig into build/.
# A type error in a shared file another engineer is editing must not stop the
# bench: tsc still emits; its messages stay on the screen.
if ! node_modules/.bin/tsc -p bench; then
  echo "bench: tsc reported errors (above); running the JavaScript it emitted" >&2
fi
exec node build/bench/run.js "$@"
