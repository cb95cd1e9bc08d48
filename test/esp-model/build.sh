#!/bin/sh
# Builds port_esp32.c, unchanged, with the generated client and the other
# port files of the ESP-IDF build against the ESP-IDF model (idf/), plus the
# scenarios (app/).
#   build.sh <out-binary> <plain|tsan|asan> [port_esp32.c to use]
# plain: -Og (ESP-IDF's default optimisation) with measured, guard-paged task
# stacks; tsan / asan: the sanitizers (tasks on ordinary pthread stacks).
# -z now: symbols bound at load; lazy binding would run the dynamic linker
# (kilobytes of XSAVE area) on the small task stacks, which no ESP32 does.
# The --wrap list comes from the port's WRAP lines, as CMakeLists.txt does.
set -eu
OUT=$1
VARIANT=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COMP=$ROOT/components/mgos_mqtt
PORT=${3:-$COMP/port/port_esp32.c}
HERE=$ROOT/test/esp-model
CC=${CC:-gcc}
case $VARIANT in
  plain) SAN="-Og" ;;
  tsan) SAN="-O1 -fsanitize=thread" ;;
  asan) SAN="-O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined" ;;
  *) echo "variant: plain, tsan or asan" >&2; exit 2 ;;
esac
# The task stack: the Kconfig default (what a firmware gets).
STACK=$(awk '/config MGOS_MQTT_TASK_STACK$/{f=1} f&&/default/{print $2; exit}' "$COMP/Kconfig")
WRAPS=$(sed -n -e 's/^WRAP_VOID(\([A-Za-z0-9_]*\),.*/\1/p' -e 's/^WRAP([^,]*, *\([A-Za-z0-9_]*\),.*/\1/p' "$PORT" |
  sed 's/^/-Wl,--wrap=/' | tr '\n' ' ')
# The component's ESP-IDF sources, as CMakeLists.txt picks them: every
# port/*.c but the POSIX ones; port_esp32.c may be replaced by $3.
PORTS=""
for f in "$COMP"/port/*.c; do
  case $(basename "$f") in *posix*|port_esp32.c) ;; *) PORTS="$PORTS $f" ;; esac
done
mkdir -p "$(dirname "$OUT")"
# shellcheck disable=SC2086
$CC -std=gnu11 -g -fno-omit-frame-pointer $SAN -Wall -Wextra -Wno-unused-parameter \
  -DESP_PLATFORM=1 -DCONFIG_MGOS_MQTT_TASK_STACK="$STACK" -DCONFIG_MGOS_MQTT_CONNECT_TIMEOUT_MS=2000 \
  -I"$HERE/idf/include" -I"$COMP/include" -I"$COMP/gen" -I"$COMP/port" \
  "$COMP"/gen/*.c $PORTS "$PORT" "$HERE/idf/model.c" "$HERE/idf/nvs_model.c" "$HERE/app/scenarios.c" \
  -Wl,--wrap=mbedtls_ssl_handshake -Wl,--wrap=mbedtls_x509_crt_parse $WRAPS \
  -Wl,-z,now -lmbedtls -lmbedx509 -lmbedcrypto -lpthread -o "$OUT"
