// The TypeScript client under Node (ts-src/node/port.ts) against a real
// mosquitto on 127.0.0.1: connect, subscribe, publish QoS 0/1/2 both ways,
// cross-checked with mosquitto_pub / mosquitto_sub. mosquitto runs with its
// own config on a free port and is killed by pid; every wait is bounded.

import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as net from "net";
import { spawn, spawnSync, ChildProcess } from "child_process";
import { NodePort } from "../../ts-src/node/port";
import { mg_connection, mg_mqtt_message, MG_EV, MGOS_EVENT } from "../../ts-src/mgos/mg_types";
import {
  mgos_mqtt_init, mgos_mqtt_add_global_handler, mgos_mqtt_sub, global_subscribe, pub_bytes, mgos_mqtt_global_is_connected,
  mgos_mqtt_global_disconnect, mgos_mqtt_unsub, mgos_mqtt_num_unsent_bytes,
} from "../../ts-src/mgos/facade";
import { mgos_mqtt_config_set, mgos_mqtt_config_error } from "../../ts-src/config/config";

const has = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const MOSQUITTO = fs.existsSync("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.on("connect", () => { s.destroy(); resolve(true); });
    s.on("error", () => resolve(false));
  });
}

function config(...args: string[]): void {
  for (const a of args) if (mgos_mqtt_config_set(a) !== 0) throw new Error(`${a}: ${mgos_mqtt_config_error()}`);
}

test("Node client against mosquitto: connect, sub, pub QoS 0/1/2, receive", { timeout: 30000 }, async (t) => {
  if (!has(MOSQUITTO) || !has("mosquitto_pub") || !has("mosquitto_sub")) {
    t.skip("mosquitto / mosquitto-clients not installed");
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mgos-api-"));
  const port = await freePort();
  fs.writeFileSync(path.join(dir, "mosquitto.conf"),
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`);
  const broker: ChildProcess = spawn(MOSQUITTO, ["-c", path.join(dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let brokerLog = "";
  broker.stderr!.on("data", (d: Buffer) => { brokerLog += d.toString(); });
  const children: ChildProcess[] = [broker];
  const np = new NodePort().install();
  t.after(() => {
    np.stop();
    for (const c of children) if (c.pid !== undefined && c.exitCode === null) process.kill(c.pid, "SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await until("mosquitto to listen", () => broker.exitCode === null, 100).catch(() => undefined);
  const end = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > end || broker.exitCode !== null) throw new Error(`mosquitto did not start:\n${brokerLog}`);
    await sleep(50);
  }

  const evs: { ev: number; topic: string; payload: string; qos: number; id: number }[] = [];
  mgos_mqtt_add_global_handler((_nc: mg_connection, ev: number, evd: unknown) => {
    if (ev === MG_EV.POLL) return; // ev_data is the poll's time, not a message
    const m = evd as mg_mqtt_message | null;
    evs.push({ ev, topic: m ? m.topic.p!.slice(0, m.topic.len) : "", payload: m ? m.payload.p! : "", qos: m ? m.qos : -1, id: m ? m.message_id : 0 });
  }, null);
  const got: { topic: string; msg: string }[] = [];
  mgos_mqtt_sub("it/#", (_nc, topic, tl, msg, ml) => { got.push({ topic: topic.slice(0, tl), msg: msg.slice(0, ml) }); }, null);
  const tev: number[] = [];
  global_subscribe(new Uint8Array(Buffer.from("q2/#")), (_nc, ev) => { tev.push(ev); }, null);

  config("mqtt.enable=true", `mqtt.server=127.0.0.1:${port}`, "mqtt.client_id=mgos-api-test", "mqtt.keep_alive=10");
  mgos_mqtt_init();
  np.start();
  await until("CONNACK", () => mgos_mqtt_global_is_connected());
  assert.ok(evs.some((e) => e.ev === MG_EV.MQTT_CONNACK));
  assert.deepEqual(np.events.map((e) => e.ev), [MGOS_EVENT.CLOUD_CONNECTING, MGOS_EVENT.CLOUD_CONNECTED]);
  await until("SUBACK of q2/#", () => tev.includes(MG_EV.MQTT_SUBACK));
  await sleep(100); // the it/# SUBACK is consumed by the sub handler: give it a moment

  // Our own publishes come back through our subscriptions, at every QoS.
  for (const q of [0, 1, 2]) assert.ok(pub_bytes(`it/self/${q}`, new Uint8Array(Buffer.from(`self-${q}`)), q, false) > 0);
  await until("own messages back", () => got.length >= 3);
  assert.deepEqual(got.map((g) => g.topic).sort(), ["it/self/0", "it/self/1", "it/self/2"]);
  await until("PUBACK and PUBCOMP", () => evs.some((e) => e.ev === MG_EV.MQTT_PUBACK) && evs.some((e) => e.ev === MG_EV.MQTT_PUBCOMP));
  assert.ok(evs.some((e) => e.ev === MG_EV.MQTT_PUBREC), "PUBREC seen by global handlers");
  await until("nothing left to send", () => mgos_mqtt_num_unsent_bytes() === 0);

  // mosquitto_pub -> us, QoS 2 (topic handler, exactly once) and QoS 1.
  got.length = 0;
  for (const [topic, q] of [["it/ext/1", 1], ["q2/ext", 2]] as [string, number][]) {
    const r = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "-q", String(q), "-t", topic, "-m", `from-${q}`], { timeout: 5000 });
    assert.equal(r.status, 0, `mosquitto_pub: ${r.stderr}`);
  }
  await until("external QoS 1 message", () => got.some((g) => g.topic === "it/ext/1" && g.msg === "from-1"));
  await until("external QoS 2 message", () => tev.filter((e) => e === MG_EV.MQTT_PUBLISH).length >= 1);
  await sleep(200);
  assert.equal(tev.filter((e) => e === MG_EV.MQTT_PUBLISH).length, 1, "QoS 2 delivered exactly once");

  // us -> mosquitto_sub at QoS 2.
  const sub = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(port), "-q", "2", "-t", "out/#", "-C", "2", "-v"], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(sub);
  let subOut = "";
  sub.stdout!.on("data", (d: Buffer) => { subOut += d.toString(); });
  await sleep(300); // let mosquitto_sub subscribe
  pub_bytes("out/a", new Uint8Array(Buffer.from("A")), 1, false);
  pub_bytes("out/b", new Uint8Array(Buffer.from("B")), 2, true);
  await until("mosquitto_sub to receive both", () => sub.exitCode !== null, 5000);
  assert.deepEqual(subOut.trim().split("\n").sort(), ["out/a A", "out/b B"]);

  // unsub, then a message on that topic no longer reaches the sub handler.
  assert.equal(mgos_mqtt_unsub("it/#"), true);
  await until("UNSUBACK", () => evs.some((e) => e.ev === MG_EV.MQTT_UNSUBACK));
  got.length = 0;
  spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", "it/after", "-m", "x"], { timeout: 5000 });
  await sleep(200);
  assert.deepEqual(got, []);

  // Clean disconnect: CLOSE to the handlers, cloud DISCONNECTED, no reconnect.
  mgos_mqtt_global_disconnect();
  await until("CLOSE", () => evs.some((e) => e.ev === MG_EV.CLOSE));
  assert.equal(np.events[np.events.length - 1].ev, MGOS_EVENT.CLOUD_DISCONNECTED);
  await sleep(300);
  assert.equal(mgos_mqtt_global_is_connected(), false);
  assert.match(brokerLog, /mgos-api-test/);
});
