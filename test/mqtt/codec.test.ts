// The MQTT 3.1.1 codec under Node: round trips of every packet type, the
// remaining-length boundaries, one crafted byte string per rejection reason,
// input split at every byte, several packets in one buffer, encoder refusals.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { Packet, PacketType, DecodeErr, decodeErrName, decodeErrNameAll, MAX_REMAINING_LENGTH } from "../../ts-src/mqtt/packet";
import {
  encodeConnect, writeConnect, encodePublish, encodeAck, encodeSubscribe, encodeUnsubscribe, encodeSimple, remainingLengthSize, encodeRemainingLength, publishSize, connectHead, ConnectOptions,
} from "../../ts-src/mqtt/codec";
import { decode, encodeConnack, encodeSuback } from "./support/codec_broker";

const NOLIMIT = 0xffffffff;
const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));
/** Bytes from hex; "__" in second place stands for the remaining length (one byte) of the rest. */
function hex(s: string): Uint8Array {
  const h = s.replace(/\s+/g, "");
  if (h.slice(2, 4) !== "__") return new Uint8Array(Buffer.from(h, "hex"));
  const rest = (h.length - 4) / 2;
  assert.ok(rest < 128);
  return new Uint8Array(Buffer.from(h.slice(0, 2) + rest.toString(16).padStart(2, "0") + h.slice(4), "hex"));
}
const toHex = (u: Uint8Array): string => Buffer.from(u).toString("hex");
const str = (u: Uint8Array): string => Buffer.from(u).toString("utf8");

/** Runs an encoder into a fresh buffer and returns exactly the packet bytes. */
function enc(f: (out: Uint8Array) => number, cap = 1024): Uint8Array {
  const out = new Uint8Array(cap);
  const n = f(out);
  assert.ok(n > 0, "encoder refused");
  return out.slice(0, n);
}

/** Decodes a whole packet that must be valid and exactly `bytes` long. */
function dec(bytes: Uint8Array, forClient = false): Packet {
  const p = new Packet();
  const r = decode(bytes, NOLIMIT, forClient, p);
  assert.equal(r, bytes.length, `decode of ${toHex(bytes)} gave ${r}${r < 0 ? " (" + decodeErrNameAll(-r) + ")" : ""}`);
  return p;
}

function opts(f: (o: ConnectOptions) => void): ConnectOptions {
  const o = new ConnectOptions();
  f(o);
  return o;
}

// ---------------------------------------------------------------- round trips

test("CONNECT: exact bytes of a minimal 3.1.1 CONNECT", () => {
  const p = enc((out) => encodeConnect(out, opts((o) => { o.clientId = b("dev1"); o.keepAlive = 60; })));
  // 10 len | 00 04 "MQTT" | level 4 | flags clean | keepalive 60 | 00 04 "dev1"
  assert.equal(toHex(p), "1010" + "00044d515454" + "04" + "02" + "003c" + "000464657631");
});

test("CONNECT: round trip with and without will, user, password", () => {
  const cases: ConnectOptions[] = [
    opts((o) => { o.clientId = b(""); o.cleanSession = true; o.keepAlive = 0; }),
    opts((o) => { o.clientId = b("c"); o.cleanSession = false; o.keepAlive = 65535; }),
    opts((o) => { o.clientId = b("dev"); o.userName = b("u"); }),
    opts((o) => { o.clientId = b("dev"); o.userName = b("user"); o.password = hex("00ff10"); }),
    opts((o) => { o.clientId = b("dev"); o.willTopic = b("last/will"); o.willMessage = b("gone"); o.willQos = 1; }),
    opts((o) => { o.clientId = b("dev"); o.willTopic = b("w"); o.willQos = 2; o.willRetain = true; }),
    opts((o) => {
      o.clientId = b("dév-ü"); o.willTopic = b("$dev/état"); o.willMessage = hex("000102");
      o.willQos = 0; o.willRetain = true; o.userName = b("ü"); o.password = b("p"); o.keepAlive = 300;
    }),
  ];
  for (const o of cases) {
    const bytes = enc((out) => encodeConnect(out, o));
    const p = dec(bytes);
    assert.equal(p.type, PacketType.CONNECT);
    assert.equal(p.flags, 0);
    assert.equal(p.protocolLevel, 4);
    assert.equal(p.keepAlive, o.keepAlive);
    assert.deepEqual(p.clientId, o.clientId);
    const hasWill = o.willTopic.length > 0;
    let flags = (o.cleanSession ? 0x02 : 0) | (hasWill ? 0x04 | (o.willQos << 3) | (o.willRetain ? 0x20 : 0) : 0);
    if (o.userName.length) flags |= 0x80;
    if (o.password.length) flags |= 0x40;
    assert.equal(p.connectFlags, flags);
    assert.deepEqual(p.willTopic, o.willTopic);
    assert.deepEqual(p.willMessage, hasWill ? o.willMessage : new Uint8Array(0));
    assert.deepEqual(p.userName, o.userName);
    assert.deepEqual(p.password, o.password);
    assert.equal(p.totalLen, bytes.length);
    // The session's path for its own (checked) config: the same bytes, and
    // 0 only when the packet does not fit.
    assert.deepEqual(enc((out) => writeConnect(out, o)), bytes);
    assert.equal(writeConnect(new Uint8Array(bytes.length - 1), o), 0);
  }
});

test("CONNECT: the encoder refuses invalid options", () => {
  const out = new Uint8Array(256);
  const bad: [string, ConnectOptions][] = [
    ["password without user", opts((o) => { o.password = b("p"); })],
    ["will QoS 3", opts((o) => { o.willTopic = b("w"); o.willQos = 3; })],
    ["wildcard will topic", opts((o) => { o.willTopic = b("a/+"); })],
    ["client id not UTF-8", opts((o) => { o.clientId = hex("c0af"); })],
    ["client id with U+0000", opts((o) => { o.clientId = hex("6100"); })],
    ["user name not UTF-8", opts((o) => { o.userName = hex("ff"); })],
    ["client id over 65535 bytes", opts((o) => { o.clientId = new Uint8Array(65536).fill(0x61); })],
  ];
  for (const [why, o] of bad) assert.equal(encodeConnect(out, o), 0, why);
  // The will message is binary: any bytes, and may be empty.
  assert.ok(encodeConnect(out, opts((o) => { o.willTopic = b("w"); o.willMessage = hex("00ff"); })) > 0);
  assert.ok(encodeConnect(out, opts((o) => { o.willTopic = b("w"); })) > 0);
});

test("CONNECT: every string must fit its 2-byte length (connectHead, before any buffer size)", () => {
  const big = (n: number): Uint8Array => new Uint8Array(n).fill(0x61);
  const fields: [string, (o: ConnectOptions, v: Uint8Array) => void][] = [
    ["client id", (o, v) => { o.clientId = v; }],
    ["user name", (o, v) => { o.userName = v; }],
    ["password", (o, v) => { o.userName = b("u"); o.password = v; }],
    ["will message", (o, v) => { o.willTopic = b("w"); o.willMessage = v; }],
    ["will topic", (o, v) => { o.willTopic = v; }],
  ];
  for (const [why, set] of fields) {
    assert.ok(connectHead(opts((o) => set(o, big(65535)))) > 0, `${why} of 65535 bytes`);
    assert.equal(connectHead(opts((o) => set(o, big(65536)))), 0, `${why} of 65536 bytes`);
    assert.equal(connectHead(opts((o) => set(o, big(131072)))), 0, `${why} of 131072 bytes`);
  }
});

test("CONNACK: every return code, session present", () => {
  for (let code = 0; code <= 5; code++) {
    for (const sp of code === 0 ? [false, true] : [false]) {
      const bytes = enc((out) => encodeConnack(out, sp, code));
      assert.equal(toHex(bytes), "2002" + (sp ? "01" : "00") + "0" + code);
      const p = dec(bytes, true);
      assert.equal(p.type, PacketType.CONNACK);
      assert.equal(p.returnCode, code);
      assert.equal(p.sessionPresent, sp);
    }
  }
  const out = new Uint8Array(8);
  assert.equal(encodeConnack(out, false, 6), 0, "code 6 is reserved");
  assert.equal(encodeConnack(out, true, 5), 0, "session present with a refusal");
  assert.equal(encodeConnack(new Uint8Array(3), false, 0), 0, "does not fit");
});

test("PUBLISH: round trip at every QoS with retain, dup, empty and binary payloads", () => {
  const payloads = [new Uint8Array(0), b("hello"), hex("00ff7f80"), new Uint8Array(300).fill(7)];
  const topics = [b("a"), b("sport/tennis/player1"), b("/"), b("$SYS/broker/uptime"), b("tëst/ü"), b(" ")];
  for (const topic of topics) {
    for (const payload of payloads) {
      for (let qos = 0; qos <= 2; qos++) {
        for (const retain of [false, true]) {
          for (const dup of qos > 0 ? [false, true] : [false]) {
            const id = qos > 0 ? 0xbeef : 0;
            const bytes = enc((out) => encodePublish(out, topic, payload, qos, retain, dup, id));
            assert.equal(bytes.length, publishSize(topic.length, payload.length, qos));
            assert.equal(bytes[0], 0x30 | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0));
            const p = dec(bytes, true);
            assert.equal(p.type, PacketType.PUBLISH);
            assert.equal(p.qos, qos);
            assert.equal(p.retain, retain);
            assert.equal(p.dup, dup);
            assert.equal(p.packetId, id);
            assert.deepEqual(p.topic, topic);
            assert.deepEqual(p.payload, payload);
          }
        }
      }
    }
  }
});

test("PUBLISH: exact bytes (QoS 1, id 10)", () => {
  const bytes = enc((out) => encodePublish(out, b("a/b"), b("hi"), 1, false, false, 10));
  assert.equal(toHex(bytes), "3209" + "0003612f62" + "000a" + "6869");
});

test("PUBLISH: the encoder refuses invalid packets", () => {
  const out = new Uint8Array(64);
  assert.equal(encodePublish(out, b("t"), b("x"), 3, false, false, 1), 0, "QoS 3");
  assert.equal(encodePublish(out, b("t"), b("x"), 1, false, false, 0), 0, "QoS 1 with id 0");
  assert.equal(encodePublish(out, b("t"), b("x"), 0, false, true, 0), 0, "DUP with QoS 0");
  assert.equal(encodePublish(out, b(""), b("x"), 0, false, false, 0), 0, "empty topic");
  assert.equal(encodePublish(out, b("a/#"), b("x"), 0, false, false, 0), 0, "wildcard topic");
  assert.equal(encodePublish(out, b("a/+/c"), b("x"), 0, false, false, 0), 0, "wildcard topic");
  assert.equal(encodePublish(out, hex("61ed a080"), b("x"), 0, false, false, 0), 0, "surrogate in topic");
  // QoS 0 ignores the packet id.
  assert.equal(encodePublish(out, b("t"), b("x"), 0, false, false, 77), 6);
});

test("acks: PUBACK, PUBREC, PUBREL (flags 2), PUBCOMP, UNSUBACK", () => {
  const types: [number, string][] = [
    [PacketType.PUBACK, "40"], [PacketType.PUBREC, "50"], [PacketType.PUBREL, "62"],
    [PacketType.PUBCOMP, "70"], [PacketType.UNSUBACK, "b0"],
  ];
  for (const [type, first] of types) {
    for (const id of [1, 0x1234, 0xffff]) {
      const bytes = enc((out) => encodeAck(out, type, id));
      assert.equal(toHex(bytes), first + "02" + id.toString(16).padStart(4, "0"));
      const p = dec(bytes, true);
      assert.equal(p.type, type);
      assert.equal(p.packetId, id);
    }
    assert.equal(encodeAck(new Uint8Array(4), type, 0), 0, "id 0");
    assert.equal(encodeAck(new Uint8Array(3), type, 1), 0, "does not fit");
  }
  for (const t of [0, 1, 2, 3, 8, 9, 10, 12, 13, 14, 15]) assert.equal(encodeAck(new Uint8Array(4), t, 1), 0, `type ${t}`);
});

test("SUBSCRIBE and UNSUBSCRIBE: round trip, server-side decode of the filter list", () => {
  for (const filter of ["a", "#", "+", "sport/tennis/#", "+/+", "/+", "$SYS/#", "a//b", "ü/+/x"]) {
    for (let qos = 0; qos <= 2; qos++) {
      const bytes = enc((out) => encodeSubscribe(out, 42, b(filter), qos));
      assert.equal(bytes[0], 0x82);
      const p = dec(bytes);
      assert.equal(p.type, PacketType.SUBSCRIBE);
      assert.equal(p.flags, 2);
      assert.equal(p.packetId, 42);
      const f = b(filter);
      assert.deepEqual(p.body, new Uint8Array([f.length >> 8, f.length & 0xff, ...f, qos]));
    }
    const u = enc((out) => encodeUnsubscribe(out, 7, b(filter)));
    assert.equal(u[0], 0xa2);
    const p = dec(u);
    assert.equal(p.type, PacketType.UNSUBSCRIBE);
    assert.equal(p.packetId, 7);
    assert.equal(str(p.body.subarray(2)), filter);
  }
  // Several filters in one SUBSCRIBE (crafted: the encoder sends one).
  const multi = hex("82__ 0001 0001 61 00 0003 622f23 02 0001 2b 01");
  const p = dec(multi);
  assert.equal(p.packetId, 1);
  assert.equal(p.body.length, multi.length - 4);
  const out = new Uint8Array(64);
  assert.equal(encodeSubscribe(out, 0, b("a"), 0), 0, "id 0");
  assert.equal(encodeSubscribe(out, 1, b("a"), 3), 0, "QoS 3");
  assert.equal(encodeSubscribe(out, 1, b("a/#/b"), 0), 0, "bad filter");
  assert.equal(encodeSubscribe(out, 1, b(""), 0), 0, "empty filter");
  assert.equal(encodeUnsubscribe(out, 0, b("a"), ), 0, "id 0");
  assert.equal(encodeUnsubscribe(out, 1, b("a+"), ), 0, "bad filter");
  assert.equal(encodeSubscribe(new Uint8Array(8), 1, b("ab"), 0), 0, "does not fit");
  assert.equal(encodeSubscribe(new Uint8Array(9), 1, b("ab"), 0), 9, "fits exactly");
});

test("SUBACK: round trip with every valid code", () => {
  const codes = hex("00010280");
  const bytes = enc((out) => encodeSuback(out, 0x0102, codes));
  assert.equal(toHex(bytes), "9006" + "0102" + "00010280");
  const p = dec(bytes, true);
  assert.equal(p.type, PacketType.SUBACK);
  assert.equal(p.packetId, 0x0102);
  assert.deepEqual(p.codes, codes);
  const out = new Uint8Array(16);
  assert.equal(encodeSuback(out, 1, hex("03")), 0, "code 3");
  assert.equal(encodeSuback(out, 1, hex("81")), 0, "code 0x81");
  assert.equal(encodeSuback(out, 1, new Uint8Array(0)), 0, "no codes");
  assert.equal(encodeSuback(out, 0, hex("00")), 0, "id 0");
});

test("PINGREQ, PINGRESP, DISCONNECT", () => {
  const types: [number, string][] = [[PacketType.PINGREQ, "c000"], [PacketType.PINGRESP, "d000"], [PacketType.DISCONNECT, "e000"]];
  for (const [type, want] of types) {
    const bytes = enc((out) => encodeSimple(out, type));
    assert.equal(toHex(bytes), want);
    assert.equal(dec(bytes).type, type);
  }
  assert.equal(dec(hex("d000"), true).type, PacketType.PINGRESP);
  assert.equal(encodeSimple(new Uint8Array(2), PacketType.PUBACK), 0);
  assert.equal(encodeSimple(new Uint8Array(1), PacketType.PINGREQ), 0);
});

test("the decoder resets fields a packet does not carry", () => {
  const p = new Packet();
  const pub = enc((out) => encodePublish(out, b("t"), b("x"), 2, true, true, 9));
  assert.equal(decode(pub, NOLIMIT, true, p), pub.length);
  assert.equal(decode(hex("d000"), NOLIMIT, true, p), 2);
  assert.equal(p.type, PacketType.PINGRESP);
  assert.equal(p.qos, 0);
  assert.equal(p.dup, false);
  assert.equal(p.retain, false);
  assert.equal(p.packetId, 0);
  assert.equal(p.topic.length, 0);
  assert.equal(p.payload.length, 0);
});

// ---------------------------------------------------------------- remaining length

test("remaining length: boundaries encode minimally and decode back", () => {
  const table: [number, string][] = [
    [0, "00"], [127, "7f"], [128, "8001"], [16383, "ff7f"], [16384, "808001"],
    [2097151, "ffff7f"], [2097152, "80808001"], [268435455, "ffffff7f"],
  ];
  for (const [n, want] of table) {
    assert.equal(remainingLengthSize(n), want.length / 2);
    const out = new Uint8Array(8);
    assert.equal(encodeRemainingLength(out, 1, n), want.length / 2);
    assert.equal(toHex(out.subarray(1, 1 + want.length / 2)), want);
    // A PUBLISH header with that length: decode sees the length and waits for the body.
    const hdr = hex("30" + want);
    const p = new Packet();
    const r = decode(hdr, NOLIMIT, true, p);
    if (n === 0) assert.equal(r, -DecodeErr.STRING_OVERRUN); // a PUBLISH needs a topic
    else assert.equal(r, 0);
    assert.equal(p.remLen, n);
    assert.equal(p.totalLen, 1 + want.length / 2 + n);
  }
  assert.equal(remainingLengthSize(268435456), 0);
  assert.equal(remainingLengthSize(0xffffffff), 0);
  assert.equal(encodeRemainingLength(new Uint8Array(8), 0, 268435456), 0);
  assert.equal(encodeRemainingLength(new Uint8Array(3), 0, 2097152), 0, "does not fit");
  assert.equal(encodeRemainingLength(new Uint8Array(4), 1, 2097152), 0, "does not fit at offset");
  assert.equal(encodeRemainingLength(new Uint8Array(4), 5, 0), 0, "offset past the end");
});

test("remaining length: whole PUBLISH packets at 127, 128, 16383, 16384, 2097151, 2097152", () => {
  const topic = b("t"); // 2 + 1 bytes of variable header at QoS 0
  const big = new Uint8Array(2097152 + 16);
  for (const rem of [127, 128, 16383, 16384, 2097151, 2097152]) {
    const payload = new Uint8Array(rem - 3);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const size = publishSize(1, payload.length, 0);
    assert.equal(size, 1 + remainingLengthSize(rem) + rem);
    assert.equal(encodePublish(big, topic, payload, 0, false, false, 0), size);
    assert.equal(encodePublish(big.subarray(0, size - 1), topic, payload, 0, false, false, 0), 0, "one byte short");
    const p = new Packet();
    assert.equal(decode(big.subarray(0, size), NOLIMIT, true, p), size);
    assert.equal(p.remLen, rem);
    assert.deepEqual(p.payload, payload);
    assert.equal(decode(big.subarray(0, size - 1), NOLIMIT, true, p), 0, "one byte missing");
    assert.equal(decode(big.subarray(0, size), size, true, p), size, "exactly the limit");
    assert.equal(decode(big.subarray(0, size), size - 1, true, p), -DecodeErr.TOO_LARGE, "one over the limit");
  }
  // The largest PUBLISH the 4-byte length allows.
  assert.equal(publishSize(1, MAX_REMAINING_LENGTH - 3, 0), 1 + 4 + MAX_REMAINING_LENGTH);
  assert.equal(publishSize(1, MAX_REMAINING_LENGTH - 2, 0), 0);
  assert.equal(publishSize(1, MAX_REMAINING_LENGTH - 5, 1), 1 + 4 + MAX_REMAINING_LENGTH);
  assert.equal(publishSize(1, MAX_REMAINING_LENGTH - 4, 1), 0);
  assert.equal(publishSize(65536, 0, 0), 0, "topic too long");
  assert.equal(publishSize(1, 0, 3), 0, "QoS 3");
  assert.equal(publishSize(1, 0xffffffff, 0), 0);
});

test("remaining length: non-minimal forms are valid in 3.1.1; a fifth byte is not", () => {
  // 3.1.1 2.2.3 (unlike MQTT 5 1.5.5-1) does not require the minimal form.
  assert.equal(dec(hex("d08000"), true).remLen, 0);
  assert.equal(dec(hex("d080808000"), true).remLen, 0);
  assert.equal(dec(hex("4082000005"), true).packetId, 5);
  const p = new Packet();
  // Reported as soon as the 4th length byte says "more", without a 5th.
  assert.equal(decode(hex("30ffffffff"), NOLIMIT, true, p), -DecodeErr.LENGTH_TOO_LONG);
  assert.equal(decode(hex("d080808080"), NOLIMIT, true, p), -DecodeErr.LENGTH_TOO_LONG);
  assert.equal(decode(hex("30ffffff"), NOLIMIT, true, p), 0);
});

test("TOO_LARGE is reported from the fixed header alone", () => {
  const p = new Packet();
  // rem 200 -> total 203: over a 100-byte limit, with none of the body there.
  assert.equal(decode(hex("30c801"), 100, true, p), -DecodeErr.TOO_LARGE);
  assert.equal(p.totalLen, 203);
  assert.equal(decode(hex("30c8"), 100, true, p), 0, "length not complete yet");
  assert.equal(decode(hex("30ffffff7f"), 3072, true, p), -DecodeErr.TOO_LARGE);
  assert.equal(decode(hex("d000"), 1, true, p), -DecodeErr.TOO_LARGE);
  assert.equal(decode(hex("d000"), 2, true, p), 2);
});

// ---------------------------------------------------------------- rejections

/** [reason, hex, forClient, expected error] — one crafted packet per check. */
const REJECT: [string, string, boolean, DecodeErr][] = [
  ["type 0", "0000", false, DecodeErr.BAD_TYPE],
  ["type 15", "f000", false, DecodeErr.BAD_TYPE],
  ["CONNECT flags", "1100", false, DecodeErr.RESERVED_FLAGS],
  ["CONNACK flags", "21020000", true, DecodeErr.RESERVED_FLAGS],
  ["PUBACK flags", "42020001", true, DecodeErr.RESERVED_FLAGS],
  ["PUBREC flags", "58020001", true, DecodeErr.RESERVED_FLAGS],
  ["PUBREL flags 0", "60020001", true, DecodeErr.RESERVED_FLAGS],
  ["PUBREL flags 3", "63020001", true, DecodeErr.RESERVED_FLAGS],
  ["PUBCOMP flags", "71020001", true, DecodeErr.RESERVED_FLAGS],
  ["SUBSCRIBE flags 0", "800600010001 6100", false, DecodeErr.RESERVED_FLAGS],
  ["SUBACK flags", "9203000100", true, DecodeErr.RESERVED_FLAGS],
  ["UNSUBSCRIBE flags 0", "a00500010001 61", false, DecodeErr.RESERVED_FLAGS],
  ["UNSUBACK flags", "b4020001", true, DecodeErr.RESERVED_FLAGS],
  ["PINGREQ flags", "c100", false, DecodeErr.RESERVED_FLAGS],
  ["PINGRESP flags", "d800", true, DecodeErr.RESERVED_FLAGS],
  ["DISCONNECT flags", "e200", false, DecodeErr.RESERVED_FLAGS],
  ["PUBLISH QoS 3", "36", true, DecodeErr.BAD_QOS],
  ["PUBLISH DUP at QoS 0", "38", true, DecodeErr.BAD_DUP],
  ["CONNECT to a client", "10", true, DecodeErr.NOT_FOR_CLIENT],
  ["SUBSCRIBE to a client", "82", true, DecodeErr.NOT_FOR_CLIENT],
  ["UNSUBSCRIBE to a client", "a2", true, DecodeErr.NOT_FOR_CLIENT],
  ["PINGREQ to a client", "c000", true, DecodeErr.NOT_FOR_CLIENT],
  ["DISCONNECT to a client", "e000", true, DecodeErr.NOT_FOR_CLIENT],
  ["length over 4 bytes", "30 80808080", true, DecodeErr.LENGTH_TOO_LONG],
  ["PUBACK id 0", "40020000", true, DecodeErr.ZERO_PACKET_ID],
  ["PUBREC id 0", "50020000", true, DecodeErr.ZERO_PACKET_ID],
  ["PUBREL id 0", "62020000", true, DecodeErr.ZERO_PACKET_ID],
  ["PUBCOMP id 0", "70020000", true, DecodeErr.ZERO_PACKET_ID],
  ["UNSUBACK id 0", "b0020000", true, DecodeErr.ZERO_PACKET_ID],
  ["SUBACK id 0", "9003000000", true, DecodeErr.ZERO_PACKET_ID],
  ["PUBLISH QoS 1 id 0", "3205 000161 0000", true, DecodeErr.ZERO_PACKET_ID],
  ["SUBSCRIBE id 0", "8206 0000 000161 00", false, DecodeErr.ZERO_PACKET_ID],
  ["UNSUBSCRIBE id 0", "a205 0000 000161", false, DecodeErr.ZERO_PACKET_ID],
  ["PUBACK length 3", "4003000100", true, DecodeErr.BAD_LENGTH],
  ["PUBACK length 1", "400100", true, DecodeErr.BAD_LENGTH],
  ["CONNACK length 3", "2003000000", true, DecodeErr.BAD_LENGTH],
  ["PINGRESP length 1", "d00100", true, DecodeErr.BAD_LENGTH],
  ["SUBACK without codes", "90020001", true, DecodeErr.BAD_LENGTH],
  ["PUBLISH QoS 1 without id", "3203 000161", true, DecodeErr.BAD_LENGTH],
  ["PUBLISH QoS 2 with half an id", "3404 000161 00", true, DecodeErr.BAD_LENGTH],
  ["SUBSCRIBE filter without QoS", "8205 0001 000161", false, DecodeErr.BAD_LENGTH],
  ["CONNECT trailing byte", "10__ 00044d515454 04 00 003c 0000 ff", false, DecodeErr.BAD_LENGTH],
  ["CONNECT without keep alive", "10__ 00044d515454 04 00 00", false, DecodeErr.BAD_LENGTH],
  ["PUBLISH topic runs past the end", "3003 000561", true, DecodeErr.STRING_OVERRUN],
  ["PUBLISH length prefix cut", "300100", true, DecodeErr.STRING_OVERRUN],
  ["PUBLISH empty body", "3000", true, DecodeErr.STRING_OVERRUN],
  ["SUBSCRIBE filter runs past the end", "8206 0001 000961 00", false, DecodeErr.STRING_OVERRUN],
  ["CONNECT client id missing", "10__ 00044d515454 04 00 003c", false, DecodeErr.STRING_OVERRUN],
  ["CONNECT user name missing", "10__ 00044d515454 04 82 003c 0000", false, DecodeErr.STRING_OVERRUN],
  ["CONNECT will message missing", "10__ 00044d515454 04 06 003c 0000 000161", false, DecodeErr.STRING_OVERRUN],
  ["CONNECT protocol name cut", "10__ 000561", false, DecodeErr.STRING_OVERRUN],
  ["PUBLISH topic with U+0000", "3004 00026100", true, DecodeErr.BAD_UTF8],
  ["PUBLISH topic overlong '/'", "3004 0002c0af", true, DecodeErr.BAD_UTF8],
  ["PUBLISH topic surrogate", "3005 0003eda080", true, DecodeErr.BAD_UTF8],
  ["PUBLISH topic above U+10FFFF", "3006 0004f4908080", true, DecodeErr.BAD_UTF8],
  ["PUBLISH topic lone continuation", "3003 000180", true, DecodeErr.BAD_UTF8],
  ["PUBLISH topic truncated sequence", "3004 000261e2", true, DecodeErr.BAD_UTF8],
  ["SUBSCRIBE filter not UTF-8", "8206 0001 0001ff 00", false, DecodeErr.BAD_UTF8],
  ["CONNECT client id not UTF-8", "10__ 00044d515454 04 02 003c 0001ff", false, DecodeErr.BAD_UTF8],
  ["CONNECT user name with U+0000", "10__ 00044d515454 04 82 003c 0000 000100", false, DecodeErr.BAD_UTF8],
  ["PUBLISH topic with +", "3005 0003612f2b", true, DecodeErr.TOPIC_WILDCARD],
  ["PUBLISH topic with #", "3003 000123", true, DecodeErr.TOPIC_WILDCARD],
  ["CONNECT will topic with #", "10__ 00044d515454 04 06 003c 0000 000123 0000", false, DecodeErr.TOPIC_WILDCARD],
  ["PUBLISH empty topic", "3002 0000", true, DecodeErr.EMPTY_TOPIC],
  ["SUBSCRIBE empty filter", "8205 0001 0000 00", false, DecodeErr.EMPTY_TOPIC],
  ["UNSUBSCRIBE empty filter", "a204 0001 0000", false, DecodeErr.EMPTY_TOPIC],
  ["CONNECT empty will topic", "10__ 00044d515454 04 06 003c 0000 0000 0000", false, DecodeErr.EMPTY_TOPIC],
  ["CONNECT protocol MQIsdp", "10__ 00064d5149736470 03 02 003c 0000", false, DecodeErr.BAD_PROTOCOL],
  ["CONNECT protocol mqtt", "10__ 00046d717474 04 02 003c 0000", false, DecodeErr.BAD_PROTOCOL],
  ["CONNACK reserved flag bit", "20020200", true, DecodeErr.BAD_CONNACK_FLAGS],
  ["CONNACK session present with refusal", "20020105", true, DecodeErr.BAD_CONNACK_FLAGS],
  ["CONNACK code 6", "20020006", true, DecodeErr.BAD_RETURN_CODE],
  ["CONNACK code 0xff", "200200ff", true, DecodeErr.BAD_RETURN_CODE],
  ["SUBACK code 3", "9003000103", true, DecodeErr.BAD_SUBACK_CODE],
  ["SUBACK code 0x81", "9004 0001 0081", true, DecodeErr.BAD_SUBACK_CODE],
  ["CONNECT reserved flag", "10__ 00044d515454 04 03 003c 0000", false, DecodeErr.BAD_CONNECT_FLAGS],
  ["CONNECT will QoS without will", "10__ 00044d515454 04 0a 003c 0000", false, DecodeErr.BAD_CONNECT_FLAGS],
  ["CONNECT will retain without will", "10__ 00044d515454 04 22 003c 0000", false, DecodeErr.BAD_CONNECT_FLAGS],
  ["CONNECT password without user", "10__ 00044d515454 04 42 003c 0000 000170", false, DecodeErr.BAD_CONNECT_FLAGS],
  ["CONNECT will QoS 3", "10__ 00044d515454 04 1e 003c 0000 000177 0000", false, DecodeErr.BAD_QOS],
  ["SUBSCRIBE QoS 3", "8206 0001 000161 03", false, DecodeErr.BAD_QOS],
  ["SUBSCRIBE reserved QoS bits", "8206 0001 000161 04", false, DecodeErr.BAD_SUBSCRIBE_OPTIONS],
  ["SUBSCRIBE filter a/#/b", "820a 0001 0005612f232f62 00", false, DecodeErr.BAD_FILTER],
  ["SUBSCRIBE filter a+", "8207 0001 0002612b 00", false, DecodeErr.BAD_FILTER],
  ["UNSUBSCRIBE filter #a", "a206 0001 00022361", false, DecodeErr.BAD_FILTER],
  ["SUBSCRIBE without filters", "82020001", false, DecodeErr.NO_FILTERS],
  ["UNSUBSCRIBE without filters", "a2020001", false, DecodeErr.NO_FILTERS],
  ["SUBSCRIBE without packet id", "820100", false, DecodeErr.BAD_LENGTH],
];

test("every rejection reason, from a crafted byte string", () => {
  const seen = new Set<number>();
  for (const [why, h, forClient, err] of REJECT) {
    const bytes = hex(h);
    const p = new Packet();
    const r = decode(bytes, NOLIMIT, forClient, p);
    assert.equal(r, -err, `${why}: ${h} gave ${r} (${r < 0 ? decodeErrNameAll(-r) : "no error"}), want -${err} (${decodeErrNameAll(err)})`);
    seen.add(err);
    // The same verdict with the packet followed by more bytes (the caller's buffer holds more).
    const more = new Uint8Array([...bytes, 0xd0, 0x00]);
    assert.equal(decode(more, NOLIMIT, forClient, p), -err, `${why} followed by more bytes`);
  }
  seen.add(DecodeErr.TOO_LARGE); // tested above with a limit
  for (let e = 1; e <= DecodeErr.BAD_SUBSCRIBE_OPTIONS; e++) assert.ok(seen.has(e), `no test for ${decodeErrNameAll(e)}`);
});

test("decodeErrNameAll: a distinct short reason for every error", () => {
  const names = new Set<string>();
  for (let e = 0; e <= DecodeErr.BAD_SUBSCRIBE_OPTIONS; e++) {
    const n = decodeErrNameAll(e);
    assert.ok(n.length > 0 && n.length < 48 && n !== "unknown decode error", `${e}: ${n}`);
    names.add(n);
  }
  assert.equal(names.size, DecodeErr.BAD_SUBSCRIBE_OPTIONS + 1);
  assert.equal(decodeErrNameAll(99 as DecodeErr), "unknown decode error");
});

test("decodeErrName (the client's): names every error the client decoder returns, as decodeErrNameAll", () => {
  for (const [why, h, forClient, err] of REJECT) {
    if (!forClient) continue;
    assert.equal(decodeErrName(err), decodeErrNameAll(err), why);
    assert.notEqual(decodeErrName(err), "unknown decode error", why);
  }
  // (Rows above decode these for the server side, or not as rows.)
  for (const e of [DecodeErr.BAD_TYPE, DecodeErr.RESERVED_FLAGS, DecodeErr.LENGTH_TOO_LONG, DecodeErr.TOO_LARGE]) {
    assert.notEqual(decodeErrName(e), "unknown decode error", String(e));
  }
  // Errors only the server-side decoder returns are left to decodeErrNameAll.
  assert.equal(decodeErrName(DecodeErr.BAD_CONNECT_FLAGS), "unknown decode error");
});

test("valid edge cases are accepted", () => {
  // Control characters and non-characters are SHOULD NOTs in 1.5.3: accepted.
  assert.equal(str(dec(hex("3004 0002 017f"), true).topic), "\x01\x7f");
  assert.deepEqual(dec(hex("3005 0003 efbfbf"), true).topic, hex("efbfbf"));
  // A BOM is a character like any other (1.5.3-3).
  assert.deepEqual(dec(hex("3005 0003 efbbbf"), true).topic, hex("efbbbf"));
  // U+10FFFF, the highest code point.
  assert.deepEqual(dec(hex("3006 0004 f48fbfbf"), true).topic, hex("f48fbfbf"));
  // CONNECT with an unknown protocol level decodes: the server answers CONNACK 1.
  assert.equal(dec(hex("100c 00044d515454 05 02 003c 0000")).protocolLevel, 5);
  // SUBACK with a failure code, PUBLISH with a 0-byte payload at QoS 2.
  assert.deepEqual(dec(hex("9003 0001 80"), true).codes, hex("80"));
  assert.equal(dec(hex("3405 000161 0001"), true).payload.length, 0);
});

// ---------------------------------------------------------------- streaming

/** One valid packet of every type (client- and server-bound). */
function samples(): Uint8Array[] {
  return [
    enc((o) => encodeConnect(o, opts((c) => {
      c.clientId = b("dev"); c.willTopic = b("w/t"); c.willMessage = b("bye"); c.willQos = 1;
      c.userName = b("u"); c.password = b("p");
    }))),
    enc((o) => encodeConnack(o, true, 0)),
    enc((o) => encodePublish(o, b("a/b"), b("payload"), 0, true, false, 0)),
    enc((o) => encodePublish(o, b("a/b"), new Uint8Array(200).fill(0x41), 1, false, true, 3)),
    enc((o) => encodePublish(o, b("q2"), b(""), 2, false, false, 0xffff)),
    enc((o) => encodeAck(o, PacketType.PUBACK, 1)),
    enc((o) => encodeAck(o, PacketType.PUBREC, 2)),
    enc((o) => encodeAck(o, PacketType.PUBREL, 3)),
    enc((o) => encodeAck(o, PacketType.PUBCOMP, 4)),
    enc((o) => encodeSubscribe(o, 5, b("x/+/#"), 2)),
    enc((o) => encodeSuback(o, 5, hex("0280"))),
    enc((o) => encodeUnsubscribe(o, 6, b("x/+/#"))),
    enc((o) => encodeAck(o, PacketType.UNSUBACK, 6)),
    enc((o) => encodeSimple(o, PacketType.PINGREQ)),
    enc((o) => encodeSimple(o, PacketType.PINGRESP)),
    enc((o) => encodeSimple(o, PacketType.DISCONNECT)),
  ];
}

/** A comparable summary of a decoded packet (views copied out). */
function summary(p: Packet): string {
  return JSON.stringify([p.type, p.flags, p.dup, p.qos, p.retain, p.packetId, toHex(p.topic), toHex(p.payload),
    p.sessionPresent, p.returnCode, toHex(p.codes), toHex(p.body), p.protocolLevel, p.connectFlags, p.keepAlive,
    toHex(p.clientId), toHex(p.willTopic), toHex(p.willMessage), toHex(p.userName), toHex(p.password), p.totalLen]);
}

test("every proper prefix of a valid packet is incomplete (0)", () => {
  const p = new Packet();
  for (const pkt of samples()) {
    for (let k = 0; k < pkt.length; k++) {
      assert.equal(decode(pkt.subarray(0, k), NOLIMIT, false, p), 0, `${toHex(pkt)} cut at ${k}`);
    }
  }
});

test("errors are stable under truncation: a prefix gives 0 or the same error", () => {
  const p = new Packet();
  for (const [why, h, forClient, err] of REJECT) {
    const bytes = hex(h);
    for (let k = 0; k < bytes.length; k++) {
      const r = decode(bytes.subarray(0, k), NOLIMIT, forClient, p);
      assert.ok(r === 0 || r === -err, `${why} cut at ${k}: ${r}`);
    }
  }
});

/** A receiver as the session has one: append bytes, decode in a loop, keep the rest. */
class Receiver {
  buf = new Uint8Array(4096);
  len = 0;
  got: string[] = [];
  p = new Packet();
  feed(chunk: Uint8Array): void {
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
    let start = 0;
    for (;;) {
      const r = decode(this.buf.subarray(start, this.len), NOLIMIT, false, this.p);
      assert.ok(r >= 0, `decode error ${r}`);
      if (r === 0) break;
      this.got.push(summary(this.p));
      start += r;
    }
    this.buf.copyWithin(0, start, this.len);
    this.len -= start;
  }
}

test("a stream of every packet type split at every byte position", () => {
  const pkts = samples();
  const stream = new Uint8Array(pkts.reduce((n, x) => n + x.length, 0));
  let off = 0;
  for (const x of pkts) { stream.set(x, off); off += x.length; }
  const want = pkts.map((x) => summary(dec(x)));
  for (let cut = 0; cut <= stream.length; cut++) {
    const rx = new Receiver();
    rx.feed(stream.subarray(0, cut));
    rx.feed(stream.subarray(cut));
    assert.deepEqual(rx.got, want, `split at ${cut}`);
    assert.equal(rx.len, 0);
  }
  // And byte by byte.
  const rx = new Receiver();
  for (let i = 0; i < stream.length; i++) rx.feed(stream.subarray(i, i + 1));
  assert.deepEqual(rx.got, want);
});

test("several packets in one buffer decode one per call", () => {
  const pkts = samples();
  const all = new Uint8Array(pkts.reduce((n, x) => n + x.length, 0) + 3);
  let off = 0;
  for (const x of pkts) { all.set(x, off); off += x.length; }
  all.set(hex("3005 00"), off); // the start of one more
  const p = new Packet();
  let at = 0;
  for (const x of pkts) {
    const r = decode(all.subarray(at), NOLIMIT, false, p);
    assert.equal(r, x.length);
    assert.equal(summary(p), summary(dec(x)));
    at += r;
  }
  assert.equal(decode(all.subarray(at), NOLIMIT, false, p), 0);
  assert.equal(p.totalLen, 7);
});

test("decoded views point into the input, no copies", () => {
  const bytes = enc((o) => encodePublish(o, b("t/x"), b("data"), 1, false, false, 5));
  const p = dec(bytes);
  assert.equal(p.topic.buffer, bytes.buffer);
  assert.equal(p.payload.byteOffset, bytes.byteOffset + bytes.length - 4);
});

test("encoders write nothing when the packet does not fit", () => {
  const makers: ((o: Uint8Array) => number)[] = [
    (o) => encodeConnect(o, opts((c) => { c.clientId = b("dev"); c.userName = b("u"); c.password = b("p"); })),
    (o) => encodePublish(o, b("a/b"), b("payload"), 1, false, false, 3),
    (o) => encodeSubscribe(o, 5, b("x/+/#"), 2),
    (o) => encodeUnsubscribe(o, 6, b("x/+/#")),
    (o) => encodeSuback(o, 5, hex("0280")),
    (o) => encodeConnack(o, false, 0),
    (o) => encodeAck(o, PacketType.PUBACK, 1),
    (o) => encodeSimple(o, PacketType.PINGREQ),
  ];
  for (const make of makers) {
    const size = make(new Uint8Array(256));
    assert.ok(size > 0);
    for (let cap = 0; cap < size; cap++) {
      const out = new Uint8Array(cap).fill(0xee);
      assert.equal(make(out), 0, `capacity ${cap} of ${size}`);
      assert.ok(out.every((x) => x === 0xee), `wrote into a too-small buffer of ${cap}`);
    }
    assert.equal(make(new Uint8Array(size)), size);
  }
});
