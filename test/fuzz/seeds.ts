// Seed corpus for the libFuzzer harnesses (test/fuzz/fuzz_*.c), built with the
// codec's own encoders (ts-src/mqtt/codec.ts): all 14 packet types, the
// remaining-length boundaries, non-minimal lengths, concatenated and cut
// streams, and for the session and API harnesses short programs in their input
// format that walk a whole connection (subscribe, QoS 0/1/2 both ways, pings,
// reconnects, disconnect).
//
//   node build/test/fuzz/seeds.js <dir>   writes <dir>/{decode,session,api,ws,decode5,session5}/<name>
//
// Run by scripts/fuzz.sh and test/fuzz/fuzz.test.ts; the files are build
// output (build/fuzz/seeds), not committed.
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ConnectOptions, encodeConnect, encodePublish, encodeAck, encodeSubscribe, encodeUnsubscribe, encodeSimple,
} from "../../ts-src/mqtt/codec";
import { encodeConnack, encodeSuback } from "../mqtt/support/codec_broker";
import { PacketType } from "../../ts-src/mqtt/packet";
import * as mp from "mqtt-packet";
import { Rng, randomPacket, encodeOurs } from "../mqtt/support/gen5";

const te = new TextEncoder();
const b = (s: string): Uint8Array => te.encode(s);

/** Runs an encoder into a large buffer and returns exactly the packet. */
function enc(f: (out: Uint8Array) => number): Uint8Array {
  const out = new Uint8Array(70000);
  const n = f(out);
  if (n === 0) throw new Error("seeds: an encoder refused its input");
  return out.slice(0, n);
}

function cat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function fill(n: number): Uint8Array {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = (i * 7) & 0xff;
  return p;
}

function connect(o: Partial<ConnectOptions>): Uint8Array {
  const c = new ConnectOptions();
  Object.assign(c, o);
  return enc((out) => encodeConnect(out, c));
}

/** Every packet type, named, including the ones only a server receives. */
export function packets(): [string, Uint8Array][] {
  const P = PacketType;
  const list: [string, Uint8Array][] = [
    ["connect-min", connect({ clientId: b("c") })],
    ["connect-empty-id", connect({ clientId: new Uint8Array(0), cleanSession: true })],
    ["connect-full", connect({ clientId: b("dev-1"), userName: b("user"), password: b("pw"), willTopic: b("will/t"), willMessage: b("bye"), willQos: 1, willRetain: true, cleanSession: false, keepAlive: 0 })],
    ["connect-will-qos2", connect({ clientId: b("d"), willTopic: b("w"), willMessage: new Uint8Array(0), willQos: 2, keepAlive: 65535 })],
    ["connack-0", enc((o) => encodeConnack(o, false, 0))],
    ["connack-sp", enc((o) => encodeConnack(o, true, 0))],
    ["publish-q0", enc((o) => encodePublish(o, b("a/b"), b("hello"), 0, false, false, 0))],
    ["publish-q0-retain-empty", enc((o) => encodePublish(o, b("t"), new Uint8Array(0), 0, true, false, 0))],
    ["publish-q1", enc((o) => encodePublish(o, b("a/b"), b("x"), 1, false, false, 1))],
    ["publish-q1-dup", enc((o) => encodePublish(o, b("a/b"), b("x"), 1, false, true, 65535))],
    ["publish-q2", enc((o) => encodePublish(o, b("sensors/temperature/room-1"), b("21.5"), 2, true, false, 7))],
    ["publish-utf8-topic", enc((o) => encodePublish(o, b("h\u00e9/\u20ac/\u{1f600}"), b("u"), 0, false, false, 0))],
    // Remaining length 127 and 128: the 1- to 2-byte boundary (2 + 3 topic + payload).
    ["publish-rem127", enc((o) => encodePublish(o, b("a/b"), fill(122), 0, false, false, 0))],
    ["publish-rem128", enc((o) => encodePublish(o, b("a/b"), fill(123), 0, false, false, 0))],
    ["publish-rem3000", enc((o) => encodePublish(o, b("a/b"), fill(2995), 1, false, false, 3))],
    ["puback", enc((o) => encodeAck(o, P.PUBACK, 1))],
    ["pubrec", enc((o) => encodeAck(o, P.PUBREC, 7))],
    ["pubrel", enc((o) => encodeAck(o, P.PUBREL, 7))],
    ["pubcomp", enc((o) => encodeAck(o, P.PUBCOMP, 7))],
    ["subscribe", enc((o) => encodeSubscribe(o, 2, b("a/+/c/#"), 1))],
    ["subscribe-q2", enc((o) => encodeSubscribe(o, 9, b("#"), 2))],
    ["suback", enc((o) => encodeSuback(o, 2, Uint8Array.of(1)))],
    ["suback-many", enc((o) => encodeSuback(o, 3, Uint8Array.of(0, 1, 2, 0x80)))],
    ["unsubscribe", enc((o) => encodeUnsubscribe(o, 4, b("a/+")))],
    ["unsuback", enc((o) => encodeAck(o, P.UNSUBACK, 4))],
    ["pingreq", enc((o) => encodeSimple(o, P.PINGREQ))],
    ["pingresp", enc((o) => encodeSimple(o, P.PINGRESP))],
    ["disconnect", enc((o) => encodeSimple(o, P.DISCONNECT))],
  ];
  for (let code = 1; code <= 5; code++) list.push([`connack-refused-${code}`, enc((o) => encodeConnack(o, false, code))]);
  // Hand-made forms the encoders do not produce but 3.1.1 allows.
  list.push(["subscribe-two-filters", Uint8Array.of(0x82, 11, 0, 5, 0, 1, 0x61, 1, 0, 2, 0x62, 0x2f, 2)]);
  list.push(["unsubscribe-two-filters", Uint8Array.of(0xa2, 9, 0, 6, 0, 1, 0x61, 0, 2, 0x62, 0x63)]);
  list.push(["puback-nonminimal-length", Uint8Array.of(0x40, 0x82, 0x00, 0, 1)]);
  list.push(["pingresp-length-4-bytes", Uint8Array.of(0xd0, 0x80, 0x80, 0x80, 0x00)]);
  return list;
}

/** Inputs that must be refused or wait for more: the error paths. */
function brokenStreams(): [string, Uint8Array][] {
  return [
    ["length-5-bytes", Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0xff, 0x01)],
    ["length-max-header-only", Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0x7f)],
    ["length-16384-header-only", cat([0x30, 0x80, 0x80, 0x01], [0, 3, 0x61, 0x2f, 0x62])],
    ["type-0", Uint8Array.of(0x00, 0x00)],
    ["type-15", Uint8Array.of(0xf0, 0x00)],
    ["publish-qos3", Uint8Array.of(0x36, 5, 0, 1, 0x61, 0, 1)],
    ["publish-wildcard-topic", Uint8Array.of(0x30, 4, 0, 2, 0x61, 0x23)],
    ["publish-bad-utf8", Uint8Array.of(0x30, 5, 0, 2, 0xc0, 0x80, 0x78)],
    ["publish-id-0", Uint8Array.of(0x32, 5, 0, 1, 0x61, 0, 0)],
    ["connack-bad-flags", Uint8Array.of(0x20, 2, 2, 0)],
    ["suback-bad-code", Uint8Array.of(0x90, 3, 0, 1, 3)],
    ["pubrel-flags-0", Uint8Array.of(0x60, 2, 0, 1)],
  ];
}

// ---------------------------------------------------------------- programs
// The op numbers of fuzz_session.c and fuzz_api.c (which share most of them).
const S = { RECV_RAW: 0, RECV_PKT: 1, TICK: 2, PUBLISH: 3, SUBSCRIBE: 4, UNSUBSCRIBE: 5, DRAIN: 6, CONN_LOST: 7, CONNECT: 8, DISCONNECT: 9, CLOSE_IF_WANTED: 10, HANDLER_ACTION: 11, SET_MAX_QOS: 12, RECV_SPLIT: 13, RECV_BIG: 15 };
/** fuzz_session's RECV_BIG: b (qos | dup 4 | retain 8 | topic << 4 | cut 0x40), payload
 *  size (u16 in 64-byte units, then u8 more), id pick, piece size (0: 1 byte,
 *  else n * 16), [topic length (n + 1) * 40 when topic is 3], [cut point n / 256]. */
const big = (b: number, units: number, extra: number, piece: number, more: number[] = []) =>
  [S.RECV_BIG, b, units >> 8, units & 0xff, extra, ...(((b & 3) % 3) > 0 ? [0xfe] : []), piece, ...more];
const A = { RECV_RAW: 0, RECV_PKT: 1, POLL: 2, PUB: 3, SUB: 4, UNSUB: 5, SEND_MODE: 6, PEER_CLOSE: 7, CONNECT: 8, DISCONNECT: 9, TCP_RESULT: 10, HANDLER_ACTION: 11, SET_MAX_QOS: 12, RECV_SPLIT: 13 };
// RECV_PKT kinds and their arguments (make_server_packet). The id argument
// 0 picks the id the client sent last, 1 the one before.
const K = {
  connack: (flags: number) => [0, flags],
  publish: (bits: number, plen: number, id = 0) => ((bits % 3) > 0 ? [1, bits, plen, id] : [1, bits, plen]),
  puback: (id = 0) => [2, id],
  pubrec: (id = 0) => [3, id],
  pubrel: (id = 0) => [4, id],
  pubcomp: (id = 0) => [5, id],
  suback: (id = 0, code = 1) => [6, id, code],
  unsuback: (id = 0) => [7, id],
  pingresp: () => [8],
  burst: (n: number) => [9, n],
};

/** A RECV_PKT op: the packet, then the split stride (0: whole). */
const pkt = (op: number, kind: number[], split = 0) => [op, ...kind, split];

function sessionPrograms(): [string, Uint8Array][] {
  // h0: clean(1) | CONNACK-first(2) | keepalive 10 s (2<<2) | max_qos 2 (2<<4) | queue 5 (2<<6)
  const h0 = 1 | 2 | (2 << 2) | (2 << 4) | (2 << 6);
  const full = [
    S.SUBSCRIBE, 0x08 | 0, // "a/b" qos 1
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K.suback(0, 1)),
    S.PUBLISH, 0x01, 10, // qos 1 "a/b"
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K.puback()),
    S.PUBLISH, 0x02, 10, // qos 2
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K.pubrec()),
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K.pubcomp()),
    ...pkt(S.RECV_PKT, K.publish(0, 5)),
    ...pkt(S.RECV_PKT, K.publish(1, 5, 0xc5), 3),
    ...pkt(S.RECV_PKT, K.publish(2, 5, 0xc6), 1),
    ...pkt(S.RECV_PKT, K.pubrel(0xc6)),
    S.DRAIN, 0,
    S.TICK, 110, // 10 s: PINGREQ
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K.pingresp()),
    S.UNSUBSCRIBE, 0,
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K.unsuback()),
    S.DISCONNECT,
    S.DRAIN, 0,
    S.CLOSE_IF_WANTED,
  ];
  const offline = [
    // Persistent session (clean 0): publish while connecting, lose the
    // connection, reconnect, resend with DUP.
    S.PUBLISH, 0x01, 4,
    S.PUBLISH, 0x02, 4,
    S.RECV_RAW, 4, 0x20, 2, 0, 0, // CONNACK accepted
    S.DRAIN, 60,
    S.CONN_LOST,
    S.CONNECT,
    S.DRAIN, 0,
    S.RECV_RAW, 4, 0x20, 2, 1, 0, // session present
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K.puback(1)),
    ...pkt(S.RECV_PKT, K.pubrec(0)),
    S.TICK, 250, S.TICK, 250,
  ];
  const reentrant = [
    S.HANDLER_ACTION, 0x24, // on PUBLISH: close
    ...pkt(S.RECV_PKT, K.burst(5), 7),
    S.CONNECT,
    S.HANDLER_ACTION, 0x54, // on CLOSE: reconnect
    S.CONN_LOST,
  ];
  const raw: number[] = [];
  for (const [, p] of packets()) if (p.length < 200) raw.push(S.RECV_RAW, p.length, ...p);
  const serverStream = cat(...packets().filter(([n]) => !/^(connect|subscribe|unsubscribe|pingreq|disconnect|connack)/.test(n)).map(([, p]) => p));
  const out: [string, Uint8Array][] = [
    ["walk-connack-first", Uint8Array.from([h0, 5, 0, 0, ...full])],
    ["walk-autodrain", Uint8Array.from([h0, 5, 0, 3, ...full])],
    ["walk-will-user", Uint8Array.from([h0, 5 | (1 << 3), 3, 0, ...full])],
    ["offline-persistent", Uint8Array.from([(1 << 2) | (2 << 4) | (3 << 6), 5, 0, 2, ...offline])],
    ["reentrant-handlers", Uint8Array.from([h0, 4, 0, 3, ...reentrant])],
    ["every-packet-raw", Uint8Array.from([h0, 7, 0, 3, ...raw])],
    ["keepalive-timeout", Uint8Array.from([2 | (1 << 2), 5 | (1 << 3), 0, 3, S.TICK, 200, S.TICK, 200, S.TICK, 200])],
    ["connack-timeout", Uint8Array.from([0, 5, 0, 3, S.TICK, 201, S.TICK, 201])],
  ];
  for (const stride of [0, 1, 3, 7, 64]) out.push([`stream-split-${stride}`, cat([h0, 5, 0, 3, S.RECV_SPLIT, stride], serverStream)]);
  // PUBLISHes over the receive limit: taken in fragments (h2 bit 3) or skipped,
  // QoS 0/1/2, 1-byte and larger pieces, a long topic, cut off then lost, a
  // QoS 2 resent (DUP) after it was taken, a handler closing inside a fragment.
  const large = [
    ...big(1, 100, 7, 200), S.DRAIN, 0, // QoS 1, 6407 bytes in 3200-byte pieces
    ...big(2, 20, 0, 0), S.DRAIN, 0, // QoS 2, 1280 bytes one at a time
    ...big(2 | 4, 20, 0, 0), S.DRAIN, 0, // its DUP resend: not delivered again
    ...pkt(S.RECV_PKT, K.pubrel(0)), S.DRAIN, 0,
    ...big(0, 60, 1, 7), // QoS 0 in 112-byte pieces
    ...big(1 | (3 << 4), 2, 0, 20, [100]), S.DRAIN, 0, // a 4040-byte topic: skipped
    ...big(1 | 0x40, 300, 0, 64, [128]), // cut at half...
    S.CONN_LOST, S.CONNECT, S.DRAIN, 0, // ...then the connection is lost
    ...big(1 | 4, 300, 0, 64), S.DRAIN, 0, // and the resend arrives whole
  ];
  const closing = [S.HANDLER_ACTION, 0x02, ...big(1, 100, 0, 10), S.CONNECT, ...big(2, 100, 0, 10)];
  for (const take of [0, 8]) {
    out.push([`large-${take ? "fragments" : "skipped"}`, Uint8Array.from([h0 & ~1, 5, take, 1, ...large])]);
    out.push([`large-${take ? "fragments" : "skipped"}-limit-100`, Uint8Array.from([h0 & ~1, 4, take, 1, ...large])]);
    out.push([`large-${take ? "fragments" : "skipped"}-handler-closes`, Uint8Array.from([h0, 5, take, 3, ...closing])]);
  }
  return out;
}

// fuzz_session5's RECV_PKT kinds (make_server_packet5) and their arguments;
// `pr` is draw_props's first byte (0: no properties) and what it reads after.
const K5 = {
  connack: (b: number, pr: number[] = [0]) => [0, b, ...pr],
  publish: (bits: number, plen: number, id = 0, pr: number[] = [0]) => [1, bits, plen, ...((bits % 3) > 0 ? [id] : []), ...pr],
  puback: (id = 0, code = 0, pr = [0]) => [2, id, code, ...pr],
  pubrec: (id = 0, code = 0, pr = [0]) => [3, id, code, ...pr],
  pubrel: (id = 0, code = 0, pr = [0]) => [4, id, code, ...pr],
  pubcomp: (id = 0, code = 0, pr = [0]) => [5, id, code, ...pr],
  suback: (id = 0, code = 1, pr = [0]) => [6, id, code, ...pr],
  unsuback: (id = 0, code = 0, pr = [0]) => [7, id, code, ...pr],
  pingresp: () => [8],
  disconnect: (code: number, pr = [0]) => [9, code, ...pr],
  auth: (code: number, pr = [0]) => [10, code, ...pr],
  burst: (n: number) => [11, n],
};

/** fuzz_session5 programs: a whole MQTT 5 connection through every packet
 *  kind with properties and reason codes, CONNACK limits (Receive Maximum 1,
 *  Maximum QoS 0, no retain, aliases), incoming aliases, error acks, a
 *  server DISCONNECT and AUTH; and every server packet of the MQTT 5 seeds
 *  (valid and hostile) as raw bytes after a CONNACK. */
function session5Programs(): [string, Uint8Array][] {
  const h0 = 1 | (2 << 2) | (2 << 4) | (2 << 6); // clean, keepalive 10 s, max_qos 2, queue 5; CONNACK by hand
  const walk = [
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K5.connack(0, [0x1f, 0x0b])), // Receive Maximum 3, Maximum Packet Size 100, alias max 0, QoS max 1, retain 0
    S.SUBSCRIBE, 0x08 | 0, S.SUBSCRIBE, 0x08 | 2, // "a/b", "#" qos 1
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K5.suback(0, 1, [1])), ...pkt(S.RECV_PKT, K5.suback(1, 7)),
    S.PUBLISH, 0x01 | 4, 10, S.PUBLISH, 0x02, 10, S.PUBLISH, 0x01, 200, // retained, QoS 2, too big
    S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K5.puback(0, 7, [0x81])), // Quota exceeded, reason string, user property
    ...pkt(S.RECV_PKT, K5.pubrec(1, 0)), S.DRAIN, 0, ...pkt(S.RECV_PKT, K5.pubcomp(0, 1)),
    ...pkt(S.RECV_PKT, K5.publish(1, 5, 0xc5, [0x7f, 2, 9, 3])), // alias 3 set, expiry, format, type, response, correlation, sub id
    ...pkt(S.RECV_PKT, K5.publish(0x80, 5, 0, [0x01, 2])), // alias 3 used, no topic
    ...pkt(S.RECV_PKT, K5.publish(2, 5, 0xc6), 1),
    ...pkt(S.RECV_PKT, K5.pubrel(0xc6, 1)), S.DRAIN, 0,
    S.TICK, 110, S.DRAIN, 0, ...pkt(S.RECV_PKT, K5.pingresp()),
    S.UNSUBSCRIBE, 0, S.DRAIN, 0, ...pkt(S.RECV_PKT, K5.unsuback(0, 1)),
    ...pkt(S.RECV_PKT, K5.auth(1, [4])),
    ...pkt(S.RECV_PKT, K5.disconnect(7, [3])), // Use another server + reason string + server reference
    S.CLOSE_IF_WANTED, S.CONNECT, S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K5.connack(0x80, [0x03, 0x00])), // session present, Receive Maximum 1, Maximum Packet Size 20
    ...pkt(S.RECV_PKT, K5.burst(20)), S.DRAIN, 0,
    S.DISCONNECT, S.DRAIN, 0, S.CLOSE_IF_WANTED,
  ];
  const refused = [S.DRAIN, 0, ...pkt(S.RECV_PKT, K5.connack(6, [0x80])), S.CLOSE_IF_WANTED, S.CONNECT, S.DRAIN, 0,
    ...pkt(S.RECV_PKT, K5.connack(0)), ...pkt(S.RECV_PKT, K5.connack(0))];
  const out: [string, Uint8Array][] = [
    ["walk5", Uint8Array.from([h0, 5, 0, 0, ...walk])],
    ["walk5-autodrain", Uint8Array.from([h0, 5, 0, 3, ...walk])],
    ["walk5-persistent", Uint8Array.from([h0 & ~1, 5, 0x20, 1, ...walk])],
    ["connack5-refused", Uint8Array.from([h0, 5, 0, 3, ...refused])],
  ];
  // Every kind alone after a CONNACK-first connect, with and without properties.
  for (let k = 0; k < 12; k++) {
    for (const pr of [0, 0xff]) out.push([`kind5-${k}-${pr}`, Uint8Array.from([h0 | 2, 5, 0, 3, S.PUBLISH, 0x01, 5, S.RECV_PKT, k, 0x55, pr, 1, 2, 3, 4, 0])]);
  }
  // Server packets of the decoder's seeds, raw, after an accepted CONNACK.
  const connack = [0x20, 3, 0, 0, 0];
  const r = new Rng(0x5e55105);
  for (let i = 0; i < 40; i++) {
    const pk = randomPacket(r, "server");
    const bytes = i % 2 === 0 ? new Uint8Array(mp.generate(pk as unknown as mp.Packet, { protocolVersion: 5 })) : encodeOurs(pk);
    if (bytes === null || bytes.length > 250) continue;
    out.push([`raw5-${i}-${pk.cmd as string}`, Uint8Array.from([h0, 5, 0, 3, S.RECV_RAW, connack.length, ...connack, S.RECV_RAW, bytes.length, ...bytes])]);
  }
  for (const [n, x] of HOSTILE5) {
    const b = Buffer.from(x.replace(/ /g, ""), "hex");
    out.push([`bad5-${n}`, Uint8Array.from([h0, 5, 0, 3, S.RECV_RAW, connack.length, ...connack, S.RECV_RAW, b.length, ...b])]);
  }
  return out;
}

function apiPrograms(): [string, Uint8Array][] {
  const h0 = 1 | 2 | (2 << 2) | (2 << 4) | (2 << 6);
  const full = [
    A.SUB, 0x08 | 1, // "a/+" qos 1
    ...pkt(A.RECV_PKT, K.suback(0, 1)),
    A.PUB, 0x01, 10,
    ...pkt(A.RECV_PKT, K.puback()),
    A.PUB, 0x02, 10,
    ...pkt(A.RECV_PKT, K.pubrec()),
    ...pkt(A.RECV_PKT, K.pubcomp()),
    ...pkt(A.RECV_PKT, K.publish(0, 5)),
    ...pkt(A.RECV_PKT, K.publish(1, 5, 0xc5), 3),
    ...pkt(A.RECV_PKT, K.publish(2, 5, 0xc6), 1),
    ...pkt(A.RECV_PKT, K.pubrel(0xc6)),
    A.POLL, 110,
    ...pkt(A.RECV_PKT, K.pingresp()),
    A.UNSUB, 1,
    ...pkt(A.RECV_PKT, K.unsuback()),
    A.DISCONNECT,
  ];
  const reconnect = [
    A.PEER_CLOSE, 0,
    A.POLL, 150, A.POLL, 150,
    A.TCP_RESULT, 0, // refused
    A.POLL, 200, A.POLL, 200,
    A.TCP_RESULT, 1,
    A.RECV_RAW, 4, 0x20, 2, 0, 0,
    A.SEND_MODE, 130, // a socket that takes 16 bytes, then blocks
    A.PUB, 0x79, 40,
    A.SEND_MODE, 0,
    A.POLL, 1,
  ];
  const handlers = [
    A.HANDLER_ACTION, 1, // publish from a handler
    ...pkt(A.RECV_PKT, K.publish(0, 3)),
    A.HANDLER_ACTION, 4, // disconnect from a handler
    ...pkt(A.RECV_PKT, K.burst(4), 5),
    A.CONNECT,
    A.POLL, 150,
  ];
  return [
    ["walk", Uint8Array.from([h0, 5, 0x08 | 0x10, 0, ...full])],
    ["walk-connect-fn-sub-handler", Uint8Array.from([h0, 5, 0x04 | 0x08 | 0x80 | 0x40, 5, ...full])],
    ["reconnect-backoff", Uint8Array.from([h0 & ~2, 5 | 0x40, 0x08, 0, A.TCP_RESULT, 1, A.RECV_RAW, 4, 0x20, 2, 0, 0, ...reconnect])],
    ["handlers", Uint8Array.from([h0, 5, 0x08 | 0x10 | 0x80, 0, ...handlers])],
    ["ipv6-server-device-id", Uint8Array.from([h0, 5 | 0x20, 0x20 | 0x08, 0, A.POLL, 10])],
  ];
}

function decodeSeeds(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  // Header: forClient, limit selector (8: 3072, 12: no limit, 14: raw byte), raw.
  const heads: [string, number[]][] = [["server-nolimit", [0, 12, 0]], ["client-3072", [1, 8, 0]], ["client-raw-40", [1, 14, 40]]];
  for (const [hn, h] of heads) {
    for (const [n, p] of packets()) out.push([`${hn}-${n}`, cat(h, p)]);
    for (const [n, p] of brokenStreams()) out.push([`${hn}-${n}`, cat(h, p)]);
  }
  const all = packets().filter(([, p]) => p.length < 300).map(([, p]) => p);
  out.push(["server-stream-all", cat([0, 12, 0], ...all)]);
  out.push(["client-stream-cut", cat([1, 12, 0], ...all).slice(0, 150)]);
  return out;
}

/** fuzz_decode5 inputs (test/fuzz/fuzz_decode5.c, the same header as fuzz_decode):
 *  every packet type a server sends, from mqtt-packet and from our encoders,
 *  with random properties; a stream of them; and hostile ones (unknown,
 *  duplicated and misplaced properties, lengths that lie, over-long and
 *  non-minimal variable byte integers, topic alias 0, bad reason codes). */
function decode5Seeds(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  const r = new Rng(0x5eed5ee5);
  const heads: [string, number[]][] = [["nolimit", [0, 12, 0]], ["3072", [0, 8, 0]]];
  const valid: Uint8Array[] = [];
  for (let i = 0; i < 80; i++) {
    const pk = randomPacket(r, "server");
    const bytes = i % 2 === 0 ? new Uint8Array(mp.generate(pk as unknown as mp.Packet, { protocolVersion: 5 })) : encodeOurs(pk);
    if (bytes === null || bytes.length > 1000) continue;
    valid.push(bytes);
    out.push([`${heads[i % 2][0]}-${i}-${pk.cmd as string}`, cat(heads[i % 2][1], bytes)]);
  }
  out.push(["stream", cat([0, 12, 0], ...valid.slice(0, 20))]);
  out.push(["stream-cut", cat([0, 12, 0], ...valid.slice(0, 10)).slice(0, 200)]);
  for (const [n, x] of HOSTILE5) out.push([`bad-${n}`, cat([0, 12, 0], Buffer.from(x.replace(/ /g, ""), "hex"))]);
  return out;
}

/** Hostile MQTT 5 server packets (hex): unknown, duplicated and misplaced
 *  properties, lengths that lie, bad variable byte integers, topic alias 0,
 *  bad reason codes. */
const HOSTILE5: [string, string][] = [
  ["unknown-prop", "2005000002 0400"], ["prop-not-allowed", "2006000003 230001"], ["dup-prop", "2009000006 1f00001f0000"],
  ["props-past-end", "2005000009 0100"], ["string-past-block", "200700000403000561"], ["varint-too-long", "3008000174 050bffffffff"],
  ["varint-not-minimal", "3007000174 030b8100"], ["remlen-not-minimal", "308000"], ["topic-alias-0", "3007000174 03230000"],
  ["empty-topic-no-alias", "30030000 00"], ["bad-reason", "40030001 92"], ["auth-data-no-method", "2007000004 16000101"],
  ["server-session-expiry", "e00700051100000000"], ["receive-max-0", "2006000003 210000"], ["suback-bad-code", "90040001 0011"],
  ["auth-rem-1", "f00118"], ["alias-publish", "300a0000 03230005 68656c6c6f"],
  ["alias-never-set", "3006 0000 03230002 78"], ["server-disconnect-will", "e0020400"],
];

/** fuzz_ws inputs (see test/fuzz/fuzz_ws.c): a 101 then frames of each kind, and a few raw responses. */
function wsSeeds(): [string, Uint8Array][] {
  const fr = (op: number, payload: number[], fin = true): number[] => [(fin ? 0x80 : 0) | op, payload.length, ...payload];
  const feed = (bytes: number[]): number[] => {
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i += 64) {
      const part = bytes.slice(i, i + 64);
      out.push(part.length - 1, ...part);
    }
    return out;
  };
  const text = (s: string): number[] => [...Buffer.from(s, "latin1")];
  const seeds: [string, number[]][] = [
    ["frames", [1, ...feed([...fr(2, [0x20, 2, 0, 0]), ...fr(9, text("hi")), ...fr(2, [1], false), ...fr(0, [2], false), ...fr(10, []), ...fr(0, [3])]),
      200, 230, 255, 220, 230, 255, 240, 230, 255, 255]],
    ["close", [1, ...feed([...fr(2, [0x30, 0]), ...fr(8, [0x03, 0xe9, ...text("bye")])]), 230, 255]],
    ["errors", [1, ...feed([0x81, 0x01, 0x41, 0x82, 0x7e, 0x01, 0x00])]],
    ["long", [1, ...feed([0x82, 0x7e, 0x01, 0x00, ...new Array(256).fill(7)]), 230, 255]],
    ["refused", [0, ...feed(text("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))]],
    ["badaccept", [0, ...feed(text("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n"))]],
  ];
  return seeds.map(([n, b]) => [n, new Uint8Array(b)]);
}

export function writeSeeds(dir: string): number {
  const sets: [string, [string, Uint8Array][]][] = [["decode", decodeSeeds()], ["session", sessionPrograms()], ["api", apiPrograms()],
    ["ws", wsSeeds()], ["decode5", decode5Seeds()], ["session5", session5Programs()]];
  let n = 0;
  for (const [h, seeds] of sets) {
    const d = path.join(dir, h);
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { recursive: true });
    for (const [name, bytes] of seeds) {
      if (bytes.length > 4096) throw new Error(`seeds: ${h}/${name} is ${bytes.length} bytes, over -max_len=4096`);
      fs.writeFileSync(path.join(d, name), bytes);
      n++;
    }
  }
  return n;
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node build/test/fuzz/seeds.js <dir>");
    process.exit(2);
  }
  const n = writeSeeds(dir);
  console.log(`seeds: ${n} files in ${dir}`);
}
