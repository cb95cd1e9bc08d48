// The mgos API layer (ts-src/mgos) under Node: dispatch rules, reconnect
// backoff and failover, max_qos, unsub, packet ids, connect_fn, disconnect,
// cloud events. Real session, codec and config; the socket and the clock are
// the fake port of support/fake.ts (deterministic, nothing sleeps).

import { test, beforeEach } from "node:test";
import * as assert from "node:assert/strict";
import { FakePort, Sent } from "./support/fake";
import { PacketType } from "../../ts-src/mqtt/packet";
import { mg_connection, mg_mqtt_message, mg_send_mqtt_handshake_opts, MG_EV, MG_F, MGOS_EVENT } from "../../ts-src/mgos/mg_types";
import {
  mgos_mqtt_init, mgos_mqtt_add_global_handler, mgos_mqtt_sub, mgos_mqtt_unsub, global_subscribe, pub_bytes,
  mgos_mqtt_global_connect, mgos_mqtt_global_disconnect, mgos_mqtt_global_is_connected, mgos_mqtt_get_global_conn,
  mgos_mqtt_set_max_qos, mgos_mqtt_get_packet_id, mgos_mqtt_num_unsent_bytes, mgos_mqtt_set_connect_fn, mgos_mqtt_get_global,
} from "../../ts-src/mgos/facade";
import {
  create2, mgos_mqtt_conn_sub, mgos_mqtt_conn_add_handler, mgos_mqtt_conn_is_connected, mgos_mqtt_conn_from_nc,
  pub_bytes as conn_pub_bytes, conn_slot,
} from "../../ts-src/mgos/conn";
import { handshake, raw_subscribe, raw_unsubscribe, mg_mqtt_puback, match_topic, mg_mqtt_ping } from "../../ts-src/mgos/mg_mqtt";
import { mgos_config_mqtt } from "../../ts-src/config/config_schema";
import { mgos_sys_config_get_mqtt, mgos_sys_config_get_mqtt1 } from "../../ts-src/config/config_sys";
import { set_config as facade_set_config } from "../../ts-src/mgos/facade";
import { bytes } from "./support/fake";
import { mgos_mqtt_config_set } from "../../ts-src/config/config";
import { HandlerKind } from "../../ts-src/mgos/conn";
import { MGOS_MQTT_ERR } from "../../ts-src/mqtt/delivery";
import { LogLevel } from "../../ts-src/mqtt/session";

const fp = new FakePort().install();
beforeEach(() => fp.reset());

interface Call { who: string; ev: number; topic: string; payload: string; id: number }
let calls: Call[] = [];

/** An mg_event_handler_t that records what it gets, labelled `who`. */
function recorder(who: string) {
  return (_nc: mg_connection, ev: number, evd: unknown, _ud: unknown): void => {
    if (ev === MG_EV.POLL) return; // ev_data is the poll's time, not a message (test "MG_EV_POLL" counts them)
    const m = evd as mg_mqtt_message | null;
    calls.push({ who, ev, topic: m ? m.topic.p!.slice(0, m.topic.len) : "", payload: m ? m.payload.p! : "", id: m ? m.message_id : -1 });
  };
}

/** Global connection enabled on 127.0.0.1:1883, connected (CONNACK 0). */
function connectGlobal(...extra: string[]): void {
  fp.config("mqtt.enable=true", "mqtt.server=127.0.0.1:1883", ...extra);
  mgos_mqtt_init();
  const c = fp.nextConnect();
  assert.equal(c.slot, 0);
  fp.handshake(0);
  assert.ok(mgos_mqtt_global_is_connected());
}

const ofType = (s: Sent[], t: number): Sent[] => s.filter((x) => x.type === t);

test("connect: server host:port, CONNECT from the config, CONNACK -> handlers, cloud events", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("g"), null);
  fp.config("mqtt.enable=true", "mqtt.server=broker.local:1884", "mqtt.user=u", "mqtt.pass=p", "mqtt.keep_alive=30",
    "mqtt.will_topic=dev/status", "mqtt.will_message=gone");
  mgos_mqtt_init();
  const req = fp.nextConnect();
  assert.deepEqual([req.host, req.port, req.tls], ["broker.local", 1884, -1]);
  assert.equal(mgos_mqtt_get_global_conn(), null, "no mg_connection before CONNACK");
  fp.accept(0);
  const [c] = fp.read(0);
  assert.equal(c.type, PacketType.CONNECT);
  assert.deepEqual([c.clientId, c.userName, c.password, c.keepAlive, c.willTopic, c.willMessage], ["fake_device", "u", "p", 30, "dev/status", "gone"]);
  fp.connack(0, 0);
  assert.ok(mgos_mqtt_global_is_connected());
  assert.notEqual(mgos_mqtt_get_global_conn(), null);
  assert.deepEqual(calls.map((x) => [x.who, x.ev]), [["g", MG_EV.MQTT_CONNACK]]);
  assert.deepEqual(fp.events.map((e) => e.ev), [MGOS_EVENT.CLOUD_CONNECTING, MGOS_EVENT.CLOUD_CONNECTED]);
  assert.ok(fp.events.every((e) => e.type === 0), "mgos_cloud_arg.type is MGOS_CLOUD_MQTT");
});

test("server forms: bare host 1883, [v6]:port, TLS default 8883, bad port rejected", () => {
  const cases: [string[], string, number, boolean][] = [
    [["mqtt.server=example.org"], "example.org", 1883, false],
    [["mqtt.server=[::1]:1885"], "::1", 1885, false],
    [["mqtt.server=[::1]"], "::1", 1883, false],
    [["mqtt.server=h", "mqtt.ssl_ca_cert=ca.pem"], "h", 8883, true],
  ];
  for (const [cfg, host, port, tls] of cases) {
    fp.reset();
    fp.config("mqtt.enable=true", ...cfg);
    mgos_mqtt_init();
    const r = fp.nextConnect();
    assert.deepEqual([r.host, r.port, r.tls >= 0], [host, port, tls], cfg.join(" "));
  }
  fp.reset();
  // The config loader refuses such a port; a firmware can still write the
  // struct directly, and the connection checks again.
  assert.equal(mgos_mqtt_config_set("mqtt.server=h:99999"), 5);
  fp.config("mqtt.enable=true", "mqtt.server=h:1883");
  mgos_sys_config_get_mqtt().server = "h:99999";
  mgos_mqtt_init();
  fp.advance(100);
  assert.equal(fp.connects.length, 0);
  assert.ok(fp.logs.some((l) => l.text === "mqtt.server not set or bad: h:99999"), "the bad address is logged");
  // The connection splits addresses with the loader's splitter: a ':' after
  // the bracket needs a port there too (it used to mean the default port).
  for (const bad of ["[::1]:", "h:", ":1883", "[::1"]) {
    fp.reset();
    assert.notEqual(mgos_mqtt_config_set(`mqtt.server=${bad}`), 0, bad);
    fp.config("mqtt.enable=true", "mqtt.server=h:1883");
    mgos_sys_config_get_mqtt().server = bad;
    mgos_mqtt_init();
    fp.advance(100);
    assert.equal(fp.connects.length, 0, bad);
    assert.ok(fp.logs.some((l) => l.text === `mqtt.server not set or bad: ${bad}`), `${bad}: logged`);
  }
});

test("dispatch: topic handlers by filter, global only when none matched, in the order added", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("g1"), null);
  global_subscribe(bytes("a/+"), recorder("t1"), null);
  mgos_mqtt_sub("a/#", (_nc, topic, tl, msg, ml) => {
    calls.push({ who: "s", ev: MG_EV.MQTT_PUBLISH, topic: topic.slice(0, tl), payload: msg.slice(0, ml), id: 0 });
  }, null);
  mgos_mqtt_add_global_handler(recorder("g2"), null);
  connectGlobal();
  const subs = ofType(fp.read(0), PacketType.SUBSCRIBE);
  assert.deepEqual(subs.map((s) => s.filters[0][0]), ["a/+", "a/#"], "subscriptions sent after CONNACK, in order");
  calls = [];
  fp.publish(0, "a/b", "one");
  assert.deepEqual(calls.map((c) => [c.who, c.topic, c.payload]), [["t1", "a/b", "one"], ["s", "a/b", "one"]]);
  calls = [];
  fp.publish(0, "a/b/c", "two");
  assert.deepEqual(calls.map((c) => c.who), ["s"], "only a/# matches a/b/c");
  calls = [];
  fp.publish(0, "x/y", "three");
  assert.deepEqual(calls.map((c) => [c.who, c.topic]), [["g1", "x/y"], ["g2", "x/y"]], "no topic handler matched: global ones");
  calls = [];
  fp.publish(0, "a", "parent");
  assert.deepEqual(calls.map((c) => c.who), ["s"], "# also matches the parent level");
});

test("dispatch: SUBACK to the handler whose SUBSCRIBE it answers; others always global", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("g"), null);
  global_subscribe(bytes("t/1"), recorder("t1"), null);
  global_subscribe(bytes("t/2"), recorder("t2"), null);
  connectGlobal();
  const subs = ofType(fp.read(0), PacketType.SUBSCRIBE);
  calls = [];
  fp.suback(0, subs[1].packetId, [1]);
  fp.suback(0, subs[0].packetId, [1]);
  assert.deepEqual(calls.map((c) => [c.who, c.ev]), [["t2", MG_EV.MQTT_SUBACK], ["t1", MG_EV.MQTT_SUBACK]]);
  // A raw mg_mqtt_subscribe has no topic handler: its SUBACK is the global handlers'.
  calls = [];
  raw_subscribe(mgos_mqtt_get_global_conn()!, [{ topic: "raw/t", qos: 0 }], 1, 4242);
  const [raw] = ofType(fp.read(0), PacketType.SUBSCRIBE);
  assert.equal(raw.packetId, 4242, "the caller's message_id");
  fp.suback(0, raw.packetId, [0]);
  assert.deepEqual(calls.map((c) => [c.who, c.ev]), [["g", MG_EV.MQTT_SUBACK]]);
  // A sub_handler_t (mgos_mqtt_sub) only takes messages: its SUBACK is consumed silently.
  calls = [];
  let subCalls = 0;
  mgos_mqtt_sub("t/s", () => { subCalls++; }, null);
  const [ss] = ofType(fp.read(0), PacketType.SUBSCRIBE);
  fp.suback(0, ss.packetId, [1]);
  assert.deepEqual([calls.length, subCalls], [0, 0], "no handler gets a sub_handler_t's SUBACK");
  // Acks of our publishes go to global handlers, topic handlers never see them.
  calls = [];
  const id1 = pub_bytes("t/1", bytes("x"), 1, false);
  const id2 = pub_bytes("t/2", bytes("y"), 2, false);
  assert.ok(id1 > 0 && id2 > 0 && id1 !== id2);
  fp.ack(0, PacketType.PUBACK, id1);
  fp.ack(0, PacketType.PUBREC, id2);
  fp.ack(0, PacketType.PUBCOMP, id2);
  assert.deepEqual(calls.map((c) => [c.who, c.ev, c.id]), [
    ["g", MG_EV.MQTT_PUBACK, id1], ["g", MG_EV.MQTT_PUBREC, id2], ["g", MG_EV.MQTT_PUBCOMP, id2],
  ]);
  const out = fp.read(0);
  assert.deepEqual(out.filter((s) => s.type !== PacketType.PUBLISH).map((s) => [s.type, s.packetId]), [[PacketType.PUBREL, id2]]);
});

test("dispatch: CLOSE to global handlers only if it was connected; refused CONNACK reaches nobody", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("g"), null);
  fp.config("mqtt.enable=true", "mqtt.server=h:1");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.handshake(0, 5);
  assert.deepEqual(calls, [], "CONNACK 5 calls no handler, and no CLOSE (never connected)");
  assert.ok(fp.logs.some((l) => l.text.includes("not authorized")), "the refusal reason is logged");
  assert.deepEqual(fp.closes, [0], "the socket is closed");
  assert.ok(fp.events.some((e) => e.ev === MGOS_EVENT.CLOUD_CONNECTERROR));
  fp.nextConnect();
  fp.handshake(0, 0);
  calls = [];
  fp.hangup(0);
  assert.deepEqual(calls.map((c) => c.ev), [MG_EV.CLOSE]);
  assert.equal(fp.events[fp.events.length - 1].ev, MGOS_EVENT.CLOUD_DISCONNECTED);
});

test("incoming QoS 1 and 2 acknowledged by the layer (PUBACK; PUBREC, PUBREL -> PUBCOMP)", () => {
  calls = [];
  global_subscribe(bytes("in/#"), recorder("t"), null);
  connectGlobal();
  fp.read(0);
  fp.publish(0, "in/1", "q1", 1, 7);
  fp.publish(0, "in/2", "q2", 2, 8);
  fp.publish(0, "in/2", "q2", 2, 8);
  assert.deepEqual(calls.map((c) => [c.topic, c.id]), [["in/1", 7], ["in/2", 8]], "duplicate QoS 2 delivered once");
  assert.deepEqual(fp.read(0).map((s) => [s.type, s.packetId]), [[PacketType.PUBACK, 7], [PacketType.PUBREC, 8], [PacketType.PUBREC, 8]]);
  fp.ack(0, PacketType.PUBREL, 8);
  assert.deepEqual(fp.read(0).map((s) => [s.type, s.packetId]), [[PacketType.PUBCOMP, 8]]);
  // mg_mqtt_puback sends a raw ack on request.
  mg_mqtt_puback(mgos_mqtt_get_global_conn()!, 99);
  assert.deepEqual(fp.read(0).map((s) => [s.type, s.packetId]), [[PacketType.PUBACK, 99]]);
});

test("incoming QoS 2 only global handlers got: their PUBRELs are the application's, in any order; the library's again after", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("g"), null);
  connectGlobal();
  fp.read(0);
  for (const id of [21, 22, 23]) fp.publish(0, "app/q2", "x", 2, id);
  assert.deepEqual(fp.read(0), [], "no PUBREC: the application's");
  for (const id of [22, 21, 23]) {
    calls = [];
    fp.ack(0, PacketType.PUBREL, id);
    assert.deepEqual(calls.map((c) => [c.ev, c.id]), [[MG_EV.MQTT_PUBREL, id]], `PUBREL ${id} to the global handler`);
    assert.deepEqual(fp.read(0), [], `PUBREL ${id}: no PUBCOMP from the library`);
  }
  assert.equal(mgos_mqtt_get_global().appQos2Count, 0, "every exchange settled");
  // A PUBREL for an id no longer the application's: the library answers it.
  fp.ack(0, PacketType.PUBREL, 22);
  assert.deepEqual(fp.read(0).map((s) => [s.type, s.packetId]), [[PacketType.PUBCOMP, 22]]);
});

/** Drives failing TCP connects and returns the delays between attempts (ms) and their hosts. */
function failures(n: number, pending = false): { delay: number; host: string }[] {
  const out: { delay: number; host: string }[] = [];
  // pending: the attempt to fail first has already started.
  let last = pending ? fp.connects[fp.connects.length - 1] : fp.nextConnect();
  for (let i = 0; i < n; i++) {
    fp.accept(last.slot, false);
    const next = fp.nextConnect();
    out.push({ delay: next.at - last.at, host: next.host });
    last = next;
  }
  return out;
}

function assertNear(actual: number, base: number, what: string): void {
  assert.ok(actual >= base * 0.9 - 1 && actual <= base * 1.1 + 1, `${what}: ${actual} ms not within 10% of ${base} ms`);
}

test("backoff: 2, 4, 8, 16, 32, 60, 60 s with +/-10% jitter; no switch without mqtt1.enable", () => {
  fp.config("mqtt.enable=true", "mqtt.server=main:1883");
  mgos_mqtt_init();
  const d = failures(8);
  const want = [2, 4, 8, 16, 32, 60, 60, 60].map((s) => s * 1000);
  d.forEach((x, i) => {
    assertNear(x.delay, want[i], `delay ${i + 1}`);
    assert.equal(x.host, "main");
  });
  assert.ok(d.some((x, i) => x.delay !== want[i]), "jitter actually varies the delays");
});

test("backoff: jitter depends on port_rand (seeded) and stays within 10%", () => {
  const runs: number[][] = [];
  for (const seed of [1, 99, 4242]) {
    fp.reset(seed);
    fp.config("mqtt.enable=true", "mqtt.server=m", "mqtt.reconnect_timeout_min=0.25", "mqtt.reconnect_timeout_max=2");
    mgos_mqtt_init();
    const d = failures(6).map((x) => x.delay);
    [250, 500, 1000, 2000, 2000, 2000].forEach((b, i) => assertNear(d[i], b, `seed ${seed} delay ${i}`));
    runs.push(d);
  }
  assert.notDeepEqual(runs[0], runs[1]);
});

test("failover: after the max delay to mqtt1 (from its min), stays there while it works, back to mqtt when it fails", () => {
  fp.config("mqtt.enable=true", "mqtt.server=main:1883", "mqtt.reconnect_timeout_min=1", "mqtt.reconnect_timeout_max=4",
    "mqtt1.enable=true", "mqtt1.server=backup:1884", "mqtt1.reconnect_timeout_min=2", "mqtt1.reconnect_timeout_max=8");
  mgos_mqtt_init();
  // main: 1, 2, 4 s; having waited its max and failed again -> backup after mqtt1's min (2 s), then 4 s.
  const d = failures(5);
  assert.deepEqual(d.map((x) => x.host), ["main", "main", "main", "backup", "backup"]);
  [1000, 2000, 4000, 2000, 4000].forEach((b, i) => assertNear(d[i].delay, b, `delay ${i}`));
  assert.equal(fp.connects[fp.connects.length - 1].port, 1884);
  // The backup works: connected there, and after a drop it reconnects to the backup from its min.
  fp.handshake(0);
  assert.ok(mgos_mqtt_global_is_connected());
  const t = fp.now;
  fp.hangup(0);
  const r = fp.nextConnect();
  assert.equal(r.host, "backup");
  assertNear(r.at - t, 2000, "reconnect to the working backup");
  // The backup fails up to its max (8 s), then back to main from main's min.
  const e = failures(5, true);
  assert.deepEqual(e.map((x) => x.host), ["backup", "backup", "main", "main", "main"]);
  [4000, 8000, 1000, 2000, 4000].forEach((b, i) => assertNear(e[i].delay, b, `delay ${i}`));
  assert.ok(fp.logs.some((l) => l.text.startsWith("switching to the backup server mqtt1")));
  assert.ok(fp.logs.some((l) => l.text.startsWith("switching back to the main server mqtt")));
});

test("backoff resets on CONNACK 0", () => {
  fp.config("mqtt.enable=true", "mqtt.server=m");
  mgos_mqtt_init();
  const d = failures(3);
  assertNear(d[2].delay, 8000, "third delay");
  fp.handshake(0);
  const t = fp.now;
  fp.hangup(0);
  const next = fp.nextConnect();
  assertNear(next.at - t, 2000, "first delay after a successful connection");
});

test("max_qos: set_max_qos and the config cap publishes and subscriptions", () => {
  connectGlobal("mqtt.max_qos=1");
  fp.read(0);
  global_subscribe(bytes("s/2"), recorder("t"), null);
  const id = pub_bytes("p/2", bytes("x"), 2, false);
  assert.ok(id > 0);
  let out = fp.read(0);
  assert.deepEqual(out.map((s) => [s.type, s.type === PacketType.SUBSCRIBE ? s.filters[0][1] : s.qos]),
    [[PacketType.SUBSCRIBE, 1], [PacketType.PUBLISH, 1]]);
  mgos_mqtt_set_max_qos(0);
  global_subscribe(bytes("s/0"), recorder("t"), null);
  pub_bytes("p/0", bytes("x"), 2, true);
  out = fp.read(0);
  assert.deepEqual(out.map((s) => [s.type, s.type === PacketType.SUBSCRIBE ? s.filters[0][1] : s.qos, s.retain]),
    [[PacketType.SUBSCRIBE, 0, false], [PacketType.PUBLISH, 0, true]]);
  mgos_mqtt_set_max_qos(2);
  pub_bytes("p/x", bytes("x"), 2, false);
  assert.equal(fp.read(0)[0].qos, 2, "set_max_qos overrides the config's max_qos");
  assert.equal(pub_bytes("p/x", bytes("x"), 3, false), 0, "QoS 3 rejected");
});

test("bad QoS: publish and subscribe refused by the session (INVALID, logged with the topic), nothing sent or kept", () => {
  connectGlobal();
  fp.read(0);
  const c = mgos_mqtt_get_global();
  for (const q of [-1, 3, 256, 0x7fffffff]) {
    fp.logs = [];
    assert.equal(pub_bytes("p/bad", bytes("x"), q, false), 0, `publish QoS ${q} refused`);
    assert.equal(c.session.lastError, MGOS_MQTT_ERR.INVALID);
    assert.ok(fp.logs.some((l) => l.level === LogLevel.ERROR && l.text.startsWith("bad QoS: p/bad")), `publish QoS ${q}: logged`);
    fp.logs = [];
    assert.equal(c.subscribe(bytes("s/bad"), q, HandlerKind.TOPIC, recorder("t"), null, null), false, `subscribe QoS ${q} refused`);
    assert.ok(fp.logs.some((l) => l.level === LogLevel.ERROR && l.text.startsWith("bad QoS: s/bad")), `subscribe QoS ${q}: logged`);
  }
  assert.deepEqual(fp.read(0), [], "nothing sent");
  assert.equal(c.nHandlers, 0, "no handler kept");
  assert.equal(c.session.subCount, 0, "no subscription kept");
});

test("max_qos re-read from the system config caps subscriptions and publishes alike", () => {
  mgos_mqtt_get_global(); // set up before the config (max_qos 2)
  fp.config("mqtt.enable=true", "mqtt.server=127.0.0.1:1883", "mqtt.max_qos=0");
  mgos_mqtt_init();
  global_subscribe(bytes("s/1"), recorder("t"), null);
  assert.equal(pub_bytes("p/0", bytes("x"), 1, false), 0, "offline QoS 1 capped to 0: not kept");
  fp.nextConnect();
  fp.handshake(0);
  const out = fp.read(0).filter((s) => s.type === PacketType.SUBSCRIBE);
  assert.deepEqual(out.map((s) => s.filters[0][1]), [0], "subscribed at max_qos 0");
  pub_bytes("p/1", bytes("x"), 1, false);
  assert.equal(fp.read(0)[0].qos, 0, "published at max_qos 0");
});

test("unsub: first exact match removed, UNSUBSCRIBE sent, handler no longer called", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("g"), null);
  global_subscribe(bytes("u/+"), recorder("t1"), null);
  global_subscribe(bytes("u/x"), recorder("t2"), null);
  connectGlobal();
  fp.read(0);
  assert.equal(mgos_mqtt_unsub("u/nope"), false);
  assert.equal(mgos_mqtt_unsub("u/+"), true);
  const [u] = fp.read(0);
  assert.equal(u.type, PacketType.UNSUBSCRIBE);
  assert.deepEqual(u.filters, [["u/+", -1]]);
  calls = [];
  fp.ack(0, PacketType.UNSUBACK, u.packetId);
  fp.publish(0, "u/x", "m");
  fp.publish(0, "u/y", "m");
  assert.deepEqual(calls.map((c) => [c.who, c.ev, c.topic]), [
    ["g", MG_EV.MQTT_UNSUBACK, ""], ["t2", MG_EV.MQTT_PUBLISH, "u/x"], ["g", MG_EV.MQTT_PUBLISH, "u/y"],
  ]);
  // Not re-subscribed after a reconnect.
  fp.hangup(0);
  fp.nextConnect();
  fp.handshake(0);
  assert.deepEqual(ofType(fp.read(0), PacketType.SUBSCRIBE).map((s) => s.filters[0][0]), ["u/x"]);
});

test("get_packet_id: never 0, wraps after 0xffff to 1", () => {
  const first = mgos_mqtt_get_packet_id();
  assert.ok(first >= 1);
  let prev = first;
  let wrapped = false;
  for (let i = 0; i < 70000; i++) {
    const id = mgos_mqtt_get_packet_id();
    assert.notEqual(id, 0);
    if (id !== prev + 1) {
      assert.deepEqual([prev, id], [0xffff, 1]);
      wrapped = true;
    }
    prev = id;
  }
  assert.ok(wrapped);
});

test("num_unsent_bytes counts queued offline messages; pub returns 0 for QoS 0 offline", () => {
  fp.config("mqtt.enable=true", "mqtt.server=m");
  mgos_mqtt_init();
  assert.equal(pub_bytes("t", bytes("x"), 0, false), 0, "QoS 0 offline: nothing sent");
  assert.equal(mgos_mqtt_num_unsent_bytes(), 0);
  const id = pub_bytes("t", bytes("hello"), 1, false);
  assert.ok(id > 0, "QoS 1 offline is queued");
  assert.equal(mgos_mqtt_num_unsent_bytes(), 2 + 2 + 1 + 2 + 5);
  fp.nextConnect();
  fp.handshake(0);
  const out = ofType(fp.read(0), PacketType.PUBLISH);
  assert.deepEqual(out.map((p) => [p.topic, p.payload, p.packetId]), [["t", "hello", id]], "queue drained after CONNACK");
  fp.ack(0, PacketType.PUBACK, id);
  assert.equal(mgos_mqtt_num_unsent_bytes(), 0);
});

test("connect_fn: called instead of CONNECT, must call mg_send_mqtt_handshake_opt", () => {
  let seen = "";
  mgos_mqtt_set_connect_fn((nc, clientId, opts, arg) => {
    seen = `${clientId} ${arg} ${opts.flags} ${opts.keep_alive} ${opts.user_name}`;
    const o = new mg_send_mqtt_handshake_opts();
    o.flags = opts.flags;
    o.keep_alive = 15;
    o.user_name = "token-user";
    o.password = "token";
    handshake(nc, clientId, o);
  }, "arg");
  fp.config("mqtt.enable=true", "mqtt.server=m", "mqtt.client_id=dev1");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.accept(0);
  const [c] = fp.read(0);
  assert.equal(seen, "dev1 arg 2 60 null");
  assert.deepEqual([c.type, c.clientId, c.userName, c.password, c.keepAlive], [PacketType.CONNECT, "dev1", "token-user", "token", 15]);
  fp.connack(0);
  assert.ok(mgos_mqtt_global_is_connected());
  // A connect_fn that sends nothing: the attempt fails and is retried.
  fp.reset();
  mgos_mqtt_set_connect_fn(() => { /* forgot the handshake */ }, null);
  fp.config("mqtt.enable=true", "mqtt.server=m");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.accept(0);
  assert.ok(fp.logs.some((l) => l.text.includes("did not call mg_send_mqtt_handshake_opt")));
  assert.deepEqual(fp.closes, [0]);
  fp.nextConnect();
});

test("global_disconnect: DISCONNECT, CLOSE, no reconnect until global_connect", () => {
  calls = [];
  mgos_mqtt_add_global_handler(recorder("g"), null);
  connectGlobal();
  fp.read(0);
  calls = [];
  mgos_mqtt_global_disconnect();
  assert.deepEqual(fp.read(0).map((s) => s.type), [PacketType.DISCONNECT]);
  assert.deepEqual(fp.closes, [0]);
  assert.deepEqual(calls.map((c) => c.ev), [MG_EV.CLOSE]);
  assert.equal(mgos_mqtt_global_is_connected(), false);
  const n = fp.connects.length;
  fp.advance(300000);
  assert.equal(fp.connects.length, n, "no reconnect after disconnect");
  assert.equal(mgos_mqtt_global_connect(), true);
  assert.equal(fp.connects.length, n + 1, "global_connect connects at once");
  fp.handshake(0);
  assert.ok(mgos_mqtt_global_is_connected());
  assert.equal(mgos_mqtt_global_connect(), true, "already connected");
});

test("global_connect refuses when mqtt.enable is false", () => {
  fp.config("mqtt.server=m");
  assert.equal(mgos_mqtt_global_connect(), false);
  fp.advance(10000);
  assert.equal(fp.connects.length, 0);
});

test("keepalive through the layer: PINGREQ after keep_alive, no PINGRESP within keep_alive / 2 closes and reconnects", () => {
  connectGlobal("mqtt.keep_alive=5");
  fp.read(0);
  fp.advance(5000);
  assert.deepEqual(fp.read(0).map((s) => s.type), [PacketType.PINGREQ]);
  fp.pingresp(0);
  fp.advance(5000);
  assert.deepEqual(fp.read(0).map((s) => s.type), [PacketType.PINGREQ]);
  fp.advance(2499);
  assert.ok(mgos_mqtt_global_is_connected(), "still waiting for the PINGRESP");
  fp.advance(1); // the layer polls at the session's deadline, not a second late
  assert.equal(mgos_mqtt_global_is_connected(), false, "no PINGRESP: closed");
  assert.ok(fp.closes.includes(0));
  fp.nextConnect(5000);
});

test("multi-connection: mgos_mqtt_conn_create2 uses slot 1 with its own config and handlers", () => {
  const cfg = new mgos_config_mqtt();
  cfg.enable = true;
  cfg.server = "second:2000";
  cfg.client_id = "c2";
  const c = create2(7, cfg, null)!;
  assert.ok(c !== null);
  calls = [];
  mgos_mqtt_conn_add_handler(c, recorder("h2"), null);
  mgos_mqtt_conn_sub(c, "two/#", 1, recorder("t2"), null);
  const r = fp.nextConnect();
  assert.deepEqual([r.slot, r.host, r.port], [1, "second", 2000]);
  const con = fp.handshake(1);
  assert.equal(con.clientId, "c2");
  assert.ok(mgos_mqtt_conn_is_connected(c));
  assert.equal(mgos_mqtt_global_is_connected(), false, "slot 0 untouched");
  const [s] = fp.read(1);
  assert.deepEqual(s.filters, [["two/#", 1]]);
  fp.publish(1, "two/a", "z");
  assert.deepEqual(calls.map((x) => [x.who, x.ev]), [["h2", MG_EV.MQTT_CONNACK], ["t2", MG_EV.MQTT_PUBLISH]]);
  const id = conn_pub_bytes(c, "two/out", bytes("p"), 1, false);
  assert.ok(id > 0);
  assert.equal(fp.read(1)[0].topic, "two/out");
  // mgos_mqtt_conn_from_nc maps a handler's nc back to its connection.
  let back: unknown = null;
  mgos_mqtt_conn_add_handler(c, (nc) => { back = mgos_mqtt_conn_from_nc(nc); }, null);
  fp.pingresp(1);
  assert.equal(back, c);
  assert.equal(mgos_mqtt_get_global(), conn_slot(0));
});

test("mg_mqtt_match_topic_expression rules", () => {
  const m = (e: string, t: string): number => match_topic(bytes(e), bytes(t));
  assert.equal(m("a/+/c", "a/b/c"), 1);
  assert.equal(m("a/+", "a/b/c"), 0);
  assert.equal(m("a/#", "a"), 1);
  assert.equal(m("#", "$SYS/x"), 0);
  assert.equal(m("a/b", "a/b"), 1);
});

test("a close decided by a timer (no CONNACK) reconnects after the backoff, not at the next 1 s poll", () => {
  fp.config("mqtt.enable=true", "mqtt.server=m:1883", "mqtt.reconnect_timeout_min=0.3", "mqtt.reconnect_timeout_max=0.6");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.accept(0); // the broker accepts TCP and never sends CONNACK
  let wait = 0;
  for (;;) {
    wait = fp.poll();
    if (fp.closes.length > 0) break;
    fp.now += Math.max(1, wait);
    assert.ok(fp.now < 60000, "the CONNACK timeout closes the connection");
  }
  // The port sleeps for what the closing poll returned (no socket is left to wake it).
  assert.ok(wait <= 330, `the poll that closed asks to be called again in ${wait} ms, want <= 330`);
  const closedAt = fp.now;
  const again = fp.nextConnect(5000);
  assertNear(again.at - closedAt, 300, "reconnect delay after a CONNACK timeout");
});

test("a handler that reconnects on MG_EV_CLOSE owns the new attempt (no orphaned socket, no extra attempt)", () => {
  const reconnecting = (_nc: mg_connection, ev: number, _evd: unknown, _ud: unknown): void => {
    if (ev === MG_EV.CLOSE) mgos_mqtt_global_connect();
  };
  for (const how of ["disconnect", "server close"]) {
    fp.reset();
    mgos_mqtt_add_global_handler(reconnecting, null);
    connectGlobal();
    fp.read(0);
    const n = fp.connects.length;
    if (how === "disconnect") mgos_mqtt_global_disconnect();
    else fp.hangup(0);
    assert.equal(fp.connects.length, n + 1, `${how}: the handler's connect started at once`);
    fp.read(0); // the DISCONNECT of the old connection, if any
    fp.handshake(0);
    assert.ok(mgos_mqtt_global_is_connected(), `${how}: the handler's attempt completes`);
    fp.advance(10000);
    assert.equal(fp.connects.length, n + 1, `${how}: no second attempt scheduled behind it`);
  }
});

test("disconnect twice while the DISCONNECT waits for a full socket: it still goes out before the close", () => {
  connectGlobal();
  fp.read(0);
  fp.sendLimit = 0; // the socket takes nothing for now
  mgos_mqtt_global_disconnect();
  mgos_mqtt_global_disconnect();
  assert.deepEqual(fp.closes, [], "not closed with the DISCONNECT unsent");
  fp.sendLimit = Infinity;
  fp.advance(100);
  assert.deepEqual(fp.read(0).map((s) => s.type), [PacketType.DISCONNECT]);
  assert.deepEqual(fp.closes, [0]);
});

test("session log lines: detail after ': ', packet id in parentheses, unprintable bytes as '.'", () => {
  connectGlobal("mqtt.clean_session=true");
  fp.read(0);
  fp.ack(0, PacketType.PUBACK, 4242);
  assert.ok(fp.logs.some((l) => /^PUBACK.* \(4242\)$/.test(l.text)), fp.logs.map((l) => l.text).join(" | "));
  const id = pub_bytes("h/\u00e9", bytes("x"), 2, false);
  fp.read(0);
  fp.ack(0, PacketType.PUBREC, id);
  fp.hangup(0);
  assert.ok(fp.logs.some((l) => l.text === `in-flight dropped (clean session) (${id})`), fp.logs.map((l) => l.text).join(" | "));
  assert.equal(pub_bytes("a/+/\u00e9", bytes("x"), 0, false), 0);
  assert.ok(fp.logs.some((l) => l.text === "invalid topic: a/+/.."), fp.logs.map((l) => l.text).join(" | "));
});

test("session log lines: numbers in decimal, whatever their digits and sign (conn's logNumber)", () => {
  connectGlobal();
  const s = mgos_mqtt_get_global()!.session;
  const cases: [number, string][] = [[7, "7"], [10, "10"], [999, "999"], [1000, "1000"], [65535, "65535"],
    [1000000000, "1000000000"], [2147483647, "2147483647"], [-3, "-3"], [-2147483648, "-2147483648"]];
  for (const [n, want] of cases) {
    fp.logs.length = 0;
    s.onLog!(s, 0, "m", bytes("d"), n);
    assert.deepEqual(fp.logs.map((l) => l.text), [`m: d (${want})`], String(n));
  }
  fp.logs.length = 0;
  s.onLog!(s, 0, "m", bytes(""), 0);
  assert.deepEqual(fp.logs.map((l) => l.text), ["m"], "no detail, no number");
});

test("cloud events: a connection that ends before CONNACK (timeout, server close) raises CONNECTERROR once", () => {
  for (const how of ["no CONNACK", "server close"]) {
    fp.reset();
    fp.config("mqtt.enable=true", "mqtt.server=m:1883", "mqtt.cloud_events=true");
    mgos_mqtt_init();
    fp.nextConnect();
    fp.accept(0);
    if (how === "server close") fp.hangup(0);
    else fp.advance(60000);
    const evs = fp.events.map((e) => e.ev).filter((e) => e !== MGOS_EVENT.CLOUD_CONNECTING);
    assert.equal(evs[0], MGOS_EVENT.CLOUD_CONNECTERROR, `${how}: connect error`);
    assert.ok(!evs.includes(MGOS_EVENT.CLOUD_DISCONNECTED), `${how}: never connected, so no DISCONNECTED`);
  }
});

test("a raw sender (mg_mqtt_ping) from a CLOSE handler is refused; the next connection starts with CONNECT", () => {
  const pinger = (nc: mg_connection, ev: number, _evd: unknown, _ud: unknown): void => {
    if (ev === MG_EV.CLOSE) mg_mqtt_ping(nc);
  };
  mgos_mqtt_add_global_handler(pinger, null);
  connectGlobal();
  fp.read(0);
  fp.send(0, new Uint8Array([0x00, 0x00])); // reserved packet type 0: the client closes
  assert.equal(mgos_mqtt_global_is_connected(), false);
  assert.ok(fp.logs.some((l) => /not connected/.test(l.text)), "the ping is refused with a log line");
  assert.deepEqual(fp.read(0).map((x) => x.type), [], "nothing queued on the dead session");
  fp.nextConnect(5000);
  fp.accept(0);
  assert.deepEqual(fp.read(0).map((x) => x.type), [PacketType.CONNECT], "CONNECT first on the new connection");
});

test("MG_EV_POLL: global handlers get it at every poll while a transport exists (ev_data: the wall time), never while idle", () => {
  const polls: number[] = [];
  mgos_mqtt_add_global_handler((_nc, ev, evd) => { if (ev === MG_EV.POLL) polls.push((evd as { now: number }).now); }, null);
  fp.config("mqtt.enable=true", "mqtt.server=m:1883");
  fp.advance(5000);
  assert.equal(polls.length, 0, "not enabled: no connection, no POLL");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.handshake(0);
  polls.length = 0;
  fp.advance(10000);
  assert.ok(polls.length >= 10, `${polls.length} polls in 10 s (at least one a second)`);
  assert.ok(polls.every((t) => t === fp.wallTime));
  mgos_mqtt_global_disconnect();
  polls.length = 0;
  fp.advance(5000);
  assert.equal(polls.length, 0, "disconnected: no POLL");
});

test("require_time: no connection attempt while the clock is unset, then connects; without the key it does not wait", () => {
  fp.wallTime = 0;
  fp.config("mqtt.enable=true", "mqtt.server=m:1883", "mqtt.require_time=true", "mqtt.reconnect_timeout_min=0.5", "mqtt.reconnect_timeout_max=1");
  mgos_mqtt_init();
  fp.advance(5000);
  assert.equal(fp.connects.length, 0);
  assert.ok(fp.logs.some((l) => l.text === "clock not set, waiting (mqtt.require_time)"));
  fp.wallTime = 1767225600;
  fp.nextConnect(2000);
  fp.reset();
  fp.wallTime = 0;
  fp.config("mqtt.enable=true", "mqtt.server=m:1883");
  mgos_mqtt_init();
  fp.nextConnect(100);
});

test("flags: MG_F_CLOSE_IMMEDIATELY from a handler closes at once and reconnects; MG_F_SEND_AND_CLOSE writes what is queued first", () => {
  let round = 0;
  mgos_mqtt_add_global_handler((nc, ev) => {
    if (ev !== MG_EV.MQTT_CONNACK) return;
    round++;
    if (round === 1) nc.flags |= MG_F.CLOSE_IMMEDIATELY;
    if (round === 2) {
      pub_bytes("last/words", bytes("bye"), 0, false);
      nc.flags |= MG_F.SEND_AND_CLOSE;
    }
  }, null);
  fp.config("mqtt.enable=true", "mqtt.server=m:1883", "mqtt.reconnect_timeout_min=0.5");
  mgos_mqtt_init();
  fp.nextConnect();
  fp.handshake(0);
  assert.equal(mgos_mqtt_global_is_connected(), false, "closed by the flag");
  assert.ok(fp.closes.includes(0));
  fp.nextConnect(2000);
  fp.handshake(0);
  assert.deepEqual(fp.read(0).map((x) => x.topic), ["last/words"], "queued bytes written before the close");
  assert.equal(mgos_mqtt_global_is_connected(), false);
  fp.nextConnect(5000);
  fp.handshake(0);
  assert.ok(mgos_mqtt_global_is_connected(), "the third connection stays");
  assert.equal(round, 3);
});

test("create2 / set_config: the app's strings are copied (bounded, refused with a message when too long); the system config's sections are followed, not copied", () => {
  const cfg = new mgos_config_mqtt();
  cfg.enable = true;
  cfg.server = "app:1883";
  cfg.user = "u".repeat(400);
  assert.equal(facade_set_config(cfg), false, "400 bytes do not fit 384");
  assert.ok(fp.logs.some((l) => /strings do not fit MGOS_MQTT_CONN_STR_SIZE \(raise it\); bytes needed: 41\d/.test(l.text)));
  assert.equal(create2(3, cfg, null), null);
  cfg.user = "short";
  assert.ok(facade_set_config(cfg));
  assert.equal(fp.nextConnect(100).host, "app", "set_config with enable connects");
  fp.reset();
  // The system sections: no size limit (their strings live in the config arena), and later changes apply.
  fp.config("mqtt.enable=true", "mqtt.server=first:1", `mqtt.user=${"u".repeat(400)}`);
  const c = create2(3, mgos_sys_config_get_mqtt(), mgos_sys_config_get_mqtt1());
  assert.ok(c !== null);
  fp.config("mqtt.server=later:1883");
  const r = fp.nextConnect();
  assert.deepEqual([r.slot, r.host], [1, "later"]);
});

test("mg_mqtt_subscribe / mg_mqtt_unsubscribe: one packet with every topic and the caller's id, QoS capped, nothing kept; bad input sends nothing", () => {
  const gl: Call[] = [];
  mgos_mqtt_add_global_handler((_nc, ev, evd) => { if (ev !== MG_EV.POLL) gl.push({ who: "g", ev, topic: "", payload: "", id: evd === null ? 0 : (evd as mg_mqtt_message).message_id }); }, null);
  connectGlobal("mqtt.max_qos=1");
  fp.read(0);
  const nc = mgos_mqtt_get_global_conn()!;
  raw_subscribe(nc, [{ topic: "s/a", qos: 2 }, { topic: "s/+/b", qos: 0 }, { topic: "s/#", qos: 1 }], 3, 7001);
  const [s] = fp.read(0);
  assert.equal(s.type, PacketType.SUBSCRIBE);
  assert.equal(s.packetId, 7001);
  assert.deepEqual(s.filters, [["s/a", 1], ["s/+/b", 0], ["s/#", 1]]);
  gl.length = 0;
  fp.suback(0, 7001, [1, 0, 1]);
  assert.deepEqual(gl.map((c) => [c.ev, c.id]), [[MG_EV.MQTT_SUBACK, 7001]]);
  raw_unsubscribe(nc, ["s/a", "s/#"], 2, 7002);
  const [u] = fp.read(0);
  assert.equal(u.type, PacketType.UNSUBSCRIBE);
  assert.equal(u.packetId, 7002);
  assert.deepEqual(u.filters.map((f) => f[0]), ["s/a", "s/#"]);
  // An invalid filter, a NULL topic or id 0: nothing at all is sent.
  raw_subscribe(nc, [{ topic: "ok", qos: 0 }, { topic: "bad/#/x", qos: 0 }], 2, 7003);
  raw_subscribe(nc, [{ topic: null, qos: 0 }], 1, 7004);
  raw_subscribe(nc, [{ topic: "ok", qos: 0 }], 1, 0);
  assert.deepEqual(fp.read(0), []);
  // Nothing kept: after a reconnect the library sends no SUBSCRIBE of its own.
  fp.hangup(0);
  fp.nextConnect();
  fp.handshake(0);
  assert.deepEqual(ofType(fp.read(0), PacketType.SUBSCRIBE), []);
});
