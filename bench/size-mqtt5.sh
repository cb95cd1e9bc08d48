#!/usr/bin/env bash
# Flash cost of the MQTT 5 codec (issue 15): the generated codec5.c/packet5.c
# for Cortex-M3 and Xtensa lx106 at -Os, per object (-ffunction-sections,
# before --gc-sections) and linked with --gc-sections from what a client
# reaches (bench/c/size_mqtt5.c), beside the 3.1.1 codec linked the same way.
# Prints a table; sizes are text+data in bytes (the codec has no static RAM
# but its scratch records, shown as bss).
#   bash bench/size-mqtt5.sh
set -euo pipefail
cd "$(dirname "$0")/.."
GEN=components/mgos_mqtt/gen
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

measure() { # name cc size flags...
  local name=$1 cc=$2 size=$3
  shift 3
  local flags=("$@")
  command -v "$cc" >/dev/null || { echo "| $name | ($cc not installed) |"; return; }
  local objs=()
  for m in rt packet topic codec packet5 codec5; do
    "$cc" "$@" -ffunction-sections -fdata-sections -std=c99 -I"$GEN" -c "$GEN/$m.c" -o "$OUT/$name-$m.o"
    objs+=("$OUT/$name-$m.o")
  done
  "$cc" "$@" -std=c99 -I"$GEN" -ffunction-sections -fdata-sections -c bench/c/size_mqtt5.c -o "$OUT/$name-roots.o"
  local o5 obj
  o5=$("$size" "$OUT/$name-codec5.o" "$OUT/$name-packet5.o" | awk 'NR>1 {t+=$1+$2; b+=$3} END {print t " / " b}')
  obj=$("$size" "$OUT/$name-codec.o" "$OUT/$name-packet.o" | awk 'NR>1 {t+=$1+$2; b+=$3} END {print t " / " b}')
  link() { # roots... -> "flash / bss" of what is kept from the codec objects (not the roots' tables)
    local root=$1 r undef=()
    for r in "$@"; do undef+=("-Wl,--undefined=$r"); done
    "$cc" "${flags[@]}" -nostdlib -Wl,--gc-sections -Wl,--unresolved-symbols=ignore-all "${undef[@]}" \
      -Wl,-e,"$root" -Wl,-Map="$OUT/$name-$root.map" "$OUT/$name-roots.o" "${objs[@]}" -o "$OUT/$name-$root.elf"
    # Sum kept input sections from the codec objects ("section addr size object", maybe over two lines).
    python3 - "$OUT/$name-$root.map" "$OUT/$name-" <<'PY'
import re, sys
text, pre = open(sys.argv[1]).read(), sys.argv[2]
t = b = 0
start = text.find("Linker script and memory map")
for m in re.finditer(r"^ (\.(?:text|rodata|data|bss)\S*)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$", text[start:], re.M):
    sec, size, obj = m.group(1), int(m.group(2), 16), m.group(3)
    if not obj.startswith(pre) or "roots" in obj: continue
    if sec.startswith(".bss"): b += size
    else: t += size
print(f"{t} / {b}")
PY
  }
  local l5 l5n l3 l35
  l5=$(link size_root_v5)
  l5n=$(link size_root_v5 size_root_v5_names)
  l3=$(link size_root_v3)
  l35=$(link size_root_v3 size_root_v5)
  echo "| $name | $o5 | $l5 | $l5n | $obj | $l3 | $l35 (+$(( ${l35%% *} - ${l3%% *} ))) |"
}

echo "flash / static RAM (B), -Os"
echo "| target | v5 codec objects (codec5+packet5) | v5 linked, client | v5 linked + reason/error names | 3.1.1 codec objects (codec+packet) | 3.1.1 linked, client | 3.1.1 + v5 linked (v5's cost) |"
echo "|---|---|---|---|---|---|---|"
measure cortex-m3 arm-none-eabi-gcc arm-none-eabi-size -mcpu=cortex-m3 -mthumb -Os
measure xtensa-lx106 xtensa-lx106-elf-gcc xtensa-lx106-elf-size -Os -mlongcalls -ffreestanding
echo "(linked: kept input sections of rt/packet/topic/codec/packet5/codec5 with --gc-sections from bench/c/size_mqtt5.c; the 'v5 linked' figure includes the shared 3.1.1 helpers it uses)"
