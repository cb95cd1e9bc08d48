// ESP-IDF round trip of the config defaults: an sdkconfig (as menuconfig or
// sdkconfig.defaults would leave it) -> Kconfig.config through kconfiglib (the
// Kconfig implementation ESP-IDF's tooling is built on) -> sdkconfig.h ->
// the generated C -> the mgos_sys_config_get_* getters. In particular a bool
// whose default is y, set to n, must read false (sdkconfig.h then has no
// CONFIG_<KEY> at all; the C reads CONFIG_<KEY>_VALUE).

import { test } from "node:test";
import { strict as assert } from "node:assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { compile } from "../../codegen/src/index";

const ROOT = path.resolve(__dirname, "../../..");
/** Debian's python (python3-kconfiglib lives in its dist-packages, not in a pyenv). */
const PY = "/usr/bin/python3";

function hasKconfiglib(): boolean {
  const r = spawnSync(PY, ["-c", "import kconfiglib"], { timeout: 20000 });
  return r.status === 0;
}
function hasGcc(): boolean {
  return spawnSync("gcc", ["--version"], { timeout: 20000 }).status === 0;
}

const MAIN_C = `
#include <stdio.h>
#include "config_sys.h"
/* Unset strings are NULL (as Mongoose OS): shown as "". */
static const char *S(const char *s) { return s != NULL ? s : ""; }
static void dump(const char *name, const struct mgos_config_mqtt *c) {
  printf("%s enable=%d server=%s clean_session=%d keep_alive=%d min=%.3f max=%.3f will_retain=%d cloud_events=%d max_qos=%d\\n",
         name, (int)c->enable, S(c->server), (int)c->clean_session, c->keep_alive,
         c->reconnect_timeout_min, c->reconnect_timeout_max, (int)c->will_retain, (int)c->cloud_events, c->max_qos);
}
int main(void) {
  dump("mqtt", mgos_sys_config_get_mqtt());
  dump("mqtt1", mgos_sys_config_get_mqtt1());
  printf("getters %d %s %d\\n", (int)mgos_sys_config_get_mqtt_clean_session(), S(mgos_sys_config_get_mqtt1_user()), mgos_sys_config_get_mqtt1_max_qos());
  return 0;
}
`;

test("sdkconfig -> kconfiglib -> sdkconfig.h -> generated C defaults", (t) => {
  if (!hasKconfiglib()) { t.skip("python3-kconfiglib (Debian package) is not installed"); return; }
  if (!hasGcc()) { t.skip("gcc is not installed"); return; }
  const res = compile({ inputs: ["ts-src/config/config_sys.ts"], root: ROOT });
  assert.deepEqual(res.diagnostics.map((d) => d.text), []);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cfg-kconfig-"));
  try {
    for (const [name, text] of res.files) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, "main.c"), MAIN_C);
    const cfiles = [...res.files.keys()].filter((n) => n.endsWith(".c")).map((n) => path.join(dir, n));

    const run = (sdkconfig: string): string => {
      fs.writeFileSync(path.join(dir, "sdkconfig"), sdkconfig);
      const py = spawnSync(PY, ["-c", [
        "import kconfiglib, sys",
        "kc = kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False)",
        "kc.load_config(sys.argv[2])",
        "bad = [w for w in kc.warnings]",
        "kc.write_autoconf(sys.argv[3])",
        "print('\\n'.join(bad))",
      ].join("\n"), path.join(ROOT, "components/mgos_mqtt/Kconfig.config"), path.join(dir, "sdkconfig"), path.join(dir, "sdkconfig.h")],
      { encoding: "utf8", timeout: 60000 });
      assert.equal(py.status, 0, py.stderr);
      assert.equal(py.stdout.trim(), "", "kconfiglib warnings");
      const exe = path.join(dir, "prog");
      const cc = spawnSync("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror",
        "-include", path.join(dir, "sdkconfig.h"), "-I", dir, "-o", exe, path.join(dir, "main.c"), ...cfiles],
      { encoding: "utf8", timeout: 120000 });
      assert.equal(cc.status, 0, cc.stderr);
      const out = spawnSync(exe, [], { encoding: "utf8", timeout: 20000 });
      assert.equal(out.status, 0, out.stderr);
      return out.stdout;
    };

    // No overrides: Kconfig's defaults are the schema's.
    assert.equal(run(""),
      "mqtt enable=0 server= clean_session=1 keep_alive=60 min=2.000 max=60.000 will_retain=0 cloud_events=1 max_qos=2\n" +
      "mqtt1 enable=0 server= clean_session=1 keep_alive=60 min=2.000 max=60.000 will_retain=0 cloud_events=1 max_qos=2\n" +
      "getters 1  2\n");

    // Overrides of every kind, including bools with default y set to n.
    const h = run([
      "CONFIG_MGOS_MQTT_ENABLE=y",
      "# CONFIG_MGOS_MQTT_CLEAN_SESSION is not set",
      "# CONFIG_MGOS_MQTT1_CLOUD_EVENTS is not set",
      "CONFIG_MGOS_MQTT1_WILL_RETAIN=y",
      'CONFIG_MGOS_MQTT_SERVER="broker.local:1883"',
      'CONFIG_MGOS_MQTT1_USER="u \\"q\\""',
      "CONFIG_MGOS_MQTT_KEEP_ALIVE=30",
      "CONFIG_MGOS_MQTT1_MAX_QOS=1",
      "CONFIG_MGOS_MQTT_RECONNECT_TIMEOUT_MIN_MS=500",
      "CONFIG_MGOS_MQTT1_RECONNECT_TIMEOUT_MAX_MS=120250",
      "",
    ].join("\n"));
    assert.equal(h,
      "mqtt enable=1 server=broker.local:1883 clean_session=0 keep_alive=30 min=0.500 max=60.000 will_retain=0 cloud_events=1 max_qos=2\n" +
      "mqtt1 enable=0 server= clean_session=1 keep_alive=60 min=2.000 max=120.250 will_retain=1 cloud_events=0 max_qos=1\n" +
      "getters 0 u \"q\" 1\n");
    const sdkh = fs.readFileSync(path.join(dir, "sdkconfig.h"), "utf8");
    assert.doesNotMatch(sdkh, /CONFIG_MGOS_MQTT_CLEAN_SESSION /, "a bool set to n is absent from sdkconfig.h");
    assert.match(sdkh, /#define CONFIG_MGOS_MQTT_CLEAN_SESSION_VALUE 0\n/);

    // Out of Kconfig's range: kconfiglib ignores the value (with a warning) and keeps the default.
    fs.writeFileSync(path.join(dir, "sdkconfig"), "CONFIG_MGOS_MQTT_MAX_QOS=3\n");
    const py = spawnSync(PY, ["-c", "import kconfiglib,sys; kc=kconfiglib.Kconfig(sys.argv[1], warn_to_stderr=False); kc.load_config(sys.argv[2]); print(kc.syms['MGOS_MQTT_MAX_QOS'].str_value)",
      path.join(ROOT, "components/mgos_mqtt/Kconfig.config"), path.join(dir, "sdkconfig")], { encoding: "utf8", timeout: 60000 });
    assert.equal(py.stdout.trim(), "2");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
