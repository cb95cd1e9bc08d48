// Name lists (`const T: readonly string[]` read with nameAt(T, i, default);
// codegen/SUBSET.md, "Name lists"). programs/namelists.ts is the differential
// program (Node and C print the same, ASan/UBSan, golden C); this checks
// what that does not:
//   - the C form: one char array per list (count, default, names), no array
//     of pointers, no per-name string, each name once in the C;
//   - a Cortex-M3 --gc-sections link keeps the lists of the linked functions
//     only, and no pointer table;
//   - counts of 128..255 (a signed char count byte would read them as
//     negative), checked against Node's nameAt() on every index;
//   - 256 entries are refused with the list's line.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, GCC_FLAGS, loadCompiler, which, run, writeFiles, formatDiagnostics } from "./support";

const compiler = loadCompiler();
const gcc = which("gcc"), arm = which("arm-none-eabi-gcc");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-namelist-"));
// Generated sources live under the root (they import ts-src/rt/rt.ts).
const genDir = fs.mkdtempSync(path.join(ROOT, "build", "namelist-"));
process.on("exit", () => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(genDir, { recursive: true, force: true });
});

function compile(file: string): Map<string, string> {
  if (typeof compiler === "string") throw new Error(compiler);
  const r = compiler.compile({ inputs: [file], root: ROOT });
  assert.equal(r.diagnostics.length, 0, formatDiagnostics(r.diagnostics));
  return r.files;
}
const program = (): Map<string, string> => compile(path.join(ROOT, "test/codegen/programs/namelists.ts"));

test("namelist: one char array per list, each name once, no pointer table", () => {
  const c = program().get("namelists.c")!;
  const lists = [...c.matchAll(/^static (?:RT_UNUSED )?const char (namelists_[A-Z_]+)\[\] = "\\(\d{3})" /gm)];
  assert.deepEqual(lists.map((m) => [m[1], parseInt(m[2], 8)]),
    [["namelists_ERR_NAMES", 5], ["namelists_ONE", 1], ["namelists_LONG", 10], ["namelists_UNUSED", 1]]);
  for (const name of ["first", "last", "only", "tenth (index 9)", "unknown error", "not one", "short"]) {
    assert.equal(c.split(`"${name}`).length - 1, 1, `"${name}" is not in the C exactly once`);
  }
  assert.ok(!/const char \*\s*(const\s+)?\w+\[/.test(c), "an array of string pointers");
  assert.ok(!/__s\d+\[\] = "(first|last|only)/.test(c), "a name became a pooled string");
  assert.match(c, /return rt_name_at\(namelists_ERR_NAMES, e\);/);
});

test("namelist: a --gc-sections link keeps the used lists only, and no pointer table", { skip: arm ? false : "no arm-none-eabi-gcc" }, async () => {
  const files = program();
  const dir = path.join(tmp, "arm");
  writeFiles(dir, files);
  fs.writeFileSync(path.join(dir, "root.c"), `#include "namelists.h"\nvoid root(void);\nvoid root(void) { namelists_main(); }\n` +
    `void rt_port_write(const char *s, unsigned n);\nvoid rt_port_write(const char *s, unsigned n) { (void)s; (void)n; }\n`);
  const elf = path.join(dir, "a.elf");
  const r = await run(arm!, ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections", "-ffreestanding", "-nostdlib",
    "-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror",
    "-Wl,--gc-sections", "-Wl,--unresolved-symbols=ignore-all", "-Wl,-e,root", "-I", dir, "-o", elf, "namelists.c", "rt.c", "root.c"], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  const bin = fs.readFileSync(elf).toString("latin1");
  assert.ok(bin.includes("\x05unknown error\0\0first\0\0quote"), "ERR_NAMES is not one text");
  assert.ok(bin.includes("tenth (index 9)") && bin.includes("only"), "a used list is missing");
  assert.ok(!bin.includes("never read"), "the unused list is in the link");
  const nm = await run("arm-none-eabi-nm", ["-S", elf], { timeoutMs: 30_000 });
  assert.ok(!/CSWTCH/.test(nm.stdout), nm.stdout);
});

test("namelist: counts 128..255 (a signed count byte would break them), every index as Node", { skip: gcc ? false : "no gcc" }, async () => {
  const rtjs = path.join(ROOT, "build/ts-src/rt/rt.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rt = require(rtjs) as { nameAt(l: readonly string[], i: number, d: string): string };
  let ts = `import { printStr, printLn, u32, nameAt } from "${path.relative(genDir, path.join(ROOT, "ts-src/rt/rt")).split(path.sep).join("/")}";\n`;
  let main = "export function main(): void {\n";
  let node = "";
  for (const n of [128, 200, 255]) {
    const names = Array.from({ length: n }, (_, k) => (k % 7 === 3 ? "" : `n${n}-${k}`));
    ts += `const L${n}: readonly string[] = [${names.map((s) => JSON.stringify(s)).join(", ")}];\n`;
    main += `  for (let i: u32 = 0; i < ${n + 2}; i++) { printStr(nameAt(L${n}, i, "past ${n}")); printLn(); }\n`;
    for (let i = 0; i < n + 2; i++) node += rt.nameAt(names, i, `past ${n}`) + "\n";
  }
  const src = path.join(genDir, "big.ts");
  fs.writeFileSync(src, ts + main + "}\n");
  const files = compile(src);
  const dir = path.join(tmp, "big");
  writeFiles(dir, files);
  fs.writeFileSync(path.join(dir, "main.c"), `#include "big.h"\nint main(void) {\n  big_main();\n  return 0;\n}\n`);
  const exe = path.join(dir, "prog");
  const b = await run(gcc!, [...GCC_FLAGS, "-fsigned-char", "-I", dir, "-o", exe, ...[...files.keys()].filter((f) => f.endsWith(".c")), "main.c"], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(b.code, 0, b.stderr);
  const r = await run(exe, [], { timeoutMs: 10_000, env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, node);
});

test("namelist: 256 entries are refused at the list", () => {
  if (typeof compiler === "string") throw new Error(compiler);
  const src = path.join(genDir, "toolong.ts");
  const names = Array.from({ length: 256 }, (_, k) => `"n${k}"`);
  fs.writeFileSync(src, `import { u32, nameAt } from "${path.relative(genDir, path.join(ROOT, "ts-src/rt/rt")).split(path.sep).join("/")}";\n` +
    `const L: readonly string[] = [${names.join(", ")}];\nexport function f(i: u32): string { return nameAt(L, i, "?"); }\n`);
  const r = compiler.compile({ inputs: [src], root: ROOT });
  assert.equal(r.diagnostics.length, 1, formatDiagnostics(r.diagnostics));
  assert.equal(r.diagnostics[0].line, 2);
  assert.match(r.diagnostics[0].message, /1 to 255 entries .* this one 256; split it by code range/);
});
