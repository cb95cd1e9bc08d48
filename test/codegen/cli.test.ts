// The compiler's command line: output files, exit codes, diagnostics on stderr
// and the --check (staleness) mode.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, CLI_JS, PROGRAMS_DIR, REJECT_DIR, run } from "./support";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "codegen-cli-"));
process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[]) {
  return run(process.execPath, [CLI_JS, ...args], { cwd: ROOT, timeoutMs: 60_000 });
}

const program = path.relative(ROOT, path.join(PROGRAMS_DIR, "wrap.ts"));

test("cli: compiles a program into --out and prints a summary", async () => {
  assert.ok(fs.existsSync(CLI_JS), `${path.relative(ROOT, CLI_JS)} does not exist`);
  const out = path.join(tmp, "gen");
  const r = await cli(["--out", out, "--root", ROOT, program]);
  assert.equal(r.code, 0, `exit ${r.code}\n${r.stderr}`);
  for (const f of ["wrap.c", "wrap.h", "rt.h", "rt.c"]) assert.ok(fs.existsSync(path.join(out, f)), `${f} not written`);
  assert.match(r.stdout + r.stderr, /\d+\s*ms/, "no summary line with the time taken");

  // --check: nothing differs right after generating...
  const same = await cli(["--check", "--out", out, "--root", ROOT, program]);
  assert.equal(same.code, 0, `--check on fresh output: exit ${same.code}\n${same.stdout}${same.stderr}`);
  // ...and a hand edit is reported, naming the file.
  fs.appendFileSync(path.join(out, "wrap.c"), "/* edited */\n");
  const stale = await cli(["--check", "--out", out, "--root", ROOT, program]);
  assert.equal(stale.code, 1, "--check did not fail on an edited file");
  assert.match(stale.stdout + stale.stderr, /wrap\.c/);
  // --check writes nothing.
  assert.match(fs.readFileSync(path.join(out, "wrap.c"), "utf8"), /\/\* edited \*\/\n$/);
  // A missing file is stale too.
  fs.rmSync(path.join(out, "wrap.h"));
  const missing = await cli(["--check", "--out", out, "--root", ROOT, program]);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout + missing.stderr, /wrap\.h/);
});

test("cli: diagnostics go to stderr as path:line:col: error, exit 1, nothing written", async () => {
  assert.ok(fs.existsSync(CLI_JS), `${path.relative(ROOT, CLI_JS)} does not exist`);
  const out = path.join(tmp, "bad");
  const bad = path.relative(ROOT, path.join(REJECT_DIR, "multiple.ts"));
  const r = await cli(["--out", out, "--root", ROOT, bad]);
  assert.equal(r.code, 1, `exit ${r.code}`);
  const errs = r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: error: /.test(l));
  assert.ok(errs.length >= 4, `expected 4 diagnostics, got:\n${r.stderr}`);
  for (const e of errs) assert.ok(e.startsWith(`${bad}:`), e);
  assert.match(r.stderr, /\n\s*\^/, "no caret line");
  const written = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => /\.[ch]$/.test(f)) : [];
  assert.deepEqual(written, [], "C files were written despite errors");
});

test("cli: a missing input is a clear error", async () => {
  assert.ok(fs.existsSync(CLI_JS), `${path.relative(ROOT, CLI_JS)} does not exist`);
  const r = await cli(["--out", path.join(tmp, "none"), "--root", ROOT, "test/codegen/programs/no_such_file.ts"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /no_such_file/);
});
