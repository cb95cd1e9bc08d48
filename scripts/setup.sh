#!/usr/bin/env bash
# Installs what the project needs, and only what is missing (safe to run again):
#  - Debian packages (compilers, QEMU, mosquitto, mbedTLS, ...) with apt-get,
#    after `apt-get update`, only when one of them is not installed;
#  - npm packages from package-lock.json (`npm ci`) when node_modules is
#    missing or older than the lockfile.
# Pure bash: it runs before any npm dependency exists.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DEBIAN_PACKAGES=(
  build-essential cmake          # host C build
  mosquitto mosquitto-clients    # the local broker and its CLI clients
  libmbedtls-dev                 # TLS on the host
  gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm   # Cortex-M3 tier
  gcc-xtensa-lx106               # Xtensa (ESP8266-class) portability build
  qemu-system-misc picolibc-xtensa-lx106-elf                  # Xtensa QEMU tier (test/qemu-xtensa)
  valgrind clang libclang-rt-14-dev cppcheck                  # analysis, fuzzing
  python3-kconfiglib             # checks the generated Kconfig the way ESP-IDF reads it
  openssl                        # test certificates for the TLS tier
  rabbitmq-server activemq libmqtt-client-java   # interop tier: more brokers (ActiveMQ's MQTT codec is a separate package)
)

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${DEBIAN_PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
else
  echo "setup: dpkg not found; this project expects Debian (needs: ${DEBIAN_PACKAGES[*]})" >&2
  exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Another apt/dpkg run may hold the lock: wait for it (up to 20 min) instead of failing.
  APT_OPTS=(-o DPkg::Lock::Timeout=1200 -o Acquire::Retries=3)
  attempt=1
  until $SUDO apt-get "${APT_OPTS[@]}" update -q &&
        $SUDO apt-get "${APT_OPTS[@]}" install -y -q --no-install-recommends "${missing[@]}"; do
    if [ $attempt -ge 3 ]; then echo "setup: apt-get failed 3 times" >&2; exit 1; fi
    attempt=$((attempt + 1))
    echo "setup: apt-get failed, retrying in 20 s (attempt $attempt of 3)" >&2
    sleep 20
  done
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: node and npm are required (Node 20)" >&2
  exit 1
fi
# npm records what it installed in node_modules/.package-lock.json: install
# when a package or version there differs from package-lock.json. (Compared by
# content: file times say nothing in a fresh clone or a second worktree.)
lock_matches() {
  [ -f node_modules/.package-lock.json ] && node -e '
    const list = (f) => Object.entries(require(f).packages).filter(([k, v]) => k !== "" && !v.optional)
      .map(([k, v]) => k + "@" + v.version).sort().join("\n");
    process.exit(list("./package-lock.json") === list("./node_modules/.package-lock.json") ? 0 : 1);'
}
if ! lock_matches; then
  if [ -L node_modules ]; then
    # Shared with another checkout: npm ci would empty it for everyone using it.
    echo "setup: node_modules links to $(readlink node_modules), which does not match package-lock.json;" \
      "run npm ci there, or remove the link to install here" >&2
    exit 1
  fi
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
