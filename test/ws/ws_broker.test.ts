// MQTT over WebSocket end to end: the host client (generated C + POSIX port +
// tls_mbedtls.c, ASan/UBSan/LSan, test/integration/mqtt_cli.c) with
// mqtt.ws_enable against aedes behind the `ws` package on 127.0.0.1
// (support/wsbroker.ts), over ws:// and wss:// (test certificates from
// test/tls). The peer is MQTT.js on the same broker's TCP listener.
//   - the Upgrade request as the server saw it (path, Host, subprotocol, version)
//   - QoS 0/1/2 both ways, a message larger than one WebSocket frame, the will
//   - the server closes the WebSocket (Close 1001): the client answers with
//     the same code, reconnects and re-subscribes; the listener goes away and
//     comes back: backoff, then reconnect
//   - mgos_mqtt_global_disconnect: DISCONNECT, then a Close 1000 from the client
//   - a wrong ws_path: the 400 is logged, connect-error event, retried
//   - mqtt1 with its own ws_enable: failover from a dead plain-TCP server
//   - a hostile server of our own (bad Sec-WebSocket-Accept, a masked frame,
//     a text frame, an oversized frame): each logged with its reason, the
//     connection closed, and the client tries again
// Every client exits 0 on SIGTERM with no sanitizer report (leaks included).
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import { Proc, Programs, WS_ON, buildPrograms, missingTools, sanEnv, stopClean, haveTool } from "../integration/support/harness";
import { Pki, makePki } from "../tls/support/pki";
import { WsBroker, readPem } from "./support/wsbroker";
import { decodeClient } from "./support/frames";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqtt = require("mqtt") as typeof import("mqtt");

const skip = missingTools() ?? (haveTool("openssl") ? undefined : "missing Debian tool: openssl (apt-get install openssl)");

let progs: Programs;
let pki: Pki;
let broker: WsBroker;
let seq = 0;
const uniq = (name: string) => `ws${process.pid}_${seq++}_${name}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

before(async () => {
  if (skip) return;
  progs = await buildPrograms(WS_ON); // WebSocket is off by default in C
  pki = await makePki();
  broker = await WsBroker.start({ cert: readPem(pki.pem("server")), key: readPem(pki.key("server")) });
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
  if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
});

/** The scriptable client over ws:// (mqtt enabled, short backoff) with `--set` overrides. */
function cli(name: string, sets: string[]): Proc {
  const args: string[] = [];
  const base = ["mqtt.enable=true", "mqtt.ws_enable=true", `mqtt.server=127.0.0.1:${broker.wsPort}`, `mqtt.client_id=${name}`,
    "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=0.4"];
  for (const s of [...base, ...sets]) args.push("--set", s);
  return new Proc(name, progs.cli, args, sanEnv(), true);
}

/** MQTT.js on the broker's TCP listener; resolves once connected. */
async function peer(): Promise<import("mqtt").MqttClient> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${broker.tcpPort}`, { clientId: uniq("peer"), reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => { c.once("connect", () => resolve()); c.once("error", reject); });
  return c;
}

/** Messages a peer receives, by topic, with their QoS. */
function collect(c: import("mqtt").MqttClient): { topic: string; payload: string; qos: number }[] {
  const got: { topic: string; payload: string; qos: number }[] = [];
  c.on("message", (topic, payload, packet) => got.push({ topic, payload: payload.toString(), qos: packet.qos }));
  return got;
}

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const count = (text: string, re: RegExp) => (text.match(new RegExp(re.source, "g")) ?? []).length;

test("ws://: the Upgrade request, QoS 0/1/2 both ways, a message over several frames, DISCONNECT then Close 1000", { skip, timeout: 120_000 }, async () => {
  const t = uniq("flow");
  const p = await peer();
  const got = collect(p);
  await p.subscribeAsync(`${t}/up/#`, { qos: 2 });
  const before = broker.upgrades.length;
  const c = cli(t, []);
  try {
    await c.waitOut(/^ev 202 /m, 20_000);
    const up = broker.upgrades[before];
    assert.ok(up, "the broker saw no Upgrade");
    assert.equal(up.url, "/mqtt");
    assert.equal(up.headers.host, `127.0.0.1:${broker.wsPort}`);
    assert.equal(up.headers["sec-websocket-protocol"], "mqtt");
    assert.equal(up.headers["sec-websocket-version"], "13");
    assert.equal(Buffer.from(String(up.headers["sec-websocket-key"]), "base64").length, 16);
    assert.equal(up.secure, false);

    // Device -> peer at each QoS, and one message that needs two 1 KiB frames
    // (within the session's 2 KiB tx buffer: larger publishes are another issue's).
    const big = "B".repeat(1800);
    c.send(`pub 0 0 ${t}/up/q0 hello0`);
    c.send(`pub 1 0 ${t}/up/q1 hello1`);
    c.send(`pub 2 0 ${t}/up/q2 hello2`);
    c.send(`pub 1 0 ${t}/up/big ${big}`);
    await until("4 messages at the peer", () => got.length >= 4, 15_000).catch((e: Error) => {
      throw new Error(`${e.message}; got ${JSON.stringify(got.map((m) => m.topic))}\n--- client stdout:\n${c.out}\n--- stderr:\n${c.err.slice(-3000)}`);
    });
    await c.waitOut(/^ev 207 /m, 10_000); // PUBCOMP of the QoS 2 message
    const byTopic = new Map(got.map((m) => [m.topic, m]));
    assert.deepEqual(byTopic.get(`${t}/up/q0`), { topic: `${t}/up/q0`, payload: "hello0", qos: 0 });
    assert.deepEqual(byTopic.get(`${t}/up/q1`), { topic: `${t}/up/q1`, payload: "hello1", qos: 1 });
    assert.deepEqual(byTopic.get(`${t}/up/q2`), { topic: `${t}/up/q2`, payload: "hello2", qos: 2 });
    assert.equal(byTopic.get(`${t}/up/big`)?.payload, big);

    // Peer -> device at each QoS (a QoS 2 subscription), exactly once each.
    c.send(`subq 2 ${t}/down/#`);
    await c.waitOut(/^tev 209 /m, 10_000);
    await p.publishAsync(`${t}/down/q0`, "d0", { qos: 0 });
    await p.publishAsync(`${t}/down/q1`, "d1", { qos: 1 });
    await p.publishAsync(`${t}/down/q2`, "d2", { qos: 2 });
    await p.publishAsync(`${t}/down/big`, "D".repeat(2000), { qos: 1 });
    for (const [k, q, pl] of [["q0", 0, "d0"], ["q1", 1, "d1"], ["q2", 2, "d2"], ["big", 1, "D".repeat(2000)]] as const) {
      await c.waitOut(new RegExp(`^tev 203 id=\\d+ qos=${q} code=0 topic=${t}/down/${k} payload=${pl}$`, "m"), 10_000);
    }
    await sleep(300);
    assert.equal(count(c.out, new RegExp(`topic=${t}/down/q2 `)), 1, "QoS 2 delivered exactly once");

    // A clean disconnect: DISCONNECT, then our Close frame with 1000.
    const closesBefore = broker.closes.length;
    c.send("disconnect");
    await c.waitOut(/^ev 5$/m, 10_000);
    await until("the server to see the client's Close", () => broker.closes.length > closesBefore, 5000);
    // aedes destroys the stream on DISCONNECT: when the Close frame arrives in a
    // later read than the DISCONNECT, the socket is already gone (1006). The
    // Close 1000 bytes themselves are checked in the "stays silent" test below.
    assert.ok([1000, 1006].includes(broker.closes[closesBefore].code), `close code ${broker.closes[closesBefore].code}`);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
    await p.endAsync();
  }
});

test("ws://: the will is published when the device vanishes", { skip, timeout: 60_000 }, async () => {
  const t = uniq("will");
  const p = await peer();
  const got = collect(p);
  await p.subscribeAsync(`${t}/will`, { qos: 1 });
  const c = cli(t, [`mqtt.will_topic=${t}/will`, "mqtt.will_message=gone", "mqtt.keep_alive=2"]);
  try {
    await c.waitOut(/^ev 202 /m, 20_000);
    c.kill("SIGKILL"); // no DISCONNECT, no Close frame: the broker must publish the will
    await until("the will at the peer", () => got.some((m) => m.topic === `${t}/will`), 15_000);
    assert.equal(got.find((m) => m.topic === `${t}/will`)?.payload, "gone");
  } finally {
    c.kill("SIGKILL");
    await p.endAsync();
  }
});

test("ws://: the server closes the WebSocket, then the listener goes away: Close answered, reconnect, re-subscribe", { skip, timeout: 120_000 }, async () => {
  const t = uniq("recon");
  const p = await peer();
  const c = cli(t, []);
  try {
    await c.waitOut(/^ev 202 /m, 20_000);
    c.send(`subq 1 ${t}/r/#`);
    await c.waitOut(/^tev 209 /m, 10_000);

    // 1. A Close frame from the server: the client echoes 1001 and comes back.
    const closesBefore = broker.closes.length;
    assert.ok(broker.dropClients(1001, "going away") >= 1);
    await c.waitErr(/WebSocket: server closed the connection: 1001 going away/, 10_000);
    await until("the echo of the Close", () => broker.closes.length > closesBefore, 5000);
    assert.equal(broker.closes[closesBefore].code, 1001, "the client answers with the server's code");
    await c.waitOut(/^ev 5$/m, 10_000);
    const from = c.out.length;
    await c.waitOut(/^ev 202 /m, 20_000, from);
    await c.waitOut(/^tev 209 /m, 10_000, from); // the subscription was sent again
    await p.publishAsync(`${t}/r/1`, "after-close", { qos: 1 });
    await c.waitOut(new RegExp(`^tev 203 .* topic=${t}/r/1 payload=after-close$`, "m"), 10_000);

    // 2. The listener stops (no Close frame): backoff, attempts fail, then it is back.
    const from2 = c.out.length;
    await broker.stopWs();
    await c.waitOut(/^ev 5$/m, 10_000, from2);
    await c.waitOut(/^cloud CONNECTERROR$/m, 10_000, from2);
    await broker.listenWs();
    await c.waitOut(/^ev 202 /m, 20_000, from2);
    await c.waitOut(/^tev 209 /m, 10_000, from2);
    await p.publishAsync(`${t}/r/2`, "after-restart", { qos: 2 });
    await c.waitOut(new RegExp(`^tev 203 .* topic=${t}/r/2 payload=after-restart$`, "m"), 10_000);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
    await p.endAsync();
  }
});

test("wss://: the same over TLS (ssl_ca_cert), QoS 1 and 2 both ways", { skip, timeout: 120_000 }, async () => {
  const t = uniq("wss");
  const p = await peer();
  const got = collect(p);
  await p.subscribeAsync(`${t}/up/#`, { qos: 2 });
  const before = broker.upgrades.length;
  const c = cli(t, [`mqtt.server=localhost:${broker.wssPort}`, `mqtt.ssl_ca_cert=${pki.pem("ca")}`]);
  try {
    await c.waitOut(/^ev 202 /m, 20_000);
    const up = broker.upgrades[before];
    assert.ok(up?.secure, "the Upgrade came over TLS");
    assert.equal(up.headers.host, `localhost:${broker.wssPort}`);
    c.send(`pub 1 0 ${t}/up/a tls1`);
    c.send(`pub 2 0 ${t}/up/b tls2`);
    await until("2 messages at the peer", () => got.length >= 2, 15_000);
    assert.deepEqual(got.map((m) => `${m.topic} ${m.payload} ${m.qos}`).sort(), [`${t}/up/a tls1 1`, `${t}/up/b tls2 2`]);
    c.send(`subq 2 ${t}/down/#`);
    await c.waitOut(/^tev 209 /m, 10_000);
    await p.publishAsync(`${t}/down/x`, "over-wss", { qos: 2 });
    await c.waitOut(new RegExp(`^tev 203 id=\\d+ qos=2 code=0 topic=${t}/down/x payload=over-wss$`, "m"), 10_000);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
    await p.endAsync();
  }
});

test("a wrong ws_path: the server's answer is logged, connect error, retried with backoff", { skip, timeout: 60_000 }, async () => {
  const t = uniq("path");
  const c = cli(t, ["mqtt.ws_path=/nope"]);
  try {
    await c.waitErr(/WebSocket: handshake refused, the server answered: HTTP\/1\.1 400 Bad Request/, 20_000);
    await c.waitOut(/^cloud CONNECTERROR$/m, 10_000);
    await until("a second attempt", () => count(c.err, /handshake refused/) >= 2, 10_000);
    assert.ok(!/^ev 202 /m.test(c.out));
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});

test("mqtt1 has its own ws_enable: a dead plain-TCP main server fails over to a WebSocket backup", { skip, timeout: 60_000 }, async () => {
  const t = uniq("failover");
  const dead = await new Promise<number>((resolve) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => { const p = (srv.address() as net.AddressInfo).port; srv.close(() => resolve(p)); });
  });
  const before = broker.upgrades.length;
  const c = cli(t, ["mqtt.ws_enable=false", `mqtt.server=127.0.0.1:${dead}`, "mqtt1.enable=true", "mqtt1.ws_enable=true",
    `mqtt1.server=127.0.0.1:${broker.wsPort}`, `mqtt1.client_id=${t}`, "mqtt1.reconnect_timeout_min=0.2", "mqtt1.reconnect_timeout_max=0.4"]);
  try {
    await c.waitErr(/switching to the backup server mqtt1/, 20_000);
    await c.waitOut(/^ev 202 /m, 20_000);
    assert.ok(broker.upgrades.length > before, "the backup was reached through the WebSocket");
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
  }
});

// ---------------------------------------------------------------- a hostile server of our own

/** The accept value for a key (RFC 6455 section 4.2.2), computed with Node's crypto. */
function acceptFor(key: string): string {
  return crypto.createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
}

/** A TCP server that answers each Upgrade with `reply(key)` and counts connections;
 *  `onData` sees every byte the client sends, `onEnd` when a client closes. */
async function hostile(reply: (key: string) => Buffer, onData?: (d: Buffer) => void, onEnd?: () => void):
  Promise<{ port: number; conns: () => number; close: () => Promise<void> }> {
  let n = 0;
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    n++;
    socks.add(s);
    s.on("close", () => socks.delete(s));
    s.on("error", () => { /* the client closed */ });
    let buf = "";
    s.on("end", () => onEnd?.());
    s.on("data", (d) => {
      onData?.(d);
      if (buf.includes("\r\n\r\n")) return;
      buf += d.toString("latin1");
      const m = /Sec-WebSocket-Key: (\S+)/i.exec(buf);
      if (buf.includes("\r\n\r\n") && m) {
        const r = reply(m[1]);
        if (r.length > 0) s.write(r);
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    conns: () => n,
    close: () => new Promise<void>((r) => { for (const s of socks) s.destroy(); srv.close(() => r()); }),
  };
}

const ok101 = (key: string) =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n`;

const hostileCases: { name: string; reply: (key: string) => Buffer; log: RegExp }[] = [
  {
    name: "a wrong Sec-WebSocket-Accept",
    reply: (key) => Buffer.from(ok101(key).replace(acceptFor(key), acceptFor(key + "x")), "latin1"),
    log: /WebSocket: wrong Sec-WebSocket-Accept: /,
  },
  {
    name: "a masked frame from the server",
    reply: (key) => Buffer.concat([Buffer.from(ok101(key), "latin1"), Buffer.from([0x82, 0x82, 1, 2, 3, 4, 0x20 ^ 1, 0x02 ^ 2])]),
    log: /WebSocket: masked frame from the server/,
  },
  {
    name: "a text frame",
    reply: (key) => Buffer.concat([Buffer.from(ok101(key), "latin1"), Buffer.from([0x81, 0x02, 0x20, 0x02])]),
    log: /WebSocket: text frame \(MQTT needs binary frames\)/,
  },
  {
    name: "an oversized frame",
    reply: (key) => Buffer.concat([Buffer.from(ok101(key), "latin1"), Buffer.from([0x82, 0x7f, 0, 0, 0, 1, 0, 0, 0, 0])]),
    log: /WebSocket: frame too big/,
  },
];

test("a server that never answers the Upgrade: given up after the handshake timeout, connect error, retried", { skip, timeout: 60_000 }, async () => {
  const h = await hostile(() => Buffer.alloc(0));
  const c = cli(uniq("silent"), [`mqtt.server=127.0.0.1:${h.port}`]);
  try {
    const t0 = Date.now();
    await c.waitErr(/WebSocket: no handshake response in time/, 20_000);
    assert.ok(Date.now() - t0 >= 2500, "not before the 3 s timeout of the test build");
    await c.waitOut(/^cloud CONNECTERROR$/m, 5000);
    await until("a second connection", () => h.conns() >= 2, 10_000);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
    await h.close();
  }
});

test("a server that upgrades, then stays silent: no CONNACK in time, Close 1000, socket closed after the close wait", { skip, timeout: 60_000 }, async () => {
  const got: Buffer[] = [];
  let closedAt = 0;
  const h = await hostile((key) => Buffer.from(ok101(key), "latin1"), (d) => got.push(d), () => { if (closedAt === 0) closedAt = Date.now(); });
  const c = cli(uniq("mute"), [`mqtt.server=127.0.0.1:${h.port}`]);
  try {
    await c.waitErr(/no CONNACK in time/, 20_000);
    const closeSent = Date.now();
    await until("the client to close the socket", () => closedAt !== 0, 10_000);
    // The bytes after the Upgrade: a masked binary frame holding CONNECT, then Close 1000.
    const all = Buffer.concat(got);
    const frames = decodeClient(all.subarray(all.indexOf("\r\n\r\n") + 4));
    assert.equal(frames[0].op, 2);
    assert.equal(frames[0].masked, true);
    assert.equal(frames[0].payload[0], 0x10, "CONNECT");
    const close = frames.find((f) => f.op === 8);
    assert.ok(close, "a Close frame");
    assert.equal(close.payload.readUInt16BE(0), 1000);
    assert.ok(closedAt - closeSent >= 1000, `the client waited for the server's Close (${closedAt - closeSent} ms)`);
    await until("a second connection", () => h.conns() >= 2, 10_000);
    await stopClean(c);
  } finally {
    c.kill("SIGKILL");
    await h.close();
  }
});

for (const hc of hostileCases) {
  test(`a hostile server sends ${hc.name}: logged, closed, retried`, { skip, timeout: 60_000 }, async () => {
    const h = await hostile(hc.reply);
    const c = cli(uniq("hostile"), [`mqtt.server=127.0.0.1:${h.port}`]);
    try {
      await c.waitErr(hc.log, 20_000);
      await until("a second connection", () => h.conns() >= 2, 10_000);
      assert.ok(!/^ev 202 /m.test(c.out), "never connected");
      await stopClean(c);
    } finally {
      c.kill("SIGKILL");
      await h.close();
    }
  });
}
