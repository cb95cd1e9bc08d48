// Large incoming messages through the mgos API (ts-src/mgos) under Node:
// which handlers get MG_EV_MQTT_PUBLISH_PART fragments (only those subscribed
// with MGOS_MQTT_SUB_FRAGMENTS) and who gets MG_EV_MQTT_PUBLISH_SKIPPED
// (matching topic handlers, else the global ones). Real session, codec and
// config; the fake port of support/fake.ts (deterministic).

import { test, beforeEach } from "node:test";
import * as assert from "node:assert/strict";
import { FakePort, bytes } from "./support/fake";
import { PacketType } from "../../ts-src/mqtt/packet";
import { encodePublish } from "../../ts-src/mqtt/codec";
import { mg_connection, mg_mqtt_message, MG_EV, MGOS_MQTT_SUB } from "../../ts-src/mgos/mg_types";
import {
  mgos_mqtt_init, mgos_mqtt_add_global_handler, mgos_mqtt_sub, global_subscribe, mgos_mqtt_global_subscribe_opt,
  mgos_mqtt_global_is_connected, mgos_mqtt_get_global,
} from "../../ts-src/mgos/facade";
import { mgos_mqtt_conn_sub_opt } from "../../ts-src/mgos/conn";

const fp = new FakePort().install();
beforeEach(() => fp.reset());

interface Call { who: string; ev: number; topic: string; len: number; data: string; off: number; total: number; id: number }
let calls: Call[] = [];

function recorder(who: string) {
  return (_nc: mg_connection, ev: number, evd: unknown): void => {
    if (ev === MG_EV.POLL) return; // its ev_data is the time
    const m = evd as mg_mqtt_message | null;
    calls.push({
      who, ev, topic: m ? m.topic.p!.slice(0, m.topic.len) : "", len: m ? m.payload.len : 0, data: m ? m.payload.p! : "",
      off: m ? m.current_data_offset : -1, total: m ? m.total_data_len : -1, id: m ? m.message_id : -1,
    });
  };
}

function connect(...extra: string[]): void {
  fp.config("mqtt.enable=true", "mqtt.server=127.0.0.1:1883", ...extra);
  mgos_mqtt_init();
  fp.nextConnect();
  fp.handshake(0);
  assert.ok(mgos_mqtt_global_is_connected());
  for (const s of fp.read(0)) if (s.type === PacketType.SUBSCRIBE) fp.suback(0, s.packetId, [1]);
  calls = calls.filter((c) => c.ev !== MG_EV.MQTT_CONNACK && c.ev !== MG_EV.MQTT_SUBACK);
}

/** A PUBLISH of `n` bytes 'a'..'z' repeating, sent in reads of `chunk` bytes. */
function bigPublish(topic: string, n: number, qos: number, id: number, chunk: number): string {
  let body = "";
  for (let i = 0; i < n; i++) body += String.fromCharCode(0x61 + (i % 26));
  const out = new Uint8Array(n + topic.length + 16);
  const len = encodePublish(out, bytes(topic), bytes(body), qos, false, false, id);
  for (let i = 0; i < len; i += chunk) fp.send(0, out.subarray(i, Math.min(len, i + chunk)));
  return body;
}

const evOf = (ev: number, who?: string): Call[] => calls.filter((c) => c.ev === ev && (who === undefined || c.who === who));

test("MGOS_MQTT_SUB_FRAGMENTS: 100 KiB to the opted-in handler in order with offsets; other handlers see nothing; PUBACK after the last byte", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("global"), null);
  assert.equal(mgos_mqtt_global_subscribe_opt("big/#", 1, MGOS_MQTT_SUB.FRAGMENTS, recorder("frag"), null), true);
  global_subscribe(bytes("big/#"), recorder("plain"), null);
  const subbed: string[] = [];
  mgos_mqtt_sub("big/#", (_nc, t, tl) => { subbed.push(t.slice(0, tl)); }, null);
  connect();
  const body = bigPublish("big/one", 100 * 1024, 1, 7, 1460);
  const parts = evOf(MG_EV.MQTT_PUBLISH_PART);
  assert.ok(parts.length > 10);
  assert.ok(parts.every((c) => c.who === "frag" && c.topic === "big/one" && c.id === 7 && c.total === body.length));
  let at = 0;
  let joined = "";
  for (const c of parts) {
    assert.equal(c.off, at);
    joined += c.data.slice(0, c.len);
    at += c.len;
  }
  assert.equal(joined, body, "fragments reassemble to the exact bytes");
  assert.deepEqual(calls.filter((c) => c.ev !== MG_EV.MQTT_PUBLISH_PART), []);
  assert.deepEqual(subbed, []);
  assert.deepEqual(fp.read(0).map((s) => [s.type, s.packetId]), [[PacketType.PUBACK, 7]]);
  // A message that fits goes to every matching handler as usual.
  calls = [];
  fp.publish(0, "big/small", "hi", 0);
  assert.deepEqual(calls.map((c) => [c.who, c.ev, c.off, c.total]), [["frag", 203, 0, 0], ["plain", 203, 0, 0]]);
  assert.deepEqual(subbed, ["big/small"]);
});

test("no opted-in handler: skipped; MG_EV_MQTT_PUBLISH_SKIPPED to the matching topic handler, else the global ones; acked; logged", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("global"), null);
  global_subscribe(bytes("ev/#"), recorder("plain"), null);
  mgos_mqtt_sub("sub/#", () => { calls.push({ who: "sub", ev: 203, topic: "", len: 0, data: "", off: 0, total: 0, id: 0 }); }, null);
  connect();
  bigPublish("ev/x", 5000, 1, 3, 700);
  bigPublish("sub/y", 6000, 2, 4, 4000);
  assert.deepEqual(calls.map((c) => [c.who, c.ev, c.topic, c.total, c.len, c.id]), [
    ["plain", MG_EV.MQTT_PUBLISH_SKIPPED, "ev/x", 5000, 0, 3],
    ["global", MG_EV.MQTT_PUBLISH_SKIPPED, "sub/y", 6000, 0, 4],
  ]);
  assert.deepEqual(fp.read(0).map((s) => [s.type, s.packetId]), [[PacketType.PUBACK, 3], [PacketType.PUBREC, 4]]);
  assert.ok(fp.logs.some((l) => /larger than the receive buffer, skipped: ev\/x \(5000\)/.test(l.text)), JSON.stringify(fp.logs));
  assert.ok(mgos_mqtt_global_is_connected());
});

test("topic longer than the receive buffer: SKIPPED to the global handlers only, with the topic's start", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("global"), null);
  mgos_mqtt_global_subscribe_opt("#", 0, MGOS_MQTT_SUB.FRAGMENTS, recorder("frag"), null);
  connect();
  const topic = "t/" + "z".repeat(4000);
  bigPublish(topic, 100, 1, 12, 1000);
  assert.equal(calls.length, 1);
  const c = calls[0];
  assert.deepEqual([c.who, c.ev, c.total, c.id], ["global", MG_EV.MQTT_PUBLISH_SKIPPED, 100, 12]);
  assert.ok(topic.startsWith(c.topic) && c.topic.length >= 64);
  assert.ok(fp.logs.some((l) => /topic longer than the receive buffer, skipped: t\/zzz.*\(4002\)/.test(l.text)));
  assert.deepEqual(fp.read(0).map((s) => [s.type, s.packetId]), [[PacketType.PUBACK, 12]]);
});

test("recv_mbuf_limit sets the fragment threshold; unknown flags are refused with a log", () => {
  calls = [];
  const c = mgos_mqtt_get_global();
  assert.equal(mgos_mqtt_conn_sub_opt(c, "a/#", 1, 0x10, recorder("bad"), null), false);
  assert.ok(fp.logs.some((l) => /unknown MGOS_MQTT_SUB_\* flags/.test(l.text)));
  assert.equal(mgos_mqtt_conn_sub_opt(c, "a/#", 1, MGOS_MQTT_SUB.FRAGMENTS, recorder("frag"), null), true);
  connect("mqtt.recv_mbuf_limit=1000");
  fp.publish(0, "a/fits", "x".repeat(900), 1, 1);
  bigPublish("a/big", 1500, 1, 2, 2000); // one read: a single fragment, in place in rx
  assert.deepEqual(calls.map((c) => [c.ev, c.topic, c.off, c.total]), [
    [203, "a/fits", 0, 0], [MG_EV.MQTT_PUBLISH_PART, "a/big", 0, 1500],
  ]);
});

test("connection lost mid-message: an empty fragment, then CLOSE", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("global"), null);
  mgos_mqtt_global_subscribe_opt("f", 1, MGOS_MQTT_SUB.FRAGMENTS, recorder("frag"), null);
  connect();
  const out = new Uint8Array(9000);
  const n = encodePublish(out, bytes("f"), new Uint8Array(8000).fill(0x41), 1, false, false, 5);
  fp.send(0, out.subarray(0, n - 3000));
  fp.hangup(0);
  const tail = calls.slice(-2).map((c) => [c.who, c.ev, c.len, c.total]);
  assert.deepEqual(tail, [["frag", MG_EV.MQTT_PUBLISH_PART, 0, 8000], ["global", MG_EV.CLOSE, 0, -1]]);
  assert.ok(calls[calls.length - 2].off > 0);
});
