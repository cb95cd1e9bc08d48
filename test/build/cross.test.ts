// Portability: every generated module (components/mgos_mqtt/gen/*.c) compiles
// with the full warning set and -Werror on three compilers, and the code size
// per target is recorded (printed, and written to build/reports/code-size.json).
//   host gcc               -O2
//   arm-none-eabi-gcc      -mcpu=cortex-m3 -mthumb -Os
//   xtensa-lx106-elf-gcc   -Os -ffreestanding (Debian's Xtensa toolchain has no C
//                          library headers; the generated code needs none: rt.h
//                          uses compiler built-ins when __STDC_HOSTED__ is 0)
// The portable hand-written C (port/*.c except the platform ports port/port_*.c)
// is compiled for the host and Cortex-M3 too. Each target once more with MQTT 5
// turned on (it is out by default).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, WARNINGS, INCLUDES, genSources, portableSources, haveTool, pool, run, cFailure } from "../c/support/ctier";

interface Target {
  name: string;
  cc: string;
  size: string;
  flags: string[];
  port: boolean; // also compile the portable port/*.c
}

const TARGETS: Target[] = [
  { name: "host-x86_64", cc: "gcc", size: "size", flags: ["-O2"], port: true },
  { name: "cortex-m3", cc: "arm-none-eabi-gcc", size: "arm-none-eabi-size", flags: ["-mcpu=cortex-m3", "-mthumb", "-Os"], port: true },
  { name: "xtensa-lx106", cc: "xtensa-lx106-elf-gcc", size: "xtensa-lx106-elf-size", flags: ["-Os", "-ffreestanding"], port: false },
];
// MQTT 5 is out by default (Kconfig MGOS_MQTT_V5_SUPPORT=n): the generated C
// with it turned on must build as cleanly, on every compiler.
const V5_ON = ["-DCONFIG_MGOS_MQTT_V5_SUPPORT=1", "-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1"];
for (const tg of TARGETS.slice()) TARGETS.push({ ...tg, name: `${tg.name}+mqtt5`, flags: [...tg.flags, ...V5_ON], port: false });

interface Sizes { text: number; data: number; bss: number }
const report: Record<string, { gen: Sizes; files: Record<string, Sizes> }> = {};

/** Berkeley sizes of object files: `size` prints "text data bss dec hex filename". */
async function sizes(tool: string, objects: string[]): Promise<Record<string, Sizes>> {
  const r = await run(tool, objects, 60_000);
  assert.equal(r.code, 0, `${tool} failed: ${r.stderr}`);
  const out: Record<string, Sizes> = {};
  for (const line of r.stdout.split("\n").slice(1)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+[0-9a-f]+\s+(.+)$/.exec(line);
    if (m) out[m[4].trim()] = { text: Number(m[1]), data: Number(m[2]), bss: Number(m[3]) };
  }
  return out;
}

const gen = genSources();

test("cross build: there is generated C to build", () => {
  assert.ok(gen.length > 0, "components/mgos_mqtt/gen has no .c files: run `npm run codegen` and commit the result");
});

for (const tg of TARGETS) {
  const missing = haveTool(tg.cc) ? false : `${tg.cc} is not installed (scripts/setup.sh installs it)`;
  test(`cross build: ${tg.name} (${tg.cc} ${tg.flags.join(" ")})`, { skip: missing, timeout: 600_000 }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cross-${tg.name}-`));
    try {
      const srcs = [...gen, ...(tg.port ? portableSources() : [])];
      const obj = (src: string) => path.join(dir, path.basename(path.dirname(src)) + "_" + path.basename(src, ".c") + ".o");
      // Compile two at a time, then report each file as a subtest in order.
      const results = await pool(srcs, 2, (src) =>
        run(tg.cc, [...tg.flags, ...WARNINGS, ...INCLUDES, "-c", src, "-o", obj(src)], 120_000));
      for (let i = 0; i < srcs.length; i++) {
        const r = results[i];
        await t.test(srcs[i], () => {
          if (r.code !== 0) throw cFailure(`${tg.cc} ${srcs[i]}:\n${(r.stderr + r.stdout).trim()}`);
        });
      }
      const built = srcs.filter((_, i) => results[i].code === 0);
      if (!built.length) return;
      const s = await sizes(tg.size, built.map(obj));
      const files: Record<string, Sizes> = {};
      const total: Sizes = { text: 0, data: 0, bss: 0 };
      for (const src of built) {
        const v = s[obj(src)];
        if (!v) continue;
        files[src] = v;
        if (gen.includes(src)) { total.text += v.text; total.data += v.data; total.bss += v.bss; }
      }
      report[tg.name] = { gen: total, files };
      t.diagnostic(`${tg.name}: generated code text ${total.text} B, data ${total.data} B, bss ${total.bss} B ` +
        `(${gen.length} modules)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("cross build: code size report written", () => {
  const names = Object.keys(report);
  if (!names.length) return;
  const file = path.join(ROOT, "build", "reports", "code-size.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ when: new Date().toISOString(), targets: report }, null, 2) + "\n");
  const lines = names.map((n) => `${n.padEnd(14)} text ${String(report[n].gen.text).padStart(7)}  data ${String(report[n].gen.data).padStart(5)}  bss ${String(report[n].gen.bss).padStart(7)}`);
  console.log(`code size of components/mgos_mqtt/gen (bytes; ${path.relative(ROOT, file)}):\n  ${lines.join("\n  ")}`);
});
