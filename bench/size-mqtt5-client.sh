#!/usr/bin/env bash
# Flash and static RAM of the whole client with MQTT 5 in and out of the build
# (issue 15): every generated file plus the portable port glue, Cortex-M3
# -Os, linked with --gc-sections from the typical firmware's root
# (bench/c/size_roots.c: size_root_typical), once as configured and once with
# -DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=0 (Kconfig MGOS_MQTT_V5_SUPPORT off).
#   bash bench/size-mqtt5-client.sh
set -euo pipefail
cd "$(dirname "$0")/.."
R=$PWD
command -v arm-none-eabi-gcc >/dev/null || { echo "arm-none-eabi-gcc not installed"; exit 0; }
F=(-mcpu=cortex-m3 -mthumb -Os -ffunction-sections -fdata-sections)
I=(-I"$R/components/mgos_mqtt/gen" -I"$R/components/mgos_mqtt/include" -I"$R/components/mgos_mqtt/port" -I"$R/bench/c")
measure() { # extra -D flags...
  local d objs=()
  d=$(mktemp -d)
  for s in "$R"/components/mgos_mqtt/gen/*.c "$R"/components/mgos_mqtt/port/compat.c "$R"/components/mgos_mqtt/port/mgos_mqtt_pubf.c "$R"/components/mgos_mqtt/port/json_printf.c; do
    arm-none-eabi-gcc -std=c99 "${F[@]}" "${I[@]}" "$@" -c "$s" -o "$d/$(basename "$s" .c).o"
    objs+=("$d/$(basename "$s" .c).o")
  done
  arm-none-eabi-gcc -std=c99 "${F[@]}" "${I[@]}" "$@" -c "$R/bench/c/size_roots.c" -o "$d/roots.o"
  arm-none-eabi-gcc "${F[@]}" -nostdlib -Wl,--gc-sections -Wl,--unresolved-symbols=ignore-all -Wl,--undefined=size_root_typical \
    -Wl,-e,size_root_typical "$d/roots.o" "${objs[@]}" -o "$d/t.elf"
  arm-none-eabi-size "$d/t.elf" | awk 'NR==2 {print $1+$2 " B flash, " $2+$3 " B static RAM"}'
  rm -rf "$d"
}
echo "MQTT 5 in (default):  $(measure)"
echo "MQTT 5 out:           $(measure -DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=0)"
