// MQTT 5 against a broker written here (a hostile one where needed): the
// TypeScript client under Node with protocol_version 5. Protocol errors are
// answered with DISCONNECT and the right reason code before the close
// (4.13): a topic alias never set (0x82), above our maximum (0x94), an
// unknown property (0x81), a duplicated one (0x82), a packet over our Maximum
// Packet Size (0x95). Incoming aliases resolve; a server DISCONNECT's reason
// reaches the handlers; CONNACK "Use another server" with a Server Reference
// sends the next attempt there; extended authentication (AUTH before the
// CONNACK) runs through the API. Only 127.0.0.1, free ports, bounded waits.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import { mg_connection, mg_mqtt_message, mg_str, MG_EV } from "../../ts-src/mgos/mg_types";
import { conn_set_auth_bytes, conn_auth_continue_bytes, conn_auth_data_into } from "../../ts-src/mgos/mqtt5_api";
import { mgos_mqtt_add_global_handler, mgos_mqtt_get_global } from "../../ts-src/mgos/facade";
import { until } from "./support/wire";
import { Fake, CONNACK_OK, gen, fakeClient } from "./support/fake5";

const { run, stop } = fakeClient("m5-hostile");

interface Ev { ev: number; topic: string; payload: string; reason: number }
const evs: Ev[] = [];
mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number, evd: unknown) => {
  if (ev === MG_EV.POLL) return;
  const m = evd as mg_mqtt_message | null;
  evs.push({ ev, topic: m ? m.topic.p!.slice(0, m.topic.len) : "", payload: m ? m.payload.p! : "", reason: m ? m.reason_code : -1 });
}, null);

/** The client's answer to a broker that sends `bad` after CONNACK: a DISCONNECT with `reason`, then a close. */
async function expectDisconnect(bad: Buffer, reason: number, sets: string[] = []): Promise<Fake> {
  const f = await new Fake((s) => setTimeout(() => s.write(bad), 50)).start();
  await run(f, ...sets);
  await until(`DISCONNECT ${reason.toString(16)}`, () => f.disconnects().length >= 1 && f.closed >= 1);
  assert.equal(f.disconnects()[0].reasonCode, reason);
  await stop();
  return f;
}

test("a topic alias never set: DISCONNECT 0x82 (Protocol Error)", { timeout: 20000 }, async () => {
  await expectDisconnect(gen({ cmd: "publish", topic: "", payload: "x", qos: 0, properties: { topicAlias: 3 } }), 0x82);
});

test("a topic alias above our Topic Alias Maximum (4): DISCONNECT 0x94", { timeout: 20000 }, async () => {
  await expectDisconnect(gen({ cmd: "publish", topic: "t/x", payload: "x", qos: 0, properties: { topicAlias: 9 } }), 0x94);
});

test("an unknown property id: DISCONNECT 0x81 (Malformed Packet)", { timeout: 20000 }, async () => {
  // PUBLISH QoS 0, topic "t", property block of 2 bytes: id 0x7f (none), value 0.
  await expectDisconnect(Buffer.from([0x30, 0x07, 0x00, 0x01, 0x74, 0x02, 0x7f, 0x00, 0x41]), 0x81);
});

test("a property given twice: DISCONNECT 0x82 (Protocol Error)", { timeout: 20000 }, async () => {
  // PUBLISH QoS 0, topic "t", Payload Format Indicator twice.
  await expectDisconnect(Buffer.from([0x30, 0x09, 0x00, 0x01, 0x74, 0x04, 0x01, 0x00, 0x01, 0x00, 0x41]), 0x82);
});

test("a packet larger than our Maximum Packet Size: DISCONNECT 0x95", { timeout: 20000 }, async () => {
  const f = await expectDisconnect(gen({ cmd: "publish", topic: "t/big", payload: Buffer.alloc(600, 1), qos: 0 }), 0x95, ["mqtt.max_packet_size=500"]);
  assert.equal(f.got.find((p) => p.cmd === "connect").properties.maximumPacketSize, 500);
});

test("incoming topic aliases resolve to the topic they were set with", { timeout: 20000 }, async () => {
  evs.length = 0;
  const f = await new Fake((s) => setTimeout(() => {
    s.write(gen({ cmd: "publish", topic: "a/b", payload: "one", qos: 0, properties: { topicAlias: 2 } }));
    s.write(gen({ cmd: "publish", topic: "", payload: "two", qos: 0, properties: { topicAlias: 2 } }));
    s.write(gen({ cmd: "publish", topic: "c/d", payload: "three", qos: 0, properties: { topicAlias: 2 } }));
    s.write(gen({ cmd: "publish", topic: "", payload: "four", qos: 0, properties: { topicAlias: 2 } }));
  }, 50)).start();
  await run(f);
  await until("four messages", () => evs.filter((e) => e.ev === MG_EV.MQTT_PUBLISH).length === 4);
  assert.deepEqual(evs.filter((e) => e.ev === MG_EV.MQTT_PUBLISH).map((e) => `${e.topic} ${e.payload}`), ["a/b one", "a/b two", "c/d three", "c/d four"]);
  assert.equal(f.disconnects().length, 0);
  await stop();
});

test("a server DISCONNECT: its reason code reaches the handlers, the client reconnects", { timeout: 20000 }, async () => {
  evs.length = 0;
  const f = await new Fake((s) => setTimeout(() => {
    s.write(gen({ cmd: "disconnect", reasonCode: 0x8b, properties: { reasonString: "maintenance" } }));
    s.end();
  }, 50)).start();
  await run(f);
  await until("DISCONNECT event", () => evs.some((e) => e.ev === MG_EV.MQTT_DISCONNECT));
  assert.equal(evs.find((e) => e.ev === MG_EV.MQTT_DISCONNECT)!.reason, 0x8b);
  await until("CLOSE", () => evs.some((e) => e.ev === MG_EV.CLOSE));
  assert.equal(mgos_mqtt_get_global().session.closeReason, "Server shutting down");
  await until("reconnected", () => f.conns >= 2, 5000);
  await stop();
});

test("CONNACK 0x9C Use another server with a Server Reference: the next attempt goes there", { timeout: 20000 }, async () => {
  const good = await new Fake(() => undefined).start();
  const moved = await new Fake((s) => s.end(), gen({ cmd: "connack", reasonCode: 0x9c, sessionPresent: false, properties: { serverReference: `127.0.0.1:${good.port} other:1883` } })).start();
  evs.length = 0;
  await run(moved);
  await until("connected to the referenced server", () => good.got.some((p) => p.cmd === "connect") && mgos_mqtt_get_global().session.isConnected(), 8000);
  assert.equal(moved.conns, 1);
  await stop();
});

test("extended authentication: AUTH 0x18 before the CONNACK, answered through the API", { timeout: 20000 }, async () => {
  const c = mgos_mqtt_get_global();
  assert.ok(conn_set_auth_bytes(c, "SCRAM-TEST", new Uint8Array(Buffer.from("client-first"))));
  const seen: string[] = [];
  mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number, evd: unknown) => {
    if (ev !== MG_EV.MQTT_AUTH) return;
    const m = evd as mg_mqtt_message;
    const d = new mg_str();
    conn_auth_data_into(c, d);
    seen.push(`${m.reason_code} ${d.p!.slice(0, d.len)}`);
    conn_auth_continue_bytes(c, 0x18, new Uint8Array(Buffer.from("client-final")));
  }, null);
  // The broker asks once (AUTH 0x18), then accepts when the answer comes.
  const f = await new Fake((s) => s.write(gen({ cmd: "auth", reasonCode: 0x18,
    properties: { authenticationMethod: "SCRAM-TEST", authenticationData: Buffer.from("server-first") } })), Buffer.alloc(0)).start();
  const origGot = f.got;
  const watchAuth = setInterval(() => {
    if (origGot.some((p) => p.cmd === "auth") && !origGot.some((p) => p.cmd === "sent-connack")) {
      origGot.push({ cmd: "sent-connack" });
      f.lastSock?.write(CONNACK_OK);
    }
  }, 10);
  try {
    await run(f);
    await until("connected after AUTH", () => mgos_mqtt_get_global().session.isConnected(), 5000);
  } finally {
    clearInterval(watchAuth);
  }
  const cn = f.got.find((p) => p.cmd === "connect");
  assert.equal(cn.properties.authenticationMethod, "SCRAM-TEST");
  assert.equal(Buffer.from(cn.properties.authenticationData).toString(), "client-first");
  assert.deepEqual(seen, ["24 server-first"]);
  const au = f.got.find((p) => p.cmd === "auth");
  assert.equal(au.reasonCode, 0x18);
  assert.equal(au.properties.authenticationMethod, "SCRAM-TEST");
  assert.equal(Buffer.from(au.properties.authenticationData).toString(), "client-final");
  conn_set_auth_bytes(c, null, new Uint8Array(0));
  await stop();
});
