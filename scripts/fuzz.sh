#!/usr/bin/env bash
# libFuzzer runs over the generated C (test/fuzz/README.md).
#
#   npm run fuzz -- <seconds> [harness...]   build, then fuzz each harness for <seconds>
#   bash scripts/fuzz.sh --build             only build the harnesses into build/fuzz/
#
# Each harness starts from build/fuzz/corpus-<name> (kept between runs, so the
# corpus grows) plus the seeds that build/test/fuzz/seeds.js writes. Crash, leak and timeout
# inputs land in build/fuzz/artifacts-<name>/. Prints a table; exits non-zero
# when any harness found a crash, leak or timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

HARNESSES_ALL=(decode session api ws decode5 session5)
# Harnesses over the generated C built with MQTT 5 compiled in (Kconfig
# MGOS_MQTT_V5_SUPPORT): linked with a second library, build/fuzz/libgen_fuzz5.a.
V5_HARNESSES=" session5 "
OUT=build/fuzz
GEN=components/mgos_mqtt/gen
# Test-only generated modules (the codec's broker side; not in the component).
TGEN=test/support/gen
RSS_MB=${FUZZ_RSS_MB:-1024}
CC=${FUZZ_CC:-clang}

die() { echo "fuzz: $*" >&2; exit 2; }

have_libfuzzer() {
  command -v "$CC" >/dev/null 2>&1 || return 1
  local d
  d=$(mktemp -d)
  printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$d/t.c"
  "$CC" -fsanitize=fuzzer,address,undefined "$d/t.c" -o "$d/t" >/dev/null 2>&1
  local ok=$?
  rm -rf "$d"
  return $ok
}

ensure_clang() {
  have_libfuzzer && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "fuzz: installing clang (Debian) for libFuzzer" >&2
    # Another job may hold the dpkg lock: wait for it rather than fail.
    for _ in $(seq 1 60); do
      if DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >/dev/null 2>&1; then break; fi
      sleep 5
    done
  fi
  have_libfuzzer || die "clang with -fsanitize=fuzzer is not available (apt-get install clang)"
}

SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all)
# Every log line compiled in (the firmware default is errors only): the
# harnesses' oracles follow the session through its warnings.
# WebSocket and the persistent outbox are off by default (Kconfig): fuzz_ws needs the link.
CFLAGS=(-g -O1 -std=c99 -fno-omit-frame-pointer "${SAN[@]}" -DCONFIG_MGOS_MQTT_LOG_LEVEL=4 -DCONFIG_MGOS_MQTT_WS_SUPPORT_VALUE=1 -DCONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE=1 -DCONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT_VALUE=1 -I"$GEN" -I"$TGEN" -Icomponents/mgos_mqtt/include -Icomponents/mgos_mqtt/port -Itest/fuzz)

# Compiles src to obj unless obj is newer than src, the generated headers and
# this script (which holds the flags).
compile() {
  local src=$1 obj=$2
  shift 2
  if [ -f "$obj" ] && [ -z "$(find "$src" "$GEN" "$TGEN" test/fuzz/fuzz_common.h test/fuzz/fuzz_session.c scripts/fuzz.sh -newer "$obj" \( -name '*.[ch]' -o -name fuzz.sh \) 2>/dev/null | head -1)" ]; then
    return 0
  fi
  "$CC" "${CFLAGS[@]}" "$@" -c "$src" -o "$obj"
}

# Compiles the generated modules (with coverage instrumentation, no libFuzzer
# main) into $OUT/<lib>.a, objects named <prefix>_<module>.o; extra flags
# after those two (MQTT 5 on).
build_lib() {
  local lib=$1 prefix=$2
  shift 2
  local objs=() pids=() src obj
  for src in "$GEN"/*.c "$TGEN"/*.c; do
    obj="$OUT/obj/${prefix}_$(basename "${src%.c}").o"
    objs+=("$obj")
    compile "$src" "$obj" -fsanitize=fuzzer-no-link "$@" &
    pids+=($!)
    # Two at a time: the machine's two cores are shared.
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  rm -f "$OUT/$lib.a"
  ar rcs "$OUT/$lib.a" "${objs[@]}"
}

V5_FLAGS=(-DCONFIG_MGOS_MQTT_V5_SUPPORT=1 -DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1)

build() {
  ensure_clang
  mkdir -p "$OUT/obj"
  build_lib libgen_fuzz gen
  build_lib libgen_fuzz5 gen5 "${V5_FLAGS[@]}"
  local h lib flags
  for h in "${HARNESSES_ALL[@]}"; do
    [ -f "test/fuzz/fuzz_$h.c" ] || continue
    lib=libgen_fuzz
    flags=()
    if [[ "$V5_HARNESSES" == *" $h "* ]]; then lib=libgen_fuzz5; flags=("${V5_FLAGS[@]}"); fi
    compile "test/fuzz/fuzz_$h.c" "$OUT/obj/fuzz_$h.o" -fsanitize=fuzzer -Wall -Wextra -Werror "${flags[@]}"
    "$CC" "${CFLAGS[@]}" -fsanitize=fuzzer "$OUT/obj/fuzz_$h.o" "$OUT/$lib.a" -o "$OUT/fuzz_$h"
  done
}

# The seed corpus (from the codec's own encoders) for every harness.
seeds() {
  [ -f build/test/fuzz/seeds.js ] || npx tsc -p . >/dev/null || true
  [ -f build/test/fuzz/seeds.js ] || die "build/test/fuzz/seeds.js missing (npx tsc -p .)"
  node build/test/fuzz/seeds.js "$OUT/seeds"
}

# Reads libFuzzer's last stats line: executions and exec/s.
stat_of() { grep -E '^#[0-9]+' "$1" | tail -1 | sed -E "s/^#([0-9]+).*exec\/s: ([0-9]+).*/\1 \2/"; }

run_one() {
  local h=$1 secs=$2
  local corpus="$OUT/corpus-$h" art="$OUT/artifacts-$h" log="$OUT/log-$h.txt"
  mkdir -p "$corpus" "$art"
  # The regression inputs are replayed by test/fuzz/fuzz.test.ts, not used as
  # seeds here: one for a bug still open would stop the run at once.
  local dirs=("$corpus" "$OUT/seeds/$h")
  local rc=0
  # A small ASan quarantine: the generated code has no heap, only the
  # harness's exact-size copies, and the machine is shared.
  ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16:detect_leaks=1} "$OUT/fuzz_$h" -max_total_time="$secs" -rss_limit_mb="$RSS_MB" -timeout=10 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$art/" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  local st execs eps crashes size
  st=$(stat_of "$log")
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  [ -n "$execs" ] || execs=${st%% *}
  eps=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
  [ -n "$eps" ] || eps=${st##* }
  size=$(find "$corpus" -type f | wc -l)
  # libFuzzer stops at the first crash, leak or timeout and writes its input.
  crashes=$(grep -c 'Test unit written to' "$log" || true)
  [ "$rc" -eq 0 ] || [ "$crashes" -gt 0 ] || crashes=1
  printf '| fuzz_%s | %s | %s | %s | %s | %s |\n' "$h" "$secs" "${execs:-0}" "${eps:-0}" "$size" "$crashes"
  if [ "$rc" -ne 0 ]; then
    {
      echo "fuzz_$h failed (exit $rc); log $log, inputs in $art/:"
      grep -E 'ERROR|invariant failed|runtime error|SUMMARY|Test unit written' "$log" | head -20
    } >&2
    return 1
  fi
}

case "${1:-}" in
  --build) build; exit 0 ;;
  ""|-h|--help) sed -n 2,12p "$0"; exit 0 ;;
esac
SECS=$1
shift
[[ "$SECS" =~ ^[0-9]+$ ]] && [ "$SECS" -gt 0 ] || die "seconds must be a positive integer, got '$SECS'"
HS=("$@")
[ ${#HS[@]} -gt 0 ] || HS=("${HARNESSES_ALL[@]}")
for h in "${HS[@]}"; do [ -f "test/fuzz/fuzz_$h.c" ] || die "no harness test/fuzz/fuzz_$h.c"; done

build
seeds
echo "| harness | seconds | executions | exec/s | corpus | crashes |"
echo "|---|---|---|---|---|---|"
fail=0
for h in "${HS[@]}"; do run_one "$h" "$SECS" || fail=1; done
exit $fail
