// Differential test of the WebSocket link: seeded scripts (handshakes good and
// broken, server frames of every kind split at random, client data, closes,
// deadlines) replayed on ts-src/mgos/ws.ts under Node and on its generated C
// (ASan/UBSan, the C of the current TypeScript); every transcript line equal.
import { test } from "node:test";
import { strict as assert } from "node:assert";
import { generate, Replayer } from "./support/wsdiff";
import { DiffDriver, haveGcc, runSessionDiff } from "../mqtt/support/sessiondiff_run";

const SCRIPTS = 300;
const STEPS = 60;

const WS_DRIVER: DiffDriver = {
  module: "ts-src/mgos/ws.ts",
  source: "test/ws/support/ws_driver.c",
  replay: (script) => {
    const rp = new Replayer(); // a script's "N" resets the link and the random bytes
    rp.run(script);
    return rp.lines;
  },
};

test("WebSocket link: Node and generated C print the same transcript for random scripts", { timeout: 300_000 }, async (t) => {
  if (!haveGcc()) { t.skip("gcc is not installed"); return; }
  const { expected } = await runSessionDiff("ws-diff", generate, SCRIPTS, STEPS, [
    "-D_POSIX_C_SOURCE=200809L",
    "-DCONFIG_MGOS_MQTT_WS_SUPPORT_VALUE=1", // off by default in C (Kconfig MGOS_MQTT_WS_SUPPORT)
  ], 240_000, WS_DRIVER);
  // The scripts reach every part of the link (not only handshake failures).
  const text = expected.map((e) => e.join("\n")).join("\n");
  for (const re of [/^open /m, /^data /m, /server closed the connection/, /masked frame/, /text frame/, /reserved bits/,
    /frame too big/, /wrong Sec-WebSocket-Accept/, /handshake refused/, /close acknowledged/, /^expired 1/m]) {
    assert.match(text, re);
  }
  t.diagnostic(`${SCRIPTS} scripts, ${expected.reduce((n, e) => n + e.length, 0)} transcript lines equal`);
});
