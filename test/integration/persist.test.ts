// The persistent outbox (mqtt.outbox_persist, docs/delivery.md) against a real
// mosquitto: the host client (ASan/UBSan) publishes a 1,000-message burst as
// fast as backpressure allows, is killed with SIGKILL in the middle, and is
// started again on the same directory with clean_session false: every message
// the API had accepted arrives, QoS 2 exactly once. Also the bytes written to
// storage per message (flash wear), printed as a "PERSIST ..." line.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Broker, Proc, Programs, PERSIST_ON, buildPrograms, missingTools, sanEnv, stopClean } from "./support/harness";

const skip = missingTools();
let progs: Programs;
let broker: Broker;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt-persist-"));

before(async () => {
  if (skip) return;
  progs = await buildPrograms(PERSIST_ON); // the persistent outbox is off by default in C
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function cli(id: string, dir: string): Proc {
  const a: string[] = [];
  for (const s of ["mqtt.enable=true", `mqtt.server=127.0.0.1:${broker.port}`, `mqtt.client_id=${id}`, "mqtt.clean_session=false",
    `mqtt.outbox_persist=${dir}`, "mqtt.reconnect_timeout_min=0.2"]) a.push("--set", s);
  // No leak report for the killed run's successor either way; the killed one cannot report.
  return new Proc(id, progs.cli, a, sanEnv(), true);
}

/** A persistent QoS 2 mosquitto_sub ("TOPIC PAYLOAD" lines), subscribed when returned. */
async function subscriber(topic: string): Promise<Proc> {
  const s = broker.sub([topic], ["-q", "2", "-c", "-i", `sub-${process.pid}-${path.basename(topic)}`, "-F", "%t %p"]);
  for (let n = 0; n < 20; n++) {
    const mark = `ready-${n}`;
    await broker.pub(topic.replace("/#", "/ready"), mark, ["-q", "1"]);
    try {
      await s.waitOut(new RegExp(mark), 300);
      return s;
    } catch { /* not yet */ }
  }
  throw new Error("mosquitto_sub never became ready");
}

/** Waits until nothing is left to send (asks `status` until unsent=0). */
async function drained(c: Proc, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const from = c.out.length;
    c.send("status");
    const m = await c.waitOut(/^status connected=(\d) conn=\d unsent=(\d+)$/m, 5000, from);
    if (m[1] === "1" && m[2] === "0") return;
    if (Date.now() > end) throw new Error(`still ${m[2]} bytes unsent after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function counts(s: Proc, topic: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of s.out.split("\n")) {
    const sp = l.indexOf(" ");
    if (sp < 0 || l.slice(0, sp) !== topic) continue;
    const p = l.slice(sp + 1);
    m.set(p, (m.get(p) ?? 0) + 1);
  }
  return m;
}

for (const qos of [1, 2] as const) {
  test(`kill -9 in the middle of a 1,000-message QoS ${qos} burst, restart: every accepted message arrives${qos === 2 ? ", exactly once" : ""}`, { skip, timeout: 180_000 }, async (t) => {
    const id = `persist${qos}-${process.pid}`;
    const dir = path.join(tmp, `q${qos}`);
    const prefix = `p${process.pid}/q${qos}`;
    const topic = `${prefix}/burst`;
    const s = await subscriber(`${prefix}/#`);
    const a = cli(id, dir);
    let b: Proc | null = null;
    try {
      await a.waitOut(/^ev 202 /m, 5000);
      a.send(`flood 1000 ${qos} ${topic} v`);
      await a.waitOut(/^acc 300$/m, 30_000);
      a.kill("SIGKILL");
      await a.wait(5000);
      const accepted = [...a.out.matchAll(/^acc (\d+)$/gm)].map((m) => m[1]);
      assert.ok(accepted.length >= 301 && accepted.length < 1000, `${accepted.length} accepted before the kill`);
      const files = fs.readdirSync(dir).filter((f) => f.endsWith(".m")).length;
      b = cli(id, dir);
      await b.waitOut(/^ev 202 /m, 10_000);
      const end = Date.now() + 60_000;
      for (;;) {
        const c = counts(s, topic);
        if (accepted.every((p) => c.has(p))) break;
        if (Date.now() > end) {
          const missing = accepted.filter((p) => !c.has(p));
          throw new Error(`${missing.length} accepted messages never arrived: ${missing.slice(0, 20).join(", ")}\n--- restarted client stderr:\n${b.err.slice(-3000)}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1000));
      const c = counts(s, topic);
      const dups = [...c.values()].filter((n) => n > 1).length;
      if (qos === 2) assert.equal(dups, 0, "QoS 2: no message twice");
      // Everything was acknowledged: the storage is empty again.
      await drained(b, 10_000);
      const left = fs.readdirSync(dir).filter((f) => f.endsWith(".m"));
      assert.deepEqual(left, [], "storage empty once everything is acknowledged");
      t.diagnostic(`PERSIST qos=${qos} accepted=${accepted.length} stored_at_kill=${files} arrived=${c.size} duplicates=${dups}`);
      console.log(`PERSIST qos=${qos} accepted=${accepted.length} stored_at_kill=${files} arrived=${c.size} duplicates=${dups}`);
      await stopClean(b);
    } finally {
      a.kill("SIGKILL");
      b?.kill("SIGKILL");
      s.kill();
    }
  });
}

test("bytes written to storage per message (flash wear), QoS 1 and QoS 2, 16-byte payloads", { skip, timeout: 60_000 }, async (t) => {
  const id = `wear-${process.pid}`;
  const c = cli(id, path.join(tmp, "wear"));
  try {
    await c.waitOut(/^ev 202 /m, 5000);
    c.send(`flood 200 1 w${process.pid}/q1/0123456789abcd`);
    await c.waitOut(/^flood done 200 /m, 30_000);
    c.send("storage");
    const m1 = await c.waitOut(/^storage bytes=(\d+) records=(\d+)$/m, 5000);
    c.send(`flood 200 2 w${process.pid}/q2/0123456789abcd`);
    await c.waitOut(/^flood done 200 /m, 30_000, c.out.indexOf(m1[0]) + 1);
    await drained(c, 10_000);
    c.send("storage");
    const m2 = await c.waitOut(/^storage bytes=(\d+) records=(\d+)$/m, 5000, c.out.indexOf(m1[0]) + m1[0].length);
    const q1 = Number(m1[1]) / 200, q2 = (Number(m2[1]) - Number(m1[1])) / 200;
    const r1 = Number(m1[2]) / 200, r2 = (Number(m2[2]) - Number(m1[2])) / 200;
    const line = `PERSIST wear: QoS 1 ${q1} bytes in ${r1} writes per message, QoS 2 ${q2} bytes in ${r2} writes (plus one delete each)`;
    t.diagnostic(line);
    console.log(line);
    assert.equal(r1, 1);
    assert.equal(r2, 2, "QoS 2: the PUBLISH, then the PUBREC state");
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});
