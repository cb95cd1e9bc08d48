// Incoming PUBLISHes larger than the receive buffer (3 KiB), against a real
// mosquitto, with the host build under ASan/UBSan (test/integration/mqtt_cli.c):
//   - skipped and acknowledged for a normal handler, with clean_session false:
//     the broker holds the 100 KiB message for the offline client, delivers it
//     at connect, and must not have to again (before, the client closed on it
//     and looped: reconnect, resend, close...); the connection stays usable;
//   - delivered in fragments to a handler subscribed with
//     MGOS_MQTT_SUB_FRAGMENTS: the joined bytes equal what was published;
//   - a topic longer than the buffer: skipped and acknowledged too.
// Skipping is the default build's (the spec); fragments are built with Kconfig
// MGOS_MQTT_FRAGMENTS_SUPPORT on (test/integration/large-fragments-off.test.ts: off vs on).
// QoS 0/1/2. Every client exits 0 on SIGTERM with no sanitizer report.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Broker, FRAGMENTS_ON, Proc, Programs, buildPrograms, missingTools, runCmd, sanEnv, stopClean } from "./support/harness";

const skip = missingTools();
let progs: Programs;
let progsFrag: Programs;
let broker: Broker;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt-large-"));
let seq = 0;
const uniq = (name: string) => `lg${process.pid}_${seq++}_${name}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

before(async () => {
  if (skip) return;
  progs = await buildPrograms();
  progsFrag = await buildPrograms(FRAGMENTS_ON);
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const SIZE = 100 * 1024;
/** Connecting and subscribing, generous: the machine is shared and loaded. */
const CONNECT_MS = 15_000;

function fnv(b: Buffer): string {
  let h = 2166136261;
  for (const c of b) h = Math.imul(h ^ c, 16777619) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** The client, its `commands` run before it connects: mqtt_cli --defer-init
 *  calls mgos_mqtt_init() only at the "init" sent after them, so the handlers
 *  exist before the broker delivers what it kept for the session (queuing them
 *  on stdin was not enough: on a loaded machine the client could connect and
 *  get the message before it read them); `frag`: the build with fragments (osub flag 1). */
function cli(name: string, sets: string[], commands: string[], frag = false): Proc {
  const args: string[] = ["--defer-init"];
  for (const s of ["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, "mqtt.reconnect_timeout_min=0.3",
    "mqtt.reconnect_timeout_max=1", ...sets]) args.push("--set", s);
  const p = new Proc(name, (frag ? progsFrag : progs).cli, args, sanEnv(), true);
  for (const c of commands) p.send(c);
  p.send("init");
  return p;
}

/** The subscription was in place before the connection: its line precedes the first CONNACK event. */
function subscribedFirst(p: Proc): void {
  const sub = p.out.search(/^o?sub /m), connack = p.out.search(/^ev 202 /m);
  assert.ok(sub >= 0 && connack > sub, `subscribed after connecting:\n${p.out.slice(0, 1500)}`);
}

async function pubFile(topic: string, file: string, qos: number): Promise<void> {
  const r = await runCmd("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.port), "-q", String(qos), "-t", topic, "-f", file], 10_000);
  assert.equal(r.code, 0, `mosquitto_pub: ${r.stderr}`);
}

const count = (text: string, re: RegExp): number => (text.match(new RegExp(re.source, "gm")) ?? []).length;

/** QoS 1 probes from the client are acknowledged: the connection is usable. */
async function probes(c: Proc, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const mark = c.out.length;
    c.send(`pub 1 0 probe/${i} p${i}`);
    const id = (await c.waitOut(/^pub (\d+)$/m, 3000, mark))[1];
    assert.notEqual(id, "0");
    await c.waitOut(new RegExp(`^ev 204 id=${id} `, "m"), 3000, mark);
  }
}

for (const qos of [1, 2]) {
  test(`clean_session false, ${SIZE} B QoS ${qos} held by the broker while offline: skipped and acknowledged once, no reconnect loop`, { skip, timeout: 90_000 }, async () => {
    const id = uniq(`skip${qos}`);
    const topic = `${id}/big`;
    const file = path.join(tmp, `${id}.bin`);
    const body = crypto.randomBytes(SIZE);
    fs.writeFileSync(file, body);
    const sets = [`mqtt.client_id=${id}`, "mqtt.clean_session=false"];
    // 1. The persistent session and its QoS subscription (a normal handler: no fragments).
    const a = cli("first", sets, [`osub ${qos} 0 ${id}/#`]);
    try {
      await a.waitOut(/^tev 209 /m, CONNECT_MS);
      await stopClean(a);
    } finally { a.kill("SIGKILL"); }
    // 2. Published while the client is away: mosquitto keeps it for the session.
    await pubFile(topic, file, qos);
    // 3. Back: the message arrives right after CONNACK.
    const b = cli("second", sets, [`osub ${qos} 0 ${id}/#`]);
    try {
      const m = await b.waitOut(new RegExp(`^skipped (topic|global) ${topic} id=(\\d+) qos=${qos} total=${SIZE}$`, "m"), 10_000);
      assert.ok(Number(m[2]) > 0);
      subscribedFirst(b);
      await b.waitErr(/PUBLISH larger than the receive buffer, skipped/, 3000);
      // The connection stays: a few seconds pass without a reconnect, probes are acknowledged.
      await sleep(2500);
      await probes(b, 3);
      assert.equal(count(b.out, /^ev 202 /), 1, `reconnected:\n${b.out.slice(-2000)}`);
      assert.equal(count(b.out, /^skipped /), 1, "skipped once");
      assert.equal(count(b.out, /^tev 203 /) + count(b.out, /^ev 203 /), 0, "never delivered whole");
      await stopClean(b);
    } finally { b.kill("SIGKILL"); }
    // 4. It was acknowledged: the broker does not send it again.
    const c = cli("third", sets, [`osub ${qos} 0 ${id}/#`]);
    try {
      await c.waitOut(/^ev 202 /m, CONNECT_MS);
      subscribedFirst(c);
      await probes(c, 1);
      await sleep(1000);
      assert.equal(count(c.out, /^skipped /), 0, "the broker had to resend it");
      await stopClean(c);
    } finally { c.kill("SIGKILL"); }
  });
}

test(`${SIZE} B QoS 0 to a normal handler: skipped, connection kept`, { skip, timeout: 30_000 }, async () => {
  const id = uniq("skip0");
  const file = path.join(tmp, `${id}.bin`);
  fs.writeFileSync(file, crypto.randomBytes(SIZE));
  const a = cli("q0", [`mqtt.client_id=${id}`], [`sub ${id}/#`]);
  try {
    await a.waitOut(/^ev 202 /m, CONNECT_MS);
    await sleep(300); // the SUBACK of a sub handler is silent
    await pubFile(`${id}/big`, file, 0);
    await a.waitOut(new RegExp(`^skipped global ${id}/big id=0 qos=0 total=${SIZE}$`, "m"), 5000);
    await probes(a, 2);
    assert.equal(count(a.out, /^ev 202 /), 1);
    assert.equal(count(a.out, /^msg /), 0);
    await stopClean(a);
  } finally { a.kill("SIGKILL"); }
});

for (const qos of [0, 1, 2]) {
  test(`MGOS_MQTT_SUB_FRAGMENTS: ${SIZE} B QoS ${qos} arrives in fragments, in order, the exact bytes`, { skip, timeout: 30_000 }, async () => {
    const id = uniq(`frag${qos}`);
    const file = path.join(tmp, `${id}.bin`);
    const out = path.join(tmp, `${id}.out`);
    const body = crypto.randomBytes(SIZE);
    fs.writeFileSync(file, body);
    const a = cli("frag", [`mqtt.client_id=${id}`], [`osub 2 1 ${id}/# ${out}`], true);
    try {
      await a.waitOut(/^tev 209 /m, CONNECT_MS);
      await pubFile(`${id}/f`, file, qos);
      const m = await a.waitOut(new RegExp(`^fdone ${id}/f total=${SIZE} fnv=([0-9a-f]{8})$`, "m"), 10_000);
      assert.equal(m[1], fnv(body));
      assert.ok(fs.readFileSync(out).equals(body), "joined fragments equal the published bytes");
      const parts = a.out.split("\n").filter((l) => l.startsWith("part "));
      assert.ok(parts.length >= 2, `${parts.length} fragments`);
      assert.equal(count(a.out, /^error /), 0, a.out.slice(-2000));
      await probes(a, 1);
      assert.equal(count(a.out, /^ev 202 /), 1);
      await stopClean(a);
    } finally { a.kill("SIGKILL"); }
  });
}

test("clean_session false, QoS 1 fragments held while offline: delivered whole at reconnect, then not again", { skip, timeout: 60_000 }, async () => {
  const id = uniq("fragoff");
  const file = path.join(tmp, `${id}.bin`);
  const out = path.join(tmp, `${id}.out`);
  const body = crypto.randomBytes(SIZE);
  fs.writeFileSync(file, body);
  const sets = [`mqtt.client_id=${id}`, "mqtt.clean_session=false"];
  const a = cli("first", sets, [`osub 1 1 ${id}/#`], true);
  try {
    await a.waitOut(/^tev 209 /m, CONNECT_MS);
    await stopClean(a);
  } finally { a.kill("SIGKILL"); }
  await pubFile(`${id}/f`, file, 1);
  const b = cli("second", sets, [`osub 1 1 ${id}/# ${out}`], true);
  try {
    await b.waitOut(new RegExp(`^fdone ${id}/f total=${SIZE} fnv=${fnv(body)}$`, "m"), 10_000);
    assert.ok(fs.readFileSync(out).equals(body));
    subscribedFirst(b);
    await probes(b, 1);
    await stopClean(b);
  } finally { b.kill("SIGKILL"); }
  const c = cli("third", sets, [`osub 1 1 ${id}/#`], true);
  try {
    await c.waitOut(/^ev 202 /m, CONNECT_MS);
    subscribedFirst(c);
    await probes(c, 1);
    await sleep(800);
    assert.equal(count(c.out, /^part /), 0, "resent after it was acknowledged");
    await stopClean(c);
  } finally { c.kill("SIGKILL"); }
});

test("a topic longer than the receive buffer: skipped and acknowledged, the event has its start", { skip, timeout: 30_000 }, async () => {
  const id = uniq("ltopic");
  const topic = `${id}/` + "t".repeat(5000);
  const file = path.join(tmp, `${id}.bin`);
  fs.writeFileSync(file, "small payload");
  const a = cli("ltopic", [`mqtt.client_id=${id}`], [`osub 1 0 ${id}/#`]);
  try {
    await a.waitOut(/^tev 209 /m, CONNECT_MS);
    await pubFile(topic, file, 1);
    const m = await a.waitOut(/^skipped global (\S+) id=(\d+) qos=1 total=13$/m, 5000);
    assert.ok(topic.startsWith(m[1]) && m[1].length < topic.length);
    await a.waitErr(/topic longer than the receive buffer, skipped/, 3000);
    await probes(a, 1);
    assert.equal(count(a.out, /^ev 202 /), 1);
    await stopClean(a);
  } finally { a.kill("SIGKILL"); }
});
