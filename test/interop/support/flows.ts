// The interop tier's flow suite: the same flows against one real broker per
// test file (started once per file: RabbitMQ takes seconds to start). The
// client is the host build of the generated C (ASan/UBSan), driven through
// test/interop/interop_cli.c; the other side is mosquitto_pub/sub (a
// standard client that works with every broker here). What a broker does
// differently is data (profiles.ts) and asserted, never skipped.
import { test, before, after, TestContext } from "node:test";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as assert from "node:assert/strict";
import { Proc, ROOT, freePort, runCmd, sanEnv, sanitizerReport } from "../../integration/support/harness";
import { buildProgram, SAN_FLAGS } from "./build";
import { TestBroker, missing, startBroker, brokerVersion } from "./brokers";
import { BrokerId, PROFILES, Profile } from "./profiles";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Known client bugs: the flows that fail only because of them (none open now; a flow here runs as a todo). */
export const TODO = {
};

const CONNACK_TEXT: Record<string, number> = {
  "unacceptable protocol version": 1, "identifier rejected": 2, "server unavailable": 3,
  "bad user name or password": 4, "not authorized": 5,
};

/** One interop_cli process (a device). */
export class Device {
  p: Proc;
  constructor(public name: string, exe: string, broker: TestBroker | null, sets: string[]) {
    const all = ["mqtt.enable=true", "mqtt.reconnect_timeout_min=0.5", "mqtt.reconnect_timeout_max=2"];
    if (broker) {
      all.push(`mqtt.server=127.0.0.1:${broker.port}`);
      if (broker.device.user !== undefined) all.push(`mqtt.user=${broker.device.user}`);
      if (broker.device.pass !== undefined) all.push(`mqtt.pass=${broker.device.pass}`);
    }
    all.push(...sets);
    const args: string[] = [];
    for (const s of all) args.push("--set", s);
    this.p = new Proc(name, exe, args, sanEnv(), true);
  }
  get out(): string { return this.p.out; }
  mark(): number { return this.p.out.length; }
  send(line: string): void { this.p.send(line); }
  wait(re: RegExp, ms = 10_000, from = 0): Promise<RegExpExecArray> { return this.p.waitOut(re, ms, from); }
  async connected(from = 0, ms = 15_000): Promise<void> { await this.p.waitOut(/^ev 202 /m, ms, from); }
  /** Sends a command and returns the first line it printed that matches `re`. */
  async cmd(line: string, re: RegExp, ms = 10_000): Promise<RegExpExecArray> {
    const m = this.mark();
    this.send(line);
    return this.wait(re, ms, m);
  }
  /** SIGTERM: must exit 0 with no sanitizer report (leaks included). */
  async stop(): Promise<void> {
    this.p.kill("SIGTERM");
    const r = await this.p.wait(10_000);
    const san = sanitizerReport(this.p.err);
    assert.equal(san, null, `${this.name}: ${san}`);
    assert.equal(r.code, 0, `${this.name}: exit ${r.code} ${r.signal}\n${this.p.err.slice(-2000)}`);
  }
  kill(): void { this.p.kill("SIGKILL"); }
}

/** mosquitto_sub as the peer: lines "topic payload", with the broker's admin credentials. */
export class Peer {
  p: Proc;
  constructor(private b: TestBroker, topics: string[], qos: number, extra: string[] = []) {
    const a = [...b.peerArgs(), "-v", "-q", String(qos), "-i", `peer${process.pid}_${Peer.n++}`, ...extra];
    for (const t of topics) a.push("-t", t);
    this.p = new Proc("mosquitto_sub", "mosquitto_sub", a);
  }
  static n = 0;
  /** Resolves once the subscription is live (a marker message comes back). */
  async ready(topic: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (let i = 0; Date.now() < deadline; i++) {
      const mark = `ready-${process.pid}-${i}`;
      await pub(this.b, topic, mark, 0);
      try {
        await this.p.waitOut(new RegExp(mark), 500);
        return;
      } catch { /* not subscribed yet */ }
    }
    throw new Error(`peer on ${topic} never became ready\n${this.p.err}`);
  }
  count(re: RegExp): number { return (this.p.out.match(new RegExp(re.source, "gm")) ?? []).length; }
  async close(): Promise<void> { this.p.kill(); await this.p.wait(3000); }
}

/** mosquitto_pub to completion. */
export async function pub(b: TestBroker, topic: string, msg: string, qos: number, extra: string[] = []): Promise<void> {
  const r = await runCmd("mosquitto_pub", [...b.peerArgs(), "-i", `pub${process.pid}_${Peer.n++}`, "-t", topic, "-m", msg,
    "-q", String(qos), ...extra], 20_000);
  if (r.code !== 0) throw new Error(`mosquitto_pub ${topic}: ${r.stderr}`);
}

/** The SUBACK return code as the event reports it: the raw code if the payload carries it, else the qos field. */
function subackRc(line: RegExpExecArray): number {
  const rc = line[2];
  return rc.length >= 2 ? parseInt(rc.slice(0, 2), 16) : Number(line[1]);
}

/** Waits until `count()` reaches n, the deadline passes, or it has not grown
 *  for stallMs (what is lost does not come later); returns the last count. */
async function until(count: () => number, n: number, ms: number, stallMs = 8000): Promise<number> {
  const deadline = Date.now() + ms;
  let c = count();
  let last = c, lastAt = Date.now();
  while (c < n && Date.now() < deadline && Date.now() - lastAt < stallMs) {
    await sleep(100);
    c = count();
    if (c !== last) { last = c; lastAt = Date.now(); }
  }
  return c;
}

export type Outcome = "pass" | "fail" | "todo-fails" | "todo-passes" | "n/a";
export interface FlowResult { flow: string; outcome: Outcome; note?: string }
interface FlowOpts { skip?: string; timeout: number; todo?: string }
type FlowFn = (name: string, o: FlowOpts, fn: (t: TestContext) => Promise<void | string>) => void;
/** This file's outcomes, written to build/interop/results/<broker>.json for the matrix in docs/interop.md. */
const results: FlowResult[] = [];

/** A flow: a test whose outcome is recorded; returning a string means "not applicable here" (why). */
const flow: FlowFn = (name, o, fn) => {
  test(name, o, async (t) => {
    let na: void | string;
    try {
      na = await fn(t);
    } catch (e) {
      results.push({ flow: name, outcome: o.todo ? "todo-fails" : "fail", note: o.todo ?? String(e).split("\n")[0].slice(0, 200) });
      throw e;
    }
    if (typeof na === "string") {
      results.push({ flow: name, outcome: "n/a", note: na });
      t.skip(na);
      return;
    }
    results.push({ flow: name, outcome: o.todo ? "todo-passes" : "pass" });
  });
};

/** Registers the flow suite for one broker (call at the top level of a test file). */
export function flowSuite(id: BrokerId): void {
  const prof: Profile = PROFILES[id];
  const skip = missing(id);
  let b: TestBroker;
  let exe: string;
  let seq = 0;
  const uniq = (flow: string) => `interop/${process.pid}${seq++}/${flow}`;
  const devs: Device[] = [];
  const dev = (name: string, sets: string[] = [], broker: TestBroker | null = b) => {
    const d = new Device(name, exe, broker, [`mqtt.client_id=i${process.pid}-${seq++}`, ...sets]);
    devs.push(d);
    return d;
  };
  const t0 = Date.now();
  let firstStartMs = 0;

  before(async () => {
    if (skip) return;
    exe = await buildProgram("interop_cli.c", SAN_FLAGS);
    b = await startBroker(id);
    firstStartMs = b.startMs;
    console.log(`# ${prof.title}: version ${brokerVersion(id)}, started in ${b.startMs} ms on 127.0.0.1:${b.port}`);
  }, { timeout: 900_000 });

  after(async () => {
    for (const d of devs) d.kill();
    if (b) await b.close();
    const secs = (Date.now() - t0) / 1000;
    console.log(`# ${id}: flow suite took ${secs.toFixed(1)} s`);
    if (skip) return;
    const git = (args: string[]) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    const dir = path.join(ROOT, "build", "interop", "results");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({
      broker: id, version: brokerVersion(id), startMs: b ? firstStartMs : 0, suiteSeconds: Math.round(secs),
      date: new Date().toISOString(), commit: git(["rev-parse", "--short", "HEAD"]) + (git(["status", "--porcelain", "--untracked-files=no"]) ? "+changes" : ""),
      results,
    }, null, 2) + "\n");
  });

  const opts = (ms: number, todo?: string): FlowOpts => (todo ? { skip, timeout: ms, todo } : { skip, timeout: ms });

  flow("connect: CONNACK 0, clean stop", opts(30_000), async () => {
    const d = dev("connect");
    await d.connected();
    assert.match(d.out, /^ev 202 id=0 qos=0 code=0$/m);
    await d.stop();
  });

  flow("auth: wrong password refused, right one accepted", opts(40_000), async () => {
    if (prof.authRefusal === null) return "no password accounts in this configuration (see mosquitto-strict)";
    const d = dev("badpass", ["mqtt.pass=wrong-password", "mqtt.reconnect_timeout_min=5", "mqtt.reconnect_timeout_max=5"]);
    const m = await d.p.waitErr(/server refused the connection: ([a-z ]+)\n/, 15_000);
    assert.equal(CONNACK_TEXT[m[1]], prof.authRefusal, `CONNACK ${m[1]}`);
    assert.doesNotMatch(d.out, /^ev 202 /m);
    await d.stop();
    const ok = dev("goodpass");
    await ok.connected();
    await ok.stop();
    return undefined;
  });

  flow("subscribe: granted QoS for 0, 1, 2", opts(30_000), async () => {
    const topic = uniq("granted");
    const d = dev("granted");
    await d.connected();
    const got: number[] = [];
    for (const q of [0, 1, 2]) {
      const m = await d.cmd(`sub ${q} ${topic}/${q}`, /^suback id=\d+ qos=(\d+) rc=([0-9a-f]*)$/m);
      got.push(subackRc(m));
    }
    await d.stop();
    assert.deepEqual(got, prof.granted);
  });

  flow("publish: client to broker QoS 0/1/2 (PUBACK, PUBREC + PUBCOMP)", opts(40_000), async () => {
    const topic = uniq("out");
    const peer = new Peer(b, [`${topic}/#`], 2);
    const d = dev("out");
    try {
      await peer.ready(`${topic}/ready`);
      await d.connected();
      for (const q of [0, 1, 2]) {
        const id = Number((await d.cmd(`pub ${q} 0 ${topic}/q${q} from-device-q${q}`, /^pub (\d+)$/m))[1]);
        assert.ok(id > 0, `pub QoS ${q} refused`);
        await peer.p.waitOut(new RegExp(`^${topic}/q${q} from-device-q${q}$`, "m"), 10_000);
        if (q === 1) await d.wait(new RegExp(`^ev 204 id=${id} `, "m"));
        if (q === 2 && prof.qos2Publish === "pubrec") {
          await d.wait(new RegExp(`^ev 205 id=${id} `, "m"));
          await d.wait(new RegExp(`^ev 207 id=${id} `, "m"));
        }
        if (q === 2 && prof.qos2Publish === "puback") await d.wait(new RegExp(`^ev 204 id=${id} `, "m"));
      }
      await d.stop();
    } finally {
      await peer.close();
    }
  });

  flow("publish: broker to client QoS 0/1/2, each exactly once at min(QoS, granted)", opts(40_000), async () => {
    const topic = uniq("in");
    const d = dev("in");
    await d.connected();
    d.send(`sub 2 ${topic}/#`);
    await sleep(1000); // give the SUBSCRIBE time
    for (const q of [0, 1, 2]) {
      const sent = prof.qos2Publish === "puback" ? Math.min(q, 1) : q; // no client can publish QoS 2 there
      await pub(b, `${topic}/q${q}`, `to-device-q${q}`, sent);
      const want = Math.min(sent, prof.granted[2]);
      await d.wait(new RegExp(`^msg qos=${want} len=\\d+ topic=${topic}/q${q} payload=to-device-q${q}$`, "m"));
    }
    await sleep(500);
    for (const q of [0, 1, 2]) assert.equal((d.out.match(new RegExp(`payload=to-device-q${q}$`, "gm")) ?? []).length, 1, `QoS ${q} count`);
    await d.stop();
  });

  if (prof.qos2Publish === "puback") {
    flow("QoS 2 answered with PUBACK: 12 publishes in a row all arrive (none stays in flight)", opts(60_000), async () => {
      const topic = uniq("q2puback");
      const peer = new Peer(b, [topic], 1);
      const d = dev("q2puback");
      try {
        await peer.ready(topic);
        await d.connected();
        for (let i = 0; i < 12; i++) {
          const id = Number((await d.cmd(`pub 2 0 ${topic} m${i}`, /^pub (\d+)$/m))[1]);
          assert.ok(id > 0, `publish ${i} refused`);
          await peer.p.waitOut(new RegExp(`^${topic} m${i}$`, "m"), 5000);
        }
        await d.stop();
      } finally {
        await peer.close();
      }
    });
  }

  flow("retained: set by the device, seen by a new subscriber, cleared by an empty retained message", opts(40_000), async () => {
    const topic = uniq("retained");
    const d = dev("retained");
    await d.connected();
    const id = Number((await d.cmd(`pub 1 1 ${topic} kept-value`, /^pub (\d+)$/m))[1]);
    await d.wait(new RegExp(`^ev 204 id=${id} `, "m"));
    const r1 = await runCmd("mosquitto_sub", [...b.peerArgs(), "-i", `ret${process.pid}a`, "-t", topic, "-C", "1", "-W", "5"], 10_000);
    assert.equal(r1.stdout.trim(), "kept-value");
    const id2 = Number((await d.cmd(`pub 1 1 ${topic}`, /^pub (\d+)$/m))[1]);
    await d.wait(new RegExp(`^ev 204 id=${id2} `, "m"));
    const r2 = await runCmd("mosquitto_sub", [...b.peerArgs(), "-i", `ret${process.pid}b`, "-t", topic, "-C", "1", "-W", "2"], 10_000);
    assert.equal(r2.stdout.trim(), "", "the retained message was not cleared");
    await d.stop();
  });

  flow("will: published when the device dies, not on a clean stop", opts(40_000), async () => {
    const topic = uniq("will");
    const peer = new Peer(b, [topic], 1);
    try {
      await peer.ready(topic);
      const d = dev("will", [`mqtt.will_topic=${topic}`, "mqtt.will_message=gone", "mqtt.keep_alive=5"]);
      await d.connected();
      d.kill();
      await peer.p.waitOut(/ gone$/m, 15_000);
      const d2 = dev("will2", [`mqtt.will_topic=${topic}`, "mqtt.will_message=gone-clean"]);
      await d2.connected();
      await d2.stop();
      await sleep(1000);
      assert.doesNotMatch(peer.p.out, /gone-clean/);
    } finally {
      await peer.close();
    }
  });

  flow("unsubscribe: no more messages on that filter", opts(40_000), async () => {
    const topic = uniq("unsub");
    const d = dev("unsub");
    await d.connected();
    d.send(`sub 1 ${topic}/a`);
    d.send(`sub 1 ${topic}/b`);
    await sleep(1000);
    await pub(b, `${topic}/a`, "before", 1);
    await d.wait(new RegExp(`topic=${topic}/a payload=before$`, "m"));
    const m = d.mark();
    await d.cmd(`unsub ${topic}/a`, /^unsub 1$/m);
    await d.wait(/^ev 211 /m, 10_000, m); // UNSUBACK
    await pub(b, `${topic}/a`, "after", 1);
    await pub(b, `${topic}/b`, "still", 1);
    await d.wait(new RegExp(`topic=${topic}/b payload=still$`, "m"), 10_000, m);
    await sleep(500);
    assert.doesNotMatch(d.out.slice(m), /payload=after$/m);
    await d.stop();
  });

  /** A persistent session: subscribe, go away, 20 QoS 1 messages meanwhile, come back. */
  async function resume(flow: string, between: () => Promise<void>): Promise<number> {
    const topic = uniq(flow);
    const cid = `i${process.pid}-${flow}`;
    const d = dev(flow, [`mqtt.client_id=${cid}`, "mqtt.clean_session=false"]);
    await d.connected();
    d.send(`sub 1 ${topic}`);
    await sleep(1000);
    await pub(b, topic, "online", 1);
    await d.wait(new RegExp(`payload=online$`, "m"));
    let m = d.mark();
    d.send("disconnect");
    await d.wait(/^ev 5$/m, 10_000, m);
    await between();
    for (let i = 0; i < 20; i++) await pub(b, topic, `offline${i}`, 1);
    m = d.mark();
    d.send("connect");
    await d.connected(m, 60_000);
    const n = await until(() => (d.out.slice(m).match(/payload=offline\d+$/gm) ?? []).length, 20, 8000);
    // Whatever arrives, arrives in order (section 4.6).
    const seqs = [...d.out.slice(m).matchAll(/payload=offline(\d+)$/gm)].map((x) => Number(x[1]));
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), "out of order");
    await d.stop();
    return n;
  }

  flow("session: queued while offline, resumed across a reconnect", opts(90_000), async () => {
    const n = await resume("resume", async () => { /* nothing */ });
    assert.equal(n, prof.queuedOfTwenty);
  });

  flow("session: resumed across a broker restart", opts(240_000), async () => {
    const n = await resume("restart", async () => {
      await sleep(1500); // mosquitto autosave_interval 1
      await b.restart();
      console.log(`# ${id}: restarted in ${b.startMs} ms`);
    });
    assert.equal(n, prof.sessionAfterRestart ? prof.queuedOfTwenty : 0);
  });

  flow("keepalive: a 7 s idle with keep_alive 2 keeps the connection (PINGREQ/PINGRESP)", opts(40_000), async () => {
    const d = dev("keepalive", ["mqtt.keep_alive=2"]);
    await d.connected();
    await sleep(7000);
    assert.doesNotMatch(d.out, /^ev 5$/m, "the connection dropped");
    assert.ok((d.out.match(/^ev 213/gm) ?? []).length >= 2, "fewer than 2 PINGRESP");
    await d.stop();
  });

  flow("large-ish: 2,000-byte messages both ways, QoS 1", opts(40_000), async () => {
    const topic = uniq("large");
    const peer = new Peer(b, [`${topic}/out`], 1);
    const d = dev("large");
    try {
      await peer.ready(`${topic}/out`);
      await d.connected();
      d.send(`sub 1 ${topic}/in`);
      await sleep(1000);
      const id = Number((await d.cmd(`pubsize 1 ${topic}/out 2000`, /^pub (\d+)$/m))[1]);
      assert.ok(id > 0);
      await peer.p.waitOut(new RegExp(`^${topic}/out big:x{1996}$`, "m"), 10_000);
      await pub(b, `${topic}/in`, "y".repeat(2000), 1);
      await d.wait(new RegExp(`^msg qos=1 len=2000 topic=${topic}/in `, "m"));
      await d.stop();
    } finally {
      await peer.close();
    }
  });

  if (id !== "mosquitto-strict") {
    flow("large: a 20 KiB message to the device, in fragments (MGOS_MQTT_SUB_FRAGMENTS)", opts(40_000), async () => {
      const topic = uniq("big-in");
      const d = dev("bigin");
      await d.connected();
      await d.cmd(`subfrag 1 ${topic}`, /^subfrag 1$/m);
      await sleep(1000);
      await pub(b, topic, "z".repeat(20 * 1024), 1);
      await d.wait(new RegExp(`^joined qos=1 len=${20 * 1024} frags=\\d+ topic=${topic} bad=0$`, "m"));
      assert.doesNotMatch(d.out, /^ev 5$/m);
      await d.stop();
    });

    flow("large: a 20 KiB message to a plain subscription is skipped and acknowledged, the connection stays", opts(40_000), async () => {
      const topic = uniq("big-skip");
      const d = dev("bigskip");
      await d.connected();
      d.send(`sub 1 ${topic}`);
      await sleep(1000);
      await pub(b, topic, "z".repeat(20 * 1024), 1);
      await d.wait(new RegExp(`^skipped len=${20 * 1024} topic=${topic}$`, "m"));
      // The connection is still usable: a small message after it arrives.
      await pub(b, topic, "after", 1);
      await d.wait(new RegExp(`^msg qos=1 len=5 topic=${topic} payload=after$`, "m"));
      assert.doesNotMatch(d.out, /^ev 5$/m);
      await d.stop();
    });

    flow("large: a 20 KiB message from the device (streamed from a 64 KiB outbox)", opts(40_000), async () => {
      const topic = uniq("big-out");
      const peer = new Peer(b, [topic], 1);
      const d = dev("bigout");
      try {
        await peer.ready(topic);
        await d.connected();
        const id = Number((await d.cmd(`pubsize 1 ${topic} ${20 * 1024}`, /^pub (\d+)$/m))[1]);
        assert.ok(id > 0, "refused");
        await peer.p.waitOut(new RegExp(`^${topic} big:x{${20 * 1024 - 4}}$`, "m"), 10_000);
        await d.stop();
      } finally {
        await peer.close();
      }
    });
  }

  flow("burst: 1,000 QoS 1 from the device, every one arrives", opts(120_000), async () => {
    const topic = uniq("burst-out");
    const peer = new Peer(b, [topic], 1);
    const d = dev("burstout");
    try {
      await peer.ready(topic);
      await d.connected();
      const m = await d.cmd(`burst 1 1000 ${topic}`, /^burst accepted=(\d+)$/m);
      assert.equal(Number(m[1]), 1000, "the device retries a refused publish (outbox full) until it is taken");
      const n = await until(() => peer.count(new RegExp(`^${topic} \\d+$`)), 1000, 60_000);
      if (prof.burstInWhole) {
        assert.equal(n, 1000);
      } else {
        // The broker's queue limits toward the subscribing peer drop some (its loss, by configuration).
        console.log(`# ${id}: ${n} of 1,000 reached the peer`);
        assert.ok(n >= 6, `${n} arrived`);
      }
      await d.stop();
    } finally {
      await peer.close();
    }
  });

  flow("burst: 1,000 QoS 1 to the device, every one arrives once, in order", opts(180_000), async () => {
    const topic = uniq("burst-in");
    const d = dev("burstin");
    await d.connected();
    d.send(`sub 1 ${topic}`);
    await sleep(1000);
    // mosquitto_pub -l: one message per stdin line, one connection.
    const lines = Array.from({ length: 1000 }, (_, i) => String(i)).join("\n") + "\n";
    const r = await new Promise<number | null>((resolve) => {
      const { spawn } = require("node:child_process") as typeof import("node:child_process");
      const c = spawn("mosquitto_pub", [...b.peerArgs(), "-i", `burst${process.pid}`, "-t", topic, "-q", "1", "-l"], { stdio: ["pipe", "ignore", "ignore"] });
      const timer = setTimeout(() => c.kill("SIGKILL"), 120_000);
      c.on("close", (code) => { clearTimeout(timer); resolve(code); });
      c.stdin.end(lines);
    });
    assert.equal(r, 0, "mosquitto_pub -l failed");
    const count = () => (d.out.match(new RegExp(`topic=${topic} payload=\\d+$`, "gm")) ?? []).length;
    const n = await until(count, 1000, 60_000);
    const seqs = [...d.out.matchAll(new RegExp(`topic=${topic} payload=(\\d+)$`, "gm"))].map((x) => Number(x[1]));
    if (prof.burstInWhole) {
      assert.equal(n, 1000);
      assert.deepEqual(seqs, Array.from({ length: 1000 }, (_, i) => i));
    } else {
      // The broker drops by its limits: what arrives is in order, once each.
      console.log(`# ${id}: ${n} of 1,000 arrived`);
      assert.ok(n >= 6, `${n} arrived`); // at least what the broker keeps; how many more depends on speed
      assert.ok(seqs.every((x, i) => i === 0 || x > seqs[i - 1]), "out of order or duplicated");
    }
    await d.stop();
  });

  flow("failover: mqtt is down, the device moves to mqtt1", opts(60_000), async () => {
    const dead = await freePort(); // nothing listens there
    const d = new Device("failover", exe, null, [`mqtt.server=127.0.0.1:${dead}`, "mqtt.reconnect_timeout_min=0.2",
      "mqtt.reconnect_timeout_max=0.4", `mqtt.client_id=i${process.pid}-failover`, "mqtt1.enable=true", `mqtt1.server=127.0.0.1:${b.port}`,
      ...(b.device.user !== undefined ? [`mqtt1.user=${b.device.user}`] : []), ...(b.device.pass !== undefined ? [`mqtt1.pass=${b.device.pass}`] : [])]);
    devs.push(d);
    await d.p.waitErr(/switching to the backup server mqtt1/, 20_000);
    await d.connected(0, 20_000);
    await d.stop();
  });

  flow("max QoS: mgos_mqtt_set_max_qos(1) sends a QoS 2 publish as QoS 1", opts(40_000), async () => {
    const topic = uniq("maxqos");
    const peer = new Peer(b, [topic], 2);
    const d = dev("maxqos");
    try {
      await peer.ready(topic);
      await d.connected();
      await d.cmd("maxqos 1", /^maxqos 1$/m);
      const id = Number((await d.cmd(`pub 2 0 ${topic} capped`, /^pub (\d+)$/m))[1]);
      await d.wait(new RegExp(`^ev 204 id=${id} `, "m")); // PUBACK, not PUBREC
      await peer.p.waitOut(new RegExp(`^${topic} capped$`, "m"), 10_000);
      assert.doesNotMatch(d.out, /^ev 205 /m);
      await d.stop();
    } finally {
      await peer.close();
    }
  });

  if (prof.strict !== undefined) strictFlows(prof, () => b, dev, uniq, opts, flow);
}

/** The strict configuration's own flows: ACLs and limits. */
function strictFlows(prof: Profile, broker: () => TestBroker, dev: (name: string, sets?: string[]) => Device,
  uniq: (flow: string) => string, opts: (ms: number, todo?: string) => FlowOpts, flow: FlowFn): void {
  const s = prof.strict!;

  flow("ACL: denied publish is acknowledged and dropped", opts(40_000), async () => {
    const b = broker();
    const topic = `denied/${process.pid}/pub`;
    const peer = new Peer(b, [topic], 1);
    const d = dev("aclpub");
    try {
      await peer.ready(topic);
      await d.connected();
      const id = Number((await d.cmd(`pub 1 0 ${topic} should-not-pass`, /^pub (\d+)$/m))[1]);
      await d.wait(new RegExp(`^ev 204 id=${id} `, "m"));
      await sleep(1500);
      assert.doesNotMatch(peer.p.out, /should-not-pass/);
      assert.doesNotMatch(d.out, /^ev 5$/m);
      await d.stop();
    } finally {
      await peer.close();
    }
  });

  flow("ACL: denied subscribe gets no messages", opts(40_000), async () => {
    const b = broker();
    const topic = `denied/${process.pid}/sub`;
    const d = dev("aclsub");
    await d.connected();
    d.send(`sub 1 ${topic}`);
    await sleep(1000);
    await pub(b, topic, "secret", 1);
    await sleep(1500);
    assert.doesNotMatch(d.out, /payload=secret/);
    await d.stop();
  });

  flow("ACL: denied subscribe: the SUBACK code the broker sends reaches the app", opts(30_000), async () => {
    const d = dev("aclsuback");
    await d.connected();
    const m = await d.cmd(`sub 1 denied/${process.pid}/sub2`, /^suback id=\d+ qos=(\d+) rc=([0-9a-f]*)$/m);
    await d.stop();
    assert.equal(subackRc(m), s.deniedSubscribeRc);
  });

  flow("keepalive above max_keepalive", opts(40_000), async () => {
    const d = dev("kamax", ["mqtt.keep_alive=60", "mqtt.reconnect_timeout_min=5", "mqtt.reconnect_timeout_max=5"]);
    if (s.keepAliveAboveMax === "accepted") {
      await d.connected();
    } else {
      const m = await d.p.waitErr(/server refused the connection: ([a-z ]+)\n/, 15_000);
      assert.equal(CONNACK_TEXT[m[1]], s.keepAliveAboveMax);
    }
    await d.stop();
  });

  flow("max_packet_size: a 5,000-byte PUBLISH closes the connection, the device reconnects", opts(60_000), async () => {
    const topic = uniq("maxpacket");
    const d = dev("maxpacket");
    await d.connected();
    const m = d.mark();
    const id = Number((await d.cmd(`pubsize 0 ${topic} 5000`, /^pub (\d+)$/m))[1]);
    assert.ok(id > 0, "refused by the client");
    await d.wait(/^ev 5$/m, 10_000, m);
    await d.connected(m, 20_000);
    await d.stop();
  });
}
