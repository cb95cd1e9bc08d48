// The index proofs of programs/indexproofs.ts, read in the generated C (the
// golden file, which programs.test.ts keeps equal to the compiler's output):
// every proven_* function indexes and slices without a check, every kept_*
// function keeps at least one. programs.test.ts runs the same program under
// Node and as C, so a check dropped where it must stay changes the output.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { GOLDEN_DIR } from "./support";

const CHECKS = /rt_bytes_get\(|rt_bytes_set\(|rt_subarray\(|rt_get_\w+\(|rt_set_\w+\(|rt_idx\w*\(/g;

function bodies(c: string, mod: string): Map<string, string> {
  const out = new Map<string, string>();
  // Functions (mod_proven_x) and methods (Class_proven_x).
  const re = new RegExp(`^(?:static )?\\S+ (?:${mod}|([A-Z]\\w*))_((?:proven|kept)_\\w+)\\([^)]*\\) \\{$`, "gm");
  for (let m = re.exec(c); m; m = re.exec(c)) {
    const end = c.indexOf("\n}\n", m.index);
    out.set(m[1] ? `${m[1]}.${m[2]}` : m[2], c.slice(m.index + m[0].length, end));
  }
  return out;
}

// indexproofs.ts: proofs inside a function; paramfacts.ts: parameter ranges
// from every call of a static function (index.ts, the later passes);
// fieldfacts.ts: field range invariants (index.ts, checked passes).
for (const [mod, min] of [["indexproofs", 20], ["paramfacts", 9], ["fieldfacts", 6]] as const) {
  test(`${mod}: proven_* have no bounds check, kept_* keep one`, () => {
    const c = fs.readFileSync(path.join(GOLDEN_DIR, `${mod}.c`), "utf8");
    const fns = bodies(c, mod);
    assert.ok(fns.size >= min, `expected the proven_/kept_ functions, found ${fns.size}`);
    for (const [name, body] of fns) {
      const checks = body.match(CHECKS) ?? [];
      if (/^(\w+\.)?proven_/.test(name)) assert.deepEqual(checks, [], `${name}: checks left in the C`);
      else assert.ok(checks.length > 0, `${name}: every check was dropped, but the proof must fail here`);
    }
  });
}
