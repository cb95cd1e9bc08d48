// Incoming PUBLISHes over the receive limit, cut at every byte boundary: the
// session gathers such a packet's head in rx like any packet, then streams the
// rest from the transport's bytes (session.ts bigHead, bigFeed). Whatever the
// transport's reads, the app must see the same events (fragments joined),
// the broker the same acks, in the same order. Also: a skipped QoS 2 message
// cut by a lost connection and resent with DUP.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { Peer, bytes } from "./support/peer";
import { SessionEvent as E, SessionState } from "../../ts-src/mqtt/session";
import { PacketType as T } from "../../ts-src/mqtt/packet";
import { encodePublish } from "../../ts-src/mqtt/codec";

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

function pub(topic: string, payload: Uint8Array, qos: number, id: number, dup = false): Uint8Array {
  const out = new Uint8Array(payload.length + topic.length + 16);
  const n = encodePublish(out, bytes(topic), payload, qos, false, dup, id);
  assert.ok(n > 0);
  return out.slice(0, n);
}

function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** Feeds `stream` in the given reads (lengths) to a connected session with
 *  recv_mbuf_limit `limit` whose PUBLISH_PART handler takes fragments when
 *  `take`; returns what the app and the broker saw, fragments joined. */
function run(stream: Uint8Array, reads: number[], limit: number, take: boolean): string[] {
  const p = new Peer((c) => {
    const err = c.setStrings(bytes("d"), bytes(""), bytes(""), bytes(""), bytes(""));
    if (err !== null) throw new Error(err);
    c.recvLimit = limit;
  });
  const out: string[] = [];
  let part = "";
  const inner = p.s.onEvent!;
  p.s.onEvent = (s, ev, pk, ud) => {
    inner(s, ev, pk, ud);
    if (ev === E.PUBLISH_PART && pk !== null) {
      // Fragments are contiguous: each starts where the last one ended.
      assert.equal(s.rxPartOff, part.length, "fragment offset");
      part += Buffer.from(pk.payload).toString("latin1");
      if (take) s.rxTake = true;
      if (take && part.length === s.rxPartTotal) {
        out.push(`PART ${Buffer.from(pk.topic).toString("latin1")} id=${pk.packetId} q=${pk.qos} ${part.length}:${part}`);
        part = "";
      }
      return;
    }
    // (Skipped: the first fragment was offered and not taken.)
    if (ev === E.PUBLISH_SKIPPED) part = "";
    if (ev === E.PUBLISH || ev === E.PUBLISH_SKIPPED) {
      out.push(`${ev} ${Buffer.from(pk!.topic).toString("latin1")} id=${pk!.packetId} q=${pk!.qos} dup=${pk!.dup} ` +
        `${ev === E.PUBLISH ? Buffer.from(pk!.payload).toString("latin1") : `total=${s.rxPartTotal} topicLen=${s.rxTopicLen}`}`);
    }
  };
  p.open();
  p.takeEvents();
  let off = 0;
  for (const k of reads) {
    p.s.onRecv(stream.subarray(off, off + k), p.now);
    off += k;
    // Nothing of a packet over the limit stays in rx beyond the limit.
    assert.ok(p.s.rxLen <= Math.max(limit, 8), `rx holds ${p.s.rxLen}`);
  }
  assert.equal(off, stream.length);
  assert.equal(part, "", "no fragment left over");
  for (const x of p.pull()) out.push(`sent ${x.type} ${x.packetId}`);
  out.push(`state ${p.s.state} rx ${p.s.rxLen} big ${p.s.big}`);
  return out;
}

const LIMIT = 64;
const cases: [string, Uint8Array][] = [
  ["QoS 1 over the limit between two small ones", cat(pub("a/1", pattern(10, 1), 1, 1), pub("big/one", pattern(300, 2), 1, 2), pub("c", pattern(5, 3), 2, 3))],
  ["QoS 2 with a topic longer than the limit", cat(pub("t".repeat(100), pattern(50, 4), 2, 7), pub("after", pattern(3, 5), 0, 0))],
  ["QoS 0, its topic ending its head (nothing between topic and payload)", cat(pub("z".repeat(59), pattern(5, 6), 0, 0), pub("n", pattern(2, 7), 1, 9))],
  ["QoS 1, topic ending on the limit, id past it", cat(pub("e".repeat(LIMIT - 4), pattern(40, 8), 1, 11), pub("n", pattern(2, 9), 1, 12))],
  ["QoS 1, topic ending on the limit, empty payload", cat(pub("f".repeat(LIMIT - 4), new Uint8Array(0), 1, 13), pub("n", pattern(2, 9), 1, 14))],
  ["QoS 0, topic past the limit, empty payload", cat(pub("g".repeat(LIMIT + 10), new Uint8Array(0), 0, 0), pub("n", pattern(2, 9), 0, 0))],
  ["two over the limit back to back", cat(pub("b1", pattern(90, 10), 1, 15), pub("b2", pattern(70, 11), 2, 16))],
];

for (const take of [false, true]) {
  for (const [name, stream] of cases) {
    test(`${name}, ${take ? "taken in fragments" : "skipped"}: the same at every split into two reads and one byte at a time`, () => {
      const whole = run(stream, [stream.length], LIMIT, take);
      assert.ok(whole.some((l) => l.startsWith("PART") || l.startsWith(`${E.PUBLISH_SKIPPED} `)), "a large one is there");
      assert.ok(whole[whole.length - 1].startsWith(`state ${SessionState.CONNECTED} rx 0 big 0`), whole[whole.length - 1]);
      // Every event names its topic (a cut one by its start) and, at QoS 1/2, its id.
      for (const l of whole.filter((x) => /^(PART|\d+) /.test(x))) {
        assert.match(l, /^\S+ [^ ]+ id=/, `topic in ${l.slice(0, 60)}`);
        assert.doesNotMatch(l, /id=0 q=[12]/, `id in ${l.slice(0, 60)}`);
      }
      for (let k = 1; k < stream.length; k++) {
        assert.deepEqual(run(stream, [k, stream.length - k], LIMIT, take), whole, `split at ${k}`);
      }
      assert.deepEqual(run(stream, Array(stream.length).fill(1), LIMIT, take), whole, "one byte at a time");
    });
  }
}

test("a skipped QoS 2 message cut by a lost connection: its DUP resend is skipped again and acknowledged; a later DUP only gets PUBREC", () => {
  const p = new Peer((c) => {
    const err = c.setStrings(bytes("d"), bytes(""), bytes(""), bytes(""), bytes(""));
    if (err !== null) throw new Error(err);
    c.cleanSession = false;
    c.recvLimit = LIMIT;
  });
  p.open();
  const body = pattern(500, 12);
  const first = pub("q2/big", body, 2, 40);
  p.s.onRecv(first.subarray(0, 200), p.now);
  assert.equal(p.evs(E.PUBLISH_SKIPPED).length, 1, "skipped when its payload began");
  assert.deepEqual(p.pull(), [], "no PUBREC before the last byte");
  p.drop();
  p.open(true);
  // The broker sends it again (DUP): the first copy was never whole, so it is new.
  const resend = pub("q2/big", body, 2, 40, true);
  for (let i = 0; i < resend.length; i += 37) p.s.onRecv(resend.subarray(i, i + 37), p.now);
  const sk = p.evs(E.PUBLISH_SKIPPED);
  assert.equal(sk.length, 2);
  assert.equal(sk[1].dup, true);
  assert.equal(p.s.rxPartTotal, body.length);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 40]]);
  // Its PUBREC lost: another DUP is a duplicate now (no event, PUBREC again).
  p.s.onRecv(resend, p.now);
  assert.equal(p.evs(E.PUBLISH_SKIPPED).length, 2);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 40]]);
  p.ack(T.PUBREL, 40);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBCOMP, 40]]);
  // A small message after it is parsed from a clean rx.
  p.publish("small", "ok", 1, 41);
  assert.deepEqual(p.evs(E.PUBLISH).map((e) => [e.topic, e.payload]), [["small", "ok"]]);
  assert.equal(p.s.state, SessionState.CONNECTED);
});

test("a large PUBLISH cut while its head is still gathering in rx: nothing of it is left after the reconnect", () => {
  const p = new Peer((c) => {
    const err = c.setStrings(bytes("d"), bytes(""), bytes(""), bytes(""), bytes(""));
    if (err !== null) throw new Error(err);
    c.recvLimit = LIMIT;
  });
  p.open();
  const big = pub("h".repeat(40), pattern(200, 13), 1, 50);
  p.s.onRecv(big.subarray(0, 20), p.now); // fixed header and half the topic
  p.drop();
  assert.equal(p.s.rxLen, 0);
  p.open();
  p.publish("next", "x", 1, 51);
  assert.deepEqual(p.evs(E.PUBLISH).map((e) => [e.topic, e.payload]), [["next", "x"]]);
  assert.deepEqual(p.evs(E.PUBLISH_SKIPPED), []);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBACK, 51]]);
});
