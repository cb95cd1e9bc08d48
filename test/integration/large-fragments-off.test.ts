// Kconfig MGOS_MQTT_FRAGMENTS_SUPPORT: the host client (test/integration/mqtt_cli.c,
// ASan/UBSan) built without it (the default) and with it, against a broker
// written in the test that sends a 4000-byte QoS 1 PUBLISH (over the 3072-byte
// receive limit) after the app asked for it in fragments.
//   - off: mgos_mqtt_global_subscribe_opt with MGOS_MQTT_SUB_FRAGMENTS returns
//     false and logs an error naming the switch; the PUBLISH is skipped,
//     acknowledged (PUBACK) and reported (MG_EV_MQTT_PUBLISH_SKIPPED, the
//     warning), as the spec's recv_mbuf_limit wants; no fragment event;
//   - on: the same program gets the fragments, joined to the exact bytes, and
//     the PUBACK after the last one.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { FRAGMENTS_ON, Proc, Programs, buildPrograms, missingTools, sanEnv, stopClean } from "./support/harness";
import { HostileBroker, HConn, PacketType, pkt } from "../hostile/support/hostile_broker";
import { accept } from "../hostile/support/scenario";

const skip = missingTools();
let off: Programs;
let on: Programs;

before(async () => {
  if (skip) return;
  off = await buildPrograms();
  on = await buildPrograms(FRAGMENTS_ON);
}, { timeout: 900_000 });

/** Bytes that depend on their offset (a reordering or a gap shows). */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

/** FNV-1a, as mqtt_cli prints it for a message joined from fragments. */
function fnv(b: Uint8Array): string {
  let h = 2166136261;
  for (const c of b) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** Runs the exchange on `progs`; returns the client's stdout and stderr. */
async function exchange(progs: Programs, fragments: boolean): Promise<{ out: string; err: string }> {
  let conn: HConn | undefined;
  const broker = await HostileBroker.start([async (c) => {
    conn = c;
    await accept(c);
    c.good();
  }]);
  const args: string[] = [];
  for (const s of ["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, `mqtt.client_id=fragoff${process.pid}`]) args.push("--set", s);
  const cli = new Proc("mqtt_cli", progs.cli, args, sanEnv(), true);
  try {
    await cli.waitOut(/^ready$/m, 5000);
    await cli.waitOut(/^ev 202 /m, 5000);
    const c = conn!;
    cli.send("osub 1 1 f/#");
    const took = (await cli.waitOut(/^osub ([01])$/m, 3000))[1];
    assert.equal(took, fragments ? "1" : "0", "subscribe with MGOS_MQTT_SUB_FRAGMENTS");
    if (fragments) await c.packet(PacketType.SUBSCRIBE, 3000, (p) => p.filters.some((f) => f.filter === "f/#"));
    const body = pattern(4000);
    c.send(pkt.publish("f/big", body, 1, 21));
    await c.packet(PacketType.PUBACK, 5000, (p) => p.id === 21);
    if (fragments) await cli.waitOut(new RegExp(`^fdone f/big total=4000 fnv=${fnv(body)}$`, "m"), 5000);
    else await cli.waitOut(/^skipped global f\/big id=21 qos=1 total=4000$/m, 5000);
    // Still connected and working: a QoS 1 publish from the app is acknowledged.
    const mark = cli.out.length;
    cli.send("pub 1 0 h/alive yes");
    const id = (await cli.waitOut(/^pub (\d+)$/m, 3000, mark))[1];
    await cli.waitOut(new RegExp(`^ev 204 id=${id} `, "m"), 3000, mark);
    assert.equal(c.clientClosed, false);
    await stopClean(cli);
    return { out: cli.out, err: cli.err };
  } finally {
    cli.kill("SIGKILL");
    await broker.close();
  }
}

test("fragments compiled out (the default): MGOS_MQTT_SUB_FRAGMENTS refused naming the switch; a PUBLISH over the limit skipped, acknowledged, reported", { skip, timeout: 60_000 }, async () => {
  const r = await exchange(off, false);
  assert.match(r.err, /MGOS_MQTT_SUB_FRAGMENTS, but fragments are compiled out \(CONFIG_MGOS_MQTT_FRAGMENTS_SUPPORT\) for f\/#/);
  assert.match(r.err, /PUBLISH larger than the receive buffer, skipped: f\/big \(4000\)/);
  assert.doesNotMatch(r.out, /^part /m, "no fragment event");
  assert.doesNotMatch(r.out, /^error /m);
});

test("fragments compiled in (Kconfig MGOS_MQTT_FRAGMENTS_SUPPORT=y): the same program takes the PUBLISH in fragments, the exact bytes, PUBACK after", { skip, timeout: 60_000 }, async () => {
  const r = await exchange(on, true);
  assert.ok((r.out.match(/^part f\/big /gm) ?? []).length >= 1);
  assert.doesNotMatch(r.out, /^skipped /m);
  assert.doesNotMatch(r.err, /compiled out/);
  assert.doesNotMatch(r.out, /^error /m);
});
