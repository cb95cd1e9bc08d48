// MQTT 5 Assigned Client Identifier (3.2.2.3.7) against a real mosquitto 2:
// a connect_fn sends CONNECT with an empty client id, the CONNACK assigns
// one, and every later CONNECT (session expiry > 0) sends that id, so the
// session resumes: the broker answers Session Present and delivers what was
// published to the subscription while the device was away.

import { test } from "node:test";
import * as assert from "node:assert/strict";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt");
import { mg_connection, mg_mqtt_message, mg_send_mqtt_handshake_opts, MG_EV } from "../../ts-src/mgos/mg_types";
import { mgos_mqtt_init, mgos_mqtt_get_global, mgos_mqtt_global_is_connected, mgos_mqtt_set_connect_fn, mgos_mqtt_add_global_handler } from "../../ts-src/mgos/facade";
import { mgos_mqtt_conn_sub } from "../../ts-src/mgos/conn";
import { handshake } from "../../ts-src/mgos/mg_mqtt";
import { mgos_mqtt_conn_v5_info } from "../../ts-src/mgos/mqtt5_api";
import { nodeTier, config } from "./support/nodetier";
import { Mosquitto, WireProxy, haveMosquitto, until } from "./support/wire";

const skip = haveMosquitto() ? false : "mosquitto not installed";
const { np, started, peers } = nodeTier();

test("assigned client id: reused on reconnect, the session resumes", { skip, timeout: 60000 }, async () => {
  const b = await Mosquitto.start([]);
  started.push(b);
  const w = await WireProxy.start(b.port);
  started.push(w);
  // A connect_fn (the reference's way to build CONNECT) that asks the broker for an id.
  mgos_mqtt_set_connect_fn((nc: mg_connection, _cid: string, opts: mg_send_mqtt_handshake_opts) => {
    handshake(nc, "", opts);
  }, null);
  let connacks = 0;
  mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number) => { if (ev === MG_EV.MQTT_CONNACK) connacks++; }, null);
  const got: string[] = [];
  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${w.port}`, "mqtt.protocol_version=5", "mqtt.clean_session=false",
    "mqtt.session_expiry=60", "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=0.5");
  const c = mgos_mqtt_get_global();
  mgos_mqtt_conn_sub(c, "asg5/in", 1, (_nc: mg_connection, ev: number, evd: unknown) => {
    if (ev === MG_EV.MQTT_PUBLISH) { const m = evd as mg_mqtt_message; got.push(m.payload.p!.slice(0, m.payload.len)); }
  }, null);
  mgos_mqtt_init();
  np.start();
  await until("first CONNACK", () => mgos_mqtt_global_is_connected());
  await until("SUBACK", () => w.of("s2c", "suback").length === 1);
  const first = w.of("c2s", "connect")[0];
  assert.equal(first.clientId, "");
  const assigned: string = w.of("s2c", "connack")[0].properties.assignedClientIdentifier;
  assert.ok(assigned && assigned.length > 0, "mosquitto assigned an id");
  const info = mgos_mqtt_conn_v5_info(c)!;
  assert.equal(info.assigned_client_id.p!.slice(0, info.assigned_client_id.len), assigned);

  // The network fails; a message for the subscription is published meanwhile.
  w.cut();
  await until("disconnected", () => !mgos_mqtt_global_is_connected());
  const peer = mqtt.connect(`mqtt://127.0.0.1:${b.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  peers.push(peer);
  await new Promise<void>((r) => peer.once("connect", () => r()));
  await new Promise<void>((r) => peer.publish("asg5/in", "while-away", { qos: 1 }, () => r()));

  await until("second CONNACK", () => connacks >= 2 && mgos_mqtt_global_is_connected());
  const again = w.of("c2s", "connect")[1];
  assert.equal(again.clientId, assigned, "the reconnect sends the assigned id");
  const ack = w.of("s2c", "connack")[1];
  assert.equal(ack.sessionPresent, true, "the broker resumed the session");
  assert.equal(ack.properties?.assignedClientIdentifier, undefined, "no new id");
  await until("the message sent while away", () => got.includes("while-away"));
  // No SUBSCRIBE needed for it: the broker kept the subscription.
  assert.ok(b.log.includes(assigned));
});
