// port/tls_mbedtls.c serves mbedTLS 2.28 (Debian, the host) and 3.x (ESP-IDF)
// through their public API only: no struct fields mbedTLS 3 marks private
// (MBEDTLS_PRIVATE(...), e.g. the record buffer in_msg/in_msgtype), which
// may change in any release. mbedTLS 3's headers rename private fields, so a
// compile against them proves it; MGOS_MBEDTLS_DIR=<3.x install> adds that
// compile (2.28's headers would not notice).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, run, WARNINGS, INCLUDES } from "../c/support/ctier";

const FILE = "components/mgos_mqtt/port/tls_mbedtls.c";

test("tls_mbedtls.c names no private mbedTLS field", () => {
  const text = fs.readFileSync(path.join(ROOT, FILE), "utf8");
  const bad: string[] = [];
  text.split("\n").forEach((l, i) => {
    if (/MBEDTLS_PRIVATE|MBEDTLS_ALLOW_PRIVATE_ACCESS|\bin_msg(type|len)?\b|->(ssl|conf)\.\w/.test(l) && !/^\s*(\/\*|\*)/.test(l)) bad.push(`${FILE}:${i + 1}: ${l.trim()}`);
  });
  assert.deepEqual(bad, []);
});

const targets: [string, string[]][] = [["the system mbedTLS (Debian: 2.28)", []]];
if (process.env.MGOS_MBEDTLS_DIR) targets.push([`MGOS_MBEDTLS_DIR=${process.env.MGOS_MBEDTLS_DIR}`, [`-I${path.resolve(process.env.MGOS_MBEDTLS_DIR, "include")}`]]);
for (const [name, inc] of targets) {
  test(`tls_mbedtls.c compiles warning-free against ${name}`, { timeout: 120_000 }, async () => {
    const obj = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tlsapi-")), "tls.o");
    try {
      const r = await run("gcc", [...WARNINGS, ...inc, ...INCLUDES, "-c", FILE, "-o", obj], 110_000);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      fs.rmSync(path.dirname(obj), { recursive: true, force: true });
    }
  });
}
