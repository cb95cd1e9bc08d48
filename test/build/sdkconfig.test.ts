// Every line of sdkconfig.defaults must take effect when ESP-IDF creates
// sdkconfig from it: a setting whose `depends on` is not met is silently
// dropped (CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_PSK without CONFIG_MBEDTLS_DHM_C
// was). test/build/idf/check_sdkconfig.py applies the defaults with kconfiglib
// to our Kconfig files plus stand-ins for the IDF options we set
// (test/build/idf/Kconfig.idf-standin, with IDF v5.5's dependencies).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "../c/support/ctier";

/** Debian's python: python3-kconfiglib is in its dist-packages. */
const PY = "/usr/bin/python3";
const skip = spawnSync(PY, ["-c", "import kconfiglib"], { timeout: 20_000 }).status === 0 ? false : "python3-kconfiglib (Debian) is not installed";
const KCONFIGS = ["test/build/idf/Kconfig.idf-standin", "components/mgos_mqtt/Kconfig", "main/Kconfig.projbuild"];

function check(defaults: string): { code: number | null; out: string } {
  const r = spawnSync(PY, [path.join(ROOT, "test/build/idf/check_sdkconfig.py"), defaults, ...KCONFIGS.map((k) => path.join(ROOT, k))],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: (r.stdout + r.stderr).trim() };
}

function withDefaults(text: string, fn: (file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdkdef-"));
  try {
    const f = path.join(dir, "sdkconfig.defaults");
    fs.writeFileSync(f, text);
    fn(f);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("the check reports a setting whose dependency is off, and an unknown name", { skip }, () => {
  withDefaults("CONFIG_MBEDTLS_PSK_MODES=y\nCONFIG_MBEDTLS_KEY_EXCHANGE_DHE_PSK=y\nCONFIG_MGOS_MQTT_SEVRER=\"x\"\n", (f) => {
    const r = check(f);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /:2: CONFIG_MBEDTLS_KEY_EXCHANGE_DHE_PSK=y has no effect .*depends on .*MBEDTLS_DHM_C/);
    assert.match(r.out, /:3: CONFIG_MGOS_MQTT_SEVRER: no such option/);
  });
  withDefaults("CONFIG_MBEDTLS_PSK_MODES=y\nCONFIG_MBEDTLS_DHM_C=y\nCONFIG_MBEDTLS_KEY_EXCHANGE_DHE_PSK=y\nCONFIG_MGOS_MQTT_KEEP_ALIVE=30\n", (f) => {
    const r = check(f);
    assert.equal(r.code, 0, r.out);
  });
});

test("every line of sdkconfig.defaults takes effect", { skip }, () => {
  const r = check(path.join(ROOT, "sdkconfig.defaults"));
  assert.equal(r.code, 0, r.out);
});

test("every line `gen.js --sdkconfig` prints for the config defaults takes effect", { skip }, () => {
  const g = spawnSync(process.execPath, [path.join(ROOT, "build/codegen/src/config/gen.js"), "--sdkconfig"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /CONFIG_MGOS_MQTT_SERVER=/);
  withDefaults(g.stdout, (f) => {
    const r = check(f);
    assert.equal(r.code, 0, r.out);
  });
});
