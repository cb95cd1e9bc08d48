// The C test tier on the ESP32's ISA family: every test/c/test_*.c
// cross-compiled with xtensa-lx106-elf-gcc (-Os, picolibc) and run under
// qemu-system-xtensa -M sim -cpu lx106 (the ESP8266's Xtensa core; QEMU has
// no ESP32 LX6 core upstream). Output and the exit status go through the
// `simcall` semihosting instruction (test/qemu-xtensa/startup.c); the
// division and double helpers an ESP8266 has in ROM (missing from Debian's
// libgcc for lx106) come from divide.c and softfloat.c. Each Unity case
// is reported as its own subtest, as on the host and on Cortex-M3.
import { test, after } from "node:test";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Toolchain, Prebuilt, WARNINGS, FEATURES_ON, INCLUDES, haveTool, prebuild, buildProgram, run, reportRun,
  cleanup, testPrograms, checkSelftestFail,
} from "../c/support/ctier";

const SPECS = "/usr/lib/xtensa-lx106-elf/picolibc.specs";
const xtensa: Toolchain = {
  name: "xtensa-lx106",
  cc: "xtensa-lx106-elf-gcc",
  ar: "xtensa-lx106-elf-ar",
  cflags: [`--specs=${SPECS}`, "-Os", ...WARNINGS, ...FEATURES_ON, "-g", "-mlongcalls", "-ffunction-sections", "-fdata-sections"],
  ldflags: ["-nostartfiles", "-T", "test/qemu-xtensa/sim.ld", "-Wl,--gc-sections"],
  extraSources: ["test/qemu-xtensa/startup.c", "test/qemu-xtensa/divide.c", "test/qemu-xtensa/softfloat.c"],
};
// Emulation is slower than the host; the tests are small. Killed by pid after this.
const RUN_LIMIT_MS = 120_000;

function qemu(elf: string) {
  return run("qemu-system-xtensa", [
    "-M", "sim", "-cpu", "lx106",
    "-display", "none", "-monitor", "none", "-serial", "none",
    "-semihosting",
    "-device", `loader,file=${elf},cpu-num=0`,
  ], RUN_LIMIT_MS);
}

const missingTool = ["xtensa-lx106-elf-gcc", "qemu-system-xtensa"].find((c) => !haveTool(c));
const missing = missingTool ? `${missingTool} is not installed (scripts/setup.sh installs it)`
  : !fs.existsSync(SPECS) ? "picolibc-xtensa-lx106-elf is not installed (scripts/setup.sh installs it)" : null;
let pre: Promise<Prebuilt> | undefined;
const prebuilt = () => (pre ??= prebuild(xtensa));
after(async () => cleanup(await pre?.catch(() => undefined)));

for (const program of testPrograms()) {
  test(`qemu xtensa-lx106: ${path.basename(program)}`, { skip: missing ?? false, timeout: 400_000 }, async (t) => {
    const elf = await buildProgram(xtensa, await prebuilt(), program);
    const size = await run("xtensa-lx106-elf-size", [elf], 30_000);
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)/m.exec(size.stdout.split("\n")[1] ?? "");
    if (m) t.diagnostic(`${path.basename(elf)}: flash ${Number(m[1]) + Number(m[2])} B, static RAM ${Number(m[2]) + Number(m[3])} B (text ${m[1]}, data ${m[2]}, bss ${m[3]})`);
    const r = await qemu(elf);
    t.diagnostic(`ran in ${r.ms} ms under qemu-system-xtensa`);
    await reportRun(t, program, r);
  });
}

test("qemu xtensa-lx106: the Unity runner's failure path and exit status through simcall", { skip: missing ?? false, timeout: 200_000 }, async () => {
  const p = await prebuilt();
  const elf = path.join(p.dir, "selftest_fail.elf");
  const r = await run(xtensa.cc, [...xtensa.cflags, ...INCLUDES, "test/unity/selftest_fail.c", ...p.objects.filter((o) => /unity\.o$|qemu-xtensa_/.test(o)), ...xtensa.ldflags, "-o", elf], 120_000);
  if (r.code !== 0) throw new Error(`building selftest_fail.c failed:\n${r.stderr}`);
  checkSelftestFail(await qemu(elf));
});

test("qemu xtensa-lx106: the division helpers agree with the host's / and %", { skip: missing ?? false, timeout: 200_000 }, async () => {
  // A program whose expected output is computed here: quotients and remainders
  // of edge cases, printed under QEMU with the helpers of divide.c.
  const p = await prebuilt();
  const cases: [bigint, bigint][] = [[7n, 2n], [-7n, 2n], [7n, -2n], [-7n, -2n], [0n, 5n], [4294967295n, 1n],
    [4294967295n, 65536n], [-2147483648n, 1n], [123456789012345n, 1000n], [-123456789012345n, 7n], [18446744073709551615n, 3n]];
  const lines: string[] = [], expect: string[] = [];
  for (const [n, d] of cases) {
    if (n >= -(2n ** 31n) && n < 2n ** 31n) {
      lines.push(`  pr32((int32_t)${n}LL, (int32_t)${d});`);
      expect.push(`s32 ${n / d} ${n % d}`);
    }
    if (n >= 0n && n < 2n ** 32n && d > 0n) {
      lines.push(`  pru32(${n}u, ${d}u);`);
      expect.push(`u32 ${n / d} ${n % d}`);
    }
    if (n >= 0n && d > 0n) {
      lines.push(`  pru64(${n}ull, ${d}ull);`);
      expect.push(`u64 ${n / d} ${n % d}`);
    } else if (n < 2n ** 63n) {
      lines.push(`  prs64(${n}ll, ${d}ll);`);
      expect.push(`s64 ${n / d} ${n % d}`);
    }
  }
  const src = path.join(p.dir, "divide_check.c");
  fs.writeFileSync(src, `#include <stdint.h>
#include <stdio.h>
/* volatile: the compiler must not fold the divisions. */
static void pr32(volatile int32_t n, volatile int32_t d) { printf("s32 %ld %ld\\n", (long)(n / d), (long)(n % d)); }
static void pru32(volatile uint32_t n, volatile uint32_t d) { printf("u32 %lu %lu\\n", (unsigned long)(n / d), (unsigned long)(n % d)); }
static void pru64(volatile uint64_t n, volatile uint64_t d) { printf("u64 %llu %llu\\n", (unsigned long long)(n / d), (unsigned long long)(n % d)); }
static void prs64(volatile int64_t n, volatile int64_t d) { printf("s64 %lld %lld\\n", (long long)(n / d), (long long)(n % d)); }
int main(void) {
${lines.join("\n")}
  return 0;
}
`);
  const elf = path.join(p.dir, "divide_check.elf");
  const b = await run(xtensa.cc, [...xtensa.cflags, src, ...p.objects.filter((o) => /qemu-xtensa_/.test(o)), ...xtensa.ldflags, "-o", elf], 120_000);
  if (b.code !== 0) throw new Error(`building the division check failed:\n${b.stderr}`);
  const r = await qemu(elf);
  if (r.code !== 0 || r.stdout.trim() !== expect.join("\n")) {
    throw new Error(`exit ${r.code}\n--- got:\n${r.stdout}\n--- expected:\n${expect.join("\n")}`);
  }
});

/** The bits of a double, as 16 hex digits. */
function hex(d: number): string {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, d);
  return v.getBigUint64(0).toString(16).padStart(16, "0");
}

test("qemu xtensa-lx106: the soft-float double helpers agree with the host's FPU bit for bit", { skip: missing ?? false, timeout: 200_000 }, async () => {
  const p = await prebuilt();
  // Edge cases and seeded random values of every magnitude, subnormals included.
  const vals: number[] = [0, -0, 1, -1, 0.5, 1.5, 2.5, 3, 0.1, 0.2, 0.3, 1 / 3, 65535, 4294967295, 4294967296, -2147483648, 2147483647,
    1e308, -1e308, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1e-310, Infinity, -Infinity, NaN,
    123456.789, 86400, 0.001, 1e-3 * 3, 9007199254740993, 2 ** 53, 2 ** -1074 * 3];
  let x = 12345;
  const rnd = (): number => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x; };
  const v = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 60; i++) {
    v.setUint32(0, rnd());
    v.setUint32(4, rnd());
    const d = v.getFloat64(0);
    if (Number.isFinite(d)) vals.push(d);
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < vals.length; i++) for (const j of [i, (i * 7 + 3) % vals.length, (i * 13 + 5) % vals.length]) pairs.push([vals[i], vals[j]]);
  const expect: string[] = [];
  const lines: string[] = [];
  for (const [a, b] of pairs) {
    lines.push(`  ops(0x${hex(a)}ull, 0x${hex(b)}ull);`);
    expect.push([a + b, a - b, a * b, a / b].map((r) => (Number.isNaN(r) ? "nan" : hex(r))).join(" "));
  }
  for (const a of vals) {
    const inI32 = Number.isFinite(a) && Math.trunc(a) >= -2147483648 && Math.trunc(a) <= 2147483647;
    const inU32 = Number.isFinite(a) && Math.trunc(a) >= 0 && Math.trunc(a) <= 4294967295;
    if (inI32) { lines.push(`  toi(0x${hex(a)}ull);`); expect.push(`i ${Math.trunc(a) | 0}`); }
    if (inU32) { lines.push(`  tou(0x${hex(a)}ull);`); expect.push(`u ${Math.trunc(a) >>> 0}`); }
    if (inI32) { lines.push(`  fromi(${Math.trunc(a) | 0});`); expect.push(`d ${hex(Math.trunc(a) | 0)}`); }
    if (inU32) { lines.push(`  fromu(${Math.trunc(a) >>> 0}u);`); expect.push(`d ${hex(Math.trunc(a) >>> 0)}`); }
  }
  const src = path.join(p.dir, "softfloat_check.c");
  fs.writeFileSync(src, `#include <stdint.h>
#include <stdio.h>
#include <string.h>
static double d_of(uint64_t u) { double d; memcpy(&d, &u, sizeof d); return d; }
static void pr(double d) {
  uint64_t u;
  memcpy(&u, &d, sizeof u);
  if (d != d) printf("nan");
  else printf("%08lx%08lx", (unsigned long)(u >> 32), (unsigned long)(u & 0xffffffffu));
}
/* volatile: the compiler must not fold the arithmetic. */
static void ops(uint64_t x, uint64_t y) {
  volatile double a = d_of(x), b = d_of(y);
  pr(a + b); printf(" "); pr(a - b); printf(" "); pr(a * b); printf(" "); pr(a / b); printf("\\n");
}
static void toi(uint64_t x) { volatile double a = d_of(x); printf("i %ld\\n", (long)(int32_t)a); }
static void tou(uint64_t x) { volatile double a = d_of(x); printf("u %lu\\n", (unsigned long)(uint32_t)a); }
static void fromi(volatile int32_t i) { printf("d "); pr((double)i); printf("\\n"); }
static void fromu(volatile uint32_t u) { printf("d "); pr((double)u); printf("\\n"); }
int main(void) {
${lines.join("\n")}
  return 0;
}
`);
  const elf = path.join(p.dir, "softfloat_check.elf");
  const b = await run(xtensa.cc, [...xtensa.cflags, "-Wno-conversion", src, ...p.objects.filter((o) => /qemu-xtensa_/.test(o)), ...xtensa.ldflags, "-o", elf], 120_000);
  if (b.code !== 0) throw new Error(`building the soft-float check failed:\n${b.stderr}`);
  const r = await qemu(elf);
  const got = r.stdout.trim().split("\n");
  const bad = expect.map((e, i) => (got[i] === e ? null : `${lines[i].trim()}\n  got      ${got[i]}\n  expected ${e}`)).filter((l) => l !== null);
  if (r.code !== 0 || bad.length) throw new Error(`exit ${r.code}; ${bad.length} of ${expect.length} differ:\n${bad.slice(0, 10).join("\n")}`);
});
