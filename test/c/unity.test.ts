// The C test tier on the host: every test/c/test_*.c built with gcc under
// AddressSanitizer and UndefinedBehaviorSanitizer, run, and each Unity test
// case reported as its own subtest. See test/c/support/ctier.ts.
import { test, after } from "node:test";
import * as path from "node:path";
import {
  Toolchain, Prebuilt, WARNINGS, FEATURES_ON, INCLUDES, haveTool, prebuild, buildProgram, run, reportRun,
  cleanup, testPrograms, checkSelftestFail,
} from "./support/ctier";

const SANITIZE = ["-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"];
const host: Toolchain = { name: "host", cc: "gcc", ar: "ar", cflags: [...WARNINGS, ...FEATURES_ON, ...SANITIZE], ldflags: [], extraSources: [] };
const RUN_LIMIT_MS = 60_000;
// Sanitizers stop at the first error; leak checking is on (real code has no heap, so any leak is a bug).
const env = { ...process.env, ASAN_OPTIONS: "detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS: "print_stacktrace=1" };

const missing = haveTool("gcc") ? null : "gcc is not installed (apt-get install build-essential)";
let pre: Promise<Prebuilt> | undefined;
const prebuilt = () => (pre ??= prebuild(host));
after(async () => cleanup(await pre?.catch(() => undefined)));

for (const program of testPrograms()) {
  test(`host C: ${path.basename(program)}`, { skip: missing ?? false, timeout: 300_000 }, async (t) => {
    const exe = await buildProgram(host, await prebuilt(), program);
    await reportRun(t, program, await run(exe, [], RUN_LIMIT_MS, env));
  });
}

test("host C: the Unity runner reports failures, ignores and the summary exactly", { skip: missing ?? false, timeout: 120_000 }, async () => {
  // Only the runner: this program does not use the generated code.
  const exe = path.join((await prebuilt()).dir, "selftest_fail");
  const r = await run("gcc", [...host.cflags, ...INCLUDES, "test/unity/selftest_fail.c", "test/unity/unity.c", "-o", exe], 120_000);
  if (r.code !== 0) throw new Error(`building selftest_fail.c failed:\n${r.stderr}`);
  checkSelftestFail(await run(exe, [], RUN_LIMIT_MS, env));
});
