// The host build (generated C + POSIX port, ASan/UBSan) against a real
// mosquitto on 127.0.0.1: the demo firmware, every global API function, QoS
// 0/1/2 both ways, wildcards, retained messages, the will, CONNACK refusals,
// broker restarts, backoff timing, failover to mqtt1 and back, persistent
// sessions, bad config files. Each client is stopped with SIGTERM and must exit
// 0 with no sanitizer report (leaks included).
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Broker, Proc, Programs, buildPrograms, missingTools, runCmd, sanEnv, stopClean, subReady, sanitizerReport, freePort } from "./support/harness";

const skip = missingTools();
let progs: Programs;
let broker: Broker;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mqtt-int-"));
let seq = 0;
/** A topic prefix no other test uses. */
const uniq = (name: string) => `it${process.pid}_${seq++}_${name}`;

before(async () => {
  if (skip) return;
  progs = await buildPrograms();
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** The scriptable client with `--set` overrides for the given broker port. */
function cli(name: string, port: number, sets: string[] = [], env: Record<string, string> = {}): Proc {
  const args: string[] = [];
  // Port 0: the caller names the server in `sets` (port 0 itself is refused by the config loader).
  for (const s of [`mqtt.enable=true`, ...(port ? [`mqtt.server=127.0.0.1:${port}`] : []), ...sets]) args.push("--set", s);
  return new Proc(name, progs.cli, args, sanEnv(env), true);
}

/** Waits for the client to connect (CONNACK reached the global handler). */
async function connected(c: Proc, from = 0, timeoutMs = 5000): Promise<void> {
  await c.waitOut(/^ev 202 /m, timeoutMs, from);
}

test("demo firmware: heartbeat, ping -> pong, clean exit", { skip, timeout: 30_000 }, async () => {
  const id = uniq("dev");
  const s = broker.sub([`${id}/#`]);
  await subReady(broker, s, `${id}/ready`);
  const demo = new Proc("demo", progs.demo, ["--set", "mqtt.enable=true", "--set", `mqtt.server=127.0.0.1:${broker.port}`,
    "--set", `mqtt.client_id=${id}`, "--heartbeat", "0.3", "--exit-after", "4"], sanEnv());
  try {
    await demo.waitOut(/connected \(CONNACK 0\)/, 5000);
    await s.waitOut(new RegExp(`${id}/heartbeat \\{"device": "${id}", "seq": 1, "uptime": [0-9.]+, "unsent": 0\\}`), 3000);
    // The subscription may land just after CONNACK: retry the command until it is answered.
    let answered = false;
    for (let i = 0; i < 10 && !answered; i++) {
      await broker.pub(`${id}/cmd`, `{"cmd":"ping","id":${i}}`);
      try {
        await s.waitOut(new RegExp(`${id}/resp \\{"resp": "pong", "id": ${i}\\}`), 500);
        answered = true;
      } catch { /* retry */ }
    }
    assert.ok(answered, "no pong");
    await demo.waitOut(/ping: replied pong/, 1000);
    await broker.pub(`${id}/cmd`, `{"cmd":"dance"}`);
    await s.waitOut(new RegExp(`${id}/resp \\{"error": "unknown command", "cmd": "dance"\\}`), 3000);
    const r = await demo.wait(10_000);
    assert.equal(sanitizerReport(demo.err), null);
    assert.equal(r.code, 0, demo.err);
    assert.match(demo.out, /exiting\n/);
  } finally {
    demo.kill("SIGKILL");
    s.kill();
    await s.wait(2000);
  }
});

test("demo firmware: bad config files are rejected with the key named", { skip, timeout: 60_000 }, async () => {
  const cases: [string, RegExp][] = [
    [`{"mqtt": {"keep_alive": "abc"}}`, /mqtt\.keep_alive/],
    [`{"mqtt": {"max_qos": 3}}`, /mqtt\.max_qos/],
    [`{"mqtt": {"nonsense": 1}}`, /mqtt\.nonsense|nonsense/],
    [`{"mqtt1": {"enable": "yes"}}`, /mqtt1\.enable/],
    [`{"mqtt": {"server": }`, /bad\.json:1:\d+/],
  ];
  for (const [text, re] of cases) {
    const f = path.join(tmp, "bad.json");
    fs.writeFileSync(f, text);
    const r = await runCmd(progs.demo, ["-c", f, "--exit-after", "0"], 10_000, { env: sanEnv() });
    assert.equal(r.code, 2, `${text}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, /config error: /);
    assert.match(r.stderr, re, text);
    assert.equal(sanitizerReport(r.stderr), null);
  }
  const r = await runCmd(progs.demo, ["--set", "mqtt.keep_alive=abc"], 10_000, { env: sanEnv() });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /mqtt\.keep_alive/);
  const good = path.join(tmp, "good.json");
  fs.writeFileSync(good, JSON.stringify({ mqtt: { enable: false, keep_alive: 30 } }));
  const ok = await runCmd(progs.demo, ["-c", good, "--exit-after", "0"], 10_000, { env: sanEnv() });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /mqtt\.enable is false/);
});

test("API: sub/pub QoS 0/1/2 both ways, wildcards, retained, unsub, pubf, status, packet ids", { skip, timeout: 60_000 }, async () => {
  const p = uniq("api");
  const s = broker.sub([`${p}/out/#`], ["-q", "2"]);
  await subReady(broker, s, `${p}/out/ready`);
  // A retained message published before the client subscribes.
  await broker.pub(`${p}/in/retained`, "kept", ["-r", "-q", "1"]);
  const c = cli("cli", broker.port, ["mqtt.client_id=" + p]);
  try {
    await connected(c);
    c.send("status");
    await c.waitOut(/^status connected=1 conn=1 unsent=0$/m, 3000);
    // Subscriptions: a '+' and a '#' filter, and an exact one.
    c.send(`sub ${p}/in/+/x`);
    c.send(`sub ${p}/in/#`);
    c.send(`gsub ${p}/g`);
    await c.waitOut(/^tev 209 /m, 3000); // SUBACK to the mgos_mqtt_global_subscribe handler
    // The retained message arrives on subscribe (matched by '#').
    await c.waitOut(new RegExp(`^msg ${p}/in/retained kept$`, "m"), 3000);
    for (const q of [0, 1, 2]) {
      await broker.pub(`${p}/in/a/x`, `to-client-q${q}`, ["-q", String(q)]);
      // Both filters match: both handlers get it, the global one does not.
      const re = new RegExp(`^msg ${p}/in/a/x to-client-q${q}$`, "gm");
      await c.waitOut(re, 3000);
      const deadline = Date.now() + 3000;
      while ((c.out.match(re) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal((c.out.match(re) ?? []).length, 2, c.out);
    }
    // '+' is one level: a/b/x does not match in/+/x, only in/#.
    await broker.pub(`${p}/in/a/b/x`, "deep");
    await c.waitOut(new RegExp(`^msg ${p}/in/a/b/x deep$`, "m"), 3000);
    assert.equal((c.out.match(new RegExp(`^msg ${p}/in/a/b/x deep$`, "gm")) ?? []).length, 1);
    // global_subscribe handler gets PUBLISH as an event.
    await broker.pub(`${p}/g`, "gp");
    await c.waitOut(new RegExp(`^tev 203 id=\\d+ qos=\\d code=0 topic=${p}/g payload=gp$`, "m"), 3000);
    // Client -> broker at each QoS; acks reach the global handler.
    let mark = c.out.length;
    c.send(`pub 0 0 ${p}/out/q0 from-client-q0`);
    await c.waitOut(/^pub [1-9]\d*$/m, 3000, mark); // > 0: sent (the reference returns an id for QoS 0 too)
    await s.waitOut(new RegExp(`^${p}/out/q0 from-client-q0$`, "m"), 3000);
    mark = c.out.length;
    c.send(`pub 1 0 ${p}/out/q1 from-client-q1`);
    const id1 = Number((await c.waitOut(/^pub (\d+)$/m, 3000, mark))[1]);
    assert.ok(id1 > 0);
    await s.waitOut(new RegExp(`^${p}/out/q1 from-client-q1$`, "m"), 3000);
    await c.waitOut(new RegExp(`^ev 204 id=${id1} `, "m"), 3000, mark); // PUBACK
    mark = c.out.length;
    c.send(`pub 2 0 ${p}/out/q2 from-client-q2`);
    const id2 = Number((await c.waitOut(/^pub (\d+)$/m, 3000, mark))[1]);
    assert.ok(id2 > 0 && id2 !== id1);
    await s.waitOut(new RegExp(`^${p}/out/q2 from-client-q2$`, "m"), 3000);
    await c.waitOut(new RegExp(`^ev 205 id=${id2} `, "m"), 3000, mark); // PUBREC
    await c.waitOut(new RegExp(`^ev 207 id=${id2} `, "m"), 3000, mark); // PUBCOMP
    // Retained from the client: a new subscriber gets it.
    c.send(`pub 1 1 ${p}/out/ret client-retained`);
    await s.waitOut(new RegExp(`^${p}/out/ret client-retained$`, "m"), 3000);
    const r = await runCmd("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(broker.port), "-t", `${p}/out/ret`, "-C", "1", "-W", "3"], 5000);
    assert.equal(r.stdout.trim(), "client-retained");
    await broker.pub(`${p}/out/ret`, "", ["-r"]); // an empty retained message clears it
    // pubf: JSON formatting through the real publish path.
    mark = c.out.length;
    c.send(`pubf 1 ${p}/out/json 42 he said "hi"`);
    await c.waitOut(/^pubf [1-9]\d*$/m, 3000, mark);
    await s.waitOut(new RegExp(`^${p}/out/json \\{"n": 42, "s": "he said \\\\"hi\\\\""\\}$`, "m"), 3000);
    // Packet ids: never 0, increasing.
    c.send("pktid");
    c.send("pktid");
    const ids = [...c.out.matchAll(/^pktid (\d+)$/gm)];
    await c.waitOut(/^pktid \d+\npktid \d+$/m, 3000);
    const got = [...c.out.matchAll(/^pktid (\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(ids.length <= got.length, true);
    assert.ok(got.every((x) => x > 0));
    assert.equal(got[1], got[0] + 1);
    // max QoS 0: a QoS 2 publish goes out as QoS 0 (no PUBREC).
    mark = c.out.length;
    c.send("maxqos 0");
    c.send(`pub 2 0 ${p}/out/capped capped`);
    await s.waitOut(new RegExp(`^${p}/out/capped capped$`, "m"), 3000);
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(c.out.slice(mark), /^ev 205 /m);
    c.send("maxqos 2");
    // unsub: the first exact match goes; the other filter still delivers.
    mark = c.out.length;
    c.send(`unsub ${p}/in/#`);
    await c.waitOut(/^unsub 1$/m, 3000, mark);
    c.send(`unsub ${p}/never`);
    await c.waitOut(/^unsub 0$/m, 3000, mark);
    await c.waitOut(/^ev 211 /m, 3000, mark); // UNSUBACK
    mark = c.out.length;
    await broker.pub(`${p}/in/z/x`, "after-unsub");
    await broker.pub(`${p}/in/only-hash`, "gone");
    await c.waitOut(new RegExp(`^msg ${p}/in/z/x after-unsub$`, "m"), 3000, mark);
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(c.out.slice(mark), /only-hash/);
    // disconnect: DISCONNECT sent, no reconnect; connect: back.
    mark = c.out.length;
    c.send("disconnect");
    await c.waitOut(/^ev 5$/m, 3000, mark); // CLOSE
    await new Promise((r) => setTimeout(r, 600));
    c.send("status");
    await c.waitOut(/^status connected=0 conn=0 /m, 3000, mark);
    assert.doesNotMatch(c.out.slice(mark), /^ev 202 /m);
    c.send("connect");
    await c.waitOut(/^connect 1$/m, 3000, mark);
    await connected(c, mark);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
    s.kill();
    await s.wait(2000);
  }
});

test("the will is published when the client dies (SIGKILL)", { skip, timeout: 30_000 }, async () => {
  const p = uniq("will");
  const s = broker.sub([`${p}/status`]);
  await subReady(broker, s, `${p}/status`);
  const c = cli("cli", broker.port, [`mqtt.client_id=${p}`, `mqtt.will_topic=${p}/status`, "mqtt.will_message=offline", "mqtt.keep_alive=5"]);
  try {
    await connected(c);
    c.kill("SIGKILL");
    await c.wait(3000);
    await s.waitOut(new RegExp(`^${p}/status offline$`, "m"), 5000);
    // A clean stop (DISCONNECT) must not send the will.
    const c2 = cli("cli2", broker.port, [`mqtt.client_id=${p}b`, `mqtt.will_topic=${p}/status`, "mqtt.will_message=offline2"]);
    await connected(c2);
    await stopClean(c2);
    await new Promise((r) => setTimeout(r, 500));
    assert.doesNotMatch(s.out, /offline2/);
  } finally {
    c.kill("SIGKILL");
    s.kill();
    await s.wait(2000);
  }
});

test("CONNACK refusal: bad password is logged, handlers not called; good password connects", { skip, timeout: 30_000 }, async () => {
  const pw = path.join(tmp, "passwd");
  fs.writeFileSync(pw, "");
  // mosquitto started as root drops to its own user, which must be able to read the file.
  fs.chmodSync(tmp, 0o755);
  fs.chmodSync(pw, 0o644);
  const r = await runCmd("mosquitto_passwd", ["-b", pw, "alice", "s3cret"], 10_000);
  assert.equal(r.code, 0, r.stderr);
  fs.chmodSync(pw, 0o644);
  const b = await Broker.start([`password_file ${pw}`, "allow_anonymous false"]);
  try {
    const bad = cli("bad", b.port, ["mqtt.user=alice", "mqtt.pass=wrong", "mqtt.reconnect_timeout_min=0.3", "mqtt.reconnect_timeout_max=0.3"]);
    await bad.waitErr(/server refused the connection/, 5000);
    await bad.waitErr(/server refused the connection[\s\S]*server refused the connection/, 5000); // and it retries
    await bad.waitOut(/^cloud CONNECTERROR$/m, 3000); // stdout: its own pipe
    await stopClean(bad);
    assert.doesNotMatch(bad.out, /^ev 202 /m); // all of stdout, now that it has exited
    // Each refusal is logged once, with its reason (not a second bare reason line).
    const refusals = bad.err.split("\n").filter((l) => /(bad user name or password|not authorized)$/.test(l));
    assert.ok(refusals.length >= 2, bad.err);
    for (const l of refusals) assert.match(l, /server refused the connection: (bad user name or password|not authorized)$/, bad.err);
    const anon = cli("anon", b.port, ["mqtt.reconnect_timeout_min=5"]);
    await anon.waitErr(/server refused the connection/, 5000);
    await stopClean(anon);
    const good = cli("good", b.port, ["mqtt.user=alice", "mqtt.pass=s3cret"]);
    await connected(good);
    await stopClean(good);
  } finally {
    await b.close();
  }
});

test("broker restart: reconnect and re-subscribe", { skip, timeout: 40_000 }, async () => {
  const p = uniq("restart");
  const b = await Broker.start();
  try {
    const c = cli("cli", b.port, [`mqtt.client_id=${p}`, "mqtt.reconnect_timeout_min=0.25", "mqtt.reconnect_timeout_max=1"]);
    await connected(c);
    c.send(`sub ${p}/t`);
    await c.waitOut(/^sub /m, 2000);
    await new Promise((r) => setTimeout(r, 300));
    await b.pub(`${p}/t`, "before");
    await c.waitOut(new RegExp(`^msg ${p}/t before$`, "m"), 3000);
    const mark = c.out.length;
    await b.stop();
    await c.waitOut(/^ev 5$/m, 5000, mark);
    await c.waitOut(/^cloud DISCONNECTED$/m, 1000, mark);
    await new Promise((r) => setTimeout(r, 1200)); // a few failed attempts while it is down
    await b.restart();
    await connected(c, mark, 5000);
    // Re-subscribed without being asked (clean session: the broker forgot it).
    let got = false;
    for (let i = 0; i < 10 && !got; i++) {
      await b.pub(`${p}/t`, `after${i}`);
      try {
        await c.waitOut(new RegExp(`^msg ${p}/t after${i}$`, "m"), 400, mark);
        got = true;
      } catch { /* the SUBSCRIBE may still be in flight */ }
    }
    assert.ok(got, "no message after the restart");
    await stopClean(c);
  } finally {
    await b.close();
  }
});

/** Times (s, from the port's log clock) of the "connecting to" lines in a log. */
function connectTimes(log: string, server?: string): number[] {
  const re = /^\s*([0-9.]+) I mgos_mqtt: connecting(?: \(mqtt1\))? to (\S+)$/gm;
  const out: number[] = [];
  for (const m of log.matchAll(re)) if (server === undefined || m[2] === server) out.push(Number(m[1]));
  return out;
}

test("backoff: 0.25, 0.5, 1, 2, 2 s (min 0.25, max 2) within the +/-10% jitter", { skip, timeout: 30_000 }, async () => {
  const port = await freePort(); // nothing listens: each attempt is refused at once
  const c = cli("cli", port, ["mqtt.reconnect_timeout_min=0.25", "mqtt.reconnect_timeout_max=2"]);
  try {
    await c.waitErr(/(connecting to [^\n]*\n[\s\S]*){6}/, 12_000);
    const t = connectTimes(c.err);
    const gaps = t.slice(1, 6).map((x, i) => x - t[i]);
    const want = [0.25, 0.5, 1, 2, 2];
    for (let i = 0; i < want.length; i++) {
      // +/-10% jitter, plus a little for scheduling on a shared machine.
      assert.ok(gaps[i] >= want[i] * 0.9 - 0.01 && gaps[i] <= want[i] * 1.1 + 0.08,
        `gap ${i}: ${gaps[i].toFixed(3)} s, want ${want[i]} s +/-10% (all: ${gaps.map((g) => g.toFixed(3)).join(", ")})`);
    }
    await c.waitOut(/^cloud CONNECTERROR$/m, 3000); // stdout: its own pipe
    // Each refused attempt is logged once, by the port, with the address and the reason.
    const refusals = c.err.match(new RegExp(` E mgos_mqtt: connect to 127\\.0\\.0\\.1:${port}: Connection refused$`, "gm")) ?? [];
    assert.ok(refusals.length >= 6 && refusals.length <= connectTimes(c.err).length, c.err);
    assert.equal((c.err.match(/ E mgos_mqtt: /g) ?? []).length, refusals.length, `nothing else logged as an error: ${c.err}`);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});

test("failover: to mqtt1 when the primary accepts but never answers, and back", { skip, timeout: 60_000 }, async () => {
  // The primary: a TCP server that accepts and then says nothing.
  const silent = net.createServer((sock) => { sock.on("error", () => {}); });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
  const silentPort = (silent.address() as net.AddressInfo).port;
  const b = await Broker.start();
  const c = cli("cli", silentPort, ["mqtt.reconnect_timeout_min=0.25", "mqtt.reconnect_timeout_max=0.5", "mqtt.keep_alive=2",
    "mqtt1.enable=true", `mqtt1.server=127.0.0.1:${b.port}`, "mqtt1.reconnect_timeout_min=0.25", "mqtt1.reconnect_timeout_max=0.5"]);
  try {
    await c.waitErr(/switching to the backup server mqtt1/, 30_000);
    await connected(c, 0, 10_000);
    assert.ok(connectTimes(c.err, `127.0.0.1:${silentPort}`).length >= 2, c.err);
    // Stays on mqtt1 while it works; when it goes away, back to the primary.
    const mark = c.err.length;
    await b.stop();
    await c.waitErr(/switching back to the main server mqtt/, 20_000, mark);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
    silent.close();
    await b.close();
  }
});

test("clean_session=false: QoS 1 messages published while offline arrive after reconnect", { skip, timeout: 40_000 }, async () => {
  const p = uniq("persist");
  const sets = [`mqtt.client_id=${p}`, "mqtt.clean_session=false"];
  const c = cli("cli", broker.port, sets);
  try {
    await connected(c);
    c.send(`sub ${p}/t`); // mgos_mqtt_sub subscribes with QoS 1
    await new Promise((r) => setTimeout(r, 500));
    await broker.pub(`${p}/t`, "online", ["-q", "1"]);
    await c.waitOut(new RegExp(`^msg ${p}/t online$`, "m"), 3000);
    let mark = c.out.length;
    c.send("disconnect");
    await c.waitOut(/^ev 5$/m, 3000, mark);
    for (let i = 0; i < 3; i++) await broker.pub(`${p}/t`, `offline${i}`, ["-q", "1"]);
    mark = c.out.length;
    c.send("connect");
    for (let i = 0; i < 3; i++) await c.waitOut(new RegExp(`^msg ${p}/t offline${i}$`, "m"), 5000, mark);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});

test("a topic with a control character is refused at the call: the connection stays and the next message goes (mosquitto 2 would close on it, again after every reconnect)", { skip, timeout: 30_000 }, async () => {
  const p = uniq("ctl");
  const c = cli("cli", broker.port, [`mqtt.client_id=${p}`]);
  try {
    await connected(c);
    c.send(`sub ${p}/ok`);
    await new Promise((r) => setTimeout(r, 500));
    const mark = c.out.length;
    c.send(`pub 1 0 ${p}/a\tb x`);
    await c.waitOut(/^pub 0$/m, 3000, mark);
    c.send(`pub 1 0 ${p}/ok y`);
    await c.waitOut(new RegExp(`^msg ${p}/ok y$`, "m"), 5000, mark);
    await new Promise((r) => setTimeout(r, 1000));
    assert.doesNotMatch(c.out.slice(mark), /^ev 5$/m, "the connection was closed");
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});

test("an app written against the reference mgos_mqtt.h compiles unchanged and works", { skip, timeout: 30_000 }, async (t) => {
  if (progs.refapp === null) {
    t.todo("components/mgos_mqtt/include/mgos_mqtt.h is not there yet");
    return;
  }
  const s = broker.sub(["refapp/#"], ["-q", "1"]);
  await subReady(broker, s, "refapp/ready");
  const app = new Proc("refapp", progs.refapp, ["--set", "mqtt.enable=true", "--set", `mqtt.server=127.0.0.1:${broker.port}`,
    "--set", `mqtt.client_id=${uniq("refapp")}`], sanEnv());
  try {
    await app.waitOut(/^connect_fn for it\d+_\d+_refapp$/m, 5000);
    await app.waitOut(/^CONNACK 0 conn same$/m, 5000);
    await app.waitOut(/^SUBACK \d+$/m, 5000);
    await broker.pub("refapp/in/a", "hello \"you\"", ["-q", "1"]);
    await app.waitOut(/^got refapp\/in\/a: hello "you" \(match 1\)$/m, 5000);
    await s.waitOut(/^refapp\/out \{"echo": "hello \\"you\\"", "n": 1\}$/m, 5000);
    await app.waitOut(/^PUBACK \d+$/m, 5000);
    await new Promise((r) => setTimeout(r, 300)); // the mgos_mqtt_sub SUBSCRIBE
    await broker.pub("refapp/sub", "raw-bytes");
    await app.waitOut(/^sub refapp\/sub raw-bytes$/m, 5000);
    await s.waitOut(/^refapp\/raw raw-bytes$/m, 5000);
    // The will set by the connect_fn is in the CONNECT: SIGKILL shows it.
    app.kill("SIGKILL");
    await s.waitOut(/^refapp\/will gone$/m, 5000);
  } finally {
    app.kill("SIGKILL");
    s.kill();
    await s.wait(2000);
  }
});

test("IPv6 literal server [::1]:port", { skip, timeout: 20_000 }, async (t) => {
  const port6 = await freePort();
  let b: Broker;
  try {
    b = await Broker.start([`listener ${port6} ::1`]);
  } catch (e) {
    // A machine without IPv6 on loopback cannot run this one.
    t.skip(`mosquitto cannot listen on ::1 here: ${String(e).slice(0, 200)}`);
    return;
  }
  try {
    const c = cli("cli6", 0, [`mqtt.server=[::1]:${port6}`]);
    await connected(c);
    await c.waitErr(new RegExp(`connected to \\[::1\\]:${port6}`), 2000);
    await stopClean(c);
  } finally {
    await b.close();
  }
});

test("the port clock wrapping past 2^32 ms keeps the connection and its timers", { skip, timeout: 30_000 }, async () => {
  const p = uniq("wrap");
  // The clock starts 1.5 s before the wrap; keepalive 1 s pings across it.
  const c = cli("cli", broker.port, [`mqtt.client_id=${p}`, "mqtt.keep_alive=1"], { MGOS_MQTT_CLOCK_START: String(2 ** 32 - 1500) });
  try {
    await connected(c);
    await new Promise((r) => setTimeout(r, 4000));
    assert.doesNotMatch(c.out, /^ev 5$/m, "the connection dropped across the wrap");
    const mark = c.out.length;
    c.send(`pub 1 0 ${p}/t after-wrap`);
    const id = (await c.waitOut(/^pub (\d+)$/m, 3000, mark))[1];
    await c.waitOut(new RegExp(`^ev 204 id=${id} `, "m"), 3000, mark);
    await c.waitOut(/^ev 213/m, 3000); // PINGRESP reached the global handler
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});

test("log: each PINGREQ and PINGRESP at the debug level (MGOS_MQTT_LOG_LEVEL=3), not at the info level (2, the default outside the tests)", { skip, timeout: 30_000 }, async () => {
  const debug = cli("cli-ping-debug", broker.port, [`mqtt.client_id=${uniq("pingd")}`, "mqtt.keep_alive=1"], { MGOS_MQTT_LOG_LEVEL: "3" });
  const quiet = cli("cli-ping-quiet", broker.port, [`mqtt.client_id=${uniq("pingq")}`, "mqtt.keep_alive=1"], { MGOS_MQTT_LOG_LEVEL: "2" });
  try {
    await debug.waitErr(/ D mgos_mqtt: PINGREQ\n[\s\S]* D mgos_mqtt: PINGRESP\n/, 6000);
    await quiet.waitOut(/^ev 213/m, 6000); // a PINGRESP reached the application
    await stopClean(debug);
    await stopClean(quiet);
    assert.doesNotMatch(quiet.err, /PINGREQ|PINGRESP/);
  } finally {
    debug.kill("SIGKILL");
    quiet.kill("SIGKILL");
  }
});
