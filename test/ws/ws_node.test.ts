// The TypeScript client under Node (ts-src/node/port.ts) with mqtt.ws_enable
// against aedes behind the `ws` package on 127.0.0.1 (support/wsbroker.ts):
// the same link code as the C build, through conn.ts, over a real socket.
// Connect, QoS 0/1/2 publishes coming back through a subscription, a message
// from a peer (MQTT.js), the server's Close (echoed, reconnect), and a clean
// disconnect (Close 1000). The Node port has no TLS: wss:// is tested in C.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { NodePort } from "../../ts-src/node/port";
import { MG_EV, MGOS_EVENT } from "../../ts-src/mgos/mg_types";
import { mgos_mqtt_init, mgos_mqtt_add_global_handler, mgos_mqtt_sub, pub_bytes, mgos_mqtt_global_is_connected, mgos_mqtt_global_disconnect } from "../../ts-src/mgos/facade";
import { mgos_mqtt_config_set, mgos_mqtt_config_error } from "../../ts-src/config/config";
import { WsBroker } from "./support/wsbroker";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt") as typeof import("mqtt");

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

function config(...args: string[]): void {
  for (const a of args) if (mgos_mqtt_config_set(a) !== 0) throw new Error(`${a}: ${mgos_mqtt_config_error()}`);
}

test("Node client over ws://: connect, QoS 0/1/2, a peer's message, server Close and reconnect, Close 1000 on disconnect", { timeout: 60000 }, async (t) => {
  const broker = await WsBroker.start(null, "/mqtt/ws");
  const np = new NodePort().install();
  const peer = mqtt.connect(`mqtt://127.0.0.1:${broker.tcpPort}`, { clientId: `wsnode-peer-${process.pid}`, reconnectPeriod: 0 });
  t.after(async () => {
    np.stop();
    await peer.endAsync();
    await broker.close();
  });
  await new Promise<void>((resolve, reject) => { peer.once("connect", () => resolve()); peer.once("error", reject); });

  const evs: number[] = [];
  mgos_mqtt_add_global_handler((_nc, ev) => { evs.push(ev); }, null);
  const got: string[] = [];
  mgos_mqtt_sub("wsn/#", (_nc, topic, tl, msg, ml) => { got.push(`${topic.slice(0, tl)} ${msg.slice(0, ml)}`); }, null);
  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.wsPort}`, "mqtt.client_id=wsnode", "mqtt.ws_enable=true",
    "mqtt.ws_path=/mqtt/ws", "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=0.4");
  mgos_mqtt_init();
  np.start();
  await until("CONNACK", () => mgos_mqtt_global_is_connected());
  assert.equal(broker.upgrades[0].url, "/mqtt/ws");
  assert.equal(broker.upgrades[0].headers["sec-websocket-protocol"], "mqtt");
  assert.deepEqual(np.events.map((e) => e.ev), [MGOS_EVENT.CLOUD_CONNECTING, MGOS_EVENT.CLOUD_CONNECTED]);
  await sleep(200); // the SUBACK

  for (const q of [0, 1, 2]) assert.ok(pub_bytes(`wsn/self/${q}`, new Uint8Array(Buffer.from(`self-${q}`)), q, false) > 0);
  await until("own messages back", () => got.length >= 3);
  assert.deepEqual(got.sort(), ["wsn/self/0 self-0", "wsn/self/1 self-1", "wsn/self/2 self-2"]);
  await until("PUBACK and PUBCOMP", () => evs.includes(MG_EV.MQTT_PUBACK) && evs.includes(MG_EV.MQTT_PUBCOMP));
  await peer.publishAsync("wsn/peer", "from-peer", { qos: 1 });
  await until("the peer's message", () => got.includes("wsn/peer from-peer"));

  // The server closes the WebSocket: the client echoes the code and reconnects.
  broker.dropClients(1001, "bye");
  await until("the echo", () => broker.closes.length >= 1);
  assert.equal(broker.closes[0].code, 1001);
  await until("CLOSE", () => evs.includes(MG_EV.CLOSE));
  await until("reconnected", () => broker.upgrades.length >= 2 && mgos_mqtt_global_is_connected());
  await sleep(200);
  await peer.publishAsync("wsn/peer2", "again", { qos: 2 });
  await until("a message after the reconnect", () => got.includes("wsn/peer2 again"));

  // A clean disconnect ends with our Close 1000.
  mgos_mqtt_global_disconnect();
  await until("the client's Close", () => broker.closes.length >= 2);
  // 1006 when aedes destroyed the stream on DISCONNECT before reading our Close (see ws_broker.test.ts).
  assert.ok([1000, 1006].includes(broker.closes[1].code), `close code ${broker.closes[1].code}`);
  assert.ok(np.logs.some((l) => /server closed the connection: 1001 bye/.test(l.text)));
});
