// The libFuzzer tier (issue 7): builds test/fuzz/fuzz_*.c with Debian's clang
// (-fsanitize=fuzzer,address,undefined) over the generated C, replays every
// input in test/fuzz/regressions/<harness>/ (each must run clean), then fuzzes
// each harness for FUZZ_SMOKE_SECONDS (default 45) from the seed corpus that
// test/fuzz/seeds.ts writes plus the corpus kept in build/fuzz/corpus-<name>.
// Any crash, sanitizer report, leak or timeout fails the harness's test; the
// input is left in build/fuzz/artifacts-<name>/. Longer runs: npm run fuzz -- <seconds>.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, run, cFailure } from "../c/support/ctier";
import { writeSeeds } from "./seeds";

const HARNESSES = ["decode", "session", "api", "ws", "decode5", "session5"];
const OUT = path.join(ROOT, "build", "fuzz");
const SMOKE_S = Math.max(1, Number(process.env.FUZZ_SMOKE_SECONDS ?? 45) | 0);
// A small ASan quarantine (the generated code has no heap; the machine is shared); leaks are errors.
const ENV = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? "quarantine_size_mb=16:detect_leaks=1" };

/** Why libFuzzer cannot be used here, or null when clang links a fuzzer. */
function libFuzzerMissing(): string | null {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "fuzzcheck-"));
  try {
    fs.writeFileSync(path.join(d, "t.c"), "int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n");
    const r = spawnSync("clang", ["-fsanitize=fuzzer,address,undefined", path.join(d, "t.c"), "-o", path.join(d, "t")], { encoding: "utf8" });
    if (r.error) return "clang is not installed (apt-get install clang)";
    return r.status === 0 ? null : `clang cannot link -fsanitize=fuzzer: ${r.stderr.split("\n")[0]}`;
  } finally {
    fs.rmSync(d, { recursive: true, force: true });
  }
}

const missing = libFuzzerMissing();

/** What a libFuzzer run printed that means failure, or null. */
function failureOf(out: string): string | null {
  const lines = out.split("\n");
  const i = lines.findIndex((l) =>
    /invariant failed|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|ALARM: working on the last Unit|==\d+== ?ERROR|SUMMARY: (Address|Undefined|Leak)Sanitizer/.test(l));
  return i < 0 ? null : lines.slice(Math.max(0, i - 2), i + 30).join("\n");
}

function stat(out: string, name: string): number | null {
  const m = new RegExp(`^stat::${name}:\\s*(\\d+)`, "m").exec(out);
  return m ? Number(m[1]) : null;
}

before(async () => {
  if (missing) return;
  const r = await run("bash", ["scripts/fuzz.sh", "--build"], 900_000);
  if (r.code !== 0) throw cFailure(`building the fuzz harnesses failed (exit ${r.code ?? r.signal}):\n${(r.stderr + r.stdout).trim()}`);
  writeSeeds(path.join(OUT, "seeds"));
});

for (const h of HARNESSES) {
  const dir = path.join(ROOT, "test", "fuzz", "regressions", h);
  const inputs = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.startsWith(".")).sort() : [];
  for (const f of inputs) {
    test(`fuzz_${h} regression: ${f}`, { skip: missing ?? false, timeout: 120_000 }, async () => {
      const r = await run(path.join(OUT, `fuzz_${h}`), ["-runs=1", path.join(dir, f)], 60_000, ENV);
      const bad = failureOf(r.stdout + r.stderr);
      if (r.timedOut) throw cFailure(`replaying ${f} took over 60 s`);
      if (bad || r.code !== 0) throw cFailure(`test/fuzz/regressions/${h}/${f} still fails (exit ${r.code ?? r.signal}):\n${bad ?? r.stderr.slice(-3000)}`);
    });
  }
}

for (const h of HARNESSES) {
  test(`fuzz_${h}: ${SMOKE_S} s of fuzzing finds no crash, leak or timeout`, { skip: missing ?? false, timeout: (SMOKE_S + 300) * 1000 }, async (t) => {
    const corpus = path.join(OUT, `corpus-${h}`);
    const art = path.join(OUT, `artifacts-${h}`);
    fs.mkdirSync(corpus, { recursive: true });
    fs.mkdirSync(art, { recursive: true });
    // The MQTT 5 harnesses get a shorter smoke run (npm run fuzz for long ones).
    const secs = h === "decode5" || h === "session5" ? Math.min(SMOKE_S, 20) : SMOKE_S;
    const args = [
      `-max_total_time=${secs}`, "-rss_limit_mb=1024", "-timeout=10", "-max_len=4096", "-print_final_stats=1",
      `-artifact_prefix=${art}/`, corpus, path.join(OUT, "seeds", h),
    ];
    const r = await run(path.join(OUT, `fuzz_${h}`), args, (SMOKE_S + 240) * 1000, ENV);
    const out = r.stdout + r.stderr;
    const execs = stat(out, "number_of_executed_units");
    const rate = stat(out, "average_exec_per_sec");
    const files = fs.readdirSync(corpus).length;
    const line = `fuzz_${h}: ${execs ?? "?"} executions in ${secs} s (${rate ?? "?"}/s), corpus ${files} files`;
    t.diagnostic(line);
    console.log(line);
    if (r.timedOut) throw cFailure(`fuzz_${h} did not stop after ${SMOKE_S} s; output:\n${out.slice(-3000)}`);
    const bad = failureOf(out);
    if (bad || r.code !== 0) {
      const written = /Test unit written to (\S+)/.exec(out);
      throw cFailure(`fuzz_${h} found a failure (exit ${r.code ?? r.signal}); input: ${written ? written[1] : "(none written)"}\n${bad ?? out.slice(-3000)}`);
    }
    assert.ok(execs !== null && execs > 0, `no executions reported:\n${out.slice(-2000)}`);
  });
}
