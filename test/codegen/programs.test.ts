// Differential tests of the compiler: every test/codegen/programs/<name>.ts runs
// under Node (its tsc output) and, compiled to C by codegen, as a host binary
// built with -Werror and ASan/UBSan. Both must print exactly the same text.
// The generated C is also compared with test/codegen/golden/ (UPDATE_GOLDEN=1
// rewrites the golden files; review the diff: it is the review of the output).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  ROOT, PROGRAMS_DIR, PROGRAMS_JS_DIR, GOLDEN_DIR, GCC_FLAGS, CompileResult, Compiler,
  loadCompiler, which, run, limiter, writeFiles, formatDiagnostics, firstDifference,
} from "./support";

const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** Documented differences between Node and C (codegen/SUBSET.md): C's expected
 *  output is derived from Node's. `%` by a zero divisor: NaN under Node, 0 in C. */
const C_EXPECTED: Record<string, (node: string) => string> = {
  modzero: (s) => s.replace(/\bNaN\b/g, "0"),
};

/** Programs whose C output is known wrong because of an open compiler bug (reason shown as todo). */
const TODO: Record<string, string> = {};

const programs = fs.readdirSync(PROGRAMS_DIR)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .map((f) => f.slice(0, -3))
  .sort();
const programSet = new Set(programs);

// ---- Node side ----

type Fn = (...args: never[]) => unknown;

/** Node implementations of the externs some programs declare (`declare function`),
 *  installed on globalThis as the Node port would. The C ones are <name>.port.c. */
function nodeExterns(name: string, mod: Record<string, Fn>): Record<string, Fn> {
  switch (name) {
    case "externs": {
      let ticks = 0;
      return {
        ext_scale: ((a: number, k: number) => Math.imul(a, k)) as Fn,
        ext_sum: ((b: Uint8Array) => b.reduce((s, x) => s + x, 0) >>> 0) as Fn,
        ext_flag: ((on: boolean) => !on) as Fn,
        ext_tick: (() => { ticks++; }) as Fn,
        ext_ticks: (() => ticks) as Fn,
        ext_len: ((s: string) => s.length) as Fn,
        ext_view: (() => Uint8Array.from([0xca, 0xfe, 0x01])) as Fn,
      };
    }
    case "api":
      return {
        ext_call_api: ((x: number) => {
          (mod.my_api_add as (n: number) => number)(x >>> 0);
          return (mod.my_api_negate as (n: number) => number)(x);
        }) as Fn,
      };
    default:
      return {};
  }
}

const nodeOutputs = new Map<string, string>();

/** Runs a program's main() under Node once (module state persists) and returns what it printed. */
function nodeOutput(name: string): string {
  const cached = nodeOutputs.get(name);
  if (cached !== undefined) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rt = require(path.join(ROOT, "build/ts-src/rt/rt.js")) as { setPrintSink(f: (s: string) => void): void };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.join(PROGRAMS_JS_DIR, `${name}.js`)) as Record<string, Fn>;
  const g = globalThis as unknown as Record<string, unknown>;
  const ext = nodeExterns(name, mod);
  for (const [k, f] of Object.entries(ext)) g[k] = f;
  let out = "";
  rt.setPrintSink((s) => { out += s; });
  try {
    (mod.main as () => void)();
  } finally {
    rt.setPrintSink((s) => { process.stdout.write(s); });
    for (const k of Object.keys(ext)) delete g[k];
  }
  nodeOutputs.set(name, out);
  return out;
}

// ---- compiling ----

const compiler = loadCompiler();
const gcc = which("gcc");
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-programs-"));
process.on("exit", () => fs.rmSync(tmpRoot, { recursive: true, force: true }));

interface ProgramC { result: CompileResult; ms: number }
let compiledAll: Map<string, ProgramC> | null = null;

/** Compiles all programs, in one batch when that is clean, else one by one
 *  so that one program's diagnostics do not hide the others' output. */
function compileAll(c: Compiler): Map<string, ProgramC> {
  if (compiledAll !== null) return compiledAll;
  const res = new Map<string, ProgramC>();
  const abs = (n: string): string => path.join(PROGRAMS_DIR, `${n}.ts`);
  // A ts-morph project costs seconds to set up: batch, set aside the programs
  // with diagnostics of their own, and batch the rest again.
  let todo = programs.slice();
  for (let round = 0; round < 3 && todo.length > 0; round++) {
    const t0 = Date.now();
    const batch = c.compile({ inputs: todo.map(abs), root: ROOT });
    const ms = (Date.now() - t0) / todo.length;
    if (batch.diagnostics.length === 0) {
      for (const n of todo) res.set(n, { result: batch, ms });
      todo = [];
      break;
    }
    const failed = new Set(batch.diagnostics.map((d) => path.basename(d.file, ".ts")).filter((n) => programSet.has(n)));
    if (failed.size === 0) break; // diagnostics in a helper module: fall back to one by one
    for (const n of failed) {
      const own = batch.diagnostics.filter((d) => path.basename(d.file, ".ts") === n);
      res.set(n, { result: { diagnostics: own, files: new Map() }, ms });
    }
    todo = todo.filter((n) => !failed.has(n));
  }
  for (const n of todo) {
    const t0 = Date.now();
    res.set(n, { result: c.compile({ inputs: [abs(n)], root: ROOT }), ms: Date.now() - t0 });
  }
  compiledAll = res;
  return res;
}

/** The generated files one program needs: its own module, imported helper
 *  modules (not other programs) and the runtime. */
function filesOf(name: string, all: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [f, text] of all) {
    const base = path.basename(f).replace(/\.[ch]$/, "");
    if (base === name || !programSet.has(base)) out.set(f, text);
  }
  return out;
}

const isRuntime = (f: string): boolean => /^rt\.[ch]$/.test(path.basename(f));

// ---- building and running C (at most 2 gcc/binaries at a time) ----

const limit = limiter(2);
const builds = new Map<string, Promise<{ build: string; stdout: string; stderr: string; code: number | null; signal: string | null }>>();

function buildAndRun(name: string, files: Map<string, string>, extraFlags: string[] = [], tag = ""): ReturnType<typeof buildOnce> {
  const key = name + tag;
  let p = builds.get(key);
  if (p === undefined) {
    p = limit(() => buildOnce(name, files, extraFlags, tag));
    builds.set(key, p);
  }
  return p;
}

async function buildOnce(name: string, files: Map<string, string>, extraFlags: string[], tag: string) {
  const dir = path.join(tmpRoot, name + tag);
  writeFiles(dir, files);
  fs.writeFileSync(path.join(dir, "main.c"),
    `/* Test driver: runs the program's main(). */\n#include "${name}.h"\n\nint main(void) {\n  ${name}_main();\n  return 0;\n}\n`);
  const port = path.join(PROGRAMS_DIR, `${name}.port.c`);
  if (fs.existsSync(port)) fs.copyFileSync(port, path.join(dir, `${name}.port.c`));
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith(".c")).sort();
  const exe = path.join(dir, "prog");
  const cc = await run(gcc!, [...GCC_FLAGS, ...extraFlags, "-I", dir, "-o", exe, ...sources], { cwd: dir, timeoutMs: 60_000 });
  if (cc.code !== 0) {
    return { build: `gcc failed (exit ${cc.code}${cc.signal ? `, ${cc.signal}` : ""}):\n${cc.stderr}${cc.stdout}`, stdout: "", stderr: "", code: null, signal: null };
  }
  const r = await run(exe, [], { cwd: dir, timeoutMs: 10_000, env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0", UBSAN_OPTIONS: "print_stacktrace=1" } });
  return { build: "", stdout: r.stdout, stderr: r.stderr, code: r.code, signal: r.signal };
}

/** Cross compilers: the generated C must also be warning-free on the targets. */
const CROSS: { name: string; cc: string | null; flags: string[] }[] = [
  { name: "Cortex-M3", cc: which("arm-none-eabi-gcc"), flags: ["-mcpu=cortex-m3", "-mthumb", "-Os", "-ffreestanding"] },
  { name: "LX106", cc: which("xtensa-lx106-elf-gcc"), flags: ["-Os", "-ffreestanding"] },
];
const WARN_FLAGS = GCC_FLAGS.filter((f) => !f.startsWith("-fsanitize") && f !== "-g");

/** Compiles (no link) the program's generated .c files with a cross compiler. */
function crossCompile(name: string, files: Map<string, string>, cc: string, flags: string[], tag: string): Promise<string> {
  return limit(async () => {
    const dir = path.join(tmpRoot, `${name}-${tag}`);
    writeFiles(dir, files);
    const sources = [...files.keys()].filter((f) => f.endsWith(".c"));
    const r = await run(cc, [...WARN_FLAGS, ...flags, "-I", dir, "-c", ...sources], { cwd: dir, timeoutMs: 60_000 });
    return r.code === 0 ? "" : `${path.basename(cc)} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`;
  });
}

// ---- the tests ----

test("the programs directory holds the differential programs", () => {
  assert.ok(programs.length >= 25, `only ${programs.length} programs`);
});

test("output does not depend on what else is compiled, nor on repetition", (t) => {
  if (typeof compiler === "string") assert.fail(`the compiler is not available: ${compiler}`);
  const all = compileAll(compiler);
  for (const name of ["imports", "callbacks", "structs"]) {
    const batch = all.get(name)!.result;
    if (batch.diagnostics.length > 0) { t.diagnostic(`${name} has diagnostics; skipped`); continue; }
    const alone = compiler.compile({ inputs: [path.join(PROGRAMS_DIR, `${name}.ts`)], root: ROOT });
    const again = compiler.compile({ inputs: [path.join(PROGRAMS_DIR, `${name}.ts`)], root: ROOT });
    assert.ok(alone.files.has(`${name}.c`), `compiling ${name}.ts alone produced no ${name}.c`);
    for (const [f, text] of alone.files) {
      assert.equal(text, batch.files.get(f), `${f} differs between a batch compile and compiling ${name}.ts alone`);
      assert.equal(again.files.get(f), text, `${f} differs between two compiles`);
    }
  }
});

for (const name of programs) {
  test(`program ${name}`, { todo: TODO[name], timeout: 120_000 }, async (t) => {
    const expected = nodeOutput(name);
    assert.ok(expected.length > 0, "the program printed nothing under Node");
    if (typeof compiler === "string") assert.fail(`the compiler is not available: ${compiler}`);
    const { result, ms } = compileAll(compiler).get(name)!;
    assert.equal(result.diagnostics.length, 0, `the compiler rejected a valid program:\n${formatDiagnostics(result.diagnostics)}`);
    const files = filesOf(name, result.files);
    assert.ok(files.has(`${name}.c`) && files.has(`${name}.h`), `no ${name}.c/.h among ${[...result.files.keys()].join(", ")}`);
    assert.ok(files.has("rt.h") && files.has("rt.c"), "the runtime rt.h/rt.c was not emitted");
    t.diagnostic(`codegen ${ms.toFixed(0)} ms`);

    await t.test(`${name}: generated C is well-formed and readable`, () => {
      for (const [f, text] of files) {
        if (isRuntime(f)) continue;
        assert.match(text, /do not edit/i, `${f}: no "generated, do not edit" banner`);
        assert.ok(!text.includes(ROOT + "/"), `${f}: contains an absolute path (output must not depend on the checkout location)`);
        if (f.endsWith(".h")) {
          assert.match(text, /#ifndef\s+\w+\s*\n\s*#define\s+\w+/, `${f}: no include guard`);
        }
      }
      const c = files.get(`${name}.c`)!;
      assert.ok(c.includes(`#line`) && c.includes(`"test/codegen/programs/${name}.ts"`),
        `${name}.c: no #line directive pointing back to test/codegen/programs/${name}.ts`);
      assert.match(c, new RegExp(`#include "${name}\\.h"`), `${name}.c does not include its own header`);
      assert.match(files.get(`${name}.h`)!, new RegExp(`\\b${name}_main\\s*\\(\\s*void\\s*\\)`), `${name}.h does not declare ${name}_main(void)`);
      assert.ok(!/\bmalloc\b|\bcalloc\b|\bfree\s*\(/.test(c), `${name}.c uses the heap`);
      // At most one #line per TypeScript line in a row, and no no-op shifts.
      const lines = [...c.matchAll(/^#line (\d+) /gm)].map((m) => Number(m[1]));
      const repeated = lines.filter((n, k) => k > 0 && lines[k - 1] === n);
      assert.deepEqual(repeated, [], `${name}.c repeats #line for one TypeScript line`);
      assert.ok(!/(>>|<<) 0\b(?!x)/.test(c.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")), `${name}.c has a no-op shift by 0`);
    });

    await t.test(`${name}: golden files`, () => {
      const stale: string[] = [];
      for (const [f, text] of files) {
        if (isRuntime(f)) continue;
        const g = path.join(GOLDEN_DIR, path.basename(f));
        if (UPDATE) {
          if (!fs.existsSync(g) || fs.readFileSync(g, "utf8") !== text) fs.writeFileSync(g, text);
          continue;
        }
        if (!fs.existsSync(g)) { stale.push(`${path.basename(f)} (missing)`); continue; }
        const want = fs.readFileSync(g, "utf8");
        if (want !== text) stale.push(`${path.basename(f)}: ${firstDifference(want, text)}`);
      }
      assert.deepEqual(stale, [], `generated C differs from test/codegen/golden/ (review, then rerun with UPDATE_GOLDEN=1):\n${stale.join("\n")}`);
    });

    await t.test(`${name}: C output equals Node output`, async (st) => {
      if (gcc === null) { st.skip("gcc is not installed"); return; }
      const r = await buildAndRun(name, files);
      assert.equal(r.build, "", r.build);
      assert.equal(r.stderr, "", `the C program wrote to stderr (sanitizer report?):\n${r.stderr}`);
      assert.equal(r.code, 0, `the C program exited with ${r.code}${r.signal ? ` (${r.signal})` : ""}`);
      const want = C_EXPECTED[name] ? C_EXPECTED[name](expected) : expected;
      if (r.stdout !== want) {
        assert.equal(r.stdout, want, `C and Node differ, ${firstDifference(want, r.stdout)}`);
      }
    });

    await t.test(`${name}: cross-compiles warning-free (Cortex-M3, LX106)`, async (st) => {
      const missing = CROSS.filter((x) => x.cc === null).map((x) => x.name);
      if (missing.length === CROSS.length) { st.skip(`no cross compiler installed (${missing.join(", ")})`); return; }
      const errs = await Promise.all(CROSS.filter((x) => x.cc !== null).map((x) => crossCompile(name, files, x.cc!, x.flags, x.name)));
      assert.equal(errs.join(""), "");
      if (missing.length > 0) st.diagnostic(`not installed: ${missing.join(", ")}`);
    });

    if (name === "kconfig") {
      await t.test(`${name}: a -DCONFIG_ override resizes the buffer`, async (st) => {
        if (gcc === null) { st.skip("gcc is not installed"); return; }
        const all = [...files.values()].join("\n");
        assert.match(all, /#ifndef CONFIG_CG_TEST_RING_SIZE\s*\n\s*#define CONFIG_CG_TEST_RING_SIZE 6\b/);
        assert.match(all, /#ifndef CONFIG_CG_TEST_FILL\b/);
        const r = await buildAndRun(name, files, ["-DCONFIG_CG_TEST_RING_SIZE=4"], "-ring4");
        assert.equal(r.build, "", r.build);
        assert.equal(r.stderr, "");
        assert.equal(r.stdout, "size 4 len 4\nadaeabac head 2\ncond 2 7\n");
      });
    }
    if (name === "api") {
      await t.test(`${name}: @api functions keep their exact names`, () => {
        const h = files.get("api.h")!;
        assert.match(h, /\buint32_t\s+my_api_add\s*\(\s*uint32_t\s+n\s*\)/);
        assert.match(h, /\bint32_t\s+my_api_negate\s*\(\s*int32_t\s+x\s*\)/);
        assert.ok(!/api_my_api_add/.test(h), "the module prefix was added to an @api name");
      });
    }
    if (name === "externs") {
      await t.test(`${name}: extern prototypes are in the header, unprefixed, views split (hand-written C defines ext_sum_v)`, () => {
        const h = files.get("externs.h")!;
        for (const p of [/\bint32_t\s+ext_scale\s*\(\s*int32_t\s+a\s*,\s*int32_t\s+k\s*\)/, /\buint32_t\s+ext_sum_v\s*\(\s*uint8_t\s+\*b_p\s*,\s*uint32_t\s+b_len\s*\)/,
          /^static RT_INLINE uint32_t ext_sum\(rt_bytes b\) \{ return ext_sum_v\(b\.p, b\.len\); \}$/m,
          /\bbool\s+ext_flag\s*\(\s*bool\s+on\s*\)/, /\bvoid\s+ext_tick\s*\(\s*void\s*\)/]) {
          assert.match(h, p);
        }
      });
    }
  });
}
