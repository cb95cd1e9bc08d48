// MQTT 5 flow control and the receive path against a broker written here
// (mosquitto cannot be made to break these rules): our Receive Maximum counts
// every unacknowledged incoming QoS 1 and QoS 2 PUBLISH and a broker over it
// gets DISCONNECT 0x93; incoming topic aliases bound to topics longer than
// an alias slot; large PUBLISHes streamed under MQTT 5 with their
// properties and topic aliases. The TypeScript client under Node with
// protocol_version 5. Only 127.0.0.1, free ports, bounded waits.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "net";
import { createHash } from "crypto";
import { mg_connection, mg_mqtt_message, MG_EV, MGOS_MQTT_SUB } from "../../ts-src/mgos/mg_types";
import {
  mgos_mqtt_add_global_handler, mgos_mqtt_get_global, mgos_mqtt_global_subscribe_opt, mgos_mqtt_sub, pub_bytes,
} from "../../ts-src/mgos/facade";
import { MAX_RX_QOS2 } from "../../ts-src/mqtt/session";
import { TOPIC_ALIAS_LEN } from "../../ts-src/mqtt/session5";
import { until, sleep } from "./support/wire";
import { Fake, gen, fakeClient } from "./support/fake5";

const { run, stop } = fakeClient("m5-flow");

interface Ev { ev: number; topic: string; payload: Buffer; reason: number; off: number; total: number; ct: string }
const evs: Ev[] = [];
function record(ev: number, evd: unknown): void {
  const m = evd as mg_mqtt_message | null;
  const pl = m && m.payload.len > 0 ? Buffer.from(m.payload.p!.slice(0, m.payload.len), "latin1") : Buffer.alloc(0);
  const ct = m && m.props ? m.props.content_type.p!.slice(0, m.props.content_type.len) : "";
  evs.push({ ev, topic: m ? m.topic.p!.slice(0, m.topic.len) : "", payload: pl, reason: m ? m.reason_code : -1,
    off: m ? m.current_data_offset : 0, total: m ? m.total_data_len : 0, ct });
}
mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number, evd: unknown) => {
  if (ev === MG_EV.POLL) return;
  record(ev, evd);
}, null);

const pub = (topic: string, qos: number, id: number, payload: string | Buffer = "x", properties: Record<string, unknown> = {}): Buffer =>
  gen({ cmd: "publish", topic, payload, qos, messageId: id, properties });

// ---------------------------------------------------------------- Receive Maximum

test("Receive Maximum: QoS 1 messages nobody acknowledged count; one more gets DISCONNECT 0x93", { timeout: 20000 }, async () => {
  // No topic handler: the global handler gets them and, as the reference,
  // acknowledging is its job; it does not, so all stay unacknowledged.
  const f = await new Fake((s) => setTimeout(() => {
    for (let i = 1; i <= MAX_RX_QOS2 + 1; i++) s.write(pub("rm/q1", 1, i));
  }, 50)).start();
  await run(f);
  await until("DISCONNECT", () => f.disconnects().length >= 1 && f.closed >= 1);
  assert.equal(f.got.find((p) => p.cmd === "connect").properties.receiveMaximum, MAX_RX_QOS2);
  assert.equal(f.disconnects()[0].reasonCode, 0x93);
  await stop();
});

test("Receive Maximum: QoS 1 and QoS 2 together count; exactly the maximum is fine", { timeout: 20000 }, async () => {
  // Half QoS 2 (PUBREC sent, the broker never sends PUBREL), half QoS 1 nobody acknowledged.
  const half = MAX_RX_QOS2 / 2;
  const script = (extra: number) => (s: net.Socket): void => {
    setTimeout(() => {
      for (let i = 1; i <= half; i++) s.write(pub("rm/q2", 2, i));
      for (let i = 1; i <= half + extra; i++) s.write(pub("rm/q1", 1, 100 + i));
    }, 50);
  };
  const ok = await new Fake(script(0)).start();
  evs.length = 0;
  await run(ok);
  await until("all delivered", () => evs.filter((e) => e.ev === MG_EV.MQTT_PUBLISH).length === MAX_RX_QOS2);
  await sleep(300);
  assert.equal(ok.disconnects().length, 0);
  assert.ok(mgos_mqtt_get_global().session.isConnected());
  await stop();

  const over = await new Fake(script(1)).start();
  await run(over);
  await until("DISCONNECT", () => over.disconnects().length >= 1 && over.closed >= 1);
  assert.equal(over.disconnects()[0].reasonCode, 0x93);
  await stop();
});

test("Receive Maximum: acknowledged messages free their place (a burst of 600 QoS 1, auto-acked)", { timeout: 30000 }, async () => {
  evs.length = 0;
  let got = 0;
  mgos_mqtt_sub("burst/#", () => { got++; }, null);
  const f = await new Fake((s) => {
    // The SUBSCRIBE is answered, then a burst far past the Receive Maximum,
    // each sent only after the PUBACK of the one 16 back (a compliant broker).
    let next = 1;
    const send = (): void => {
      while (next <= 600 && next - f.acks("puback").length <= MAX_RX_QOS2) s.write(pub("burst/x", 1, next++));
    };
    const t = setInterval(() => {
      send();
      if (next > 600) clearInterval(t);
    }, 5);
    s.on("close", () => clearInterval(t));
  }).start();
  await run(f);
  await until("600 delivered", () => got === 600, 25000);
  await until("600 PUBACKs", () => f.acks("puback").length === 600);
  assert.equal(f.disconnects().length, 0);
  await stop();
});

// ---------------------------------------------------------------- topic aliases, long topics

const long = (c: string, n: number): string => `long/${c.repeat(n - 5)}`;

test("incoming aliases bound to topics longer than MGOS_MQTT_TOPIC_ALIAS_LEN resolve in full", { timeout: 20000 }, async () => {
  evs.length = 0;
  const t1 = "s/one", t2 = "s/two", t3 = "s/three";
  const t4 = long("z", TOPIC_ALIAS_LEN * 3); // fits beside the three short ones
  const f = await new Fake((s) => setTimeout(() => {
    s.write(pub(t1, 0, 0, "a1", { topicAlias: 1 }));
    s.write(pub(t2, 0, 0, "a2", { topicAlias: 2 }));
    s.write(pub(t3, 0, 0, "a3", { topicAlias: 3 }));
    s.write(pub(t4, 0, 0, "a4", { topicAlias: 4 }));
    for (const a of [4, 1, 2, 3, 4]) s.write(pub("", 0, 0, `b${a}`, { topicAlias: a }));
  }, 50)).start();
  await run(f);
  await until("nine messages", () => evs.filter((e) => e.ev === MG_EV.MQTT_PUBLISH).length === 9);
  assert.deepEqual(evs.filter((e) => e.ev === MG_EV.MQTT_PUBLISH).map((e) => `${e.topic} ${e.payload}`),
    [`${t1} a1`, `${t2} a2`, `${t3} a3`, `${t4} a4`, `${t4} b4`, `${t1} b1`, `${t2} b2`, `${t3} b3`, `${t4} b4`]);
  assert.equal(f.disconnects().length, 0);
  await stop();
});

test("an alias rebound to a topic too long to keep is never read as its old topic: DISCONNECT 0x83", { timeout: 20000 }, async () => {
  evs.length = 0;
  const big = long("y", TOPIC_ALIAS_LEN * 4 + 1); // more than the whole table
  const f = await new Fake((s, n) => {
    if (n > 1) return;
    setTimeout(() => {
      s.write(pub("old/topic", 0, 0, "first", { topicAlias: 2 }));
      s.write(pub(big, 0, 0, "rebound", { topicAlias: 2 }));
      s.write(pub("", 0, 0, "uses-it", { topicAlias: 2 }));
    }, 50);
  }).start();
  await run(f);
  await until("DISCONNECT", () => f.disconnects().length >= 1);
  assert.equal(f.disconnects()[0].reasonCode, 0x83);
  const got = evs.filter((e) => e.ev === MG_EV.MQTT_PUBLISH).map((e) => `${e.topic} ${e.payload}`);
  assert.deepEqual(got, ["old/topic first", `${big} rebound`]);
  await stop();
});

test("outgoing aliases: long topics are aliased too, rebinding never sends a wrong topic", { timeout: 20000 }, async () => {
  const f = await new Fake(() => undefined, gen({ cmd: "connack", reasonCode: 0, sessionPresent: false, properties: { topicAliasMaximum: 2 } })).start();
  await run(f);
  await until("connected", () => mgos_mqtt_get_global().session.isConnected());
  const a = long("a", TOPIC_ALIAS_LEN + 36), b = "short/b", c = long("c", TOPIC_ALIAS_LEN + 36), d = long("d", TOPIC_ALIAS_LEN * 4 + 1);
  const sent = [a, a, b, c, a, b, c, d, d, a, a];
  for (const [i, t] of sent.entries()) assert.ok(pub_bytes(t, new Uint8Array(Buffer.from(`m${i}`)), 0, false) > 0);
  await until("all sent", () => f.got.filter((p) => p.cmd === "publish").length === sent.length);
  // Resolve what went over the wire as the broker does (3.3.2.3.4).
  const map = new Map<number, string>();
  const seen: string[] = [];
  let aliased = 0;
  let aliasedLong = 0;
  for (const p of f.got.filter((x) => x.cmd === "publish")) {
    const al: number | undefined = p.properties?.topicAlias;
    if (al !== undefined) assert.ok(al >= 1 && al <= 2, `alias ${al}`);
    if (p.topic.length > 0) {
      if (al !== undefined) map.set(al, p.topic);
      seen.push(p.topic);
    } else {
      aliased++;
      if (map.get(al!)!.length > TOPIC_ALIAS_LEN) aliasedLong++;
      seen.push(map.get(al!)!);
    }
  }
  assert.deepEqual(seen, sent);
  assert.ok(aliasedLong >= 2, `only ${aliasedLong} long topics sent with the alias alone`);
  // The topic longer than the whole table always goes in full.
  assert.ok(f.got.filter((p) => p.cmd === "publish" && p.topic === d).length === 2);
  await stop();
});

// ---------------------------------------------------------------- large PUBLISHes streamed under MQTT 5

interface Part { topic: string; off: number; total: number; data: Buffer; ct: string; ev: number; qos: number }
const parts: Part[] = [];
let fragSubbed = false;
function fragments(): void {
  if (fragSubbed) return;
  fragSubbed = true;
  assert.ok(mgos_mqtt_global_subscribe_opt("big/#", 1, MGOS_MQTT_SUB.FRAGMENTS, (_nc: mg_connection, ev: number, evd: unknown) => {
    const m = evd as mg_mqtt_message;
    if (ev !== MG_EV.MQTT_PUBLISH_PART && ev !== MG_EV.MQTT_PUBLISH) return;
    parts.push({ topic: m.topic.p!.slice(0, m.topic.len), off: m.current_data_offset, total: m.total_data_len,
      data: Buffer.from(m.payload.p!.slice(0, m.payload.len), "latin1"), ct: m.props ? m.props.content_type.p!.slice(0, m.props.content_type.len) : "",
      ev, qos: m.qos });
  }, null));
}

/** The messages the fragments make up, in order: topic, content type, payload. */
function joined(): { topic: string; ct: string; data: Buffer }[] {
  const out: { topic: string; ct: string; data: Buffer }[] = [];
  let cur: Buffer[] = [];
  for (const p of parts) {
    if (p.ev === MG_EV.MQTT_PUBLISH) {
      out.push({ topic: p.topic, ct: p.ct, data: p.data });
      continue;
    }
    if (p.off === 0) cur = [];
    assert.equal(p.off, cur.reduce((n, b) => n + b.length, 0));
    cur.push(p.data);
    if (p.off + p.data.length === p.total) out.push({ topic: p.topic, ct: p.ct, data: Buffer.concat(cur) });
  }
  return out;
}

const sha = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

test("MQTT 5 streams a PUBLISH larger than the buffer: properties and topic aliases, in random splits", { timeout: 30000 }, async () => {
  fragments();
  parts.length = 0;
  const p1 = Buffer.from(Buffer.alloc(20000).map((_, i) => 33 + ((i * 7 + 3) % 90))); // ASCII: the Node port hands out strings
  const p2 = Buffer.from(Buffer.alloc(9000).map((_, i) => 33 + ((i * 13 + 1) % 90)));
  const wire = Buffer.concat([
    pub("big/one", 1, 11, p1, { topicAlias: 1, contentType: "app/bin", userProperties: { k: "v" } }),
    pub("", 1, 12, p2, { topicAlias: 1, contentType: "app/two" }),
    pub("", 0, 0, "small", { topicAlias: 1 }),
    pub("big/three", 2, 13, p2, { messageExpiryInterval: 60 }),
  ]);
  const f = await new Fake((s) => setTimeout(async () => {
    // Random splits, some of one byte, across headers and properties.
    let at = 0;
    let seed = 7;
    while (at < wire.length) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = seed % 5 === 0 ? 1 : 1 + (seed % 3000);
      s.write(wire.subarray(at, at + n));
      at += n;
      if (seed % 4 === 0) await sleep(1);
    }
  }, 50)).start();
  await run(f, "mqtt.max_packet_size=100000");
  await until("CONNECT", () => f.got.some((p) => p.cmd === "connect"));
  assert.equal(f.got.find((p) => p.cmd === "connect").properties.maximumPacketSize, 100000);
  await until("four messages", () => joined().length === 4);
  const j = joined();
  assert.deepEqual(j.map((m) => `${m.topic} ${m.ct} ${m.data.length}`),
    ["big/one app/bin 20000", "big/one app/two 9000", "big/one  5", "big/three  9000"]);
  assert.equal(sha(j[0].data), sha(p1));
  assert.equal(sha(j[1].data), sha(p2));
  assert.equal(sha(j[3].data), sha(p2));
  await until("acks", () => f.acks("puback").length === 2 && f.acks("pubrec").length === 1);
  assert.deepEqual(f.acks("puback").map((p) => p.messageId), [11, 12]);
  assert.equal(f.disconnects().length, 0);
  await stop();
});

test("MQTT 5 large PUBLISH nobody takes in fragments: skipped, acknowledged, reported", { timeout: 20000 }, async () => {
  evs.length = 0;
  const f = await new Fake((s) => setTimeout(() => {
    s.write(pub("other/x", 1, 21, Buffer.alloc(8000, 1), { topicAlias: 2, userProperties: { a: "b" } }));
    s.write(pub("", 0, 0, "after", { topicAlias: 2 }));
  }, 50)).start();
  await run(f, "mqtt.max_packet_size=100000");
  await until("skipped and the next", () => evs.some((e) => e.ev === MG_EV.MQTT_PUBLISH));
  const sk = evs.find((e) => e.ev === MG_EV.MQTT_PUBLISH_SKIPPED)!;
  assert.equal(sk.topic, "other/x");
  assert.equal(sk.total, 8000);
  assert.equal(evs.find((e) => e.ev === MG_EV.MQTT_PUBLISH)!.topic, "other/x");
  await until("PUBACK", () => f.acks("puback").length === 1);
  assert.equal(f.disconnects().length, 0);
  await stop();
});

test("MQTT 5 large PUBLISH whose properties do not fit the buffer: skipped, and no alias is trusted after it", { timeout: 20000 }, async () => {
  evs.length = 0;
  const f = await new Fake((s, n) => {
    if (n > 1) return;
    setTimeout(() => {
      s.write(pub("big/q", 0, 0, "bind", { topicAlias: 3 }));
      s.write(pub("huge/p", 1, 31, Buffer.alloc(5000, 2), { userProperties: { key: "x".repeat(4000) } }));
      setTimeout(() => s.write(pub("", 0, 0, "uses-3", { topicAlias: 3 })), 300);
    }, 50);
  }).start();
  await run(f, "mqtt.max_packet_size=100000");
  await until("DISCONNECT", () => f.disconnects().length >= 1);
  assert.equal(f.disconnects()[0].reasonCode, 0x83);
  const sk = evs.find((e) => e.ev === MG_EV.MQTT_PUBLISH_SKIPPED)!;
  assert.equal(sk.topic, "huge/p");
  assert.equal(f.acks("puback").length, 1);
  assert.ok(!evs.some((e) => e.payload.toString() === "uses-3"));
  await stop();
});

test("MQTT 5 large PUBLISH with bad properties or an alias never set: DISCONNECT 0x81 / 0x82", { timeout: 30000 }, async () => {
  // PUBLISH QoS 0 "big/u", property block: id 0x7f (unknown), payload 4000 bytes.
  const hdr = Buffer.from([0x00, 0x05, ...Buffer.from("big/u"), 0x02, 0x7f, 0x00]);
  const body = Buffer.concat([hdr, Buffer.alloc(4000, 3)]);
  const rem = body.length;
  const bad = Buffer.concat([Buffer.from([0x30, 0x80 | (rem & 0x7f), rem >> 7]), body]);
  for (const [wire, code] of [[bad, 0x81], [pub("", 0, 0, Buffer.alloc(5000), { topicAlias: 4 }), 0x82]] as [Buffer, number][]) {
    const f = await new Fake((s, n) => { if (n === 1) setTimeout(() => s.write(wire), 50); }).start();
    await run(f, "mqtt.max_packet_size=100000");
    await until("DISCONNECT", () => f.disconnects().length >= 1);
    assert.equal(f.disconnects()[0].reasonCode, code);
    await stop();
  }
});
