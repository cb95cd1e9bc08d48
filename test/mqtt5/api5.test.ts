// The MQTT 5 API additions (ts-src/mgos/mqtt5_api.ts, docs/mqtt5.md) against
// a real mosquitto 2 with MQTT.js 5 as the peer and the decoding proxy of
// support/wire.ts: publish properties seen at the peer, received properties
// and user properties in the event data, subscription options (No Local, a
// Subscription Identifier coming back), a shared subscription, CONNECT user
// properties and Request Response Information, DISCONNECT with a reason
// (0x04: the will is published), what the connection negotiated.

import { test } from "node:test";
import * as assert from "node:assert/strict";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt");
import { mg_connection, mg_mqtt_message, mg_str, mgos_mqtt_props, MG_EV, MGOS_MQTT_SUB5 } from "../../ts-src/mgos/mg_types";
import { mgos_mqtt_init, mgos_mqtt_get_global, mgos_mqtt_global_is_connected } from "../../ts-src/mgos/facade";
import {
  conn_pub5_bytes, mgos_mqtt_conn_sub5, mgos_mqtt_props_user, mgos_mqtt_conn_add_connect_user_prop,
  mgos_mqtt_conn_set_request_response_info, mgos_mqtt_conn_disconnect5, mgos_mqtt_conn_v5_info,
} from "../../ts-src/mgos/mqtt5_api";
import { nodeTier, config, str } from "./support/nodetier";
import { Mosquitto, WireProxy, haveMosquitto, until, sleep } from "./support/wire";

const skip = haveMosquitto() ? false : "mosquitto not installed";
const { np, started, peers } = nodeTier();

test("MQTT 5 API: properties both ways, subscription options, CONNECT extras, DISCONNECT 0x04", { skip, timeout: 30000 }, async () => {
  const b = await Mosquitto.start([]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  started.push(w);
  const peer = mqtt.connect(`mqtt://127.0.0.1:${b.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  peers.push(peer);
  const atPeer: any[] = [];
  peer.on("message", (topic: string, payload: Buffer, packet: any) => atPeer.push({ topic, payload: payload.toString(), props: packet.properties }));
  await new Promise<void>((r) => peer.once("connect", () => r()));
  await new Promise<void>((r) => peer.subscribe(["api5/out/#", "api5/will"], { qos: 1 }, () => r()));

  const c = mgos_mqtt_get_global();
  assert.ok(mgos_mqtt_conn_add_connect_user_prop(c, "fw", "1.2.3"));
  mgos_mqtt_conn_set_request_response_info(c, true);
  const evs: { ev: number; topic: string; payload: string; props: mgos_mqtt_props | null; users: string[]; sid: number }[] = [];
  const handler = (_nc: mg_connection, ev: number, evd: unknown): void => {
    if (ev !== MG_EV.MQTT_PUBLISH) return;
    const m = evd as mg_mqtt_message;
    const users: string[] = [];
    const k = new mg_str(), v = new mg_str();
    for (let i = 0; m.props && mgos_mqtt_props_user(m.props, i, k, v); i++) users.push(`${k.p!.slice(0, k.len)}=${v.p!.slice(0, v.len)}`);
    evs.push({ ev, topic: m.topic.p!.slice(0, m.topic.len), payload: m.payload.p!.slice(0, m.payload.len), props: m.props, users,
      sid: m.props ? m.props.subscription_id : -1 });
  };
  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${w.port}`, "mqtt.protocol_version=5", "mqtt.client_id=api5",
    "mqtt.will_topic=api5/will", "mqtt.will_message=gone");
  assert.ok(mgos_mqtt_conn_sub5(c, "api5/in/#", 1, MGOS_MQTT_SUB5.NO_LOCAL, 7, handler, null));
  assert.ok(mgos_mqtt_conn_sub5(c, "$share/grp/api5/shared/#", 1, 0, 0, handler, null));
  mgos_mqtt_init();
  np.start();
  await until("CONNACK", () => mgos_mqtt_global_is_connected());
  const cn = w.of("c2s", "connect")[0];
  assert.deepEqual({ ...cn.properties.userProperties }, { fw: "1.2.3" });
  assert.equal(cn.properties.requestResponseInformation, true);
  await until("SUBACKs", () => w.of("s2c", "suback").length === 2);
  const subs = w.of("c2s", "subscribe");
  assert.equal(subs[0].subscriptions[0].nl, true);
  assert.equal(subs[0].properties.subscriptionIdentifier, 7);
  assert.equal(subs[1].subscriptions[0].topic, "$share/grp/api5/shared/#");
  const info = mgos_mqtt_conn_v5_info(c)!;
  assert.equal(info.protocol_version, 5);
  assert.equal(info.reason_code, 0);

  // Publish with properties: the peer sees each one.
  const props = new mgos_mqtt_props();
  props.payload_format = 1;
  props.message_expiry = 300;
  props.content_type = str("application/json");
  props.response_topic = str("api5/in/reply");
  props.correlation_data = str("req-1");
  props.user_key = str("unit");
  props.user_value = str("C");
  assert.ok(conn_pub5_bytes(c, "api5/out/t", new Uint8Array(Buffer.from("{\"t\":21}")), 1, false, props) > 0);
  await until("at the peer", () => atPeer.some((m) => m.topic === "api5/out/t"));
  const got = atPeer.find((m) => m.topic === "api5/out/t")!;
  assert.equal(got.props.payloadFormatIndicator, true);
  assert.ok(got.props.messageExpiryInterval > 290 && got.props.messageExpiryInterval <= 300);
  assert.equal(got.props.contentType, "application/json");
  assert.equal(got.props.responseTopic, "api5/in/reply");
  assert.equal(Buffer.from(got.props.correlationData).toString(), "req-1");
  assert.deepEqual({ ...got.props.userProperties }, { unit: "C" });

  // Received properties in the event data; the Subscription Identifier comes back.
  peer.publish("api5/in/x", "hi", { qos: 1, properties: { contentType: "text/plain", userProperties: { a: "1", b: "2" }, correlationData: Buffer.from("c9") } });
  await until("PUBLISH event", () => evs.some((e) => e.topic === "api5/in/x"));
  const e = evs.find((x) => x.topic === "api5/in/x")!;
  assert.equal(e.sid, 7);
  assert.deepEqual(e.users, ["a=1", "b=2"]);
  // No Local: our own publish to api5/in/ does not come back.
  assert.ok(conn_pub5_bytes(c, "api5/in/self", new Uint8Array(Buffer.from("me")), 1, false, null) > 0);
  // Shared subscription: its messages reach the handler by the filter after the group.
  peer.publish("api5/shared/s", "sh", { qos: 1 });
  await until("shared message", () => evs.some((x) => x.topic === "api5/shared/s"));
  await sleep(300);
  assert.equal(evs.filter((x) => x.topic === "api5/in/self").length, 0);

  // DISCONNECT 0x04: the broker publishes the will.
  mgos_mqtt_conn_disconnect5(c, 0x04);
  await until("will at the peer", () => atPeer.some((m) => m.topic === "api5/will" && m.payload === "gone"));
  assert.equal(w.of("c2s", "disconnect")[0].reasonCode, 4);
});
