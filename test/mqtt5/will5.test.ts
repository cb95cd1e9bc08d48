// MQTT 5 will properties (3.1.3.2) against a real mosquitto 2 with MQTT.js 5
// as the peer: the config's will_* keys and mgos_mqtt_conn_set_will5 /
// mgos_mqtt_conn_add_will_user_prop put them in CONNECT (decoded by the
// proxy with mqtt-packet), and when the connection is lost the peer gets the
// will with every property, after the Will Delay Interval; a session that
// resumes within the delay cancels the will. Bad values are refused with a
// clear error.

import { test } from "node:test";
import * as assert from "node:assert/strict";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt");
import { mgos_mqtt_props } from "../../ts-src/mgos/mg_types";
import { mgos_mqtt_init, mgos_mqtt_get_global, mgos_mqtt_global_is_connected } from "../../ts-src/mgos/facade";
import { mgos_mqtt_conn_set_will5, mgos_mqtt_conn_add_will_user_prop } from "../../ts-src/mgos/mqtt5_api";
import { mgos_mqtt_config_set, mgos_mqtt_config_error } from "../../ts-src/config/config";
import { nodeTier, config, str } from "./support/nodetier";
import { Mosquitto, WireProxy, haveMosquitto, until, sleep } from "./support/wire";

const skip = haveMosquitto() ? false : "mosquitto not installed";
const { np, started, peers } = nodeTier();

interface AtPeer { topic: string; payload: string; props: any; at: number }
async function peerOn(port: number, filter: string): Promise<AtPeer[]> {
  const got: AtPeer[] = [];
  const peer = mqtt.connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  peers.push(peer);
  peer.on("message", (topic: string, payload: Buffer, packet: any) => got.push({ topic, payload: payload.toString(), props: packet.properties ?? {}, at: Date.now() }));
  await new Promise<void>((r) => peer.once("connect", () => r()));
  await new Promise<void>((r) => peer.subscribe(filter, { qos: 1 }, () => r()));
  return got;
}

let b: Mosquitto;
test("will properties: config keys refused when bad", () => {
  assert.notEqual(mgos_mqtt_config_set("mqtt.will_response_topic=a/+/b"), 0);
  assert.match(mgos_mqtt_config_error(), /mqtt\.will_response_topic: "a\/\+\/b" is not a topic name/);
  assert.notEqual(mgos_mqtt_config_set("mqtt.will_payload_format=2"), 0);
  assert.match(mgos_mqtt_config_error(), /will_payload_format/);
  assert.notEqual(mgos_mqtt_config_set("mqtt1.will_delay=-1"), 0);
  assert.notEqual(mgos_mqtt_config_set("mqtt.will_user_props=a=1,novalue"), 0);
  assert.match(mgos_mqtt_config_error(), /mqtt\.will_user_props: "a=1,novalue" is not key=value,key=value/);
  assert.notEqual(mgos_mqtt_config_set("mqtt.will_user_props==1"), 0);
  assert.equal(mgos_mqtt_config_set("mqtt.will_user_props=a=,b=x=y"), 0);
  // The API refuses the same mistakes, and keeps what was set.
  const c = mgos_mqtt_get_global();
  const p = new mgos_mqtt_props();
  p.response_topic = str("r/#");
  assert.equal(mgos_mqtt_conn_set_will5(c, 5, p), false);
  assert.ok(np.logs.some((l) => l.text.includes("will response topic is not a topic name")));
  p.response_topic = str("");
  p.payload_format = 3;
  assert.equal(mgos_mqtt_conn_set_will5(c, 5, p), false);
  assert.equal(c.session.v5s[0].willFromApi, false);
});

test("will properties from the config: in CONNECT, at the peer after the Will Delay Interval", { skip, timeout: 60000 }, async () => {
  b = await Mosquitto.start([]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  const atPeer = await peerOn(b.port, "w5/#");
  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${w.port}`, "mqtt.protocol_version=5", "mqtt.client_id=w5dev",
    "mqtt.clean_session=false", "mqtt.session_expiry=60", "mqtt.reconnect_timeout_min=8", "mqtt.reconnect_timeout_max=8",
    "mqtt.will_topic=w5/will", "mqtt.will_message=gone", "mqtt.will_delay=2", "mqtt.will_message_expiry=120",
    "mqtt.will_payload_format=1", "mqtt.will_content_type=text/plain", "mqtt.will_response_topic=w5/reply",
    "mqtt.will_correlation_data=corr-7", "mqtt.will_user_props=a=1,b=x=y");
  mgos_mqtt_init();
  np.start();
  await until("CONNACK", () => mgos_mqtt_global_is_connected());
  const cn = w.of("c2s", "connect")[0];
  assert.equal(cn.will.topic, "w5/will");
  const wp = cn.will.properties;
  assert.equal(wp.willDelayInterval, 2);
  assert.equal(wp.messageExpiryInterval, 120);
  assert.equal(wp.payloadFormatIndicator, true);
  assert.equal(wp.contentType, "text/plain");
  assert.equal(wp.responseTopic, "w5/reply");
  assert.equal(Buffer.from(wp.correlationData).toString(), "corr-7");
  assert.deepEqual({ ...wp.userProperties }, { a: "1", b: "x=y" });

  // The network goes (and stays) away: the will comes, not before its delay.
  const cut = Date.now();
  w.stop();
  await until("the will at the peer", () => atPeer.some((m) => m.topic === "w5/will"), 20000);
  const m = atPeer.find((x) => x.topic === "w5/will")!;
  assert.ok(m.at - cut >= 1500, `the will came ${m.at - cut} ms after the connection was lost (delay 2 s)`);
  assert.equal(m.payload, "gone");
  assert.equal(m.props.payloadFormatIndicator, true);
  assert.ok(m.props.messageExpiryInterval > 100 && m.props.messageExpiryInterval <= 120);
  assert.equal(m.props.contentType, "text/plain");
  assert.equal(m.props.responseTopic, "w5/reply");
  assert.equal(Buffer.from(m.props.correlationData).toString(), "corr-7");
  assert.deepEqual({ ...m.props.userProperties }, { a: "1", b: "x=y" });
  assert.equal(m.props.willDelayInterval, undefined);
});

test("set_will5 replaces the config's will properties; a session resumed within the delay cancels the will", { skip, timeout: 60000 }, async () => {
  const w = await WireProxy.start(b.port);
  started.push(w);
  const atPeer = await peerOn(b.port, "w5b/#");
  const c = mgos_mqtt_get_global();
  const p = new mgos_mqtt_props();
  p.content_type = str("application/json");
  p.user_key = str("k1");
  p.user_value = str("v1");
  assert.ok(mgos_mqtt_conn_set_will5(c, 4, p));
  assert.ok(mgos_mqtt_conn_add_will_user_prop(c, "k2", "v2"));
  assert.equal(mgos_mqtt_conn_add_will_user_prop(c, "big", "x".repeat(300)), false);
  config(`mqtt.server=127.0.0.1:${w.port}`, "mqtt.client_id=w5b", "mqtt.will_topic=w5b/will", "mqtt.will_message={}",
    "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=0.5");
  const before = w.of("c2s", "connect").length;
  await until("connected through the new proxy", () => w.of("c2s", "connect").length > before && mgos_mqtt_global_is_connected(), 40000);
  const wp = w.of("c2s", "connect")[0].will.properties;
  assert.deepEqual({ delay: wp.willDelayInterval, ct: wp.contentType, users: { ...wp.userProperties }, rt: wp.responseTopic },
    { delay: 4, ct: "application/json", users: { k1: "v1", k2: "v2" }, rt: undefined });

  // Lost and back within the delay: the session resumes, the will is not sent.
  w.cut();
  await until("reconnected", () => w.of("c2s", "connect").length === 2 && mgos_mqtt_global_is_connected());
  assert.equal(w.of("s2c", "connack")[1].sessionPresent, true);
  await sleep(5000);
  assert.equal(atPeer.filter((m) => m.topic === "w5b/will").length, 0);

  // NULL and 0: the config's will properties again (from the next CONNECT).
  assert.ok(mgos_mqtt_conn_set_will5(c, 0, null));
  w.cut();
  await until("third CONNECT", () => w.of("c2s", "connect").length === 3 && mgos_mqtt_global_is_connected());
  const wp3 = w.of("c2s", "connect")[2].will.properties;
  assert.equal(wp3.willDelayInterval, 2);
  assert.equal(wp3.contentType, "text/plain");
});
