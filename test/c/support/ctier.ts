// Shared by the C test tiers (test/c/unity.test.ts on the host, test/qemu/
// qemu.test.ts on Cortex-M3): finding the sources, building with a toolchain,
// running a program with a time limit, and turning Unity output into
// node:test subtests.
//
// Convention: every test/c/test_<x>.c is one test program. It is linked with
// test/unity/unity.c, test/c/support/*.c and static libraries of
// components/mgos_mqtt/gen/*.c and of the portable hand-written C in
// components/mgos_mqtt/port/ (every port/*.c except the platform ports
// port/port_*.c, which need sockets and TLS), and of test/support/gen/*.c
// (test-only generated modules: the broker side of the codec). Libraries, so
// a program pulls in only the modules it uses. MGOS_GEN_DIR=<dir> tests generated C in another
// folder (e.g. fresh compiler output) instead of components/mgos_mqtt/gen.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as assert from "node:assert/strict";
import type { TestContext } from "node:test";

/** The repository root: the nearest folder above this file with a package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const ROOT = repoRoot();

/** Repo-relative paths of the files in `dir` whose names match `re`, sorted. */
export function listFiles(dir: string, re: RegExp): string[] {
  const abs = path.resolve(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs).filter((f) => re.test(f)).sort().map((f) => (path.isAbsolute(dir) ? path.join(dir, f) : path.posix.join(dir, f)));
}

export const testPrograms = (): string[] => listFiles("test/c", /^test_.*\.c$/);
export const GEN_DIR = process.env.MGOS_GEN_DIR ? path.resolve(process.env.MGOS_GEN_DIR) : "components/mgos_mqtt/gen";
export const genSources = (): string[] => listFiles(GEN_DIR, /\.c$/);
export const portableSources = (): string[] => listFiles("components/mgos_mqtt/port", /^(?!port_).*\.c$/);
export const supportSources = (): string[] => listFiles("test/c/support", /\.c$/);
/** Generated C of the test-only modules (codegen/src/cli.ts TEST_MODULES): never in the component. */
export const TEST_GEN_DIR = "test/support/gen";
export const testGenSources = (): string[] => listFiles(TEST_GEN_DIR, /\.c$/);

/** WebSocket, the persistent outbox and fragments, off by default in C (Kconfig
 *  MGOS_MQTT_WS_SUPPORT, MGOS_MQTT_PERSIST_SUPPORT, MGOS_MQTT_FRAGMENTS_SUPPORT), compiled
 *  in for the Unity programs: test_config.c loads configs that use the first two,
 *  test_session.c takes fragments (test/ws/ws_off.test.ts and
 *  test/integration/large-fragments-off.test.ts cover the default). */
export const FEATURES_ON = ["-DCONFIG_MGOS_MQTT_WS_SUPPORT_VALUE=1", "-DCONFIG_MGOS_MQTT_PERSIST_SUPPORT_VALUE=1",
  "-DCONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT_VALUE=1"];
export const WARNINGS = ["-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Wshadow", "-Werror"];
export const INCLUDES = [`-I${GEN_DIR}`, "-Icomponents/mgos_mqtt/include", "-Icomponents/mgos_mqtt/port", "-Itest/unity"];
/** INCLUDES and the test-only generated headers, for test programs (not for the component's own sources). */
export const TEST_INCLUDES = [...INCLUDES, `-I${TEST_GEN_DIR}`];

/** True when `cmd` is on the PATH. */
export function haveTool(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v '${cmd}'`], { stdio: "ignore" }).status === 0;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Runs a program from the repo root; after `timeoutMs` it is killed by its pid. */
export function run(cmd: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "", timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try { process.kill(child.pid, "SIGKILL"); } catch { /* already gone */ }
      }
    }, timeoutMs);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - t0 });
    });
  });
}

/** Runs `fn` over `items`, at most `limit` at a time (the machine has 2 cores, shared). */
export async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return out;
}

/** A compiler driver: command, flags for every compile, extra flags for the final link. */
export interface Toolchain {
  name: string;
  cc: string;
  ar: string;
  cflags: string[];
  ldflags: string[];
  /** Sources every program links besides unity.c and support (e.g. start-up code). */
  extraSources: string[];
}

/** A compiler's diagnostics, without a JavaScript stack. */
function buildError(message: string): Error {
  return cFailure(message);
}

/** Compiles one file; returns the compiler's complaint, or null when it compiled. */
async function compileOne(tc: Toolchain, src: string, obj: string): Promise<string | null> {
  const r = await run(tc.cc, [...tc.cflags, ...TEST_INCLUDES, "-c", src, "-o", obj], 120_000);
  return r.code === 0 ? null : `${tc.name}: compiling ${src} failed:\n${(r.stderr + r.stdout).trim()}`;
}

/** Compiled once per tier: the runner, support code and the generated modules. */
export interface Prebuilt {
  dir: string;
  objects: string[]; // unity, support, start-up: linked in full
  libs: string[]; // static libraries of gen/*.c, portable port/*.c and test/support/gen/*.c (those that exist)
  /** Library sources that did not compile: left out, so only the programs that
   *  need them fail (with these messages); test/build/cross.test.ts reports each. */
  broken: string[];
}

export async function prebuild(tc: Toolchain): Promise<Prebuilt> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ctier-${tc.name}-`));
  const linked = ["test/unity/unity.c", ...supportSources(), ...tc.extraSources];
  const groups: [string, string[]][] = [["libtestgen.a", testGenSources()], ["libgen.a", genSources()], ["libport.a", portableSources()]];
  const objName = (src: string) => path.join(dir, path.relative(ROOT, path.resolve(ROOT, src)).replace(/[\/\\]/g, "_").replace(/\.c$/, ".o"));
  const all = [...linked, ...groups.flatMap((g) => g[1])];
  const errors = await pool(all, 2, (src) => compileOne(tc, src, objName(src)));
  const failed = new Set(all.filter((_, i) => errors[i] !== null));
  // The runner and support code are needed by every program.
  const fatal = linked.filter((src) => failed.has(src));
  if (fatal.length) throw buildError(errors.filter((e, i) => e !== null && fatal.includes(all[i])).join("\n\n"));
  const libs: string[] = [];
  for (const [name, srcs] of groups) {
    const ok = srcs.filter((src) => !failed.has(src));
    if (!ok.length) continue;
    const lib = path.join(dir, name);
    const r = await run(tc.ar, ["rcs", lib, ...ok.map(objName)], 60_000);
    if (r.code !== 0) throw buildError(`${tc.name}: ${tc.ar} failed:\n${r.stderr}`);
    libs.push(lib);
  }
  return { dir, objects: linked.map(objName), libs, broken: errors.filter((e): e is string => e !== null) };
}

/** Compiles and links one test program; returns the executable's path. */
export async function buildProgram(tc: Toolchain, pre: Prebuilt, src: string): Promise<string> {
  const exe = path.join(pre.dir, path.basename(src, ".c") + (tc.name === "host" ? "" : ".elf"));
  // The libraries twice: port code may call generated code and vice versa.
  const args = [...tc.cflags, ...TEST_INCLUDES, src, ...pre.objects, ...pre.libs, ...pre.libs, ...tc.ldflags, "-o", exe];
  const r = await run(tc.cc, args, 180_000);
  if (r.code !== 0) {
    const also = pre.broken.length ? `\n\nleft out of the libraries because they did not compile:\n${pre.broken.join("\n\n")}` : "";
    throw buildError(`${tc.name}: building ${src} failed:\n${(r.stderr + r.stdout).trim()}${also}`);
  }
  return exe;
}

export function cleanup(pre: Prebuilt | undefined): void {
  if (pre) fs.rmSync(pre.dir, { recursive: true, force: true });
}

// ---- Unity output ----
export interface UnityCase {
  file: string;
  line: number;
  name: string;
  status: "PASS" | "FAIL" | "IGNORE";
  message: string;
}
export interface UnityReport {
  cases: UnityCase[];
  summary: { tests: number; failures: number; ignored: number } | null;
}

const CASE_RE = /^(.+):(\d+):([A-Za-z_][A-Za-z0-9_]*):(PASS|FAIL|IGNORE)(?::\s?(.*))?$/;
const SUMMARY_RE = /^(\d+) Tests (\d+) Failures (\d+) Ignored\s*$/;

/** Result lines and the summary; everything else a program prints is ignored. */
export function parseUnity(output: string): UnityReport {
  const cases: UnityCase[] = [];
  let summary: UnityReport["summary"] = null;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const m = CASE_RE.exec(line);
    if (m) {
      cases.push({ file: m[1], line: Number(m[2]), name: m[3], status: m[4] as UnityCase["status"], message: m[5] ?? "" });
      continue;
    }
    const s = SUMMARY_RE.exec(line);
    if (s) summary = { tests: Number(s[1]), failures: Number(s[2]), ignored: Number(s[3]) };
  }
  return { cases, summary };
}

/** Lines that mean a sanitizer caught something (ASan, LSan, UBSan). */
export function sanitizerReport(text: string): string | null {
  const lines = text.split("\n");
  const i = lines.findIndex((l) => /ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: (Address|Undefined|Leak)/.test(l));
  return i < 0 ? null : lines.slice(Math.max(0, i - 2), i + 25).join("\n");
}

/** A failure whose message is the whole report: the C file and line say where,
 *  a JavaScript stack trace would only point into this driver. */
export function cFailure(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

function tail(text: string, n = 40): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-n).join("\n");
}

/** Reports each Unity case of one program run as a node:test subtest, then a
 *  last subtest that the program ended cleanly: its summary agrees with the
 *  cases, the exit status is its failure count, no sanitizer spoke, no timeout. */
export async function reportRun(t: TestContext, program: string, r: RunResult): Promise<void> {
  const out = r.stdout + (r.stderr ? "\n" + r.stderr : "");
  const rep = parseUnity(r.stdout);
  for (const c of rep.cases) {
    if (c.status === "IGNORE") {
      await t.test(c.name, { skip: c.message || "TEST_IGNORE" }, () => {});
    } else {
      await t.test(c.name, () => {
        if (c.status === "FAIL") throw cFailure(`${c.file}:${c.line}: ${c.name}: ${c.message}`);
      });
    }
  }
  await t.test(`${path.basename(program)} ended cleanly`, () => {
    if (r.timedOut) throw cFailure(`killed after ${r.ms} ms (time limit); output so far:\n${tail(out)}`);
    const san = sanitizerReport(out);
    if (san) throw cFailure(`sanitizer report:\n${san}`);
    if (!rep.summary) throw cFailure(`no "N Tests M Failures K Ignored" line (crashed? exit ${r.code ?? r.signal}); output:\n${tail(out)}`);
    assert.equal(rep.summary.tests, rep.cases.length, `summary counts ${rep.summary.tests} tests but ${rep.cases.length} result lines were printed`);
    const failed = rep.cases.filter((c) => c.status === "FAIL").length;
    assert.equal(rep.summary.failures, failed, "summary failure count");
    assert.equal(r.code, failed, `exit status ${r.code ?? r.signal} should be the failure count ${failed}`);
  });
}

// ---- the runner's own failure path (test/unity/selftest_fail.c) ----
/** name -> [status, message] that selftest_fail.c must print. */
export const SELFTEST_FAIL_EXPECT: [string, UnityCase["status"], string][] = [
  ["fail_int", "FAIL", "Expected 5 Was 6"],
  ["fail_int_message", "FAIL", "Expected -1 Was 2. custom text"],
  ["fail_uint8_wraps", "FAIL", "Expected 1 Was 2"],
  ["fail_hex16", "FAIL", "Expected 0xBEEF Was 0xBEEE"],
  ["fail_uint32", "FAIL", "Expected 4294967295 Was 0"],
  ["fail_true", "FAIL", "Expected TRUE Was FALSE"],
  ["fail_false", "FAIL", "Expected FALSE Was TRUE"],
  ["fail_assert", "FAIL", "Expression Evaluated To FALSE"],
  ["fail_null", "FAIL", "Expected NULL"],
  ["fail_not_null", "FAIL", "Expected Non-NULL"],
  ["fail_not_equal", "FAIL", "Expected Not-Equal"],
  ["fail_greater", "FAIL", "Expected greater than 10 Was 3"],
  ["fail_less", "FAIL", "Expected less than -10 Was 3"],
  ["fail_greater_or_equal", "FAIL", "Expected greater than or equal to 4 Was 3"],
  ["fail_within", "FAIL", "Values Not Within Delta 2. Expected 10 Was 13"],
  ["fail_string", "FAIL", 'Expected "abc" Was "abd"'],
  ["fail_string_null", "FAIL", 'Expected "abc" Was NULL'],
  ["fail_string_len", "FAIL", 'Expected "a\\x0Abc" Was "a\\x0Abd"'],
  ["fail_memory", "FAIL", "Memory Mismatch. Byte 2 Expected 0x03 Was 0x04"],
  ["fail_array_message", "FAIL", "Memory Mismatch. Byte 0 Expected 0x10 Was 0x11. packet bytes"],
  ["fail_plain", "FAIL", ""],
  ["fail_message", "FAIL", "explicit failure"],
  ["fail_stops_the_test", "FAIL", "Expected 1 Was 2"],
  ["pass_after_failure", "PASS", ""],
  ["ignored", "IGNORE", "not ready"],
];

/** Asserts the output of selftest_fail.c line by line, its summary and exit status. */
export function checkSelftestFail(r: RunResult): void {
  assert.ok(!r.timedOut, "selftest_fail timed out");
  const rep = parseUnity(r.stdout);
  const got = rep.cases.map((c) => [c.name, c.status, c.message]);
  assert.deepEqual(got, SELFTEST_FAIL_EXPECT);
  for (const c of rep.cases) assert.match(c.file, /selftest_fail\.c$/);
  assert.deepEqual(rep.summary, { tests: 25, failures: 23, ignored: 1 });
  assert.match(r.stdout, /\nFAIL\n?$/);
  assert.equal(r.code, 23, "exit status is the failure count");
}
