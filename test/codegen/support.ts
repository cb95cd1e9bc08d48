// Shared helpers of the codegen test suite: where things are, how to load the
// compiler, how to run a tool with a time limit, and a small job limiter so C
// builds never use more than two cores.
import { execFile, execFileSync } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

/** Repository root: these files run from build/test/codegen/. */
export const ROOT = path.resolve(__dirname, "../../..");
export const SRC_DIR = path.join(ROOT, "test/codegen");
export const PROGRAMS_DIR = path.join(SRC_DIR, "programs");
export const GOLDEN_DIR = path.join(SRC_DIR, "golden");
export const REJECT_DIR = path.join(SRC_DIR, "reject");
/** The compiled JS of the programs (tsc mirrors test/ under build/). */
export const PROGRAMS_JS_DIR = path.join(ROOT, "build/test/codegen/programs");
export const COMPILER_JS = path.join(ROOT, "build/codegen/src/index.js");
export const CLI_JS = path.join(ROOT, "build/codegen/src/cli.js");

/** Strict warnings plus sanitizers: any UB the generated C hits aborts the run. */
export const GCC_FLAGS = [
  "-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror",
  "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
];

export interface Diagnostic { file: string; line: number; col: number; message: string; text: string }
export interface CompileResult { diagnostics: Diagnostic[]; files: Map<string, string> }
export interface Compiler { compile(opts: { inputs: string[]; root?: string }): CompileResult }

/** The compiler's library API, or an explanation of why it cannot be loaded. */
export function loadCompiler(): Compiler | string {
  if (!fs.existsSync(COMPILER_JS)) return `${path.relative(ROOT, COMPILER_JS)} does not exist (run npx tsc -p .)`;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(COMPILER_JS) as Partial<Compiler>;
    if (typeof mod.compile !== "function") return `${path.relative(ROOT, COMPILER_JS)} exports no compile()`;
    return mod as Compiler;
  } catch (e) {
    return `loading the compiler failed: ${(e as Error).stack ?? String(e)}`;
  }
}

/** The path of a tool on PATH, or null. */
export function which(tool: string): string | null {
  try {
    return execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export interface RunResult { code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }

/** Runs a program with a time limit; on timeout Node kills the child it started (by pid). */
export function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, timeout: opts.timeoutMs, killSignal: "SIGKILL", maxBuffer: 16 << 20, env: opts.env ?? process.env },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: string }) | null;
        const code = e === null ? 0 : typeof e.code === "number" ? e.code : null;
        resolve({ code, signal: e?.signal ?? null, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - t0 });
      });
  });
}

/** Runs async jobs with at most `n` at a time (the machine has 2 shared cores). */
export function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    if (active >= n || queue.length === 0) return;
    active++;
    queue.shift()!();
  };
  return <T>(job: () => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    queue.push(() => {
      job().then(resolve, reject).finally(() => { active--; next(); });
    });
    next();
  });
}

/** Writes generated files into `dir` (created). */
export function writeFiles(dir: string, files: Map<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
}

/** What `main` prints under Node (the generated modules' print sink). */
export function nodePrints(main: () => void): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const rt = require(path.join(ROOT, "build/ts-src/rt/rt.js")) as { setPrintSink(f: (s: string) => void): void };
  let out = "";
  rt.setPrintSink((s) => { out += s; });
  try { main(); } finally { rt.setPrintSink((s) => { process.stdout.write(s); }); }
  return out;
}

/** Builds `files` in `dir` with the host gcc (GCC_FLAGS: -Werror, ASan,
 *  UBSan) and a main.c of `mainBody` (after `#include`s of `headers`), runs
 *  it and gives its stdout; fails the test on a build error or a non-zero exit. */
export async function hostPrints(gcc: string, dir: string, files: Map<string, string>, headers: string[], mainBody: string): Promise<string> {
  writeFiles(dir, files);
  const inc = headers.map((h) => `#include "${h}"\n`).join("");
  fs.writeFileSync(path.join(dir, "main.c"), `${inc}int main(void) {\n${mainBody}  return 0;\n}\n`);
  const exe = path.join(dir, "prog");
  const b = await run(gcc, [...GCC_FLAGS, "-I", dir, "-o", exe, ...[...files.keys()].filter((f) => f.endsWith(".c")), "main.c"], { cwd: dir, timeoutMs: 120_000 });
  assert.equal(b.code, 0, b.stderr);
  const r = await run(exe, [], { timeoutMs: 10_000, env: { ...process.env, ASAN_OPTIONS: "detect_leaks=0" } });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** A short, readable list of diagnostics for assertion messages. */
export function formatDiagnostics(ds: Diagnostic[]): string {
  return ds.map((d) => d.text || `${d.file}:${d.line}:${d.col}: ${d.message}`).join("\n");
}

/** Line-by-line difference summary (first differing line) for long outputs. */
export function firstDifference(expected: string, actual: string): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: expected ${JSON.stringify(a[i])}, got ${JSON.stringify(b[i])}`;
  }
  return "identical";
}
