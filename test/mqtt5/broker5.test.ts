// MQTT 5 against a real mosquitto 2, the TypeScript client under Node
// (ts-src/node/port.ts) with mqtt.protocol_version 5, MQTT.js 5 as the peer,
// and a proxy that decodes every packet with mqtt-packet (support/wire.ts):
// CONNECT / CONNACK properties on the wire and taken by the session, reason
// codes in the event data, the broker's Receive Maximum capping what is in
// flight, Maximum Packet Size both ways, topic aliases, and session expiry
// resumed after a reconnect and gone after the interval.

import { test } from "node:test";
import * as assert from "node:assert/strict";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt");
import { mg_connection, mg_mqtt_message, MG_EV } from "../../ts-src/mgos/mg_types";
import {
  mgos_mqtt_init, mgos_mqtt_add_global_handler, mgos_mqtt_sub, pub_bytes, mgos_mqtt_global_is_connected,
  mgos_mqtt_global_disconnect, mgos_mqtt_global_connect, mgos_mqtt_get_global, mgos_mqtt_get_last_error, mgos_mqtt_unsub,
} from "../../ts-src/mgos/facade";
import { nodeTier, config } from "./support/nodetier";
import { MGOS_MQTT_ERR } from "../../ts-src/mqtt/delivery";
import { Mosquitto, WireProxy, haveMosquitto, until, sleep } from "./support/wire";

const skip = haveMosquitto() ? false : "mosquitto not installed";
const { np, started, peers } = nodeTier();

interface Ev { ev: number; topic: string; payload: string; reason: number; id: number; ret: number }
const evs: Ev[] = [];
let handlerAdded = false;
function watch(): void {
  if (handlerAdded) return;
  handlerAdded = true;
  mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number, evd: unknown) => {
    if (ev === MG_EV.POLL) return;
    const m = evd as mg_mqtt_message | null;
    evs.push({
      ev, topic: m && m.topic ? m.topic.p!.slice(0, m.topic.len) : "", payload: m && m.payload ? m.payload.p! : "",
      reason: m && m.reason_code !== undefined ? m.reason_code : -1, id: m ? m.message_id : 0, ret: m ? m.connack_ret_code : -1,
    });
  }, null);
}

/** An MQTT.js 5 client on the broker, subscribed to `filter`; resolves once subscribed. */
async function peer(port: number, filter: string | null, opts: Record<string, unknown> = {}): Promise<{ c: any; got: any[] }> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0, ...opts });
  peers.push(c);
  const got: any[] = [];
  c.on("message", (topic: string, payload: Buffer, packet: any) => got.push({ topic, payload: payload.toString(), packet }));
  await new Promise<void>((resolve, reject) => { c.once("connect", () => resolve()); c.once("error", reject); });
  if (filter !== null) await new Promise<void>((resolve, reject) => c.subscribe(filter, { qos: 1 }, (e: Error | null) => e ? reject(e) : resolve()));
  return { c, got };
}

let running = false;
/** Connects the global connection through `proxy` with the given extra config. */
async function connect(proxy: WireProxy, ...sets: string[]): Promise<void> {
  watch();
  // A test that failed half way left the connection up: end it, so one failure does not cascade.
  if (running && mgos_mqtt_get_global().net !== 0) await disconnect();
  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${proxy.port}`, "mqtt.protocol_version=5", "mqtt.reconnect_timeout_min=0.2", ...sets);
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
  await until("disconnected", () => !mgos_mqtt_global_is_connected() && mgos_mqtt_get_global().net === 0);
}

const pub = (topic: string, msg: string | Buffer, qos: number): number => pub_bytes(topic, new Uint8Array(Buffer.from(msg)), qos, false);

test("CONNECT and CONNACK properties on the wire and in the session; reason codes in events", { skip, timeout: 60000 }, async () => {
  const b = await Mosquitto.start(["max_inflight_messages 2", "max_keepalive 20", "max_packet_size 2000", "max_topic_alias 5"]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  started.push(w);
  await connect(w, "mqtt.client_id=m5-props", "mqtt.keep_alive=60", "mqtt.clean_session=true", "mqtt.session_expiry=120", "mqtt.max_packet_size=2048");
  const [cn] = w.of("c2s", "connect");
  assert.equal(cn.protocolVersion, 5);
  assert.equal(cn.clientId, "m5-props");
  assert.deepEqual(cn.properties, { sessionExpiryInterval: 120, receiveMaximum: 16, maximumPacketSize: 2048, topicAliasMaximum: 4 });
  const [ca] = w.of("s2c", "connack");
  assert.equal(ca.reasonCode, 0);
  assert.deepEqual(ca.properties, { topicAliasMaximum: 5, serverKeepAlive: 20, maximumPacketSize: 2000, receiveMaximum: 2 });
  const s = mgos_mqtt_get_global().session;
  assert.equal(s.v5s[0].serverReceiveMax, 2);
  assert.equal(s.v5s[0].serverMaxPacket, 2000);
  assert.equal(s.v5s[0].serverAliasMax, 5);
  assert.equal(s.v5s[0].serverKeepAlive, 20);
  // Server Keep Alive replaces ours (3.2.2.3.14).
  assert.equal(s.cfg.keepAlive, 20);
  const conn = evs.find((e) => e.ev === MG_EV.MQTT_CONNACK)!;
  assert.equal(conn.reason, 0);

  // A QoS 1 message nobody subscribed to: PUBACK "No matching subscribers" (0x10).
  const id = pub("m5/nobody", "x", 1);
  assert.ok(id > 0);
  await until("PUBACK", () => evs.some((e) => e.ev === MG_EV.MQTT_PUBACK && e.id === id));
  assert.equal(evs.find((e) => e.ev === MG_EV.MQTT_PUBACK && e.id === id)!.reason, 0x10);
  assert.equal(w.of("s2c", "puback").find((p) => p.messageId === id).reasonCode, 16);

  // SUBSCRIBE in the MQTT 5 form; SUBACK's reason code (granted QoS 1) in the event.
  const got: string[] = [];
  mgos_mqtt_sub("m5/in/#", (_nc, topic, tl, msg, ml) => { got.push(`${topic.slice(0, tl)} ${msg.slice(0, ml)}`); }, null);
  await until("SUBACK", () => w.of("s2c", "suback").length === 1);
  assert.deepEqual(w.of("s2c", "suback")[0].granted, [1]);
  // A PUBLISH from MQTT.js with properties reaches our handler.
  const p = await peer(b.port, null);
  p.c.publish("m5/in/a", "hello", { qos: 1, properties: { contentType: "text/plain", userProperties: { k: "v" } } });
  await until("message from the peer", () => got.length === 1);
  assert.deepEqual(got, ["m5/in/a hello"]);
  assert.equal(w.of("s2c", "publish").find((x) => x.topic === "m5/in/a").properties.contentType, "text/plain");

  // Our DISCONNECT: reason 0, in its 2-byte form.
  await disconnect();
  await until("DISCONNECT on the wire", () => w.of("c2s", "disconnect").length === 1);
  const d = w.of("c2s", "disconnect");
  assert.equal(d[0].reasonCode ?? 0, 0);
  assert.match(b.log, /m5-props \(p5, c1, k60\)/);
});

test("the broker's Receive Maximum caps the in-flight window; nothing lost", { skip, timeout: 60000 }, async () => {
  const b = await Mosquitto.start(["max_inflight_messages 2"]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  started.push(w);
  const p = await peer(b.port, "m5/rm/#");
  await connect(w, "mqtt.client_id=m5-rm", "mqtt.clean_session=true");
  const ids: number[] = [];
  for (let i = 0; i < 12; i++) ids.push(pub(`m5/rm/${i}`, `m${i}`, 1));
  assert.ok(ids.every((x) => x > 0));
  await until("12 messages at the peer", () => p.got.length === 12, 30000);
  assert.deepEqual(p.got.map((g) => g.payload), ids.map((_x, i) => `m${i}`));
  // Replay the wire: PUBLISH QoS 1 sent minus PUBACK received, at every point.
  let out = 0, most = 0;
  for (const x of w.packets) {
    if (x.dir === "c2s" && x.pkt.cmd === "publish" && x.pkt.qos === 1) out++;
    if (x.dir === "s2c" && x.pkt.cmd === "puback") out--;
    most = Math.max(most, out);
  }
  assert.equal(most, 2, "at most the broker's Receive Maximum (2) in flight, and it was reached (our own window is 8)");
  await disconnect();
});

test("Maximum Packet Size both ways: ours is announced and honoured, the broker's refuses at the call", { skip, timeout: 60000 }, async () => {
  const b = await Mosquitto.start(["max_packet_size 1500"]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  started.push(w);
  await connect(w, "mqtt.client_id=m5-mps", "mqtt.clean_session=true", "mqtt.max_packet_size=1000");
  assert.equal(w.of("c2s", "connect")[0].properties.maximumPacketSize, 1000);
  // Outgoing: larger than the broker's 1500 is refused at the call, TOO_BIG, and never sent.
  assert.equal(pub("m5/mps/big", Buffer.alloc(1600, 0x61), 1), 0);
  assert.equal(mgos_mqtt_get_last_error(), MGOS_MQTT_ERR.TOO_BIG);
  assert.ok(pub("m5/mps/small", Buffer.alloc(1400, 0x62), 1) > 0);
  await until("small one sent", () => w.of("c2s", "publish").length === 1);
  // Incoming: the broker does not send us what exceeds our 1000 bytes; the small one after it comes.
  const got: string[] = [];
  mgos_mqtt_sub("m5/mpsin/#", (_nc, topic, tl, msg, ml) => { got.push(`${topic.slice(0, tl)} ${ml}`); }, null);
  await until("SUBACK", () => w.of("s2c", "suback").length === 1);
  const p = await peer(b.port, null);
  p.c.publish("m5/mpsin/big", Buffer.alloc(1200, 0x63), { qos: 1 });
  p.c.publish("m5/mpsin/small", Buffer.alloc(900, 0x64), { qos: 1 });
  await until("small incoming", () => got.length >= 1);
  await sleep(300);
  assert.deepEqual(got, ["m5/mpsin/small 900"]);
  assert.equal(w.of("s2c", "publish").filter((x) => x.topic === "m5/mpsin/big").length, 0);
  assert.ok(mgos_mqtt_global_is_connected());
  mgos_mqtt_unsub("m5/mpsin/#");
  await disconnect();
});

test("topic aliases: a repeated topic goes as an alias within the broker's maximum", { skip, timeout: 60000 }, async () => {
  const b = await Mosquitto.start(["max_topic_alias 2"]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  started.push(w);
  const p = await peer(b.port, "m5/ta/#");
  await connect(w, "mqtt.client_id=m5-ta", "mqtt.clean_session=true");
  const topics = ["m5/ta/a", "m5/ta/a", "m5/ta/b", "m5/ta/a", "m5/ta/b", "m5/ta/c", "m5/ta/c", "m5/ta/a"];
  topics.forEach((t, i) => assert.ok(pub(t, `p${i}`, i % 2) > 0));
  await until("all at the peer", () => p.got.length === topics.length, 30000);
  assert.deepEqual(p.got.map((g) => g.topic).sort(), [...topics].sort());
  const sent = w.of("c2s", "publish");
  assert.equal(sent.length, topics.length);
  // Aliases 1..2 only (the broker's maximum); the second use of a bound topic has no topic name.
  const aliases = sent.map((x) => x.properties?.topicAlias);
  assert.ok(aliases.every((a) => a === 1 || a === 2), `aliases ${aliases}`);
  assert.deepEqual(sent.map((x) => x.topic), ["m5/ta/a", "", "m5/ta/b", "", "", "m5/ta/c", "", "m5/ta/a"]);
  await disconnect();
});

test("session expiry: resumed after a reconnect within the interval, gone after it", { skip, timeout: 60000 }, async () => {
  const b = await Mosquitto.start([]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  started.push(w);
  const got: string[] = [];
  mgos_mqtt_sub("m5/se/#", (_nc, topic, tl, msg, ml) => { got.push(msg.slice(0, ml)); }, null);
  await connect(w, "mqtt.client_id=m5-se", "mqtt.clean_session=false", "mqtt.session_expiry=2");
  await until("SUBACK", () => w.of("s2c", "suback").length >= 1);
  assert.equal(w.of("c2s", "connect")[0].properties.sessionExpiryInterval, 2);
  assert.equal(w.of("c2s", "connect")[0].clean, false);
  const p = await peer(b.port, null);

  // Offline within the interval: the broker keeps the session and queues QoS 1.
  await disconnect();
  await new Promise<void>((r) => p.c.publish("m5/se/x", "kept", { qos: 1 }, () => r()));
  await connect(w, "mqtt.client_id=m5-se", "mqtt.clean_session=false", "mqtt.session_expiry=2");
  const ca = w.of("s2c", "connack");
  assert.equal(ca[ca.length - 1].sessionPresent, true);
  await until("queued message", () => got.includes("kept"));

  // Offline longer than the interval: the session is gone, and so is the message.
  await disconnect();
  await new Promise<void>((r) => p.c.publish("m5/se/x", "expired", { qos: 1 }, () => r()));
  await sleep(3500);
  await connect(w, "mqtt.client_id=m5-se", "mqtt.clean_session=false", "mqtt.session_expiry=2");
  const ca2 = w.of("s2c", "connack");
  assert.equal(ca2[ca2.length - 1].sessionPresent, false);
  await sleep(700);
  assert.deepEqual(got, ["kept"]);
  mgos_mqtt_unsub("m5/se/#");
  await disconnect();
});
