// Session scenarios against a scripted broker (test/mqtt/support/peer.ts) and a
// fake millisecond clock. Every byte the session emits is decoded with the
// real codec; every byte it receives is built with the real encoders.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { Peer, bytes } from "./support/peer";
import {
  SessionEvent as E, SessionState, SessionConfig, LogLevel, MAX_INFLIGHT, TX_BUF_SIZE, CONNACK_TIMEOUT_MS, STORE_SIZE,
  RecState, storeMeta,
} from "../../ts-src/mqtt/session";
import { PacketType as T } from "../../ts-src/mqtt/packet";
import { MGOS_MQTT_ERR, MGOS_MQTT_DROP } from "../../ts-src/mqtt/delivery";
import { publishSize, ConnectOptions, encodePublish } from "../../ts-src/mqtt/codec";

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

const withStrings = (clientId: string, user = "", pass = "", willTopic = "", willMessage = "") =>
  (c: import("../../ts-src/mqtt/session").SessionConfig) => {
    const err = c.setStrings(bytes(clientId), bytes(user), bytes(pass), bytes(willTopic), bytes(willMessage));
    if (err !== null) throw new Error(err);
  };

test("CONNECT carries client id, keepalive, clean flag; user/pass/will only when set", () => {
  const a = new Peer(withStrings("dev1"));
  assert.equal(a.s.connect(0), true);
  const [c] = a.pull();
  assert.equal(c.type, T.CONNECT);
  assert.equal(c.clientId, "dev1");
  assert.equal(c.protocolLevel, 4);
  assert.equal(c.keepAlive, 60);
  assert.equal(c.connectFlags, 0x02, "clean session only");
  assert.equal(a.s.state, SessionState.CONNECTING);

  // user + password + will (topic and message), will_retain, clean_session false
  const b = new Peer((cfg) => {
    withStrings("dev2", "bob", "secret", "dev2/status", "offline")(cfg);
    cfg.cleanSession = false; cfg.willRetain = true; cfg.keepAlive = 15;
  });
  b.s.connect(0);
  const [c2] = b.pull();
  assert.equal(c2.userName, "bob");
  assert.equal(c2.password, "secret");
  assert.equal(c2.willTopic, "dev2/status");
  assert.equal(c2.willMessage, "offline");
  assert.equal(c2.keepAlive, 15);
  assert.equal(c2.connectFlags, 0x80 | 0x40 | 0x20 | 0x04, "user, pass, will retain, will (QoS 0), not clean");

  // a will topic without a message is no will at all
  const d = new Peer(withStrings("dev3", "", "", "dev3/status", ""));
  d.s.connect(0);
  assert.equal(d.pull()[0].connectFlags, 0x02);

  // connect (or connectWith) while connecting is refused with a log naming the state
  assert.equal(d.s.connect(0), false);
  assert.deepEqual([d.logs.at(-1)!.level, d.logs.at(-1)!.msg, d.logs.at(-1)!.num], [LogLevel.ERROR, "connect: still open", SessionState.CONNECTING]);
  const n = d.logs.length;
  const o = new ConnectOptions();
  o.clientId = bytes("dev3");
  assert.equal(d.s.connectWith(o, 0), false);
  assert.equal(d.logs.length, n + 1);
  assert.equal(d.logs.at(-1)!.msg, "connect: still open");
  assert.equal(d.s.state, SessionState.CONNECTING);
});

test("connectWith() checks the caller's options (connect() relies on setStrings' checks)", () => {
  const p = new Peer(withStrings("d"));
  const o = new ConnectOptions();
  o.clientId = bytes("d");
  o.willTopic = bytes("a/+");
  assert.equal(p.s.connectWith(o, 0), false, "wildcard will topic");
  o.willTopic = bytes("");
  o.password = bytes("p");
  assert.equal(p.s.connectWith(o, 0), false, "password without user name");
  assert.equal(p.logs.at(-1)!.msg, "password without user name");
  assert.equal(p.s.state, SessionState.DISCONNECTED);
  o.userName = bytes("u");
  assert.equal(p.s.connectWith(o, 0), true);
  const [c] = p.pull();
  assert.equal(c.userName, "u");
  assert.equal(c.password, "p");
});

test("config strings: invalid will topic and overflow are rejected with a reason", () => {
  const p = new Peer();
  assert.match(String(p.s.cfg.setStrings(bytes("x"), bytes(""), bytes(""), bytes("a/+"), bytes("m"))), /will topic/);
  assert.match(String(p.s.cfg.setStrings(bytes("x".repeat(5000)), bytes(""), bytes(""), bytes(""), bytes(""))), /CONFIG_STR_SIZE/);
  assert.equal(p.s.cfg.setStrings(bytes("id"), bytes(""), bytes("p"), bytes(""), bytes("")), "password without user name");
  assert.match(String(p.s.cfg.setStrings(new Uint8Array([0x69, 0xff]), bytes(""), bytes(""), bytes(""), bytes(""))), /UTF-8/);
  assert.equal(p.s.cfg.setStrings(bytes("id"), bytes("u"), bytes("p"), bytes(""), bytes("")), null);
  assert.equal(Buffer.from(p.s.cfg.clientId()).toString(), "id");
});

test("CONNACK 0: connected and CONNACK event", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  assert.equal(p.s.state, SessionState.CONNECTED);
  assert.deepEqual(p.events.map((e) => [e.ev, e.returnCode]), [[E.CONNACK, 0]]);
});

test("CONNACK return codes 1..5: event, then close with the reason", () => {
  const reasons = ["", "protocol version", "identifier rejected", "server unavailable", "bad user name or password", "not authorized"];
  for (let code = 1; code <= 5; code++) {
    const p = new Peer(withStrings("d"));
    p.s.connect(0);
    p.pull();
    p.connack(code);
    const evs = p.takeEvents();
    assert.deepEqual(evs.map((e) => e.ev), [E.CONNACK, E.CLOSE], `code ${code}`);
    assert.equal(evs[0].returnCode, code);
    assert.match(evs[0].reason, new RegExp(reasons[code]), "the reason is set during the CONNACK event");
    assert.match(evs[1].reason, new RegExp(reasons[code]));
    assert.equal(evs[1].wasConnected, false);
    assert.equal(p.s.state, SessionState.DISCONNECTED);
    assert.equal(p.s.wantsClose(), true, "the port is told to drop the socket");
    p.drop();
    assert.equal(p.s.wantsClose(), false);
    assert.equal(p.events.length, 0, "connectionLost after close() raises nothing more");
  }
});

test("a malformed packet: one error line naming what is wrong, and that name as the close reason", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.logs.length = 0;
  p.send(new Uint8Array([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])); // PUBLISH QoS 3
  assert.equal(p.s.state, SessionState.DISCONNECTED);
  assert.deepEqual(p.logs.filter((l) => l.level === LogLevel.ERROR).map((l) => [l.msg, l.detail, l.num]), [["bad packet", "QoS 3", 0]]);
  assert.equal(p.evs(E.CLOSE)[0].reason, "QoS 3");
});

test("protocol errors close: packet before CONNACK, second CONNACK, session present with clean session", () => {
  const a = new Peer(withStrings("d"));
  a.s.connect(0); a.pull();
  a.pingresp();
  assert.equal(a.s.state, SessionState.DISCONNECTED);
  assert.match(a.evs(E.CLOSE)[0].reason, /before CONNACK/);

  const b = new Peer(withStrings("d"));
  b.open();
  b.connack();
  assert.match(b.evs(E.CLOSE)[0].reason, /second CONNACK/);

  const c = new Peer(withStrings("d"));
  c.s.connect(0); c.pull();
  c.connack(0, true);
  assert.match(c.evs(E.CLOSE)[0].reason, /session present/);
});

test("no CONNACK within the timeout closes", () => {
  const p = new Peer(withStrings("d"));
  p.now = 4294967000; // across the u32 clock wrap
  p.s.connect(p.now); p.pull();
  p.now = (p.now + CONNACK_TIMEOUT_MS - 1) >>> 0;
  p.s.tick(p.now);
  assert.equal(p.s.state, SessionState.CONNECTING);
  p.now = (p.now + 1) >>> 0;
  p.s.tick(p.now);
  assert.equal(p.s.state, SessionState.DISCONNECTED);
  assert.match(p.evs(E.CLOSE)[0].reason, /CONNACK/);
});

test("keepalive: PINGREQ after keep_alive without sending, PINGRESP event, timer restarts on traffic", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.keepAlive = 10; });
  p.open();
  assert.equal(p.s.nextTickIn(p.now, 60000), 10000, "first deadline: the PINGREQ");
  p.now = 9999; p.s.tick(p.now);
  assert.deepEqual(p.pull(), []);
  p.now = 10000; p.s.tick(p.now);
  assert.deepEqual(p.pull().map((x) => x.type), [T.PINGREQ]);
  p.now = 10000; p.s.tick(p.now);
  assert.deepEqual(p.pull(), [], "one PINGREQ per period");
  assert.equal(p.s.nextTickIn(p.now, 60000), 5000, "next deadline: the PINGRESP");
  p.now = 11000;
  p.pingresp();
  assert.equal(p.evs(E.PINGRESP).length, 1);
  // traffic both ways postpones the next PINGREQ: a publish at 15000 and a
  // PUBLISH from the broker at 17000 -> due at 25000 (sent) / 27000 (received)
  p.now = 15000;
  assert.ok(p.s.publish(bytes("t"), bytes("x"), 0, false, p.now) > 0);
  p.pull();
  p.now = 17000;
  p.publish("t", "in", 0, 0);
  p.now = 24999; p.s.tick(p.now);
  assert.deepEqual(p.pull(), []);
  assert.equal(p.s.nextTickIn(p.now, 60000), 1);
  p.now = 25000; p.s.tick(p.now);
  assert.deepEqual(p.pull().map((x) => x.type), [T.PINGREQ]);
});

test("keepalive: a broker that sends nothing is pinged even while the client keeps sending", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.keepAlive = 10; });
  p.open(); // CONNACK at 0
  for (p.now = 1000; p.now < 10000; p.now += 1000) {
    assert.ok(p.s.publish(bytes("t"), bytes("x"), 0, false, p.now) > 0);
    p.s.tick(p.now);
  }
  assert.deepEqual(p.pull().filter((x) => x.type === T.PINGREQ), []);
  p.now = 10000; p.s.tick(p.now);
  assert.deepEqual(p.pull().map((x) => x.type), [T.PINGREQ], "keep_alive since the last received packet");
});

test("keepalive: no PINGRESP within keep_alive / 2 closes the connection (a dead broker is noticed within 1.5 x keep_alive)", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.keepAlive = 5; });
  p.open();
  p.now = 5000; p.s.tick(p.now);
  assert.deepEqual(p.pull().map((x) => x.type), [T.PINGREQ]);
  p.now = 7499; p.s.tick(p.now);
  assert.equal(p.s.state, SessionState.CONNECTED);
  p.now = 7500; p.s.tick(p.now);
  assert.equal(p.s.state, SessionState.DISCONNECTED);
  const close = p.evs(E.CLOSE);
  assert.equal(close.length, 1);
  assert.match(close[0].reason, /PINGRESP/);
  assert.equal(close[0].wasConnected, true);
  assert.equal(p.s.wantsClose(), true);
});

test("keep_alive 0 disables PINGREQ", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.keepAlive = 0; });
  p.open();
  p.now = 10_000_000; p.s.tick(p.now);
  assert.deepEqual(p.pull(), []);
});

test("QoS 1 out: PUBLISH, PUBACK event, record freed", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const id = p.s.publish(bytes("a/b"), bytes("hello"), 1, true, 0);
  assert.ok(id > 0);
  const [m] = p.pull();
  assert.deepEqual([m.type, m.qos, m.retain, m.dup, m.packetId, m.topic, m.payload], [T.PUBLISH, 1, true, false, id, "a/b", "hello"]);
  assert.equal(p.s.inflightCount(), 1);
  p.ack(T.PUBACK, id);
  assert.deepEqual(p.evs(E.PUBACK).map((e) => e.packetId), [id]);
  assert.equal(p.s.inflightCount(), 0);
  assert.equal(p.s.storeUsed, 0, "store space given back");
  // an unknown id is tolerated and logged
  p.ack(T.PUBACK, 999);
  assert.equal(p.s.state, SessionState.CONNECTED);
  assert.match(p.logs.at(-1)!.msg, /PUBACK/);
  assert.equal(p.logs.at(-1)!.num, 999);
});

test("QoS 2 out: PUBLISH -> PUBREC -> PUBREL -> PUBCOMP", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const id = p.s.publish(bytes("x/y"), bytes("exactly once"), 2, false, 0);
  const [m] = p.pull();
  assert.deepEqual([m.type, m.qos, m.packetId], [T.PUBLISH, 2, id]);
  p.ack(T.PUBREC, id);
  const [rel] = p.pull();
  assert.deepEqual([rel.type, rel.flags, rel.packetId], [T.PUBREL, 2, id]);
  assert.equal(p.s.storeUsed, 0, "message bytes released once PUBREC came");
  assert.equal(p.s.inflightCount(), 1);
  // a repeated PUBREC gets the PUBREL again
  p.ack(T.PUBREC, id);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREL, id]]);
  p.ack(T.PUBCOMP, id);
  assert.equal(p.s.inflightCount(), 0);
  assert.deepEqual(p.events.map((e) => e.ev), [E.CONNACK, E.PUBREC, E.PUBREC, E.PUBCOMP]);
  // PUBACK for a QoS 2 message awaiting PUBREC (RabbitMQ downgrades to QoS 1):
  // the server has it, the record ends with a warning and the PUBACK event
  const id2 = p.s.publish(bytes("x/y"), bytes("2"), 2, false, 0);
  p.pull();
  p.ack(T.PUBACK, id2);
  assert.equal(p.s.inflightCount(), 0);
  assert.match(p.logs.at(-1)!.msg, /PUBACK for a QoS 2 message/);
  assert.deepEqual(p.evs(E.PUBACK).map((e) => e.packetId), [id2]);
  // ... but not once PUBREC came (then only PUBCOMP ends it)
  const id3 = p.s.publish(bytes("x/y"), bytes("3"), 2, false, 0);
  p.pull();
  p.ack(T.PUBREC, id3);
  p.pull();
  p.ack(T.PUBACK, id3);
  assert.equal(p.s.inflightCount(), 1);
  assert.match(p.logs.at(-1)!.msg, /PUBACK: unexpected id/);
  // 12 in a row, each answered with PUBACK: none stays in flight, the window never fills
  for (let k = 0; k < 12; k++) {
    const idk = p.s.publish(bytes("x/y"), bytes("k"), 2, false, 0);
    assert.ok(idk > 0);
    for (const m of p.pull()) if (m.type === T.PUBLISH) p.ack(T.PUBACK, m.packetId);
  }
  assert.equal(p.s.inflightCount(), 1);
});

test("QoS 0 and 1 in: delivered, QoS 1 acknowledged", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.publish("s/0", "zero", 0);
  p.publish("s/1", "one", 1, 77);
  const pubs = p.evs(E.PUBLISH);
  assert.deepEqual(pubs.map((e) => [e.topic, e.payload, e.qos]), [["s/0", "zero", 0], ["s/1", "one", 1]]);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBACK, 77]]);
});

test("QoS 2 in: delivered once, duplicate suppressed until PUBREL, then PUBCOMP", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.publish("s/2", "m1", 2, 5);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 5]]);
  p.publish("s/2", "m1", 2, 5, true); // the server did not see our PUBREC
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 5]]);
  assert.equal(p.evs(E.PUBLISH).length, 1, "not delivered twice");
  p.ack(T.PUBREL, 5);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBCOMP, 5]]);
  assert.equal(p.evs(E.PUBREL).length, 1);
  // the id is free again: a new message with it is delivered
  p.publish("s/2", "m2", 2, 5);
  assert.deepEqual(p.evs(E.PUBLISH).map((e) => e.payload), ["m1", "m2"]);
  // PUBREL for an unknown id still gets PUBCOMP
  p.pull();
  p.ack(T.PUBREL, 6);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBCOMP, 6]]);
});

test("incoming packets split at every byte and several in one read", () => {
  const p = new Peer(withStrings("d"));
  p.s.connect(0); p.pull();
  p.send(p.connackBytes(), 1);
  assert.equal(p.s.state, SessionState.CONNECTED);
  const a = p.publishBytes("t/1", "first", 1, 1);
  const b = p.publishBytes("t/2", "second", 0);
  const both = new Uint8Array(a.length + b.length);
  both.set(a); both.set(b, a.length);
  p.send(both, 1);
  p.send(both, 3);
  p.send(both);
  assert.deepEqual(p.evs(E.PUBLISH).map((e) => e.payload), ["first", "second", "first", "second", "first", "second"]);
  assert.equal(p.s.rxLen, 0);
});

test("clean_session false: in-flight re-sent with DUP and the same ids after reconnect, PUBREL re-sent", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.cleanSession = false; });
  p.open();
  const q1 = p.s.publish(bytes("a"), bytes("one"), 1, false, 0);
  const q2 = p.s.publish(bytes("b"), bytes("two"), 2, false, 0);
  const q3 = p.s.publish(bytes("c"), bytes("three"), 2, false, 0);
  assert.equal(p.pull().length, 3);
  p.ack(T.PUBREC, q3); // q3 is now waiting for PUBCOMP
  p.pull();
  p.drop();
  assert.equal(p.evs(E.CLOSE).length, 1);
  assert.equal(p.evs(E.CLOSE)[0].reason, "connection lost");
  assert.equal(p.s.inflightCount(), 3);
  p.now = 1000;
  p.open(true);
  const re = p.pull();
  assert.deepEqual(re.map((x) => [x.type, x.packetId, x.dup, x.payload]),
    [[T.PUBLISH, q1, true, "one"], [T.PUBLISH, q2, true, "two"], [T.PUBREL, q3, false, ""]]);
  p.ack(T.PUBACK, q1); p.ack(T.PUBREC, q2); p.pull(); p.ack(T.PUBCOMP, q2); p.ack(T.PUBCOMP, q3);
  assert.equal(p.s.inflightCount(), 0);
});

test("clean_session true: an unacknowledged QoS 1/2 PUBLISH is sent again as a new message after reconnect; a PUBREC'd one is done", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const a = p.s.publish(bytes("a"), bytes("kept1"), 1, false, 0);
  const b = p.s.publish(bytes("b"), bytes("kept2"), 2, false, 0);
  const c = p.s.publish(bytes("c"), bytes("taken"), 2, false, 0);
  assert.deepEqual(p.pull().map((x) => x.packetId), [a, b, c]);
  p.ack(T.PUBREC, c); // the broker owns c now
  p.pull(); // PUBREL c
  p.drop();
  assert.equal(p.s.recCount, 2, "a and b kept, c done");
  const w = p.logs.find((l) => /dropped/.test(l.msg));
  assert.ok(w, "the end of c's flow is logged");
  assert.equal(w!.num, c);
  p.open();
  assert.deepEqual(p.pull().map((x) => [x.type, x.topic, x.dup, x.qos]), [[T.PUBLISH, "a", false, 1], [T.PUBLISH, "b", false, 2]],
    "new messages after a clean session: no DUP");
});

test("clean_session true: a message still in tx when the link dropped is sent after reconnect", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  // fill tx so the QoS 1 message cannot be written yet (the last QoS 0 waits in the outbox)
  while (p.s.recCount === 0) assert.ok(p.s.publish(bytes("fill"), new Uint8Array(200), 0, false, 0) > 0);
  const id = p.s.publish(bytes("keep"), new Uint8Array(200), 1, false, 0);
  assert.ok(id > 0);
  assert.equal(p.s.recs[1].sent, false);
  p.drop();
  p.open();
  // The accepted QoS 0 that waited in the outbox is sent too, before it (publish order).
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId, x.dup, x.topic]), [[T.PUBLISH, 0, false, "fill"], [T.PUBLISH, id, false, "keep"]]);
});

test("packet ids: never 0, wrap after 65535, skip ids in flight and in subscriptions", () => {
  const p = new Peer(withStrings("d"));
  p.s.lastId = 65534;
  assert.equal(p.s.nextPacketId(), 65535);
  assert.equal(p.s.nextPacketId(), 1);
  p.open();
  const a = p.s.publish(bytes("t"), bytes("1"), 1, false, 0); // 2
  const sub = p.s.subscribe(bytes("s/#"), 1, 0); // 3
  assert.deepEqual([a, sub], [2, 3]);
  p.s.lastId = 1;
  assert.equal(p.s.nextPacketId(), 4, "2 (in flight) and 3 (SUBSCRIBE pending) skipped");
  p.s.lastId = 65535;
  p.s.publish(bytes("t"), bytes("2"), 2, false, 0); // 1
  p.s.lastId = 0;
  assert.equal(p.s.nextPacketId(), 4);
});

test("max QoS caps publishes and subscriptions", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.maxQos = 1; });
  p.open();
  p.s.publish(bytes("t"), bytes("x"), 2, false, 0);
  p.s.subscribe(bytes("s"), 2, 0);
  const out = p.pull();
  assert.deepEqual(out.map((x) => x.type), [T.PUBLISH, T.SUBSCRIBE]);
  assert.equal(out[0].qos, 1);
  assert.deepEqual(out[1].filters, [["s", 1]]);
  p.s.setMaxQos(0);
  const id = p.s.publish(bytes("t"), bytes("y"), 1, false, 0);
  assert.ok(id > 0, "QoS 0 publish returns a non-zero id");
  assert.deepEqual(p.pull().map((x) => [x.type, x.qos, x.packetId]), [[T.PUBLISH, 0, 0]]);
  assert.equal(p.s.inflightCount(), 1, "only the first message is in flight");
});

test("bad input: QoS 3, wildcard topic, invalid filter are refused with an error log", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  assert.equal(p.s.publish(bytes("t"), bytes("x"), 3, false, 0), 0);
  assert.equal(p.s.publish(bytes("a/+"), bytes("x"), 0, false, 0), 0);
  assert.equal(p.s.publish(bytes(""), bytes("x"), 1, false, 0), 0);
  assert.equal(p.s.subscribe(bytes("a/#/b"), 0, 0), 0);
  assert.equal(p.s.subscribe(bytes("a/".repeat(100)), 0, 0), 0);
  assert.equal(p.logs.filter((l) => l.level === LogLevel.ERROR).length, 5);
  assert.deepEqual(p.pull(), []);
});

test("offline: QoS 0 refused (NOT_CONNECTED); QoS>0 queued up to max_queue_length, then refused (QUEUE_FULL), nothing dropped", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.maxQueueLength = 2; });
  assert.equal(p.s.publish(bytes("t"), bytes("q0"), 0, false, 0), 0);
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.NOT_CONNECTED);
  const ids = ["m1", "m2", "m3"].map((m) => p.s.publish(bytes("q/" + m), bytes(m), 1, false, 0));
  assert.deepEqual(ids.map((i) => i > 0), [true, true, false]);
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.QUEUE_FULL);
  assert.equal(p.s.queuedCount(), 2);
  assert.equal(p.evs(E.DROPPED).length, 0);
  p.open();
  assert.deepEqual(p.pull().map((x) => [x.packetId, x.payload, x.dup]), [[ids[0], "m1", false], [ids[1], "m2", false]]);
  // The app was refused for lack of room: it hears when there is room again.
  assert.equal(p.evs(E.OUTBOX_ROOM).length, 1);
  // max_queue_length 0: nothing queued
  const z = new Peer((c) => { withStrings("d")(c); c.maxQueueLength = 0; });
  assert.equal(z.s.publish(bytes("t"), bytes("x"), 1, false, 0), 0);
  assert.equal(z.s.lastError, MGOS_MQTT_ERR.NOT_CONNECTED);
});

test("offline, max_queue_drop_oldest: the oldest waiting message is dropped with a DROPPED event (id, QoS, reason, topic, payload)", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.maxQueueLength = 2; c.dropOldest = true; });
  const drops: string[] = [];
  const prev = p.s.onEvent!;
  p.s.onEvent = (s, ev, pk, ud) => {
    if (ev === E.DROPPED) drops.push(`${s.evDropId} ${s.evDropQos} ${s.evDropReason} ${text(s.evDropTopic)} ${text(s.evDropPayload)}`);
    prev(s, ev, pk, ud);
  };
  const ids = ["m1", "m2", "m3"].map((m, i) => p.s.publish(bytes("q/" + m), bytes(m), i === 0 ? 2 : 1, false, 0));
  assert.ok(ids.every((i) => i > 0));
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.OK);
  assert.deepEqual(drops, [`${ids[0]} 2 ${MGOS_MQTT_DROP.QUEUE_FULL} q/m1 m1`]);
  const w = p.logs.filter((l) => l.level === LogLevel.WARN && /queue full/.test(l.msg));
  assert.equal(w.length, 1);
  p.open();
  assert.deepEqual(p.pull().map((x) => [x.packetId, x.payload, x.dup]), [[ids[1], "m2", false], [ids[2], "m3", false]]);
});

test("in-flight window: beyond MGOS_MQTT_MAX_INFLIGHT messages wait and go as acks arrive", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.maxQueueLength = 16; });
  p.open();
  const ids: number[] = [];
  for (let i = 0; i < MAX_INFLIGHT + 2; i++) ids.push(p.s.publish(bytes("t"), bytes(String(i)), 1, false, 0));
  assert.equal(p.pull().length, MAX_INFLIGHT);
  assert.equal(p.s.queuedCount(), 2);
  p.ack(T.PUBACK, ids[0]);
  assert.deepEqual(p.pull().map((x) => x.packetId), [ids[MAX_INFLIGHT]]);
});

test("recv limit: a PUBLISH over recv_mbuf_limit is skipped, not a close (test/mqtt/large.test.ts has the rest)", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.recvLimit = 100; });
  p.open();
  p.publish("t", "x".repeat(90), 0); // 97 bytes: fine
  assert.equal(p.evs(E.PUBLISH).length, 1);
  const big = p.publishBytes("t", "x".repeat(200), 0);
  p.send(big.subarray(0, 3)); // fixed header only: waits for the rest
  assert.equal(p.s.state, SessionState.CONNECTED);
  p.send(big.subarray(3));
  assert.equal(p.s.state, SessionState.CONNECTED);
  assert.equal(p.evs(E.PUBLISH_SKIPPED).length, 1);
  assert.equal(p.evs(E.PUBLISH).length, 1);
  // Any other packet over the limit still closes.
  p.send(new Uint8Array([0x90, 0xe8, 0x07, 0, 1]));
  assert.equal(p.s.state, SessionState.DISCONNECTED);
  assert.match(p.evs(E.CLOSE)[0].reason, /packet too large/);
});

test("malformed packet from the server closes with the decoder's reason", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.send(new Uint8Array([0x40, 0x03, 0, 1, 0])); // PUBACK with remaining length 3
  assert.equal(p.s.state, SessionState.DISCONNECTED);
  assert.ok(p.evs(E.CLOSE)[0].reason.length > 0);
  const q = new Peer(withStrings("d"));
  q.open();
  q.send(new Uint8Array([0x82, 0x02, 0, 1])); // SUBSCRIBE: never for a client
  assert.equal(q.s.state, SessionState.DISCONNECTED);
});

test("subscriptions: SUBACK to the right tag, refused 0x80 logged, all re-sent after every CONNACK before the queue", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.cleanSession = false; });
  const a = p.s.subscribe(bytes("a/b"), 1, 11);
  const b = p.s.subscribe(bytes("c/#"), 0, 22);
  assert.ok(a > 0 && b > 0 && a !== b);
  p.open();
  const subs = p.pull();
  assert.deepEqual(subs.map((x) => [x.type, x.packetId, x.filters]), [[T.SUBSCRIBE, a, [["a/b", 1]]], [T.SUBSCRIBE, b, [["c/#", 0]]]]);
  p.suback(b, [0x80]);
  p.suback(a, [1]);
  assert.deepEqual(p.evs(E.SUBACK).map((e) => [e.packetId, e.tag, e.codes]), [[b, 22, [0x80]], [a, 11, [1]]]);
  assert.ok(p.logs.some((l) => /refused/.test(l.msg) && l.detail === "c/#"));
  // reconnect with a queued message: SUBSCRIBEs come first
  p.drop();
  const m = p.s.publish(bytes("q"), bytes("queued"), 1, false, 0);
  p.open(true);
  const again = p.pull();
  assert.deepEqual(again.map((x) => [x.type, x.filters.length ? x.filters[0][0] : x.topic]),
    [[T.SUBSCRIBE, "a/b"], [T.SUBSCRIBE, "c/#"], [T.PUBLISH, "q"]]);
  assert.equal(again[2].packetId, m);
  // CONNACK event comes after the SUBSCRIBEs were queued and before the queue drained
  p.events = [];
  p.drop(); p.open(true);
  assert.deepEqual(p.events.map((e) => e.ev), [E.CLOSE, E.CONNACK]);
});

test("SUBSCRIBE sent at once when connected; unknown SUBACK id tolerated", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const id = p.s.subscribe(bytes("x/+/z"), 2, 7);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId, x.filters]), [[T.SUBSCRIBE, id, [["x/+/z", 2]]]]);
  p.suback(id + 100, [0]);
  assert.equal(p.evs(E.SUBACK)[0].tag, -1);
  assert.equal(p.s.state, SessionState.CONNECTED);
});

test("unsubscribe: first exact match removed, UNSUBSCRIBE and UNSUBACK with tag, not re-subscribed", () => {
  const p = new Peer(withStrings("d"));
  p.s.subscribe(bytes("a/#"), 0, 1);
  p.s.subscribe(bytes("a/#"), 1, 2);
  p.s.subscribe(bytes("b"), 0, 3);
  p.open();
  for (const s of p.pull()) p.suback(s.packetId, [s.filters[0][1]]);
  assert.equal(p.s.unsubscribe(bytes("nope")), 0);
  const u = p.s.unsubscribe(bytes("a/#"));
  assert.ok(u > 0);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId, x.filters]), [[T.UNSUBSCRIBE, u, [["a/#", -1]]]]);
  p.ack(T.UNSUBACK, u);
  assert.deepEqual(p.evs(E.UNSUBACK).map((e) => [e.packetId, e.tag]), [[u, 1]]);
  assert.equal(p.s.subCount, 2);
  p.drop(); p.open();
  assert.deepEqual(p.pull().map((x) => [x.type, x.filters]), [[T.SUBSCRIBE, [["a/#", 1]]], [T.SUBSCRIBE, [["b", 0]]]]);
  // offline unsubscribe goes out after the next CONNACK
  p.drop();
  const u2 = p.s.unsubscribe(bytes("b"));
  p.open();
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.SUBSCRIBE, p.s.subs[0].packetId], [T.UNSUBSCRIBE, u2]]);
});

test("unsentBytes: tx plus queued messages", () => {
  const p = new Peer(withStrings("d"));
  assert.equal(p.s.unsentBytes(), 0);
  p.s.publish(bytes("t/q"), bytes("12345"), 1, false, 0); // 1+1+2+3+2+5 = 14 bytes stored
  assert.equal(p.s.unsentBytes(), 14);
  p.s.connect(0);
  const connectLen = p.s.txLen;
  assert.equal(p.s.unsentBytes(), connectLen + 14);
  p.pull();
  p.connack();
  assert.equal(p.s.unsentBytes(), 14, "now in tx");
  p.pull();
  assert.equal(p.s.unsentBytes(), 0);
});

test("tx full: QoS 0 waits in the outbox until it is full (FULL, then OUTBOX_ROOM); QoS 1 behind it keeps the order", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  let n = 0;
  while (p.s.publish(bytes("fill"), new Uint8Array(100), 0, false, 0) !== 0) n++;
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.FULL);
  assert.ok(n > 20 && p.s.txLen <= TX_BUF_SIZE && p.s.recCount > 0, `${n} accepted`);
  assert.equal(p.s.outboxRoom() < 107 || p.s.recCount === 32, true);
  const id = p.s.publish(bytes("later"), new Uint8Array(100), 1, false, 0);
  assert.equal(id, 0, "no room for it either");
  const got: { type: number; packetId: number; topic: string }[] = [];
  for (let k = 0; k < 10 && (got.length === 0 || p.s.txLen > 0); k++) got.push(...p.pull());
  assert.equal(got.length, n, "every accepted QoS 0 message went out");
  assert.equal(p.evs(E.OUTBOX_ROOM).length, 1);
  const id2 = p.s.publish(bytes("later"), new Uint8Array(100), 1, false, 0);
  assert.ok(id2 > 0);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId, x.dup]), [[T.PUBLISH, id2, false]]);
});

test("partial writes: txConsumed keeps the rest in order", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.s.publish(bytes("t"), bytes("abc"), 0, false, 0);
  const all = Buffer.from(p.s.txView()).toString("hex");
  p.s.txConsumed(2);
  assert.equal(Buffer.from(p.s.txView()).toString("hex"), all.slice(4));
  p.s.txConsumed(1000);
  assert.equal(p.s.txView().length, 0);
});

test("disconnect: DISCONNECT flushed, then wantsClose, then CLOSE on connectionLost; publishes meanwhile are queued", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  assert.equal(p.s.disconnect(), true);
  assert.equal(p.s.wantsClose(), false, "DISCONNECT not written yet");
  const id = p.s.publish(bytes("t"), bytes("later"), 1, false, 0);
  assert.deepEqual(p.pull().map((x) => x.type), [T.DISCONNECT]);
  assert.equal(p.s.wantsClose(), true);
  p.drop();
  const c = p.evs(E.CLOSE);
  assert.equal(c.length, 1);
  assert.equal(c[0].reason, "disconnected");
  assert.equal(c[0].wasConnected, true);
  assert.equal(p.s.disconnect(), false);
  p.open();
  assert.deepEqual(p.pull().map((x) => x.packetId), [id]);
});

test("an event handler may close the connection from inside a callback", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const prev = p.s.onEvent!;
  p.s.onEvent = (s, ev, pk, ud) => {
    prev(s, ev, pk, ud);
    if (ev === E.PUBLISH) {
      s.close("handler says so");
      assert.equal(s.connect(p.now), false, "no new connection before the port dropped the old one");
    }
  };
  const a = p.publishBytes("t", "1", 1, 9);
  const b = p.publishBytes("t", "2", 0);
  const both = new Uint8Array(a.length + b.length);
  both.set(a); both.set(b, a.length);
  p.send(both);
  assert.equal(p.evs(E.PUBLISH).length, 1, "the rest of the old stream is not parsed");
  assert.equal(p.evs(E.CLOSE)[0].reason, "handler says so");
  assert.equal(p.s.txView().length, 0, "no PUBACK for a closed connection");
  assert.equal(p.s.wantsClose(), true);
  p.s.onEvent = prev;
  p.drop();
  p.open();
  assert.equal(p.s.state, SessionState.CONNECTED);
});

test("QoS 2 in: the id survives a reconnect with a persistent session, forgotten when the server lost it", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.cleanSession = false; });
  p.open();
  p.publish("s", "m", 2, 5);
  p.pull(); // PUBREC lost with the link
  p.drop();
  p.open(true);
  p.publish("s", "m", 2, 5, true);
  assert.equal(p.evs(E.PUBLISH).length, 1, "the server's resend is not delivered again");
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 5]]);
  // session present 0: the server has no state, so id 5 is a new message next time
  p.drop();
  p.open(false);
  p.publish("s", "new", 2, 5);
  assert.deepEqual(p.evs(E.PUBLISH).map((e) => e.payload), ["m", "new"]);
});

/** Fills the tx buffer to the last byte with one QoS 0 message. */
function fillTx(p: Peer): void {
  for (let n = TX_BUF_SIZE - p.s.txLen; n >= 0; n--) if (publishSize(1, n, 0) <= TX_BUF_SIZE - p.s.txLen && p.s.publish(bytes("f"), new Uint8Array(n), 0, false, p.now) !== 0) break;
  assert.equal(p.s.txLen, TX_BUF_SIZE);
  assert.equal(p.s.recCount, 0);
}

test("acks wait for tx space and keep their order", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  fillTx(p);
  p.publish("in", "a", 1, 100);
  p.publish("in", "b", 2, 101);
  assert.equal(p.evs(E.PUBLISH).length, 2, "delivered even though the acks cannot go yet");
  assert.equal(p.s.ackCount, 2);
  const out = p.pull().filter((x) => x.type !== T.PUBLISH);
  const rest = p.pull();
  assert.deepEqual(out.concat(rest).map((x) => [x.type, x.packetId]), [[T.PUBACK, 100], [T.PUBREC, 101]]);
});

test("while disconnecting, QoS 0 is refused and nothing else goes out", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.s.disconnect();
  assert.equal(p.s.publish(bytes("t"), bytes("x"), 0, false, 0), 0);
  p.s.subscribe(bytes("later"), 0, 1);
  assert.deepEqual(p.pull().map((x) => x.type), [T.DISCONNECT]);
  p.publish("in", "ignored", 1, 3);
  assert.equal(p.evs(E.PUBLISH).length, 0);
});

test("outbox bytes full offline: refused (FULL) by default, oldest dropped with max_queue_drop_oldest; over the outbox: TOO_BIG with the limit", () => {
  for (const dropOldest of [false, true]) {
    const p = new Peer((c) => { withStrings("d")(c); c.maxQueueLength = 16; c.dropOldest = dropOldest; });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(p.s.publish(bytes("big"), new Uint8Array(1000).fill(0x30 + i), 1, false, 0));
    assert.equal(p.s.queuedCount(), 4, "4 x 1008 bytes fit MGOS_MQTT_STORE_SIZE 4096");
    const kept = dropOldest ? ids.slice(2) : ids.slice(0, 4);
    if (dropOldest) {
      assert.ok(ids.every((x) => x > 0));
      assert.deepEqual(p.evs(E.DROPPED).length, 2);
    } else {
      assert.deepEqual(ids.slice(4), [0, 0]);
      assert.equal(p.s.lastError, MGOS_MQTT_ERR.FULL);
      assert.equal(p.evs(E.DROPPED).length, 0);
    }
    assert.equal(p.s.publish(bytes("huge"), new Uint8Array(STORE_SIZE), 1, false, 0), 0);
    assert.equal(p.s.lastError, MGOS_MQTT_ERR.TOO_BIG);
    assert.equal(p.logs.at(-1)!.level, LogLevel.ERROR);
    assert.equal(p.logs.at(-1)!.msg, "too big for MGOS_MQTT_STORE_SIZE");
    assert.equal(p.logs.at(-1)!.detail, "huge");
    assert.equal(p.logs.at(-1)!.num, publishSize(4, STORE_SIZE, 1));
    p.open();
    const got: number[] = [];
    for (let k = 0; k < 3; k++) got.push(...p.pull().map((x) => x.packetId));
    assert.deepEqual(got, kept);
    assert.equal(p.s.inflightCount(), 4);
  }
});

test("disconnect with tx full after a partial write: the begun packet is finished, the waiting ones dropped, then DISCONNECT", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.pull();
  assert.ok(p.s.publish(bytes("t"), new Uint8Array(1500).fill(7), 0, false, p.now) > 0);
  const first = p.s.txView().slice();
  // a second PUBLISH fills tx to the last byte: 1 + 2 (length) + 3 (topic "u") + payload
  assert.ok(p.s.publish(bytes("u"), new Uint8Array(p.s.tx.length - first.length - 6), 0, false, p.now) > 0);
  assert.equal(p.s.txLen, p.s.tx.length, "tx full behind the big packet");
  const head = p.s.txView().slice(0, 1);
  p.s.txConsumed(1); // the socket took 1 byte of the big PUBLISH: 1 byte free, DISCONNECT needs 2
  assert.ok(p.s.disconnect());
  const rest = p.s.txView().slice();
  const wire = Buffer.concat([head, rest]);
  assert.deepEqual([...wire.subarray(0, first.length)], [...first], "the begun PUBLISH goes out whole");
  assert.deepEqual([...wire.subarray(first.length)], [0xe0, 0x00], "then DISCONNECT, nothing else");
  assert.ok(p.logs.some((l) => /tx full, dropped/.test(l.msg)));
  assert.equal(p.s.wantsClose(), false);
  p.s.txConsumed(rest.length);
  assert.equal(p.s.wantsClose(), true);
});

test("disconnect when only the tail of a begun packet fits: DISCONNECT follows once the tail is written", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  p.pull();
  // one PUBLISH that fills tx to the last byte
  const topic = bytes("t");
  const size = p.s.tx.length - 6; // 1 + 2 (length) + 3 (topic "t") + payload
  assert.ok(p.s.publish(topic, new Uint8Array(size), 0, false, p.now) > 0);
  assert.equal(p.s.txLen, p.s.tx.length);
  p.s.txConsumed(1);
  assert.ok(p.s.disconnect());
  assert.equal(p.s.txLen, p.s.tx.length - 1, "no room yet: nothing dropped, nothing added");
  assert.equal(p.s.wantsClose(), false);
  p.s.txConsumed(p.s.txLen - 1);
  assert.deepEqual([...p.s.txView()].slice(-2), [0xe0, 0x00], "queued as soon as there is room");
  p.s.txConsumed(p.s.txLen);
  assert.equal(p.s.wantsClose(), true);
});

// ---------------------------------------------------------------- delivery rule: outbox, streaming, backpressure

test("a message larger than tx streams out of the outbox: QoS 0 and QoS 1 of 3,000 bytes, in order with the rest", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const big0 = "a".repeat(3000), big1 = "b".repeat(3000);
  const a = p.s.publish(bytes("big/0"), bytes(big0), 0, false, 0);
  assert.ok(a > 0);
  assert.equal(p.s.streaming, true, "tx holds the first part");
  // Nothing else may enter tx mid-packet: a PUBACK due now waits.
  p.publish("in", "x", 1, 77);
  assert.equal(p.s.ackCount, 1);
  const small = p.s.publish(bytes("small"), bytes("s"), 0, false, 0);
  assert.ok(small > 0);
  const got: { type: number; topic: string; payload: string; packetId: number }[] = [];
  for (let k = 0; k < 5; k++) got.push(...p.pull());
  // The 3,000-byte QoS 1 message waits for tx room too (the outbox holds one such at a time).
  const b = p.s.publish(bytes("big/1"), bytes(big1), 1, false, 0);
  assert.ok(b > 0);
  for (let k = 0; k < 5; k++) got.push(...p.pull());
  assert.deepEqual(got.map((x) => [x.type, x.topic, x.payload.length, x.packetId]),
    [[T.PUBLISH, "big/0", 3000, 0], [T.PUBACK, "", 0, 77], [T.PUBLISH, "small", 1, 0], [T.PUBLISH, "big/1", 3000, b]]);
  assert.equal(got[0].payload, big0);
  assert.equal(got[3].payload, big1);
  p.ack(T.PUBACK, b);
  assert.equal(p.s.recCount, 0);
  assert.equal(p.s.unsentBytes(), 0);
});

test("streaming: an ack for the message still streaming is refused, a lost link resends it whole, DISCONNECT waits for its end", () => {
  const p = new Peer((c) => { withStrings("d")(c); c.cleanSession = false; });
  p.open();
  const id = p.s.publish(bytes("big"), bytes("z".repeat(3000)), 1, false, 0);
  assert.equal(p.s.streaming, true);
  p.ack(T.PUBACK, id);
  assert.equal(p.s.recCount, 1, "not freed: it never was whole on the wire");
  assert.ok(p.logs.some((l) => /PUBACK: unexpected id/.test(l.msg)));
  p.drop();
  p.open(true);
  const out: { packetId: number; dup: boolean; payload: string }[] = [];
  for (let k = 0; k < 4; k++) out.push(...p.pull());
  // It never went out whole: sent again without DUP.
  assert.deepEqual(out.map((x) => [x.packetId, x.dup, x.payload.length]), [[id, false, 3000]]);
  // Resent after it went out whole once: DUP.
  p.drop();
  p.open(true);
  const again: { packetId: number; dup: boolean }[] = [];
  for (let k = 0; k < 4; k++) again.push(...p.pull());
  assert.deepEqual(again.map((x) => [x.packetId, x.dup]), [[id, true]]);
  p.ack(T.PUBACK, id);
  // DISCONNECT during a stream goes after the last byte.
  p.s.publish(bytes("big2"), bytes("y".repeat(3000)), 0, false, 0);
  assert.equal(p.s.disconnect(), true);
  const fin: { type: number }[] = [];
  for (let k = 0; k < 4; k++) fin.push(...p.pull());
  assert.deepEqual(fin.map((x) => x.type), [T.PUBLISH, T.DISCONNECT]);
  assert.equal(p.s.wantsClose(), true);
});

test("streaming: a PUBREL due again mid-stream (repeated PUBREC) and a new SUBSCRIBE wait for its last byte, then go before the next message", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const q2 = p.s.publish(bytes("q2"), bytes("x"), 2, false, 0);
  p.pull();
  p.ack(T.PUBREC, q2);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREL, q2]]);
  assert.ok(p.s.publish(bytes("big"), bytes("z".repeat(3000)), 0, false, 0) > 0);
  assert.equal(p.s.streaming, true);
  p.ack(T.PUBREC, q2); // repeated: its PUBREL is due again, behind the stream
  const sid = p.s.subscribe(bytes("s/#"), 1, 7);
  const next = p.s.publish(bytes("next"), bytes("n"), 1, false, 0);
  const got: { type: number; packetId: number; payload: string }[] = [];
  for (let k = 0; k < 5; k++) got.push(...p.pull());
  assert.deepEqual(got.map((x) => [x.type, x.packetId, x.payload.length]),
    [[T.PUBLISH, 0, 3000], [T.SUBSCRIBE, sid, 0], [T.PUBREL, q2, 0], [T.PUBLISH, next, 1]]);
  assert.equal(p.s.streaming, false);
});

test("backpressure: 1,000 QoS 1 publishes, each retried after OUTBOX_ROOM when refused: all arrive once, in order", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  let next = 0, refused = 0;
  const arrived: string[] = [];
  const publishSome = (): void => {
    while (next < 1000) {
      if (p.s.publish(bytes("bp"), bytes(`m${next}`), 1, false, 0) === 0) {
        assert.ok(MGOS_MQTT_ERR.FULL === p.s.lastError);
        refused++;
        return;
      }
      next++;
    }
  };
  let rounds = 0;
  while (arrived.length < 1000 && rounds++ < 5000) {
    const room = p.evs(E.OUTBOX_ROOM).length;
    publishSome();
    for (const x of p.pull()) {
      if (x.type !== T.PUBLISH) continue;
      arrived.push(x.payload);
      p.ack(T.PUBACK, x.packetId);
    }
    if (next < 1000) assert.ok(p.evs(E.OUTBOX_ROOM).length > room || p.s.outboxRoom() > 0, "room was announced");
  }
  assert.equal(arrived.length, 1000);
  assert.deepEqual(arrived, Array.from({ length: 1000 }, (_, i) => `m${i}`));
  assert.ok(refused > 0, "the outbox did fill up");
});

test("publish arguments: bad QoS and topics are INVALID, over 256 MiB is TOO_BIG, max QoS -1 is no override", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  assert.equal(p.s.publish(bytes("t"), bytes("x"), 3, false, 0), 0);
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.INVALID);
  assert.equal(p.s.publish(bytes("a/+"), bytes("x"), 1, false, 0), 0);
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.INVALID);
  // A view claiming 256 MiB + 1: refused from its length, never read.
  const fake = { length: 268435456, subarray: () => new Uint8Array(0) } as unknown as Uint8Array;
  assert.equal(p.s.publish(bytes("t"), fake, 0, false, 0), 0);
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.TOO_BIG);
  assert.equal(p.logs.at(-1)!.msg, "too big for MQTT");
  assert.equal(p.logs.at(-1)!.detail, "t");
  assert.equal(p.logs.at(-1)!.num, 268435456);
  assert.ok(p.s.publish(bytes("t"), bytes("x"), 0, false, 0) > 0);
  assert.equal(p.s.lastError, MGOS_MQTT_ERR.OK);
});

test("control characters in what the client sends are INVALID (mosquitto 2 closes the connection on them: a queued one would be resent forever)", () => {
  const p = new Peer(withStrings("d"));
  p.open();
  const u8 = (t: string) => new Uint8Array(Buffer.from(t, "utf8"));
  for (const t of ["a\tb", "a\x01", "a\x7f", "a\u0085b", "a\u009f"]) {
    assert.equal(p.s.publish(u8(t), bytes("x"), 1, false, 0), 0, JSON.stringify(t));
    assert.equal(p.s.lastError, MGOS_MQTT_ERR.INVALID, JSON.stringify(t));
    assert.equal(p.s.subscribe(u8(t), 1, 0), 0, JSON.stringify(t));
  }
  // Neighbours of the refused ranges, and other non-ASCII, still go.
  for (const t of ["a b", "a~", "a\u00a0b", "a\u0100", "caf\u00e9/\u{1f600}"]) {
    assert.ok(p.s.publish(u8(t), bytes("x"), 1, false, 0) > 0, `${JSON.stringify(t)}: error ${p.s.lastError}, ${p.logs.at(-1)?.msg} ${p.logs.at(-1)?.detail}`);
    assert.ok(p.s.subscribe(u8(t), 1, 0) > 0, JSON.stringify(t));
  }
  assert.equal(new SessionConfig().setStrings(bytes("d"), bytes(""), bytes(""), bytes("will\tx"), bytes("m")), "invalid will topic");
});

test("restored outbox: PUBRELs due behind a waiting message go out though the in-flight window is already full", () => {
  // What storage written with a larger window leaves: one QoS 1 message
  // waiting, then MAX_INFLIGHT QoS 2 messages whose PUBREL is due.
  const q = new Peer((c) => { withStrings("d")(c); c.cleanSession = false; });
  const pub = new Uint8Array(64);
  const n = encodePublish(pub, bytes("t/1"), bytes("one"), 1, false, false, 1);
  assert.equal(q.s.restore(1, storeMeta(RecState.QUEUED, 1, 1), pub.subarray(0, n)), true);
  const rel: number[][] = [];
  for (let k = 0; k < MAX_INFLIGHT; k++) {
    assert.equal(q.s.restore(2 + k, storeMeta(RecState.WAIT_PUBCOMP, 2, 2 + k), new Uint8Array(0)), true);
    rel.push([T.PUBREL, 2 + k]);
  }
  q.open(true);
  assert.deepEqual(q.pull().map((x) => [x.type, x.packetId]), rel, "the PUBRELs; the QoS 1 message waits for a free slot");
  q.ack(T.PUBCOMP, 2);
  assert.deepEqual(q.pull().map((x) => [x.type, x.packetId]), [[T.PUBLISH, 1]]);
});

test("persistence hooks: PUT when accepted, PUT again at PUBREC (PUBREL only), DEL when done; restore() puts them back in order", () => {
  const ops: { op: number; seq: number; meta: number; data: Uint8Array }[] = [];
  const p = new Peer(withStrings("d"));
  p.s.onStore = (_s, op, seq, meta, data) => { ops.push({ op, seq, meta, data: data.slice() }); };
  p.open();
  const a = p.s.publish(bytes("t/1"), bytes("one"), 1, false, 0);
  const b = p.s.publish(bytes("t/2"), bytes("two"), 2, false, 0);
  assert.equal(p.s.publish(bytes("t/0"), bytes("zero"), 0, false, 0) > 0, true);
  assert.deepEqual(ops.map((o) => [o.op, o.seq, o.meta >>> 24, (o.meta >> 16) & 0xff, o.meta & 0xffff]), [[1, 1, 1, 1, a], [1, 2, 1, 2, b]], "QoS 0 is never stored");
  p.pull();
  p.ack(T.PUBREC, b);
  assert.deepEqual(ops.slice(2).map((o) => [o.op, o.seq, o.meta >>> 24, o.data.length]), [[1, 2, 4, 0]]);
  // A restart now: a fresh session gets both records back.
  const q = new Peer((c) => { withStrings("d")(c); c.cleanSession = false; });
  for (const o of [ops[0], ops[2]]) assert.equal(q.s.restore(o.seq, o.meta, o.data), true);
  assert.equal(q.s.nextSeq, 3);
  assert.equal(q.s.restore(ops[0].seq, ops[0].meta, ops[0].data), false, "the same id twice is refused");
  q.open(true);
  assert.deepEqual(q.pull().map((x) => [x.type, x.packetId, x.payload]), [[T.PUBLISH, a, "one"], [T.PUBREL, b, ""]]);
  p.ack(T.PUBACK, a);
  p.ack(T.PUBCOMP, b);
  assert.deepEqual(ops.slice(3).map((o) => [o.op, o.seq]), [[2, 1], [2, 2]]);
});
