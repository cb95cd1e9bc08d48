// Built for size (-Os), copyBytes is defined once, in rt.c, not as a static
// inline per module: GCC kept a private copy of it in every module that used
// it (34 B each on Cortex-M3). Built for speed it stays inline. Checked on
// test/codegen/rtshared (two modules, both copying at unproven offsets):
//   - Node and C (gcc -Werror, ASan, UBSan) print the same: fits, does not
//     fit, empty views, the answer used;
//   - linked for Cortex-M3 (-Os, --gc-sections), the binary has exactly one
//     copy of each form, rt.c's rt_copy_bytes_out (the answer used) and
//     rt_copy_into_out (copyBytes as a statement), and no module-local one;
//     at -O2 neither is called (inlined).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, loadCompiler, which, run, writeFiles, formatDiagnostics, nodePrints, hostPrints } from "./support";

const compiler = loadCompiler();
const gcc = which("gcc"), arm = which("arm-none-eabi-gcc"), nm = which("arm-none-eabi-nm");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-rtshared-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function out(): Map<string, string> {
  if (typeof compiler === "string") throw new Error(compiler);
  const r = compiler.compile({ inputs: ["rts_a.ts", "rts_b.ts"].map((f) => path.join(ROOT, "test/codegen/rtshared", f)), root: ROOT });
  assert.equal(r.diagnostics.length, 0, formatDiagnostics(r.diagnostics));
  return r.files;
}

test("rtshared: Node and C print the same", { skip: gcc ? false : "no gcc" }, async () => {
  const files = out();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ROOT, "build/test/codegen/rtshared/rts_a.js")) as { main(): void };
  const node = nodePrints(() => { mod.main(); });
  assert.equal(node, "78910\n000\n\n10008900\n", "the program's own expectation");
  assert.equal(await hostPrints(gcc!, path.join(tmp, "host"), files, ["rts_a.h"], "  rts_a_main();\n"), node);
});

test("rtshared: a Cortex-M3 -Os link has one copyBytes, not one per module; -O2 inlines it", { skip: arm && nm ? false : "no arm-none-eabi-gcc" }, async () => {
  const files = out();
  const dir = path.join(tmp, "arm");
  writeFiles(dir, files);
  fs.writeFileSync(path.join(dir, "root.c"), `#include "rts_a.h"\nvoid root(void);\nvoid root(void) { rts_a_main(); }\n`);
  const copies = async (opt: string): Promise<string[]> => {
    const elf = path.join(dir, `a${opt}.elf`);
    const r = await run(arm!, ["-std=c99", "-mcpu=cortex-m3", "-mthumb", opt, "-ffunction-sections", "-fdata-sections", "-ffreestanding", "-nostdlib",
      "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror",
      "-Wl,--gc-sections", "-Wl,--unresolved-symbols=ignore-all", "-Wl,-e,root", "-I", dir, "-o", elf,
      ...[...files.keys()].filter((f) => f.endsWith(".c")), "root.c"], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const syms = (await run(nm!, [elf], { timeoutMs: 30_000 })).stdout.split("\n").filter((l) => /rt_copy_/.test(l));
    return syms.map((l) => l.split(" ").slice(1).join(" "));
  };
  // rts_a copies as a statement (rt_copy_into), rts_b uses the answer (rt_copy_bytes).
  assert.deepEqual((await copies("-Os")).sort(), ["T rt_copy_bytes_out", "T rt_copy_into_out"]);
  assert.deepEqual(await copies("-O2"), []);
});
