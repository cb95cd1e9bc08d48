// MQTT 5 flow control and the receive path against a broker written here
// (mosquitto cannot be made to break these rules): our Receive Maximum counts
// every unacknowledged incoming QoS 1 and QoS 2 PUBLISH and a broker over it
// gets DISCONNECT 0x93; incoming topic aliases bound to topics longer than
// an alias slot; large PUBLISHes streamed under MQTT 5 with their
// properties and topic aliases. The TypeScript client under Node with
// protocol_version 5. Only 127.0.0.1, free ports, bounded waits.

import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "net";
import { createHash } from "crypto";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttPacket = require("mqtt-packet");
import { NodePort } from "../../ts-src/node/port";
import { mg_connection, mg_mqtt_message, MG_EV } from "../../ts-src/mgos/mg_types";
import {
  mgos_mqtt_init, mgos_mqtt_add_global_handler, mgos_mqtt_global_disconnect, mgos_mqtt_global_connect, mgos_mqtt_get_global,
  mgos_mqtt_global_subscribe_opt, mgos_mqtt_sub, pub_bytes,
} from "../../ts-src/mgos/facade";
import { mgos_mqtt_config_set, mgos_mqtt_config_error } from "../../ts-src/config/config";
import { MAX_RX_QOS2 } from "../../ts-src/mqtt/session";
import { TOPIC_ALIAS_LEN } from "../../ts-src/mqtt/session5";
import { until, sleep } from "./support/wire";

const np = new NodePort().install();
const servers: net.Server[] = [];
after(() => {
  np.stop();
  for (const s of servers) s.close();
});

function config(...args: string[]): void {
  for (const a of args) if (mgos_mqtt_config_set(a) !== 0) throw new Error(`${a}: ${mgos_mqtt_config_error()}`);
}

interface Ev { ev: number; topic: string; payload: Buffer; reason: number; off: number; total: number; ct: string }
const evs: Ev[] = [];
function record(ev: number, evd: unknown): void {
  const m = evd as mg_mqtt_message | null;
  const pl = m && m.payload.len > 0 ? Buffer.from(m.payload.p.slice(0, m.payload.len), "latin1") : Buffer.alloc(0);
  const ct = m && m.props ? m.props.content_type.p.slice(0, m.props.content_type.len) : "";
  evs.push({ ev, topic: m ? m.topic.p.slice(0, m.topic.len) : "", payload: pl, reason: m ? m.reason_code : -1,
    off: m ? m.current_data_offset : 0, total: m ? m.total_data_len : 0, ct });
}
mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number, evd: unknown) => {
  if (ev === MG_EV.POLL) return;
  record(ev, evd);
}, null);

const gen = (p: Record<string, unknown>): Buffer => mqttPacket.generate(p, { protocolVersion: 5 });

/** A broker that answers CONNECT with CONNACK and then runs `script(sock)`;
 *  records what the client sends (decoded by mqtt-packet). */
class Fake {
  port = 0;
  got: any[] = [];
  closed = 0;
  conns = 0;
  constructor(private script: (s: net.Socket, conn: number) => void, private connack = CONNACK_OK) {}
  async start(): Promise<this> {
    const srv = net.createServer((sock) => {
      const n = ++this.conns;
      const parser = mqttPacket.parser({ protocolVersion: 5 });
      parser.on("packet", (p: any) => {
        this.got.push(p);
        if (p.cmd === "connect") {
          sock.write(this.connack);
          this.script(sock, n);
        }
      });
      sock.on("data", (d: Buffer) => parser.parse(d));
      sock.on("close", () => this.closed++);
      sock.on("error", () => undefined);
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    this.port = (srv.address() as net.AddressInfo).port;
    return this;
  }
  disconnects(): any[] {
    return this.got.filter((p) => p.cmd === "disconnect");
  }
  acks(cmd: string): any[] {
    return this.got.filter((p) => p.cmd === cmd);
  }
}

const CONNACK_OK = gen({ cmd: "connack", reasonCode: 0, sessionPresent: false, properties: {} });

let running = false;
async function run(f: Fake, ...sets: string[]): Promise<void> {
  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${f.port}`, "mqtt.protocol_version=5", "mqtt.client_id=m5-flow",
    "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=0.5", "mqtt.max_packet_size=0", ...sets);
  if (!running) {
    running = true;
    mgos_mqtt_init();
    np.start();
  } else {
    mgos_mqtt_global_connect();
  }
}

async function stop(): Promise<void> {
  mgos_mqtt_global_disconnect();
  await until("idle", () => mgos_mqtt_get_global().net === 0);
  await sleep(50);
}

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
