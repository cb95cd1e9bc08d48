// Exports no other library module uses come out static (codegen/src/visibility.ts).
// test/codegen/visibility/lib is compiled as the library (libraryDirs):
//   - the header declares what another module or C uses (shared(), sum(),
//     Acc.add(), the @cextern forC() and main()), the .c keeps lonely() and
//     Acc.total() static;
//   - the program prints the same under Node and as C (gcc -Werror, ASan,
//     UBSan), and compiles warning-free for Cortex-M3 and LX106; lonely(), now
//     static, gets its callers' ranges (its index checks go);
//   - the same modules compiled outside the library (default libraryDirs) keep
//     every export external;
//   - the rule cannot go wrong silently: a C driver calling lonely() does not
//     build, nor does vis_b.c when shared() is made static by hand (a rule
//     that hid a used function), and TypeScript outside the library calling
//     lonely() gets a diagnostic naming @cextern.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, GCC_FLAGS, loadCompiler, which, run, writeFiles, formatDiagnostics, CompileResult } from "./support";

const DIR = path.join(ROOT, "test/codegen/visibility");
const LIB = "test/codegen/visibility/lib";
const compiler = loadCompiler();
const gcc = which("gcc");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-visibility-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

type Compile = (opts: { inputs: string[]; root?: string; libraryDirs?: string[] }) => CompileResult;
function compile(inputs: string[], libraryDirs?: string[]): CompileResult {
  if (typeof compiler === "string") throw new Error(compiler);
  return (compiler.compile as Compile)({ inputs: inputs.map((f) => path.join(DIR, f)), root: ROOT, libraryDirs });
}

let lib: CompileResult | null = null;
function libOut(): Map<string, string> {
  lib ??= compile(["lib/vis_a.ts", "lib/vis_b.ts"], [LIB]);
  assert.equal(lib.diagnostics.length, 0, formatDiagnostics(lib.diagnostics));
  return lib.files;
}

const DRIVER = `#include "vis_b.h"\n\nint main(void) {\n  vis_b_main();\n  return vis_a_forC(35) == 42 ? 0 : 3;\n}\n`;

async function build(name: string, files: Map<string, string>, driver: string, flags = GCC_FLAGS): Promise<{ code: number | null; out: string; exe: string }> {
  const dir = path.join(tmp, name);
  writeFiles(dir, files);
  fs.writeFileSync(path.join(dir, "driver.c"), driver);
  const exe = path.join(dir, "prog");
  const sources = [...files.keys()].filter((f) => f.endsWith(".c")).concat("driver.c");
  const r = await run(gcc!, [...flags, "-I", dir, "-o", exe, ...sources], { cwd: dir, timeoutMs: 120_000 });
  return { code: r.code, out: r.stderr + r.stdout, exe };
}

/** Whether `name` is defined static in the C text. */
const isStatic = (c: string, name: string) => new RegExp(`^static (RT_UNUSED )?[^;(]*\\b${name}\\(`, "m").test(c);
const declares = (h: string, name: string) => new RegExp(`\\b${name}\\(`).test(h);

test("visibility: exports no other library module uses are static, the others stay in the header", () => {
  const f = libOut();
  const h = f.get("vis_a.h")!, c = f.get("vis_a.c")!;
  assert.ok(declares(f.get("vis_b.h")!, "vis_b_main"), "vis_b.h does not declare vis_b_main");
  for (const n of ["vis_a_shared", "vis_a_forC", "vis_a_sum", "Acc_add"]) {
    assert.ok(declares(h, n), `vis_a.h does not declare ${n}`);
    assert.ok(!isStatic(c, n), `${n} is static in vis_a.c`);
  }
  for (const n of ["vis_a_lonely", "Acc_total"]) {
    assert.ok(!declares(h, n), `vis_a.h declares ${n}, which only vis_a uses`);
    assert.ok(isStatic(c, n), `${n} is not static in vis_a.c`);
  }
  // Static, lonely() gets the range of its arguments (0..6): no index check left.
  const body = /vis_a_lonely\(uint32_t i\) \{([\s\S]*?)\n\}/.exec(c)?.[1] ?? "";
  assert.ok(body !== "", "no body of vis_a_lonely");
  assert.doesNotMatch(body, /rt_|\? *\(|< *8/, `lonely() kept a check:\n${body}`);
});

test("visibility: outside the library every export stays external", () => {
  const r = compile(["lib/vis_a.ts", "lib/vis_b.ts"]);
  assert.equal(r.diagnostics.length, 0, formatDiagnostics(r.diagnostics));
  const h = r.files.get("vis_a.h")!;
  for (const n of ["vis_a_lonely", "Acc_total", "vis_a_shared"]) assert.ok(declares(h, n), `vis_a.h does not declare ${n}`);
});

test("visibility: Node and C print the same (ASan, UBSan), cross builds are warning-free", { skip: gcc ? false : "no gcc" }, async () => {
  const files = libOut();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rt = require(path.join(ROOT, "build/ts-src/rt/rt.js")) as { setPrintSink(f: (s: string) => void): void };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(ROOT, "build", LIB, "vis_b.js")) as { main(): void };
  let node = "";
  rt.setPrintSink((s) => { node += s; });
  try { mod.main(); } finally { rt.setPrintSink((s) => { process.stdout.write(s); }); }
  const b = await build("run", files, DRIVER);
  assert.equal(b.code, 0, b.out);
  const r = await run(b.exe, [], { timeoutMs: 10_000, env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(node, /^total \d+\ntwice \d+\n$/);
  assert.equal(r.stdout, node);
  for (const [cc, flags] of [["arm-none-eabi-gcc", ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffreestanding"]], ["xtensa-lx106-elf-gcc", ["-Os", "-ffreestanding"]]] as const) {
    const p = which(cc);
    if (!p) continue;
    const dir = path.join(tmp, cc);
    writeFiles(dir, files);
    const warn = GCC_FLAGS.filter((x) => !x.startsWith("-fsanitize") && x !== "-g");
    const x = await run(p, [...warn, ...flags, "-I", dir, "-c", "vis_a.c", "vis_b.c"], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(x.code, 0, `${cc}:\n${x.stderr}`);
  }
});

test("visibility: C calling a static export does not build; a rule hiding a used function would not either", { skip: gcc ? false : "no gcc" }, async () => {
  const files = libOut();
  const bad = await build("cstatic", files, `#include <stdint.h>\n#include "vis_a.h"\n\nint main(void) {\n  return (int)vis_a_lonely(1);\n}\n`);
  assert.notEqual(bad.code, 0, "a driver calling the static vis_a_lonely() built");
  assert.match(bad.out, /vis_a_lonely/);
  // A wrong rule: shared() static although vis_b calls it.
  const wrong = new Map(files);
  wrong.set("vis_a.h", files.get("vis_a.h")!.replace(/^.*\bvis_a_shared\(.*\n/m, ""));
  wrong.set("vis_a.c", files.get("vis_a.c")!.replace(/^(uint32_t vis_a_shared\()/m, "static $1"));
  assert.notEqual(wrong.get("vis_a.c"), files.get("vis_a.c"), "the mutation did not apply");
  const w = await build("wrong", wrong, DRIVER);
  assert.notEqual(w.code, 0, "vis_b.c built against a static vis_a_shared()");
  assert.match(w.out, /vis_a_shared/);
});

test("visibility: TypeScript outside the library calling a static export is an error naming @cextern", () => {
  const r = compile(["outside.ts"], [LIB]);
  const ds = r.diagnostics.filter((d) => /lonely/.test(d.message));
  assert.equal(ds.length, 1, formatDiagnostics(r.diagnostics));
  assert.match(ds[0].message, /static in vis_a\.c/);
  assert.match(ds[0].message, /@cextern/);
  assert.equal(ds[0].file, "test/codegen/visibility/outside.ts");
  assert.ok(!r.diagnostics.some((d) => /forC/.test(d.message)), "forC() is @cextern: no error expected");
  assert.equal(r.files.size, 0);
});
