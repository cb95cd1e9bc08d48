// The MQTT 5 receive path and outbox against a real mosquitto 2, MQTT.js 5
// as the peer, the TypeScript client under Node with protocol_version 5:
// a PUBLISH larger than the receive buffer streamed in fragments with its
// properties (max_packet_size above the buffer); one nobody takes skipped
// and acknowledged; a burst far past our Receive Maximum delivered whole
// with no protocol error; a link stalled for seconds mid-burst; messages
// queued under one protocol_version delivered intact under the other.
// Only 127.0.0.1, free ports, processes killed by pid, bounded waits.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "net";
import { createHash } from "crypto";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt");
import { mg_connection, mg_mqtt_message, mgos_mqtt_props, MG_EV, MGOS_MQTT_SUB } from "../../ts-src/mgos/mg_types";
import {
  mgos_mqtt_init, mgos_mqtt_add_global_handler, mgos_mqtt_sub, pub_bytes, mgos_mqtt_global_is_connected,
  mgos_mqtt_global_disconnect, mgos_mqtt_global_connect, mgos_mqtt_get_global, mgos_mqtt_global_subscribe_opt,
} from "../../ts-src/mgos/facade";
import { conn_pub5_bytes } from "../../ts-src/mgos/mqtt5_api";
import { nodeTier, config } from "./support/nodetier";
import { MAX_RX_QOS2 } from "../../ts-src/mqtt/session";
import { Mosquitto, haveMosquitto, until, sleep } from "./support/wire";

const skip = haveMosquitto() ? false : "mosquitto not installed";
const { np, started, peers } = nodeTier();

const evs: { ev: number; topic: string; total: number }[] = [];
mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number, evd: unknown) => {
  if (ev === MG_EV.POLL) return;
  const m = evd as mg_mqtt_message | null;
  evs.push({ ev, topic: m ? m.topic.p!.slice(0, m.topic.len) : "", total: m ? m.total_data_len : 0 });
}, null);

/** An MQTT.js 5 client on the broker, subscribed to `filter` when given. */
async function peer(port: number, filter: string | null): Promise<{ c: any; got: any[] }> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  peers.push(c);
  const got: any[] = [];
  c.on("message", (topic: string, payload: Buffer, packet: any) => got.push({ topic, payload, packet }));
  await new Promise<void>((resolve, reject) => { c.once("connect", () => resolve()); c.once("error", reject); });
  if (filter !== null) await new Promise<void>((resolve, reject) => c.subscribe(filter, { qos: 2 }, (e: Error | null) => e ? reject(e) : resolve()));
  return { c, got };
}

const publish = (c: any, topic: string, payload: Buffer | string, opts: Record<string, unknown>): Promise<void> =>
  new Promise((resolve, reject) => c.publish(topic, payload, opts, (e: Error | null) => e ? reject(e) : resolve()));

let running = false;
async function connect(port: number, ...sets: string[]): Promise<void> {
  if (running && mgos_mqtt_get_global().net !== 0) await disconnect();
  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${port}`, "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=1", ...sets);
  if (!running) {
    running = true;
    mgos_mqtt_init();
    np.start();
  } else {
    mgos_mqtt_global_connect();
  }
  await until("CONNACK", () => mgos_mqtt_global_is_connected());
}

async function disconnect(): Promise<void> {
  mgos_mqtt_global_disconnect();
  await until("idle", () => mgos_mqtt_get_global().net === 0);
}

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");
/** Printable bytes (the Node port hands payloads out as strings). */
const printable = (n: number, k: number): Buffer => Buffer.from(Buffer.alloc(n).map((_, i) => 33 + ((i * k + 5) % 90)));

test("a 100 KiB PUBLISH with properties streamed in fragments under MQTT 5 (QoS 1 and 2), one nobody takes skipped", { skip, timeout: 90000 }, async () => {
  const b = await Mosquitto.start([]);
  started.push(b);
  const frags: { topic: string; off: number; total: number; data: Buffer; ct: string; ud: string }[] = [];
  assert.ok(mgos_mqtt_global_subscribe_opt("l5/frag/#", 2, MGOS_MQTT_SUB.FRAGMENTS, (_nc: mg_connection, ev: number, evd: unknown) => {
    if (ev !== MG_EV.MQTT_PUBLISH_PART) return;
    const m = evd as mg_mqtt_message;
    const pr = m.props as mgos_mqtt_props;
    frags.push({ topic: m.topic.p!.slice(0, m.topic.len), off: m.current_data_offset, total: m.total_data_len,
      data: Buffer.from(m.payload.p!.slice(0, m.payload.len), "latin1"), ct: pr.content_type.p!.slice(0, pr.content_type.len),
      ud: `${pr.user_key.p!.slice(0, pr.user_key.len)}=${pr.user_value.p!.slice(0, pr.user_value.len)}` });
  }, null));
  mgos_mqtt_sub("l5/skip/#", () => undefined, null);
  await connect(b.port, "mqtt.protocol_version=5", "mqtt.client_id=l5-big", "mqtt.max_packet_size=200000");
  await sleep(500);
  const p = await peer(b.port, null);
  const body1 = printable(100 * 1024, 7);
  const body2 = printable(100 * 1024 - 1, 11);
  await publish(p.c, "l5/frag/one", body1, { qos: 1, properties: { contentType: "application/x-fw", userProperties: { part: "1" } } });
  await publish(p.c, "l5/frag/two", body2, { qos: 2, properties: { contentType: "application/x-fw2" } });
  await publish(p.c, "l5/skip/x", printable(50000, 3), { qos: 1 });
  await until("both whole", () => frags.filter((f) => f.total > 0 && f.off + f.data.length === f.total).length === 2, 30000);
  for (const [topic, body, ct] of [["l5/frag/one", body1, "application/x-fw"], ["l5/frag/two", body2, "application/x-fw2"]] as [string, Buffer, string][]) {
    const mine = frags.filter((f) => f.topic === topic);
    let off = 0;
    for (const f of mine) {
      assert.equal(f.off, off);
      assert.equal(f.ct, ct);
      off += f.data.length;
    }
    assert.equal(sha(Buffer.concat(mine.map((f) => f.data))), sha(body));
    assert.ok(mine.length > 1, "streamed in more than one fragment");
  }
  assert.equal(frags.find((f) => f.topic === "l5/frag/one")!.ud, "part=1");
  await until("skip event", () => evs.some((e) => e.ev === MG_EV.MQTT_PUBLISH_SKIPPED && e.total === 50000));
  // Acknowledged: nothing comes again, the connection stayed up.
  await sleep(1000);
  assert.ok(mgos_mqtt_global_is_connected());
  assert.equal(evs.filter((e) => e.ev === MG_EV.MQTT_PUBLISH_SKIPPED).length, 1);
  assert.ok(!/l5-big.*(disconnect|error)/i.test(b.log.replace(/Client l5-big .*closed its connection/g, "")), b.log.slice(-2000));
  await disconnect();
});

/** A TCP proxy whose server -> client direction can be held (a stalled link). */
async function stallable(target: number): Promise<{ port: number; hold(on: boolean): void; stop(): void }> {
  const socks: net.Socket[] = [];
  const ups: net.Socket[] = [];
  const srv = net.createServer((c) => {
    const up = net.connect({ host: "127.0.0.1", port: target });
    socks.push(c, up);
    ups.push(up);
    c.pipe(up);
    up.pipe(c);
    c.on("error", () => up.destroy());
    up.on("error", () => c.destroy());
    c.on("close", () => up.destroy());
    up.on("close", () => c.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  return {
    port: (srv.address() as net.AddressInfo).port,
    hold(on: boolean): void { for (const u of ups) if (on) u.pause(); else u.resume(); },
    stop(): void { for (const s of socks) s.destroy(); srv.close(); },
  };
}

test("a burst of 400 QoS 1/2 far past our Receive Maximum, the link stalled mid-way: all delivered once, no protocol error", { skip, timeout: 90000 }, async () => {
  const b = await Mosquitto.start([]);
  started.push(b);
  const px = await stallable(b.port);
  started.push(px);
  const got: string[] = [];
  mgos_mqtt_sub("l5/burst/#", (_nc: mg_connection, _t: string, _tl: number, msg: string, len: number) => { got.push(msg.slice(0, len)); }, null);
  await connect(px.port, "mqtt.protocol_version=5", "mqtt.client_id=l5-burst", "mqtt.max_packet_size=0");
  await sleep(500);
  const p = await peer(b.port, null);
  // Ten at a time: mosquitto refuses a publisher past its own Receive Maximum (Quota exceeded).
  for (let i = 0; i < 400; i += 10) {
    if (i === 100) px.hold(true);
    const sends: Promise<void>[] = [];
    for (let k = i; k < i + 10; k++) sends.push(publish(p.c, "l5/burst/x", `m${k}`, { qos: k % 2 === 0 ? 1 : 2 }));
    await Promise.all(sends);
  }
  await sleep(3000); // stalled for seconds while mosquitto holds the rest
  px.hold(false);
  await until("400 delivered", () => got.length >= 400, 40000);
  await sleep(500);
  assert.equal(got.length, 400);
  assert.deepEqual([...new Set(got)].length, 400);
  assert.ok(mgos_mqtt_global_is_connected());
  assert.ok(!/l5-burst.*(Receive Maximum|protocol error|disconnected)/i.test(b.log), b.log.slice(-2000));
  const cn = b.log.match(/New client connected .* as l5-burst/g) ?? [];
  assert.equal(cn.length, 1, "one connection");
  assert.ok(MAX_RX_QOS2 < 400);
  await disconnect();
});

for (const [from, to] of [[4, 5], [5, 4]]) {
  test(`messages queued offline under protocol_version ${from} reach the peer intact under ${to}`, { skip, timeout: 90000 }, async () => {
    const b = await Mosquitto.start([]);
    started.push(b);
    const p = await peer(b.port, `l5/ver${from}/#`);
    await connect(b.port, `mqtt.protocol_version=${from}`, `mqtt.client_id=l5-ver${from}`, "mqtt.clean_session=false", "mqtt.max_queue_length=10");
    await disconnect();
    const big = printable(3000, 13); // larger than the tx buffer: streamed while re-encoded
    const c = mgos_mqtt_get_global();
    const ids = [
      from === 5 ? conn_pub5_bytes(c, `l5/ver${from}/a`, new Uint8Array(Buffer.from("alpha")), 1, false, null) : pub_bytes(`l5/ver${from}/a`, new Uint8Array(Buffer.from("alpha")), 1, false),
      pub_bytes(`l5/ver${from}/b`, new Uint8Array(Buffer.from("beta")), 2, false),
      pub_bytes(`l5/ver${from}/c`, new Uint8Array(big), 1, false),
    ];
    assert.ok(ids.every((i) => i > 0), `${ids}`);
    await connect(b.port, `mqtt.protocol_version=${to}`);
    await until("three at the peer", () => p.got.length >= 3, 20000);
    // Order holds per QoS (a QoS 2 message waits for its PUBREL at the broker).
    const got = [...p.got].sort((x, y) => (x.topic < y.topic ? -1 : 1));
    assert.deepEqual(got.map((g) => `${g.topic} ${g.payload.length}`), [`l5/ver${from}/a 5`, `l5/ver${from}/b 4`, `l5/ver${from}/c 3000`]);
    assert.equal(got[0].payload.toString(), "alpha");
    assert.equal(got[1].payload.toString(), "beta");
    assert.equal(sha(got[2].payload), sha(big));
    await until("outbox empty", () => c.session.recCount === 0);
    await disconnect();
  });
}
