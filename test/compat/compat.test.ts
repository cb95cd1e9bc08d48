// Code written for the reference (the Mongoose OS shadows, RPC over MQTT, the
// GCP/Azure connectors) behaves as it did there: each usage pattern of those
// libraries, reproduced by our own C program (compat_app.c) under ASan/UBSan,
// against a real mosquitto on 127.0.0.1 with a decoding relay (support/sniff.ts)
// in between to count what the client puts on the wire.
import { test, before, after } from "node:test";
import * as assert from "node:assert/strict";
import { Broker, Proc, missingTools, sanEnv, stopClean, subReady } from "../integration/support/harness";
import { buildCompatApp } from "./support/build";
import { Sniffer } from "./support/sniff";

const skip = missingTools();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
let bin = "";
let broker: Broker;

before(async () => {
  if (skip) return;
  bin = await buildCompatApp();
  broker = await Broker.start();
}, { timeout: 600_000 });

after(async () => {
  if (broker) await broker.close();
});

function app(mode: string, port: number, sets: string[]): Proc {
  const args = [mode];
  for (const s of [`mqtt.server=127.0.0.1:${port}`, "mqtt.reconnect_timeout_min=0.2", "mqtt.reconnect_timeout_max=1", ...sets]) args.push("--set", s);
  return new Proc(mode, bin, args, sanEnv());
}

/** Numbers of all matches of `re` (one capture group) in `text`. */
function all(re: RegExp, text: string): number[] {
  return [...text.matchAll(new RegExp(re.source, "gm"))].map((m) => Number(m[1]));
}

test("shadow-style client: one SUBSCRIBE with its own id, SUBACK matched, state request from MG_EV_POLL, one PUBACK, resubscribe on every CONNACK across broker restarts",
  { skip, timeout: 120_000 }, async () => {
    const sn = new Sniffer(broker.port);
    await sn.start();
    const gets = broker.sub(["compat/shadow/get"], ["-q", "1"]);
    await subReady(broker, gets, "compat/shadow/get");
    const a = app("shadow", sn.port, ["mqtt.enable=true", "mqtt.client_id=compat-shadow"]);
    try {
      // Item 2: ONE SUBSCRIBE carrying all three topics and the caller's id; its SUBACK comes back with that id.
      const m = await a.waitOut(/^subscribed id=(\d+)$/m, 15_000);
      const id = Number(m[1]);
      const subs = sn.sent.filter((s) => s.cmd === "subscribe");
      assert.equal(subs.length, 1, "one SUBSCRIBE for the three topics");
      assert.equal(subs[0].messageId, id, "with the id from mgos_mqtt_get_packet_id()");
      assert.deepEqual(subs[0].topics, ["compat/shadow/get/accepted", "compat/shadow/update/delta", "compat/shadow/update/accepted"]);
      assert.doesNotMatch(a.out, /suback of another id/);

      // Item 1: MG_EV_POLL reaches the global handler; the state request goes out from it.
      await a.waitOut(/^get sent id=\d+ from MG_EV_POLL$/m, 5000);
      await gets.waitOut(/^compat\/shadow\/get \{"clientToken":"t1"\}$/m, 5000);
      // At the reference's rate: at least once a second while connected (more after I/O); ev_data is mg_time().
      const from = a.out.length;
      await a.waitOut(/^polls \d+ connected \d+ time-ok 1$/m, 5000, from);
      const o2 = a.out.length;
      await sleep(3000);
      await a.waitOut(/^polls \d+ connected \d+ time-ok 1$/m, 5000, o2);
      const conn = all(/^polls \d+ connected (\d+) time-ok 1$/, a.out.slice(from));
      const rate = (conn[conn.length - 1] - conn[0]) / (conn.length - 1);
      // One a second by design; the bound is generous for a loaded machine (the figure is printed).
      assert.ok(rate >= 0.5, `MG_EV_POLL while connected: ${rate.toFixed(1)} per second (lines ${conn.join(", ")})`);
      process.stdout.write(`# MG_EV_POLL while idle-connected: ${rate.toFixed(1)} per second\n`);

      // Item 4: a QoS 1 message only the global handler took: its own mg_mqtt_puback is the only PUBACK.
      await broker.pub("compat/shadow/update/delta", "{\"state\":{\"on\":true}}", ["-q", "1"]);
      const pm = await a.waitOut(/^publish compat\/shadow\/update\/delta qos=1 id=(\d+)/m, 5000);
      await sleep(1000);
      assert.equal(sn.count("puback", Number(pm[1])), 1, "exactly one PUBACK for that id");

      // Item 3: the library keeps nothing of a raw subscribe, so subscribing again on every
      // CONNACK never fills a table (3 topics a time: 8 slots were full at the third CONNACK).
      for (let i = 0; i < 4; i++) {
        const o = a.out.length;
        await broker.stop();
        await a.waitOut(/^closed$/m, 10_000, o);
        await broker.restart();
        await a.waitOut(/^subscribed id=\d+$/m, 15_000, o);
      }
      const ids = all(/^subscribe id=(\d+) n=\d+$/, a.out);
      const acked = all(/^subscribed id=(\d+)$/, a.out);
      assert.equal(ids.length, 5);
      assert.deepEqual(acked, ids, "every SUBACK matched its own SUBSCRIBE's id");
      const perConn = sn.sent.filter((s) => s.cmd === "subscribe");
      assert.equal(perConn.length, 5, "one SUBSCRIBE per connection: nothing re-sent by the library");
      assert.doesNotMatch(a.err, /table full/);
      await stopClean(a);
    } finally {
      a.kill("SIGKILL");
      gets.kill("SIGKILL");
      await sn.close();
    }
  });

test("RPC-style channel: requests through a topic handler (acked once by the library), replies by raw QoS 1 mg_mqtt_publish of a few hundred bytes",
  { skip, timeout: 60_000 }, async () => {
    const sn = new Sniffer(broker.port);
    await sn.start();
    const resp = broker.sub(["compat/rpc/resp"], ["-q", "1"]);
    await subReady(broker, resp, "compat/rpc/resp");
    const a = app("rpc", sn.port, ["mqtt.enable=true", "mqtt.client_id=compat-rpc"]);
    try {
      await a.waitOut(/^rpc subscribed$/m, 15_000);
      const sizes = [10, 200, 400, 900];
      for (const n of sizes) {
        await broker.pub("compat/rpc/req", String(n), ["-q", "1"]);
        await resp.waitOut(new RegExp(`^compat/rpc/resp \\{r{${n - 1}}$`, "m"), 5000);
      }
      await sleep(500);
      const pubs = sn.sent.filter((s) => s.cmd === "publish" && s.topics[0] === "compat/rpc/resp");
      assert.equal(pubs.length, sizes.length);
      assert.ok(pubs.every((p) => p.qos === 1));
      assert.equal(sn.count("puback"), sizes.length, "one library PUBACK per request (a topic handler took it)");
      await stopClean(a);
    } finally {
      a.kill("SIGKILL");
      resp.kill("SIGKILL");
      await sn.close();
    }
  });

test("connector: set_config/conn_create2 copy the strings (the caller frees them at once: no ASan report), NULL defaults, oversize refused",
  { skip, timeout: 60_000 }, async () => {
    const sn = new Sniffer(broker.port);
    await sn.start();
    const s = broker.sub(["compat/conn/#"], ["-q", "1"]);
    await subReady(broker, s, "compat/conn/ready");
    // mqtt.enable is false in the system config: the connector's set_config enables it.
    const a = app("connector", sn.port, []);
    try {
      await a.waitOut(/^defaults: ssl_ca_cert \(null\) user \(null\) will_topic \(null\)$/m, 10_000);
      await a.waitOut(/^ssl_ca_cert == NULL: a connector would set "ca.pem"$/m, 1000);
      await a.waitOut(/^oversized set_config -> false$/m, 1000);
      await a.waitErr(/config strings do not fit MGOS_MQTT_CONN_STR_SIZE \(raise it\); bytes needed: 6\d\d/, 5000);
      await a.waitOut(/^set_config -> true$/m, 1000);
      await a.waitOut(/^conn_create2 -> ok$/m, 1000);
      await a.waitOut(/^global connected$/m, 15_000);
      await a.waitOut(/^second connected$/m, 15_000);
      await s.waitOut(/^compat\/conn\/global up$/m, 5000);
      await s.waitOut(/^compat\/conn\/second up$/m, 5000);
      const connects = sn.sent.filter((x) => x.cmd === "connect");
      assert.deepEqual(connects.map((c) => c.clientId).sort(), ["compat-connector", "compat-second"]);
      assert.equal(connects.find((c) => c.clientId === "compat-connector")!.username, "azure-user");
      await stopClean(a);
    } finally {
      a.kill("SIGKILL");
      s.kill("SIGKILL");
      await sn.close();
    }
  });

test("mg_connection.flags: MG_F_CLOSE_IMMEDIATELY from a connect_fn and a handler, MG_F_SEND_AND_CLOSE after a publish; each reconnects",
  { skip, timeout: 60_000 }, async () => {
    const sn = new Sniffer(broker.port);
    await sn.start();
    const s = broker.sub(["compat/flags/#"], ["-q", "1"]);
    await subReady(broker, s, "compat/flags/ready");
    const a = app("flags", sn.port, ["mqtt.enable=true", "mqtt.client_id=compat-flags"]);
    try {
      await a.waitOut(/^connect_fn closes$/m, 10_000);
      await a.waitOut(/^connack 1$/m, 10_000);
      await a.waitOut(/^closed after round 1$/m, 5000);
      await a.waitOut(/^connack 2$/m, 10_000);
      await s.waitOut(/^compat\/flags\/last before-close$/m, 5000);
      await a.waitOut(/^closed after round 2$/m, 5000);
      await a.waitOut(/^connack 3$/m, 10_000);
      await a.waitOut(/^stays connected$/m, 1000);
      assert.equal(sn.count("connect"), 3, "the connect_fn's attempt sent no CONNECT");
      assert.ok(sn.connections >= 4, `${sn.connections} TCP connections`);
      assert.doesNotMatch(a.err, /did not call mg_send_mqtt_handshake_opt/);
      await stopClean(a);
    } finally {
      a.kill("SIGKILL");
      s.kill("SIGKILL");
      await sn.close();
    }
  });

test("require_time: no connection while the (fake) clock is unset, connects once it is set", { skip, timeout: 60_000 }, async () => {
  const sn = new Sniffer(broker.port);
  await sn.start();
  const a = app("reqtime", sn.port, ["mqtt.enable=true", "mqtt.client_id=compat-time", "mqtt.require_time=true"]);
  try {
    await a.waitOut(/^clock set$/m, 10_000);
    assert.equal(sn.connections, 0, "no TCP connection before the clock was set");
    await a.waitErr(/clock not set, waiting \(mqtt\.require_time\)/, 5000);
    await a.waitOut(/^connected at fake time 1767225600$/m, 10_000);
    await stopClean(a);
  } finally {
    a.kill("SIGKILL");
    await sn.close();
  }
  // Control: without require_time the same unset clock does not hold the connection back.
  const sn2 = new Sniffer(broker.port);
  await sn2.start();
  const b = app("reqtime", sn2.port, ["mqtt.enable=true", "mqtt.client_id=compat-time2"]);
  try {
    await b.waitOut(/^connected at fake time 0$/m, 10_000);
    await stopClean(b);
  } finally {
    b.kill("SIGKILL");
    await sn2.close();
  }
});

test("global and topic handlers have tables of their own: 8 topic handlers leave room for 8 global ones", { skip, timeout: 60_000 }, async () => {
  const a = app("handlers", broker.port, ["mqtt.enable=true", "mqtt.client_id=compat-handlers"]);
  try {
    await a.waitOut(/^global handlers called: 8 of 8$/m, 15_000);
    assert.doesNotMatch(a.err, /HANDLERS reached/);
    await stopClean(a);
  } finally {
    a.kill("SIGKILL");
  }
});
