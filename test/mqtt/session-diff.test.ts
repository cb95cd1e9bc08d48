// Differential test of the session: seeded random scripts (a broker that answers
// what the client sent, with splits, delays, refusals, duplicates, drops and
// garbage) replayed on the TypeScript session under Node and on the generated C
// session (ASan/UBSan); every transcript line must be equal.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { generate } from "./support/sessiondiff";
import { haveGcc, runSessionDiff } from "./support/sessiondiff_run";

const SCRIPTS = 300;
const STEPS = 80;

test("session: Node and generated C print the same transcript for random scripts", { timeout: 240_000 }, async (t) => {
  if (!haveGcc()) { t.skip("gcc is not installed"); return; }
  const { scripts, expected, kinds } = await runSessionDiff("session-diff", generate, SCRIPTS, STEPS, [], 120_000);
  // The scripts must really exercise the session: every event kind shows up.
  for (const ev of [5, 202, 203, 204, 205, 206, 207, 209, 211, 213, 230, 231, 240, 241]) assert.ok(kinds.has(`E ${ev}`), `event ${ev} never happened`);
  for (const op of [1, 2]) assert.ok(kinds.has(`W ${op}`), `no persistence op ${op}`);
  const lines = expected.reduce((n, e) => n + e.length, 0);
  t.diagnostic(`${SCRIPTS} scripts, ${scripts.reduce((n, s) => n + s.length, 0)} operations, ${lines} transcript lines equal`);
});
