// decodeForClient (the session's decoder, which lets a linked client drop the
// server-side body decoders) must answer exactly as decode(..., forClient =
// true, ...): same result and same fields, for every packet type, every
// prefix and one corrupted copy of each packet.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Packet, PacketType, DecodeErr } from "../../ts-src/mqtt/packet";
import {
  decodeForClient, encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeUnsubscribe, encodeSimple, ConnectOptions,
} from "../../ts-src/mqtt/codec";
import { decode, encodeConnack, encodeSuback } from "./support/codec_broker";

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

function enc(f: (out: Uint8Array) => number): Uint8Array {
  const out = new Uint8Array(512);
  const n = f(out);
  assert.ok(n > 0, "encoder refused");
  return out.slice(0, n);
}

/** One packet of every type, as a server or a client would send it. */
function samples(): Uint8Array[] {
  const o = new ConnectOptions();
  o.clientId = b("dev-1");
  o.userName = b("u");
  o.password = b("p");
  o.willTopic = b("w/t");
  o.willMessage = b("bye");
  return [
    enc((x) => encodeConnect(x, o)),
    enc((x) => encodeConnack(x, false, 0)),
    enc((x) => encodeConnack(x, false, 5)),
    enc((x) => encodePublish(x, b("a/b"), b("hello"), 0, false, false, 0)),
    enc((x) => encodePublish(x, b("a/b"), b("hello"), 1, true, true, 7)),
    enc((x) => encodePublish(x, b("a/b"), b(""), 2, false, false, 65535)),
    enc((x) => encodeAck(x, PacketType.PUBACK, 1)),
    enc((x) => encodeAck(x, PacketType.PUBREC, 2)),
    enc((x) => encodeAck(x, PacketType.PUBREL, 3)),
    enc((x) => encodeAck(x, PacketType.PUBCOMP, 4)),
    enc((x) => encodeAck(x, PacketType.UNSUBACK, 5)),
    enc((x) => encodeSubscribe(x, 6, b("a/+/#"), 1)),
    enc((x) => encodeSuback(x, 6, new Uint8Array([0, 1, 2, 0x80]))),
    enc((x) => encodeUnsubscribe(x, 8, b("a/+"))),
    enc((x) => encodeSimple(x, PacketType.PINGREQ)),
    enc((x) => encodeSimple(x, PacketType.PINGRESP)),
    enc((x) => encodeSimple(x, PacketType.DISCONNECT)),
  ];
}

/** The decoded fields that a caller can see, as plain data. */
function fields(p: Packet): unknown {
  const v = (u: Uint8Array): number[] => Array.from(u);
  return {
    type: p.type, flags: p.flags, dup: p.dup, qos: p.qos, retain: p.retain, packetId: p.packetId,
    topic: v(p.topic), payload: v(p.payload), sessionPresent: p.sessionPresent, returnCode: p.returnCode,
    codes: v(p.codes), body: v(p.body), remLen: p.remLen, totalLen: p.totalLen,
  };
}

function same(input: Uint8Array, limit: number): void {
  const a = new Packet();
  const c = new Packet();
  const ra = decode(input, limit, true, a);
  const rc = decodeForClient(input, limit, c);
  assert.equal(rc, ra, `result for ${Buffer.from(input).toString("hex")}`);
  assert.deepEqual(fields(c), fields(a));
}

test("decodeForClient = decode(forClient = true) on every packet type, every prefix, a flipped byte and a small limit", () => {
  for (const pkt of samples()) {
    for (let n = 0; n <= pkt.length; n++) same(pkt.subarray(0, n), 0xffffffff);
    for (let i = 0; i < pkt.length; i++) {
      const bad = pkt.slice();
      bad[i] ^= 0x5a;
      same(bad, 0xffffffff);
    }
    same(pkt, 3);
  }
});

test("decodeForClient refuses what only a server receives, before its body", () => {
  for (const pkt of samples()) {
    const type = pkt[0] >> 4;
    const r = decodeForClient(pkt, 0xffffffff, new Packet());
    if (type === PacketType.CONNECT || type === PacketType.SUBSCRIBE || type === PacketType.UNSUBSCRIBE ||
        type === PacketType.PINGREQ || type === PacketType.DISCONNECT) {
      assert.equal(r, -DecodeErr.NOT_FOR_CLIENT, `type ${type}`);
    } else {
      assert.equal(r, pkt.length, `type ${type}`);
    }
  }
});

test("decodeForClient = decode(forClient = true) on every first byte with short bodies", () => {
  // Every type and flag nibble, remaining lengths 0-4 with bodies that make
  // each per-type rule pass or fail (ids 0 and 1, every CONNACK/SUBACK byte
  // class), complete and cut short.
  const bodies = [[], [0], [0, 0], [0, 1], [1, 0], [0, 6], [0, 1, 0], [0, 1, 3], [0, 1, 0x80], [0, 1, 0x81], [0, 1, 2, 1], [0, 0, 0x61], [0, 1, 0x61, 0]];
  for (let first = 0; first < 256; first++) {
    for (const body of bodies) {
      const pkt = new Uint8Array([first, body.length, ...body]);
      for (let n = 0; n <= pkt.length; n++) same(pkt.subarray(0, n), 0xffffffff);
      same(pkt, 2);
    }
    same(new Uint8Array([first, 0x80, 0x80, 0x80, 0x80, 0]), 0xffffffff);
    same(new Uint8Array([first, 0x82, 0x00, 0, 1]), 0xffffffff);
  }
});

test("decodeForClient sets the client's fields whatever the packet held before, and leaves the server-side ones", () => {
  const [connect] = samples();
  const pub = enc((x) => encodePublish(x, b("a/b"), b("hi"), 1, false, false, 9));
  const used = new Packet();
  assert.equal(decode(connect, 0xffffffff, false, used), connect.length);
  const clientId = Array.from(used.clientId);
  assert.equal(decodeForClient(pub, 0xffffffff, used), pub.length);
  const fresh = new Packet();
  decodeForClient(pub, 0xffffffff, fresh);
  assert.deepEqual(fields(used), fields(fresh));
  assert.deepEqual(Array.from(used.clientId), clientId);
});
