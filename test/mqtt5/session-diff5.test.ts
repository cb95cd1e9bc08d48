// MQTT 5 differential test of the session: seeded scripts
// (support/sessiondiff5.ts: large and small PUBLISHes with properties and
// topic aliases in random splits, floods past our Receive Maximum,
// protocol_version flipping with messages in the outbox) replayed on the
// TypeScript session under Node and on the generated C session with MQTT 5
// compiled in, under ASan/UBSan; every transcript line must be equal.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { generate5 } from "./support/sessiondiff5";
import { haveGcc, runSessionDiff } from "../mqtt/support/sessiondiff_run";

const SCRIPTS = 200;
const STEPS = 80;

test("MQTT 5 session: Node and generated C (ASan/UBSan) print the same transcript", { timeout: 300_000 }, async (t) => {
  if (!haveGcc()) { t.skip("gcc is not installed"); return; }
  const { scripts, expected, kinds } = await runSessionDiff("session-diff5", generate5, SCRIPTS, STEPS,
    ["-DCONFIG_MGOS_MQTT_V5_SUPPORT=1", "-DCONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1"], 200_000);
  // The scripts reach what they are for.
  for (const ev of [202, 203, 230, 231]) assert.ok(kinds.has(`E ${ev}`), `event ${ev} never happened`);
  const logs = new Set<string>();
  for (const e of expected) for (const l of e) if (l.startsWith("G ")) logs.add(l.split(" ").slice(4).join(" "));
  for (const m of ["broker exceeded our Receive Maximum", "topic alias never set", "PUBLISH properties longer than the receive buffer, skipped"]) {
    assert.ok([...logs].some((l) => l.startsWith(m)), `never logged: ${m}`);
  }
  t.diagnostic(`${SCRIPTS} scripts, ${scripts.reduce((n, s) => n + s.length, 0)} operations, transcripts equal`);
});
