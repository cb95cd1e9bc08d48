// The C of every example app (its own modules and the app API: the library's
// is test/build/cross.test.ts's) compiles warning-free with -Werror for the
// MCU targets too, as all generated C must.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { buildApp } from "../../codegen/src/app/build";

const ROOT = path.resolve(__dirname, "../../..");
const APPS = ["button", "cmdresp", "telemetry", "relays", "fwdl"];
const TARGETS = [
  { cc: "arm-none-eabi-gcc", flags: ["-mcpu=cortex-m3", "-mthumb", "-Os"] },
  { cc: "xtensa-lx106-elf-gcc", flags: ["-Os", "-ffreestanding"] },
];
const have = (cc: string) => spawnSync("sh", ["-c", `command -v ${cc}`], { stdio: "ignore" }).status === 0;
const libGen = new Set(fs.readdirSync(path.join(ROOT, "components", "mgos_mqtt", "gen")));

for (const tg of TARGETS) {
  test(`example apps' C builds with ${tg.cc} -Werror`, { skip: have(tg.cc) ? false : `${tg.cc} is not installed`, timeout: 600_000 }, async (t) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "appcross-"));
    try {
      let n = 0;
      for (const app of APPS) {
        const r = await buildApp({ app, root: ROOT, genOnly: true });
        assert.deepEqual([...r.diagnostics.map((d) => d.text), ...r.errors], [], app);
        const own = fs.readdirSync(r.genDir).filter((f) => f.endsWith(".c") && !libGen.has(f));
        for (const f of own) {
          const cc = spawnSync(tg.cc, ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror", ...tg.flags,
            `-I${r.genDir}`, `-I${path.join(ROOT, "components", "mgos_mqtt", "include")}`, `-I${path.join(ROOT, "components", "mgos_mqtt", "port")}`,
            "-c", path.join(r.genDir, f), "-o", path.join(tmp, `${app}_${f}.o`)], { encoding: "utf8", timeout: 120_000 });
          assert.equal(cc.status, 0, `${app}/${f}:\n${cc.stderr}`);
          n++;
        }
      }
      t.diagnostic(`${n} files`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
}
