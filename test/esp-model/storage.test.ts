// port/storage_esp32.c (the persistent outbox on NVS, docs/delivery.md) over
// the NVS model (idf/nvs_model.c), with the generated client, under
// ASan/UBSan: records written when messages are accepted, rewritten at
// PUBREC, deleted when done, and read back by a restarted session in order
// (storage/storage_nvs.c says what it checks).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, haveTool, runCmd } from "../integration/support/harness";

test("ESP32 storage (NVS model): accepted QoS 1/2 messages come back after a restart, in order, with ids and states", { skip: haveTool("gcc") ? false : "gcc missing", timeout: 300_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nvs-store-"));
  try {
    const gen = path.join(ROOT, "components/mgos_mqtt/gen");
    const tgen = path.join(ROOT, "test/support/gen"); // the codec's broker side (test-only)
    const inc = [gen, tgen, "components/mgos_mqtt/include", "components/mgos_mqtt/port", "test/esp-model/idf/include", "test/unity"].map((d) => `-I${path.resolve(ROOT, d)}`);
    const flags = ["-std=gnu11", "-g", "-O1", "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-Wall", "-Wextra", "-Werror", ...inc,
      "-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE=1"]; // off by default in C (Kconfig MGOS_MQTT_PERSIST_SUPPORT)
    const obj = path.join(dir, "storage_esp32.o");
    let r = await runCmd("gcc", [...flags, "-DESP_PLATFORM=1", "-c", "components/mgos_mqtt/port/storage_esp32.c", "-o", obj], 120_000);
    assert.equal(r.code, 0, r.stderr);
    const exe = path.join(dir, "storage_nvs");
    const gens = [gen, tgen].flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith(".c")).map((f) => path.join(d, f)));
    r = await runCmd("gcc", [...flags, "test/esp-model/storage/storage_nvs.c", "test/esp-model/idf/nvs_model.c", "test/c/support/host_port.c", "components/mgos_mqtt/port/compat.c", ...gens, obj, "-o", exe], 240_000);
    assert.equal(r.code, 0, r.stderr);
    r = await runCmd(exe, [], 30_000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^OK$/m, r.stdout + r.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
