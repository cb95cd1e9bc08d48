// The C test tier on a Cortex-M3: every test/c/test_*.c cross-compiled with
// arm-none-eabi-gcc (-Os, newlib with semihosting) and run under
// qemu-system-arm -M mps2-an385. printf reaches the host through semihosting,
// and main()'s return value becomes QEMU's exit status (test/qemu/startup.c).
// Each Unity case is reported as its own subtest, as on the host.
import { test, after } from "node:test";
import * as path from "node:path";
import {
  Toolchain, Prebuilt, WARNINGS, FEATURES_ON, INCLUDES, haveTool, prebuild, buildProgram, run, reportRun,
  cleanup, testPrograms, checkSelftestFail,
} from "../c/support/ctier";

const CPU = ["-mcpu=cortex-m3", "-mthumb"];
const LINK = ["--specs=rdimon.specs", "-nostartfiles", "-T", "test/qemu/mps2_an385.ld", "-Wl,--gc-sections"];
const arm: Toolchain = {
  name: "cortex-m3",
  cc: "arm-none-eabi-gcc",
  ar: "arm-none-eabi-ar",
  cflags: [...CPU, "-Os", ...WARNINGS, ...FEATURES_ON, "-g", "-ffunction-sections", "-fdata-sections"],
  ldflags: LINK,
  extraSources: ["test/qemu/startup.c"],
};
// Emulation is slower than the host; tests are still small. Killed by pid after this.
const RUN_LIMIT_MS = 120_000;

/** Runs an ELF on the emulated board; stdout/stderr are the program's semihosting console. */
function qemu(elf: string) {
  return run("qemu-system-arm", [
    "-M", "mps2-an385", "-cpu", "cortex-m3",
    "-display", "none", "-monitor", "none", "-serial", "none",
    "-semihosting-config", "enable=on,target=native",
    "-kernel", elf,
  ], RUN_LIMIT_MS);
}

const missingTool = ["arm-none-eabi-gcc", "qemu-system-arm"].find((c) => !haveTool(c));
const missing = missingTool ? `${missingTool} is not installed (scripts/setup.sh installs it)` : null;
let pre: Promise<Prebuilt> | undefined;
const prebuilt = () => (pre ??= prebuild(arm));
after(async () => cleanup(await pre?.catch(() => undefined)));

for (const program of testPrograms()) {
  test(`qemu cortex-m3: ${path.basename(program)}`, { skip: missing ?? false, timeout: 400_000 }, async (t) => {
    const elf = await buildProgram(arm, await prebuilt(), program);
    const size = await run("arm-none-eabi-size", [elf], 30_000);
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)/m.exec(size.stdout.split("\n")[1] ?? "");
    if (m) t.diagnostic(`${path.basename(elf)}: flash ${Number(m[1]) + Number(m[2])} B, static RAM ${Number(m[2]) + Number(m[3])} B (text ${m[1]}, data ${m[2]}, bss ${m[3]})`);
    const r = await qemu(elf);
    t.diagnostic(`ran in ${r.ms} ms under qemu-system-arm`);
    await reportRun(t, program, r);
  });
}

test("qemu cortex-m3: the Unity runner's failure path and exit status through semihosting", { skip: missing ?? false, timeout: 200_000 }, async () => {
  const p = await prebuilt();
  const elf = path.join(p.dir, "selftest_fail.elf");
  const startup = p.objects.find((o) => o.endsWith("startup.o"));
  const unity = p.objects.find((o) => o.endsWith("unity.o"));
  const r = await run(arm.cc, [...arm.cflags, ...INCLUDES, "test/unity/selftest_fail.c", unity!, startup!, ...arm.ldflags, "-o", elf], 120_000);
  if (r.code !== 0) throw new Error(`building selftest_fail.c failed:\n${r.stderr}`);
  checkSelftestFail(await qemu(elf));
});
