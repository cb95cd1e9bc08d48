// JSDoc `@noinline` and `@inline` (codegen/SUBSET.md): the function is
// emitted with RT_NOINLINE (GCC's noinline), or as `static RT_INLINE`
// (always_inline), on its prototype and definition. Checked on
// test/codegen/noinline: each tag reaches the C of its function only; Node
// and C (gcc -Werror, ASan, UBSan) print the same; compiled for Cortex-M3 at
// -Os the @noinline function is still a function of its own while its
// untagged twin is inlined, and the @inline one is inlined while its untagged
// twin is called (without the tags the test fails). Misuse (@inline on a
// function external in C, both tags) is rejected: reject/inline_tags.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, loadCompiler, which, run, writeFiles, formatDiagnostics, nodePrints, hostPrints } from "./support";

const compiler = loadCompiler();
const gcc = which("gcc"), arm = which("arm-none-eabi-gcc"), nm = which("arm-none-eabi-nm");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-noinline-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function out(): Map<string, string> {
  if (typeof compiler === "string") throw new Error(compiler);
  const r = compiler.compile({ inputs: [path.join(ROOT, "test/codegen/noinline/noinline.ts")], root: ROOT });
  assert.equal(r.diagnostics.length, 0, formatDiagnostics(r.diagnostics));
  return r.files;
}

test("noinline: RT_NOINLINE / RT_INLINE on the tagged functions' prototypes and definitions only", () => {
  const c = out().get("noinline.c")!;
  assert.equal([...c.matchAll(/^RT_NOINLINE static void noinline_addKept\(uint32_t n\)/gm)].length, 2, c);
  assert.equal([...c.matchAll(/RT_NOINLINE/g)].length, 2, c);
  assert.equal([...c.matchAll(/^static RT_INLINE void noinline_mixForced\(uint32_t n\)/gm)].length, 2, c);
  assert.equal([...c.matchAll(/RT_INLINE/g)].length, 2, c);
});

test("noinline: Node and C print the same", { skip: gcc ? false : "no gcc" }, async () => {
  const files = out();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ROOT, "build/test/codegen/noinline/noinline.js")) as { main(): void };
  const node = nodePrints(() => { mod.main(); });
  assert.equal(node, "2915475457\n", "the program's own expectation");
  assert.equal(await hostPrints(gcc!, path.join(tmp, "host"), files, ["noinline.h"], "  noinline_main();\n"), node);
});

test("noinline: at -Os on Cortex-M3 @noinline stays out of line and @inline is inlined, their untagged twins the other way", { skip: arm && nm ? false : "no arm-none-eabi-gcc" }, async () => {
  const dir = path.join(tmp, "arm");
  writeFiles(dir, out());
  const obj = path.join(dir, "noinline.o");
  const r = await run(arm!, ["-std=c99", "-mcpu=cortex-m3", "-mthumb", "-Os", "-ffreestanding", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror",
    "-I", dir, "-c", "noinline.c", "-o", obj], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const syms = (await run(nm!, [obj], { timeoutMs: 30_000 })).stdout;
  assert.match(syms, / t noinline_addKept$/m, syms);
  assert.doesNotMatch(syms, /noinline_addInlined/, syms);
  assert.match(syms, / t noinline_mixCalled$/m, syms);
  assert.doesNotMatch(syms, /noinline_mixForced/, syms);
});
