// test/apps/mqtt5app: MQTT 5 through the app API (ts-src/app/app_mqtt.ts:
// pub() with props(), sub() with options and a subscription id, rx() in
// handlers) runs compiled to C (MQTT 5 on, ASan/UBSan) and under Node against
// one mosquitto 2 (protocol_version 5), with MQTT.js 5 as the peer. Both runs
// must write the expected app log and put the same messages and properties
// at the peer.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt");
import { Proc, ROOT, missingTools, sanEnv, sanitizerReport } from "../integration/support/harness";
import { Mosquitto, WireProxy, until, sleep } from "../mqtt5/support/wire";
import { buildApp } from "../../codegen/src/app/build";

const skip = missingTools();
const RUN_NODE = path.join(ROOT, "build", "apps", "run-node.js");
const ENTRY = "test/apps/mqtt5app/main.ts";
let bin = "";
let broker: Mosquitto;
const peers: any[] = [];
const proxies: WireProxy[] = [];

before(async () => {
  if (skip) return;
  // MQTT 5 is off by default in C (Kconfig MGOS_MQTT_V5_SUPPORT): on, as a firmware turns it on.
  const r = await buildApp({ app: ENTRY, root: ROOT, san: true, out: "build/apps/mqtt5app",
    defines: ["CONFIG_MGOS_MQTT_V5_SUPPORT=1", "CONFIG_MGOS_MQTT_V5_SUPPORT_VALUE=1"] });
  assert.deepEqual([...r.diagnostics.map((d) => d.text), ...r.errors], [], "building mqtt5app");
  bin = r.binary!;
  broker = await Mosquitto.start([]);
}, { timeout: 600_000 });

after(() => {
  for (const p of peers) p.end(true);
  for (const w of proxies) w.stop();
  if (broker) broker.stop();
});

interface AtPeer { topic: string; payload: string; retain: boolean; props: any }

async function peer(dev: string): Promise<{ c: any; got: AtPeer[] }> {
  const got: AtPeer[] = [];
  const c = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 5, reconnectPeriod: 0, clientId: `${dev}-peer` });
  peers.push(c);
  c.on("message", (topic: string, payload: Buffer, packet: any) => got.push({ topic, payload: payload.toString(), retain: packet.retain, props: packet.properties ?? {} }));
  await new Promise<void>((r) => c.once("connect", () => r()));
  await new Promise<void>((r) => c.subscribe(`${dev}/out/#`, { qos: 1 }, () => r()));
  return { c, got };
}

const pub = (c: any, topic: string, msg: string, opts: any): Promise<void> => new Promise((r) => c.publish(topic, msg, { qos: 1, ...opts }, () => r()));

function expectedLog(dev: string): string[] {
  const none = "fmt=-1 exp=none ct= rt= cd= users=0";
  return [
    "I connected reason=0",
    "E MQTT.props().responseTopic: not a topic name (UTF-8, no + or #)",
    "E MQTT.pub: its props() refused a value (logged before); nothing sent",
    "I bad props id=0",
    "E MQTT.sub: bad options (NO_LOCAL, RETAIN_AS_PUBLISHED, one of RETAIN_NEW_ONLY / RETAIN_NEVER) or subscription id over 268435455",
    "I bad sub ok=false",
    "I puback reason=16",
    "I puback reason=0",
    `I in ${dev}/in/req ping sid=42 retain=0 fmt=1 exp=ok ct=text/plain rt=${dev}/out/resp cd=c-1 users=3 a=1 a=3 b=2`,
    "I answered",
    "I puback reason=0",
    `I other ${dev}/ret/live x sid=0 retain=0 ${none}`,
    `I other ${dev}/keep/live y sid=7 retain=1 ${none}`,
    `I other ${dev}/plain/old z sid=0 retain=1 ${none}`,
    `I in ${dev}/in/last w sid=42 retain=0 ${none}`,
    "I disconnect reason=142 rs=taken over",
  ];
}

async function runOnce(way: "C" | "Node", dev: string): Promise<{ log: string[]; atPeer: AtPeer[] }> {
  const { c, got } = await peer(dev);
  const w = await WireProxy.start(broker.port);
  proxies.push(w);
  // Retained before the app subscribes: RETAIN_NEVER keeps ret/old away; plain/old comes, retained.
  await pub(c, `${dev}/ret/old`, "r", { retain: true });
  await pub(c, `${dev}/plain/old`, "z", { retain: true });
  let p: Proc | null = null;
  try {
    const args = [...["mqtt.enable=true", `mqtt.server=127.0.0.1:${w.port}`, `mqtt.client_id=${dev}`, "mqtt.protocol_version=5",
      // No reconnect within the test after the take-over at its end.
      "mqtt.reconnect_timeout_min=60", "mqtt.reconnect_timeout_max=60"]
      .flatMap((x) => ["--set", x]), "--run-ms", "30000"];
    p = way === "C" ? new Proc("mqtt5app (C)", bin, args, sanEnv()) : new Proc("mqtt5app (Node)", process.execPath, [RUN_NODE, ENTRY, ...args], sanEnv());
    const q = p;
    const lines = (): string[] => q.out.split("\n").filter((l) => l !== "");
    const has = (prefix: string, n = 1): boolean => lines().filter((l) => l.startsWith(prefix)).length >= n;
    await until(`${way}: CONNACK and 2 PUBACKs`, () => has("I puback", 2), 20000);
    // The subscriptions are made (mosquitto logs each SUBSCRIBE's filters).
    await until("the subscriptions at the broker", () => broker.log.split(`${dev}/plain/#`).length > 1, 10000);
    await until("hello at the peer", () => got.some((m) => m.topic === `${dev}/out/hello`));
    // Request/response with properties.
    await pub(c, `${dev}/in/req`, "ping", { properties: { responseTopic: `${dev}/out/resp`, correlationData: Buffer.from("c-1"),
      contentType: "text/plain", payloadFormatIndicator: true, messageExpiryInterval: 60, userProperties: { a: ["1", "3"], b: "2" } } });
    await until("the answer", () => got.some((m) => m.topic === `${dev}/out/resp`) && has("I puback", 3));
    // Live retained messages: Retain As Published keeps the flag, others lose it.
    await pub(c, `${dev}/ret/live`, "x", { retain: true });
    await until("ret/live", () => has(`I other ${dev}/ret/live`));
    await pub(c, `${dev}/keep/live`, "y", { retain: true });
    await until("keep/live", () => has(`I other ${dev}/keep/live`));
    await pub(c, `${dev}/in/last`, "w", {});
    await until("in/last", () => has(`I in ${dev}/in/last`));
    // A DISCONNECT 0x8E (Session taken over) with a Reason String, as a broker
    // sends it (mosquitto 2.0.11 only closes): EV_DISCONNECT and rx() have it.
    const rs = Buffer.from("taken over");
    w.inject(Buffer.concat([Buffer.from([0xe0, 2 + 3 + rs.length, 0x8e, 3 + rs.length, 0x1f, 0, rs.length]), rs]));
    await until("EV_DISCONNECT", () => has("I disconnect"));
    await sleep(300);
    p.kill("SIGTERM");
    const r = await p.wait(5000);
    assert.equal(sanitizerReport(p.err), null, `${p.name}: sanitizer report`);
    assert.equal(r.code, 0, `${p.name}: exit code ${r.code}\n${p.err.slice(-3000)}`);
    // Clean up the retained messages for the next run.
    for (const t of ["ret/old", "plain/old", "ret/live", "keep/live"]) await pub(c, `${dev}/${t}`, "", { retain: true });
    return { log: lines(), atPeer: got };
  } finally {
    if (p) p.kill("SIGKILL");
    c.end(true);
  }
}

/** Events of one kind arrive in an order the network decides (SUBACKs and
 *  PUBACKs after connecting): compare the log as a sorted list, and the
 *  request's lines in order. */
const sorted = (l: string[]): string[] => [...l].sort();

test("MQTT 5 in the app API: C and Node write the same log and put the same properties at the peer", { skip, timeout: 180_000 }, async () => {
  const dev = `app${process.pid}_m5`;
  const want = expectedLog(dev);
  const c = await runOnce("C", dev);
  assert.deepEqual(sorted(c.log), sorted(want), "C: app log");
  const n = await runOnce("Node", dev);
  assert.deepEqual(sorted(n.log), sorted(want), "Node: app log");
  for (const run of [c, n]) {
    const hello = run.atPeer.find((m) => m.topic === `${dev}/out/hello`)!;
    assert.deepEqual({ ct: hello.props.contentType, rt: hello.props.responseTopic, users: { ...hello.props.userProperties } },
      { ct: "application/json", rt: `${dev}/in/back`, users: { k: "v" } });
    const resp = run.atPeer.find((m) => m.topic === `${dev}/out/resp`)!;
    assert.equal(resp.payload, "pong");
    assert.equal(Buffer.from(resp.props.correlationData).toString(), "c-1");
    assert.equal(resp.props.contentType, "text/plain");
    assert.equal(resp.props.payloadFormatIndicator, true);
    assert.ok(resp.props.messageExpiryInterval > 0 && resp.props.messageExpiryInterval <= 30);
    assert.deepEqual({ ...resp.props.userProperties }, { by: ["app", "again"] });
    // No Local: the app's own publishes to in/ never came back (no "in" line but req and last).
    assert.equal(run.log.filter((l) => l.startsWith("I in ")).length, 2);
  }
  assert.deepEqual(n.atPeer.map((m) => m.topic).sort(), c.atPeer.map((m) => m.topic).sort());
});
