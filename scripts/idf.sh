#!/usr/bin/env bash
# `npm run idf -- <idf.py arguments>`: ESP-IDF's idf.py on this repository's
# ESP-IDF project (components/mgos_mqtt and the demo in main/), e.g.
#   npm run idf -- set-target esp32
#   npm run idf -- build
#   npm run idf -- -p /dev/ttyUSB0 flash monitor
# Where idf.py comes from, in this order:
#  1. a running docker engine: the pinned image $MGOS_IDF_IMAGE
#     (default espressif/idf:v5.5.1) with the repository mounted at /project,
#     run as you; the serial port (-p/--port, $ESPPORT, or else every
#     /dev/ttyUSB* and /dev/ttyACM*) is passed through for flash/monitor;
#  2. a local ESP-IDF: idf.py on the PATH, or $IDF_PATH/export.sh sourced first.
# MGOS_IDF=docker|local forces one. The build folder is build/idf unless
# -B/--build-dir is given (build/ also holds the TypeScript and host builds).
# --dry-run (first argument) or MGOS_IDF_DRY_RUN=1 prints the command instead
# of running it. MGOS_IDF_DOCKER names the docker program (default docker).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
IMAGE=${MGOS_IDF_IMAGE:-espressif/idf:v5.5.1}
DOCKER=${MGOS_IDF_DOCKER:-docker}
DRY=${MGOS_IDF_DRY_RUN:-}
if [ "${1:-}" = "--dry-run" ]; then DRY=1; shift; fi
if [ $# -eq 0 ]; then
  echo "usage: npm run idf -- [--dry-run] <idf.py arguments>   (e.g. build, -p /dev/ttyUSB0 flash monitor)" >&2
  exit 2
fi

# The arguments as given, plus the build folder when none is named.
args=("$@")
port=""
has_build_dir=""
needs_board=""
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[$i]}
  case "$a" in
    -p | --port) port=${args[$((i + 1))]:-} ;;
    --port=*) port=${a#--port=} ;;
    -p?*) port=${a#-p} ;;
    -B | --build-dir | --build-dir=*) has_build_dir=1 ;;
    flash | app-flash | bootloader-flash | partition-table-flash | erase-flash | erase_flash | monitor | dfu-flash)
      needs_board=1 ;;
  esac
done
[ -n "$port" ] || port=${ESPPORT:-}
[ -n "$has_build_dir" ] || args=(-B build/idf "${args[@]}")

# The command as one line a shell reads back as the same words.
show() {
  local out="" w q="'"
  for w in "$@"; do
    if [[ "$w" =~ ^[A-Za-z0-9_/.:=@%+,-]+$ ]]; then out+="${out:+ }$w"
    else out+="${out:+ }'${w//$q/$q\\$q$q}'"; fi
  done
  printf '%s\n' "$out"
}
run() {
  if [ -n "$DRY" ]; then show "$@"; exit 0; fi
  exec "$@"
}

docker_ok() { command -v "$DOCKER" >/dev/null 2>&1 && "$DOCKER" info >/dev/null 2>&1; }
mode=${MGOS_IDF:-}
if [ -z "$mode" ]; then
  if docker_ok; then mode=docker
  elif command -v idf.py >/dev/null 2>&1 || [ -n "${IDF_PATH:-}" ]; then mode=local
  fi
fi

case "$mode" in
  docker)
    if ! docker_ok; then
      echo "idf: MGOS_IDF=docker, but no docker engine answers ('$DOCKER info' failed)" >&2
      exit 1
    fi
    cmd=("$DOCKER" run --rm)
    # Interactive only when there is a terminal (monitor, menuconfig).
    if [ -t 0 ] && [ -t 1 ]; then cmd+=(-it); fi
    cmd+=(-v "$ROOT:/project" -w /project -u "$(id -u)" -e HOME=/tmp -e IDF_GIT_SAFE_DIR=/project)
    devices=()
    if [ -n "$port" ]; then
      case "$port" in /dev/*) devices=("$port") ;; esac
    elif [ -n "$needs_board" ]; then
      for d in /dev/ttyUSB* /dev/ttyACM*; do [ -e "$d" ] && devices+=("$d"); done
      if [ ${#devices[@]} -eq 0 ]; then
        echo "idf: no serial port found (/dev/ttyUSB*, /dev/ttyACM*): plug the board in, or name it with -p" >&2
        exit 1
      fi
    fi
    for d in ${devices[@]+"${devices[@]}"}; do
      if [ -z "$DRY" ] && [ ! -e "$d" ]; then echo "idf: serial port $d does not exist" >&2; exit 1; fi
      cmd+=(--device "$d")
      # The container user needs the device's group (usually dialout) to open it.
      gid=$(stat -c %g "$d" 2>/dev/null || true)
      [ -n "$gid" ] && cmd+=(--group-add "$gid")
    done
    run "${cmd[@]}" "$IMAGE" idf.py "${args[@]}"
    ;;
  local)
    if command -v idf.py >/dev/null 2>&1; then
      run idf.py "${args[@]}"
    elif [ -n "${IDF_PATH:-}" ] && [ -f "$IDF_PATH/export.sh" ]; then
      # idf.py needs the environment export.sh sets up (tools on the PATH, Python venv).
      run bash -c '. "$IDF_PATH/export.sh" >/dev/null && exec idf.py "$@"' idf.py "${args[@]}"
    else
      echo "idf: IDF_PATH is '${IDF_PATH:-}', which has no export.sh, and idf.py is not on the PATH" >&2
      exit 1
    fi
    ;;
  *)
    cat >&2 <<EOF
idf: no ESP-IDF to run idf.py with. Either
  - start a docker engine ('$DOCKER info' must work; https://docs.docker.com/engine/install/):
    this then runs idf.py in the pinned image $IMAGE, or
  - install ESP-IDF 5.x (https://docs.espressif.com/projects/esp-idf/en/v5.5/esp32/get-started/)
    and run '. \$IDF_PATH/export.sh' (IDF_PATH is not set and idf.py is not on the PATH).
EOF
    exit 1
    ;;
esac
