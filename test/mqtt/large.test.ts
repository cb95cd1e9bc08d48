// Incoming PUBLISHes larger than the receive limit (recv_mbuf_limit / the rx
// buffer): streamed to a handler that takes them in fragments, or skipped and
// acknowledged; never a close, so a persistent session cannot loop on them.
// The session against the scripted broker of support/peer.ts, fake clock.

import { test } from "node:test";
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { Peer, bytes } from "./support/peer";
import { SessionEvent as E, SessionState, LogLevel, RX_BUF_SIZE } from "../../ts-src/mqtt/session";
import { PacketType as T } from "../../ts-src/mqtt/packet";
import { encodePublish } from "../../ts-src/mqtt/codec";

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** A payload whose every byte depends on its offset (reordering shows). */
function pattern(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function publishBytes(topic: string | Uint8Array, payload: Uint8Array, qos: number, id = 0, dup = false): Uint8Array {
  const t = typeof topic === "string" ? bytes(topic) : topic;
  const out = new Uint8Array(payload.length + t.length + 16);
  const n = encodePublish(out, t, payload, qos, false, dup, id);
  assert.ok(n > 0);
  return out.slice(0, n);
}

/** xorshift: random but reproducible splits. */
function splits(total: number, seed: number): number[] {
  const out: number[] = [];
  let x = seed;
  let left = total;
  while (left > 0) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const k = Math.min(left, x % 5 === 0 ? 1 : 1 + (x % 3000));
    out.push(k);
    left -= k;
  }
  return out;
}

interface Part { topic: string; off: number; total: number; data: Uint8Array; id: number; qos: number }

/** A peer whose app takes fragments (take=true) or not; records every fragment. */
function peer(take: boolean, setup?: (p: Peer) => void): { p: Peer; parts: Part[] } {
  const p = new Peer((c) => {
    const err = c.setStrings(bytes("d"), bytes(""), bytes(""), bytes(""), bytes(""));
    if (err !== null) throw new Error(err);
  });
  if (setup) setup(p);
  const parts: Part[] = [];
  const inner = p.s.onEvent!;
  p.s.onEvent = (s, ev, pk, ud) => {
    inner(s, ev, pk, ud);
    if (ev === E.PUBLISH_PART && pk !== null) {
      parts.push({ topic: Buffer.from(pk.topic).toString("latin1"), off: s.rxPartOff, total: s.rxPartTotal, data: pk.payload.slice(), id: pk.packetId, qos: pk.qos });
      if (take) s.rxTake = true;
    }
  };
  return { p, parts };
}

function feed(p: Peer, b: Uint8Array, seed: number): void {
  let off = 0;
  for (const k of splits(b.length, seed)) {
    p.s.onRecv(b.subarray(off, off + k), p.now);
    off += k;
  }
}

/** Fragments joined, after checking they are contiguous and in order. */
function join(parts: Part[]): Uint8Array {
  const total = parts[0].total;
  const out = new Uint8Array(total);
  let at = 0;
  for (const q of parts) {
    assert.equal(q.off, at, "fragments contiguous, in order");
    assert.equal(q.total, total);
    assert.ok(q.data.length > 0);
    out.set(q.data, at);
    at += q.data.length;
  }
  assert.equal(at, total);
  return out;
}

test("100 KiB QoS 1 in random splits: fragments to a handler that takes them, intact and in order, PUBACK after the last byte", () => {
  for (const seed of [1, 7, 1234]) {
    const { p, parts } = peer(true);
    p.open();
    const body = pattern(100 * 1024, seed);
    const pkt = publishBytes("big/file", body, 1, 42);
    feed(p, pkt.subarray(0, pkt.length - 1), seed);
    assert.equal(p.pull().filter((x) => x.type === T.PUBACK).length, 0, "no PUBACK before the last byte");
    p.s.onRecv(pkt.subarray(pkt.length - 1), p.now);
    assert.equal(sha(join(parts)), sha(body), `seed ${seed}: reassembled bytes equal`);
    assert.ok(parts.every((q) => q.topic === "big/file" && q.id === 42 && q.qos === 1), "topic and id in every fragment");
    assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBACK, 42]]);
    assert.equal(p.evs(E.PUBLISH_SKIPPED).length, 0);
    assert.equal(p.evs(E.PUBLISH).length, 0);
    assert.equal(p.s.state, SessionState.CONNECTED);
    // The stream goes on: a small message right after is delivered as usual.
    p.publish("small", "after", 1, 43);
    assert.deepEqual(p.evs(E.PUBLISH).map((e) => [e.topic, e.payload]), [["small", "after"]]);
    assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBACK, 43]]);
  }
});

test("100 KiB nobody takes: skipped (read past, no buffering), SKIPPED event names topic and size, log, acked per QoS", () => {
  for (const qos of [0, 1, 2]) {
    const { p, parts } = peer(false);
    p.open();
    const body = pattern(100 * 1024, qos + 3);
    feed(p, publishBytes("big/skip", body, qos, qos > 0 ? 9 : 0), 99 + qos);
    assert.equal(parts.length, 1, "the first fragment is offered once");
    const sk = p.evs(E.PUBLISH_SKIPPED);
    assert.equal(sk.length, 1);
    assert.equal(sk[0].topic, "big/skip");
    assert.equal(sk[0].payload, "");
    assert.equal(p.s.rxPartTotal, body.length, "size of the skipped payload");
    const log = p.logs.find((l) => /larger than the receive buffer, skipped/.test(l.msg))!;
    assert.equal(log.level, LogLevel.WARN);
    assert.equal(log.detail, "big/skip");
    assert.equal(log.num, body.length);
    assert.ok(p.s.rxLen <= 20, "the payload never went into rx");
    const sent = p.pull().map((x) => [x.type, x.packetId]);
    if (qos === 0) assert.deepEqual(sent, []);
    if (qos === 1) assert.deepEqual(sent, [[T.PUBACK, 9]]);
    if (qos === 2) {
      assert.deepEqual(sent, [[T.PUBREC, 9]]);
      // A resend (DUP) before PUBREL is a duplicate: no event, PUBREC again.
      feed(p, publishBytes("big/skip", body, 2, 9, true), 5);
      assert.equal(p.evs(E.PUBLISH_SKIPPED).length, 1);
      assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 9]]);
      p.ack(T.PUBREL, 9);
      assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBCOMP, 9]]);
    }
    assert.equal(p.s.state, SessionState.CONNECTED);
  }
});

test("QoS 2 taken in fragments: delivered once, PUBREC after the last byte, a DUP resend is not delivered again", () => {
  const { p, parts } = peer(true);
  p.open();
  const body = pattern(9000, 5);
  feed(p, publishBytes("q2", body, 2, 77), 3);
  assert.equal(sha(join(parts)), sha(body));
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 77]]);
  const n = parts.length;
  feed(p, publishBytes("q2", body, 2, 77, true), 4);
  assert.equal(parts.length, n, "duplicate not delivered");
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 77]]);
});

test("recv_mbuf_limit below the buffer: small, large and small again in one read, in place", () => {
  const { p, parts } = peer(true, (pp) => { pp.s.cfg.recvLimit = 1000; });
  p.open();
  const a = publishBytes("a", bytes("first"), 1, 1);
  const big = pattern(1500, 2);
  const b = publishBytes("b", big, 1, 2);
  const c = publishBytes("c", bytes("third"), 1, 3);
  const all = new Uint8Array(a.length + b.length + c.length);
  all.set(a, 0); all.set(b, a.length); all.set(c, a.length + b.length);
  p.s.onRecv(all, 0);
  assert.deepEqual(p.evs(E.PUBLISH).map((e) => e.payload), ["first", "third"]);
  assert.equal(sha(join(parts)), sha(big));
  assert.deepEqual(p.pull().map((x) => x.packetId), [1, 2, 3], "acks in the order received");
});

test("topic longer than the receive buffer: skipped with its start, real length and id; acked; connection kept", () => {
  const { p, parts } = peer(true);
  p.open();
  const topic = "long/" + "x".repeat(RX_BUF_SIZE + 2000);
  feed(p, publishBytes(topic, pattern(500), 1, 5), 8);
  assert.equal(parts.length, 0, "nothing to match the filters against: no fragments");
  const sk = p.evs(E.PUBLISH_SKIPPED);
  assert.equal(sk.length, 1);
  assert.ok(topic.startsWith(sk[0].topic) && sk[0].topic.length > 0 && sk[0].topic.length < topic.length);
  assert.equal(p.s.rxTopicLen, topic.length);
  assert.equal(p.s.rxPartTotal, 500);
  const log = p.logs.find((l) => /topic longer than the receive buffer/.test(l.msg))!;
  assert.equal(log.num, topic.length);
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBACK, 5]]);
  assert.equal(p.s.state, SessionState.CONNECTED);
});

test("malformed large PUBLISH still closes: packet id 0, wildcard, topic past the end, before CONNACK", () => {
  const cases: [string, (p: Peer) => Uint8Array, RegExp][] = [
    ["packet id 0", () => { const b = publishBytes("t/id0", pattern(5000), 1, 1); b[3 + 2 + 5] = 0; b[3 + 2 + 5 + 1] = 0; return b; }, /packet id 0/],
    ["wildcard", () => publishBytes("t/x", pattern(5000), 0).map((v, i) => (i === 3 + 2 + 2 ? 0x2b : v)), /wildcard/],
    ["topic length past the end", () => new Uint8Array([0x30, 0x90, 0x27, 0xff, 0xff, 0x61]), /past packet end/],
    ["empty topic", () => new Uint8Array([0x30, 0x90, 0x27, 0x00, 0x00, 0x61]), /empty topic/],
    ["no room for the id", () => new Uint8Array([0x32, 0x03, 0x00, 0x01, 0x61]), /bad remaining length|too large/],
  ];
  for (const [name, make, why] of cases) {
    const { p } = peer(true, (pp) => { pp.s.cfg.recvLimit = 64; });
    p.open();
    feed(p, make(p), 11);
    assert.equal(p.s.state, SessionState.DISCONNECTED, name);
    assert.match(p.evs(E.CLOSE)[0].reason, why, name);
    assert.equal(p.s.wantsClose(), true);
    assert.deepEqual(p.pull().filter((x) => x.type === T.PUBACK), [], `${name}: no ack`);
  }
  const { p } = peer(true);
  p.s.connect(0);
  p.pull();
  feed(p, publishBytes("t", pattern(5000), 0), 2);
  assert.match(p.evs(E.CLOSE)[0].reason, /before CONNACK/);
});

test("cut off mid-message: the handler gets an empty last fragment, then CLOSE; the resend after reconnect is delivered whole", () => {
  const { p, parts } = peer(true, (pp) => { pp.s.cfg.cleanSession = false; });
  p.open();
  const body = pattern(20000, 4);
  const pkt = publishBytes("r", body, 1, 3);
  feed(p, pkt.subarray(0, 12000), 6);
  p.drop();
  const evs = p.takeEvents().map((e) => e.ev);
  assert.deepEqual(evs.slice(-2), [E.PUBLISH_PART, E.CLOSE]);
  const last = parts[parts.length - 1];
  assert.equal(last.data.length, 0, "no data: aborted");
  assert.ok(last.off > 0 && last.off < body.length);
  assert.deepEqual(p.pull(), []);
  parts.length = 0;
  p.open(true);
  feed(p, publishBytes("r", body, 1, 3, true), 9);
  assert.equal(sha(join(parts)), sha(body));
  assert.deepEqual(p.pull().filter((x) => x.type === T.PUBACK).map((x) => x.packetId), [3]);
});

test("a handler that closes from a fragment stops the stream; nothing is acked", () => {
  const { p, parts } = peer(true);
  p.open();
  const inner = p.s.onEvent!;
  p.s.onEvent = (s, ev, pk, ud) => {
    inner(s, ev, pk, ud);
    if (ev === E.PUBLISH_PART && parts.length === 2) s.close("app closed");
  };
  feed(p, publishBytes("z", pattern(9000), 1, 4), 12);
  assert.equal(p.s.state, SessionState.DISCONNECTED);
  assert.equal(p.s.big, 0);
  assert.deepEqual(p.pull(), []);
});

test("a handler that closes or reconnects from the cut event: one CLOSE, and a new connection is left alone", () => {
  for (const act of ["close", "reconnect"]) {
    const { p, parts } = peer(true);
    p.open();
    const inner = p.s.onEvent!;
    const closeStates: number[] = [];
    p.s.onEvent = (s, ev, pk, ud) => {
      inner(s, ev, pk, ud);
      if (ev === E.CLOSE) closeStates.push(s.state);
      if (ev !== E.PUBLISH_PART || pk === null || pk.payload.length > 0) return;
      if (act === "close") s.close("app closed on the cut");
      else { s.connectionLost(p.now); s.connect(p.now); }
    };
    feed(p, publishBytes("z", pattern(9000), 1, 4).subarray(0, 5000), 13);
    assert.ok(parts.length >= 1);
    p.drop();
    assert.equal(parts[parts.length - 1].data.length, 0, act);
    assert.equal(p.evs(E.CLOSE).length, 1, `${act}: one CLOSE`);
    assert.deepEqual(closeStates, [SessionState.DISCONNECTED], `${act}: CLOSE belongs to the old connection`);
    if (act === "reconnect") {
      assert.equal(p.s.state, SessionState.CONNECTING, "the new connection survives");
      assert.deepEqual(p.pull().map((x) => x.type), [T.CONNECT]);
    } else {
      assert.equal(p.s.state, SessionState.DISCONNECTED);
    }
  }
});

test("a handler that closes inside the last fragment: delivered whole, no cut; a QoS 2 resend is not delivered again", () => {
  const { p, parts } = peer(true, (pp) => { pp.s.cfg.cleanSession = false; });
  p.open();
  const inner = p.s.onEvent!;
  p.s.onEvent = (s, ev, pk, ud) => {
    inner(s, ev, pk, ud);
    if (ev === E.PUBLISH_PART && pk !== null && pk.payload.length > 0 && s.rxPartOff + pk.payload.length === s.rxPartTotal) s.close("done");
  };
  const body = pattern(6000, 9);
  const pkt = publishBytes("q2/last", body, 2, 21);
  p.s.onRecv(pkt.subarray(0, 4000), p.now);
  p.s.onRecv(pkt.subarray(4000), p.now);
  assert.equal(sha(join(parts)), sha(body));
  assert.equal(parts.filter((q) => q.data.length === 0).length, 0, "no cut event");
  assert.equal(p.evs(E.CLOSE).length, 1);
  p.drop();
  parts.length = 0;
  p.open(true);
  feed(p, publishBytes("q2/last", body, 2, 21, true), 3);
  assert.equal(parts.length, 0, "QoS 2 delivered once");
  assert.deepEqual(p.pull().map((x) => [x.type, x.packetId]), [[T.PUBREC, 21]]);
});

test("the rx buffer filled to its last byte (a PUBLISH exactly its size, then packets ending on its edge) is parsed, never a close", () => {
  const { p } = peer(false);
  p.open();
  // A QoS 0 PUBLISH of exactly RX_BUF_SIZE bytes (2-byte remaining length).
  const topic = "edge";
  const exact = publishBytes(topic, pattern(RX_BUF_SIZE - 3 - 2 - topic.length), 0);
  assert.equal(exact.length, RX_BUF_SIZE);
  p.s.onRecv(exact, p.now);
  // Then one chunk holding 1.5 buffers of small QoS 0 PUBLISHes: the first
  // copy fills rx to its last byte mid-packet.
  const small = publishBytes("s", pattern(100), 0);
  const n = Math.ceil((RX_BUF_SIZE * 1.5) / small.length);
  const many = new Uint8Array(small.length * n);
  for (let i = 0; i < n; i++) many.set(small, i * small.length);
  p.s.onRecv(many, p.now);
  assert.equal(p.s.state, SessionState.CONNECTED);
  assert.equal(p.evs(E.PUBLISH).length, 1 + n);
  assert.equal(p.evs(E.PUBLISH_SKIPPED).length, 0);
});
