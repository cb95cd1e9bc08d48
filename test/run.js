#!/usr/bin/env node
// The project's test runner: `node test/run.js [substring...]` (what `npm test` calls
// after setup and the TypeScript build).
//
// Runs every build/test/**/*.test.js with node:test, at most two files at a time
// (the machine has 2 shared cores), prints each file's report (node's spec
// reporter) when the file finishes, and ends with exactly one line
// `N passed, N failed`, counted over the leaf tests of all files (a C program's
// Unity cases are leaves; their parent is not counted again). `todo` tests never
// fail the run. Arguments filter: only files whose path contains one of them run.
//
// This file is also the runner's node:test reporter: each file's child process
// loads it with --test-reporter and it writes that file's counts as JSON.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
// MGOS_TEST_DIR points the runner at another folder of *.test.js (its own tests use it).
const BUILD_TESTS = process.env.MGOS_TEST_DIR ? path.resolve(process.env.MGOS_TEST_DIR) : path.join(ROOT, "build", "test");
const CONCURRENCY = 2;
// A file that runs longer than this is killed (its process group, by pid) and counted as failed.
const FILE_LIMIT_MS = 30 * 60 * 1000;

// ---------------------------------------------------------------- reporter
/** Counts one file's results. Tests complete children-first, so a test is a leaf
 *  when the previous completed test was not deeper than it. A parent that fails
 *  on its own (no failing descendant) is counted too. */
async function* countingReporter(source) {
  const c = { passed: 0, failed: 0, skipped: 0, todo: 0, failures: [] };
  let prev = null;
  const failedBelow = []; // failedBelow[n]: a counted failure inside a completed test at nesting n
  for await (const ev of source) {
    if (ev.type !== "test:pass" && ev.type !== "test:fail") continue;
    const d = ev.data;
    const n = d.nesting;
    let descFailed = false;
    for (let k = n + 1; k < failedBelow.length; k++) descFailed = descFailed || failedBelow[k];
    failedBelow.length = n + 1;
    const leaf = prev === null || prev <= n;
    prev = n;
    let countedFail = false;
    if (d.todo !== undefined && d.todo !== false) {
      if (leaf) c.todo++;
    } else if (d.skip !== undefined && d.skip !== false) {
      if (leaf) c.skipped++;
    } else if (ev.type === "test:pass") {
      if (leaf) c.passed++;
    } else if (leaf || !descFailed) {
      c.failed++;
      countedFail = true;
      const err = d.details && d.details.error;
      // The first line of the error, and the next one when the first only introduces it.
      const lines = err ? String((err.cause && err.cause.message) || err.message || err).split("\n") : [];
      const why = lines.length > 1 && lines[0].trimEnd().endsWith(":") ? `${lines[0].trim()} ${lines[1].trim()}` : (lines[0] || "");
      c.failures.push(`${d.name}${why ? ": " + why.slice(0, 200) : ""}`);
    }
    failedBelow[n] = Boolean(failedBelow[n]) || descFailed || countedFail;
  }
  yield JSON.stringify(c) + "\n";
}
module.exports = countingReporter;

// ---------------------------------------------------------------- runner
function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.isFile() && e.name.endsWith(".test.js")) out.push(p);
  }
  return out.sort();
}

function fmtMs(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

const running = new Set();

/** Runs one test file in its own node --test process; resolves to its counts and output. */
function runFile(file, tmp) {
  return new Promise((resolve) => {
    const rel = path.relative(ROOT, file);
    const countsFile = path.join(tmp, rel.replace(/[\/\\]/g, "_") + ".json");
    const args = [
      "--test",
      "--test-reporter=spec", "--test-reporter-destination=stdout",
      `--test-reporter=${__filename}`, `--test-reporter-destination=${countsFile}`,
      file,
    ];
    const t0 = Date.now();
    // Own process group, so a stuck file can be killed with everything it started.
    // Without NODE_TEST_CONTEXT: set when this runner itself runs under node:test,
    // it would make the child speak the internal protocol instead of reporting.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    running.add(child);
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
    }, FILE_LIMIT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      let counts = null;
      try { counts = JSON.parse(fs.readFileSync(countsFile, "utf8")); } catch { /* no report */ }
      if (!counts) counts = { passed: 0, failed: 0, skipped: 0, todo: 0, failures: [] };
      // A file that failed without a counted failing test still fails the run.
      if ((code !== 0 || timedOut) && counts.failed === 0) {
        counts.failed = 1;
        counts.failures.push(timedOut ? `killed after ${fmtMs(FILE_LIMIT_MS)}` : `exited with ${code ?? signal}`);
      }
      resolve({ rel, counts, out, ms: Date.now() - t0 });
    });
  });
}

async function main() {
  const filters = process.argv.slice(2).filter((a) => a !== "--");
  const all = findTests(BUILD_TESTS);
  const files = filters.length ? all.filter((f) => filters.some((s) => path.relative(ROOT, f).includes(s))) : all;
  if (!all.length) {
    console.error(`no test files under ${BUILD_TESTS} (run \`npx tsc -p .\` first)`);
    console.log("0 passed, 1 failed");
    return 1;
  }
  if (!files.length) {
    console.error(`no test file matches ${filters.map((f) => JSON.stringify(f)).join(" or ")}; files:\n  ` +
      all.map((f) => path.relative(ROOT, f)).join("\n  "));
    console.log("0 passed, 1 failed");
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mgos-test-run-"));
  const t0 = Date.now();
  const total = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const failures = [];
  const perFile = [];

  // The TypeScript build's result, recorded by scripts/test.sh: type errors fail the run.
  const tscStatus = path.join(ROOT, "build", ".tsc-status");
  if (!filters.length && !process.env.MGOS_TEST_DIR && fs.existsSync(tscStatus)) {
    const [code, ...log] = fs.readFileSync(tscStatus, "utf8").split("\n");
    if (code.trim() === "0") total.passed++;
    else {
      total.failed++;
      failures.push(`typescript: tsc -p . reported errors:\n    ${log.filter(Boolean).slice(0, 20).join("\n    ")}`);
    }
  }

  console.log(`running ${files.length} test file(s), ${CONCURRENCY} at a time\n`);
  let next = 0;
  async function worker() {
    while (next < files.length) {
      const file = files[next++];
      console.log(`▶ ${path.relative(ROOT, file)}`);
      const r = await runFile(file, tmp);
      const c = r.counts;
      console.log(`\n━━ ${r.rel} (${fmtMs(r.ms)}): ${c.passed} passed, ${c.failed} failed` +
        `${c.skipped ? `, ${c.skipped} skipped` : ""}${c.todo ? `, ${c.todo} todo` : ""}`);
      process.stdout.write(r.out.replace(/\s+$/, "") + "\n\n");
      for (const k of Object.keys(total)) total[k] += c[k];
      for (const f of c.failures) failures.push(`${r.rel} › ${f}`);
      perFile.push([r.rel, r.ms, c]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  fs.rmSync(tmp, { recursive: true, force: true });

  console.log("━━ summary ━━");
  for (const [rel, ms, c] of perFile.sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`  ${c.failed ? "✖" : "✔"} ${rel}: ${c.passed} passed, ${c.failed} failed` +
      `${c.skipped ? `, ${c.skipped} skipped` : ""}${c.todo ? `, ${c.todo} todo` : ""} (${fmtMs(ms)})`);
  }
  if (failures.length) {
    console.log("\nfailed:");
    for (const f of failures) console.log(`  ✖ ${f}`);
  }
  console.log(`\ntime: ${fmtMs(Date.now() - t0)}`);
  if (total.skipped || total.todo) console.log(`skipped: ${total.skipped}, todo: ${total.todo}`);
  console.log(`${total.passed} passed, ${total.failed} failed`);
  return total.failed === 0 && total.passed > 0 ? 0 : 1;
}

function stopAll() {
  for (const child of running) {
    try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ }
  }
}

if (require.main === module) {
  process.on("SIGINT", () => { stopAll(); process.exit(130); });
  process.on("SIGTERM", () => { stopAll(); process.exit(143); });
  main().then((code) => { process.exitCode = code; }, (e) => {
    console.error(e);
    console.log("0 passed, 1 failed");
    process.exitCode = 1;
  });
}
