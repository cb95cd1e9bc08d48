// protocol_version changed (4 <-> 5) while messages wait in the outbox, are
// in flight in a persistent session, or were persisted by the other version:
// each PUBLISH is re-encoded for the connection it goes out on, whole or
// streamed through tx in pieces, and what goes on the wire parses (npm
// mqtt-packet, an independent implementation) to the same topic, id, QoS,
// DUP and payload (docs/mqtt5.md "Changing protocol_version"). The session
// under Node; test/mqtt5/large5.test.ts runs it against mosquitto.

import { test } from "node:test";
import * as assert from "node:assert/strict";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttPacket = require("mqtt-packet");
import { Session, StoreOp } from "../../ts-src/mqtt/session";
import { PropId } from "../../ts-src/mqtt/packet5";

const gen = (p: Record<string, unknown>, v: number): Buffer => mqttPacket.generate(p, { protocolVersion: v });

/** Everything the session writes, drained in chunks of `chunk` bytes and parsed as protocol `v`. */
function drain(s: Session, v: number, chunk = 1 << 30): any[] {
  const bytes: Buffer[] = [];
  for (let i = 0; i < 10000 && s.txLen > 0; i++) {
    const n = Math.min(chunk, s.txLen);
    bytes.push(Buffer.from(s.txView().subarray(0, n)));
    s.txConsumed(n);
  }
  const out: any[] = [];
  const p = mqttPacket.parser({ protocolVersion: v });
  p.on("packet", (x: any) => out.push(x));
  p.on("error", (e: Error) => out.push({ cmd: "error", message: e.message }));
  p.parse(Buffer.concat(bytes));
  return out;
}

function session(version: number): Session {
  const s = new Session();
  s.cfg.version = version;
  s.cfg.cleanSession = false;
  s.cfg.maxQueueLength = 10;
  s.cfg.setStrings(new Uint8Array(Buffer.from("ver-test")), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0));
  return s;
}

/** Connects `s` (already configured) and answers CONNACK; returns what it sent, CONNECT included. */
function connect(s: Session, v: number, present: boolean, now: number, chunk?: number): any[] {
  assert.ok(s.connect(now));
  const first = drain(s, v);
  s.onRecv(new Uint8Array(gen({ cmd: "connack", returnCode: 0, reasonCode: 0, sessionPresent: present, properties: {} }, v)), now);
  return [...first, ...drain(s, v, chunk)];
}

const big = Buffer.from(Buffer.alloc(3000).map((_, i) => 33 + (i % 90)));

for (const [from, to] of [[4, 5], [5, 4]]) {
  test(`queued offline under ${from}, sent under ${to}: same messages, whole and streamed through tx`, () => {
    for (const chunk of [1 << 30, 7, 1]) {
      const s = session(from);
      if (from === 5) {
        // Properties of a 5 message have no 3.1.1 form: left out.
        const pp = s.v5s[0].pubProps;
        pp.contentType = new Uint8Array(Buffer.from("text/x"));
        pp.set(PropId.CONTENT_TYPE);
      }
      const ids = [
        s.publish(new Uint8Array(Buffer.from("v/one")), new Uint8Array(Buffer.from("payload-1")), 1, false, 0),
        s.publish(new Uint8Array(Buffer.from("v/two")), new Uint8Array(Buffer.from("payload-2")), 2, true, 0),
        s.publish(new Uint8Array(Buffer.from("v/big")), new Uint8Array(big), 1, false, 0),
      ];
      assert.ok(ids.every((i) => i > 0));
      s.v5s[0].pubProps.reset();
      s.cfg.version = to;
      const sent = connect(s, to, false, 10, chunk).filter((p) => p.cmd !== "connect");
      assert.deepEqual(sent.map((p) => [p.cmd, p.topic, p.messageId, p.qos, p.retain, p.dup, p.payload.toString()]), [
        ["publish", "v/one", ids[0], 1, false, false, "payload-1"],
        ["publish", "v/two", ids[1], 2, true, false, "payload-2"],
        ["publish", "v/big", ids[2], 1, false, false, big.toString()],
      ], `chunk ${chunk}`);
      if (to === 5) for (const p of sent) assert.deepEqual(p.properties ?? {}, {});
    }
  });

  test(`in flight in a persistent session under ${from}, resent under ${to} with DUP`, () => {
    const s = session(from);
    connect(s, from, false, 0);
    const id = s.publish(new Uint8Array(Buffer.from("v/inflight")), new Uint8Array(big), 1, false, 1);
    const first = drain(s, from);
    assert.equal(first[0].messageId, id);
    s.connectionLost(2);
    s.cfg.version = to;
    const again = connect(s, to, true, 3, 100).filter((p) => p.cmd === "publish");
    assert.equal(again.length, 1);
    assert.equal(again[0].messageId, id);
    assert.equal(again[0].dup, true);
    assert.equal(again[0].payload.toString(), big.toString());
    // Its PUBACK ends it.
    s.onRecv(new Uint8Array(gen({ cmd: "puback", messageId: id, reasonCode: 0 }, to)), 4);
    assert.equal(s.recCount, 0);
  });

  test(`persisted under ${from}, restored and sent under ${to}`, () => {
    const a = session(from);
    const stored = new Map<number, { meta: number; data: Buffer }>();
    a.onStore = (_s, op, seq, meta, data) => {
      if (op === StoreOp.PUT) stored.set(seq, { meta, data: Buffer.from(data) });
      else stored.delete(seq);
    };
    const id = a.publish(new Uint8Array(Buffer.from("v/kept")), new Uint8Array(Buffer.from("survives")), 2, false, 0);
    assert.equal(stored.size, 1);
    const b = session(to);
    for (const [seq, r] of stored) assert.ok(b.restore(seq, r.meta >>> 0, new Uint8Array(r.data)));
    const sent = connect(b, to, false, 1).filter((p) => p.cmd === "publish");
    assert.deepEqual(sent.map((p) => [p.topic, p.messageId, p.qos, p.payload.toString()]), [["v/kept", id, 2, "survives"]]);
  });
}
