// Reconnect jitter (ts-src/mgos/conn.ts jitter()): d +/- floor(d * PCT / 100),
// uniform, both sides reached; PCT is the Kconfig knob
// CONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT (default 10, the reference's +/-10%).
// The same bounds for the TypeScript under Node and for the generated C built
// with PCT 10, 0 and 50 (the fleet test compares 10 with 0).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { NodePort } from "../../ts-src/node/port";
import { jitter, RECONNECT_JITTER_PCT } from "../../ts-src/mgos/conn";
import { haveTool, runCmd } from "../integration/support/harness";
import { buildProgram, FAST_FLAGS } from "./support/build";

const DELAYS = [0, 1, 9, 10, 99, 250, 2000, 60000, 86400000, 0xffffffff];

function check(label: string, pct: number, d: number, lo: number, hi: number, below: number, above: number): void {
  const j = Math.floor((d * pct) / 100);
  // Saturates at 2^32-1 rather than wrapping to a tiny delay.
  const top = Math.min(d + j, 0xffffffff);
  assert.ok(lo >= d - j && hi <= top, `${label} d=${d}: [${lo}, ${hi}] outside ${d} +/- ${j}`);
  if (j >= 1) {
    assert.ok(below > 0 && (above > 0 || d === 0xffffffff), `${label} d=${d}: one-sided (${below} below, ${above} above)`);
    // Uniform over 2j+1 values: the extremes are reached when there are few of them.
    if (j <= 100) assert.ok(lo === d - j && hi === d + j, `${label} d=${d}: [${lo}, ${hi}] does not reach ${d} +/- ${j}`);
  } else {
    assert.ok(lo === d && hi === d, `${label} d=${d}: no jitter expected`);
  }
}

test("TypeScript: jitter(d) within d +/- 10%, both sides, the extremes reached", () => {
  new NodePort().install();
  assert.equal(RECONNECT_JITTER_PCT, 10);
  for (const d of DELAYS) {
    let lo = Infinity, hi = -Infinity, below = 0, above = 0;
    for (let k = 0; k < 20000; k++) {
      const x = jitter(d);
      assert.ok(Number.isInteger(x) && x >= 0 && x <= 0xffffffff, `jitter(${d}) = ${x}`);
      lo = Math.min(lo, x); hi = Math.max(hi, x);
      if (x < d) below++;
      if (x > d) above++;
    }
    check("ts", 10, d, lo, hi, below, above);
  }
});

test("generated C: the same bounds with RECONNECT_JITTER_PCT 10 (default), 0 and 50", { skip: haveTool("gcc") ? undefined : "no gcc", timeout: 600_000 }, async () => {
  for (const pct of [10, 0, 50]) {
    const flags = pct === 10 ? FAST_FLAGS : [...FAST_FLAGS, `-DCONFIG_MGOS_MQTT_RECONNECT_JITTER_PCT=${pct}`];
    const exe = await buildProgram("jitter_check.c", flags);
    const r = await runCmd(exe, DELAYS.map(String), 60_000);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, DELAYS.length);
    for (const l of lines) {
      const [d, lo, hi, below, above] = l.split(" ").map(Number);
      check(`C pct=${pct}`, pct, d, lo, hi, below, above);
    }
  }
});
