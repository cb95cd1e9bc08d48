// The committed generated C must be what the compiler makes of the committed
// TypeScript today (the test-only modules' C in test/support/gen too): runs
// `node build/codegen/src/cli.js --check`, which
// compares without writing and lists every out-of-date file.
import { test } from "node:test";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, run, cFailure } from "../c/support/ctier";

const CLI = path.join(ROOT, "build", "codegen", "src", "cli.js");

test("generated C in components/mgos_mqtt/gen and test/support/gen is up to date (codegen --check)", { timeout: 300_000 }, async (t) => {
  if (!fs.existsSync(path.join(ROOT, "codegen", "src", "cli.ts"))) {
    t.skip("the compiler's CLI (codegen/src/cli.ts) does not exist yet");
    return;
  }
  if (!fs.existsSync(CLI)) throw cFailure(`${path.relative(ROOT, CLI)} is missing: run \`npx tsc -p .\` first`);
  const r = await run(process.execPath, [CLI, "--check"], 280_000);
  if (r.timedOut) throw cFailure("codegen --check did not finish in time");
  if (r.code !== 0) throw cFailure(`codegen --check failed (exit ${r.code}):\n${(r.stderr + r.stdout).trim()}`);
  t.diagnostic(r.stdout.trim());
});
