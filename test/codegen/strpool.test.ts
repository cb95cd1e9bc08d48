// Texts of string literals in function bodies come out as one
// `static const char <module>__sN[]` per distinct text (codegen/src/module.ts),
// so under -fdata-sections each is its own section and a link keeps only the
// texts of the functions it keeps. Checked on test/codegen/strpool/strpool.ts:
//   - one array per text (the shared one once), no literal left in the bodies;
//   - Node and C (gcc -Werror, ASan, UBSan) print the same (escapes included);
//   - linked for Cortex-M3 with --gc-sections from used() alone, the binary
//     holds used()'s texts and not the unused function's; the same C with the
//     arrays put back as inline literals does hold it (what the rule fixes).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, loadCompiler, which, run, writeFiles, formatDiagnostics, nodePrints, hostPrints } from "./support";

const compiler = loadCompiler();
const gcc = which("gcc"), arm = which("arm-none-eabi-gcc");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-strpool-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function out(): Map<string, string> {
  if (typeof compiler === "string") throw new Error(compiler);
  const r = compiler.compile({ inputs: [path.join(ROOT, "test/codegen/strpool/strpool.ts")], root: ROOT });
  assert.equal(r.diagnostics.length, 0, formatDiagnostics(r.diagnostics));
  return r.files;
}

test("strpool: one static array per text, no literal left in function bodies", () => {
  const c = out().get("strpool.c")!;
  const arrays = [...c.matchAll(/^static const char (strpool__s\d+)\[\] = (".*");$/gm)];
  assert.equal(arrays.length, 3, c);
  assert.equal(arrays.filter((a) => a[2] === '"shared text"').length, 1);
  const bodies = c.split("\n").filter((l) => !l.startsWith("#") && !l.startsWith("static const char ") && !/^\s*(\/\*|\*)/.test(l));
  assert.deepEqual(bodies.filter((l) => l.includes('"')), [], "a literal is left in the code");
});

test("strpool: Node and C print the same", { skip: gcc ? false : "no gcc" }, async () => {
  const files = out();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ROOT, "build/test/codegen/strpool/strpool.js")) as { used(): void; unusedFirst(): void };
  const node = nodePrints(() => { mod.unusedFirst(); mod.used(); });
  assert.equal(await hostPrints(gcc!, path.join(tmp, "host"), files, ["strpool.h"], "  strpool_unusedFirst();\n  strpool_used();\n"), node);
});

test("strpool: a --gc-sections link keeps only the texts of the functions it keeps", { skip: arm ? false : "no arm-none-eabi-gcc" }, async () => {
  const files = out();
  const link = async (tag: string, c: string): Promise<string> => {
    const dir = path.join(tmp, tag);
    writeFiles(dir, new Map([...files, ["strpool.c", c]]));
    fs.writeFileSync(path.join(dir, "root.c"), `#include "strpool.h"\nvoid root(void);\nvoid root(void) { strpool_used(); }\n` +
      `void rt_print_str(const char *s);\nvoid rt_print_str(const char *s) { (void)s; }\nvoid rt_print_ln(void);\nvoid rt_print_ln(void) {}\n`);
    const elf = path.join(dir, "a.elf");
    const r = await run(arm!, ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections", "-ffreestanding", "-nostdlib",
      "-Wl,--gc-sections", "-Wl,-e,root", "-I", dir, "-o", elf, "strpool.c", "root.c"], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    return fs.readFileSync(elf).toString("latin1");
  };
  const c = files.get("strpool.c")!;
  const pooled = await link("pooled", c);
  assert.ok(pooled.includes("shared text") && pooled.includes("backslash"), "used()'s texts are missing");
  assert.ok(!pooled.includes("only in the unused function"), "the unused function's text is in the link");
  // The arrays put back as literals: the shared text drags the other one in.
  const names = new Map([...c.matchAll(/^static const char (strpool__s\d+)\[\] = (".*");$/gm)].map((m) => [m[1], m[2]]));
  const inline = c.replace(/^static const char strpool__s\d+\[\] = .*\n/gm, "").replace(/\bstrpool__s\d+\b/g, (n) => names.get(n)!);
  assert.ok(!/strpool__s\d/.test(inline));
  const dragged = await link("inline", inline);
  assert.ok(dragged.includes("only in the unused function"), "with inline literals the unused text was not dragged in: the test shows nothing");
});
