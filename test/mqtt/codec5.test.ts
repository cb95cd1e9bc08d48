// The MQTT 5 codec case by case: the bytes of the short and long forms, each
// named decode error on a packet that shows it (with the section that makes
// it an error), what the encoders refuse, and the name tables.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { PacketType, DecodeErr } from "../../ts-src/mqtt/packet";
import {
  Packet5, Props5, PropIter, PropId, Decode5Err, Reason, PACKET_AUTH, reasonName, reasonValid, decode5ErrName,
  reason5ForErr, propAllowed, WILL_PROPS,
} from "../../ts-src/mqtt/packet5";
import {
  decode5ForClient, encodeConnect5, encodePublish5, encodePublishAny5, encodeAck5, encodeSubscribe5,
  encodeUnsubscribe5, encodeDisconnect5, encodeAuth5, subscriptionOptions, putUserProp, nextProp, propsSize,
} from "../../ts-src/mqtt/codec5";
import { ConnectOptions } from "../../ts-src/mqtt/codec";
import { decode5Any, encodeConnack5, encodeCodesAck5 } from "./support/codec5_broker";

const h = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const hx = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));

function enc(f: (out: Uint8Array) => number): Uint8Array {
  const out = new Uint8Array(1024);
  const n = f(out);
  assert.ok(n > 0, "encoder refused");
  return out.slice(0, n);
}

/** decode5 as a client, expecting a whole packet. */
function dec(bytes: Uint8Array): Packet5 {
  const p = new Packet5();
  assert.equal(decode5ForClient(bytes, 0xffffffff, p), bytes.length, hx(bytes));
  return p;
}

/** The error decode5 gives (as a client unless forClient is false). */
function err(bytes: Uint8Array, forClient = true): number {
  const p = new Packet5();
  return -decode5Any(bytes, 0xffffffff, forClient, p);
}

test("acks: the short forms and the long form (3.4.2)", () => {
  const none = new Props5();
  assert.equal(hx(enc((o) => encodeAck5(o, PacketType.PUBACK, 1, 0, none))), "40020001");
  assert.equal(hx(enc((o) => encodeAck5(o, PacketType.PUBREC, 1, Reason.NO_MATCHING_SUBSCRIBERS, none))), "5003000110");
  assert.equal(hx(enc((o) => encodeAck5(o, PacketType.PUBREL, 2, Reason.PACKET_ID_NOT_FOUND, none))), "6203000292");
  const rs = new Props5();
  rs.reasonString = b("no");
  rs.set(PropId.REASON_STRING);
  const long = enc((o) => encodeAck5(o, PacketType.PUBCOMP, 3, 0, rs));
  assert.equal(hx(long), "70090003" + "00" + "05" + "1f00026e6f");
  // All three forms decode; the property length may be omitted below 4 bytes.
  assert.equal(dec(h("40020001")).reasonCode, 0);
  assert.equal(dec(h("4003000110")).reasonCode, 0x10);
  assert.equal(dec(h("400400011000")).reasonCode, 0x10);
  assert.equal(Buffer.from(dec(long).props.reasonString).toString(), "no");
  // A reason code PUBREL/PUBCOMP do not have (table 2-6).
  assert.equal(encodeAck5(new Uint8Array(16), PacketType.PUBREL, 1, Reason.NOT_AUTHORIZED, none), 0);
  assert.equal(err(h("62030001 87")), Decode5Err.BAD_REASON_CODE);
  assert.equal(err(h("40030001 92")), Decode5Err.BAD_REASON_CODE);
  assert.equal(err(h("40020000")), DecodeErr.ZERO_PACKET_ID);
  assert.equal(err(h("4001 00")), DecodeErr.BAD_LENGTH);
});

test("DISCONNECT and AUTH: both directions, short forms (3.14.2, 3.15.2)", () => {
  const none = new Props5();
  assert.equal(hx(enc((o) => encodeDisconnect5(o, 0, none))), "e000");
  assert.equal(hx(enc((o) => encodeDisconnect5(o, Reason.DISCONNECT_WITH_WILL, none))), "e00104");
  const se = new Props5();
  se.sessionExpiry = 0;
  se.set(PropId.SESSION_EXPIRY);
  assert.equal(hx(enc((o) => encodeDisconnect5(o, 0, se))), "e0070005" + "1100000000");
  // AUTH is always written whole; the empty AUTH is accepted on input.
  assert.equal(hx(enc((o) => encodeAuth5(o, 0, none))), "f0020000");
  const am = new Props5();
  am.authMethod = b("SCRAM");
  am.authData = h("0102");
  am.set(PropId.AUTH_METHOD);
  am.set(PropId.AUTH_DATA);
  const auth = enc((o) => encodeAuth5(o, Reason.CONTINUE_AUTHENTICATION, am));
  const p = dec(auth);
  assert.equal(p.reasonCode, 0x18);
  assert.equal(hx(p.props.authData), "0102");
  assert.equal(dec(h("f000")).reasonCode, 0);
  assert.equal(err(h("f001 18")), DecodeErr.BAD_LENGTH);
  assert.equal(err(h("f002 80 00")), Decode5Err.BAD_REASON_CODE);
  assert.equal(encodeAuth5(new Uint8Array(16), Reason.UNSPECIFIED_ERROR, none), 0);
  // A server's DISCONNECT: reason, server reference; never a session expiry [MQTT-3.14.2-2].
  assert.equal(dec(h("e001 8b")).reasonCode, Reason.SERVER_SHUTTING_DOWN);
  const moved = dec(h("e006 9d 04 1c000162"));
  assert.equal(Buffer.from(moved.props.serverReference).toString(), "b");
  assert.equal(err(h("e007 00 05 1100000000")), Decode5Err.PROPERTY_NOT_ALLOWED);
  assert.equal(decode5Any(h("e007 00 05 1100000000"), 0xffffffff, false, new Packet5()), 9);
});

test("CONNECT: every property, will properties, password without user name (3.1)", () => {
  const o = new ConnectOptions();
  o.clientId = b("dev");
  o.password = b("secret"); // allowed without a user name in 5.0 (3.1.2.9)
  o.willTopic = b("w");
  o.willMessage = b("bye");
  o.willQos = 1;
  const p = new Props5();
  p.sessionExpiry = 3600; p.set(PropId.SESSION_EXPIRY);
  p.receiveMaximum = 8; p.set(PropId.RECEIVE_MAXIMUM);
  p.maximumPacketSize = 4096; p.set(PropId.MAXIMUM_PACKET_SIZE);
  p.topicAliasMaximum = 10; p.set(PropId.TOPIC_ALIAS_MAXIMUM);
  p.requestResponseInfo = 1; p.set(PropId.REQUEST_RESPONSE_INFO);
  p.requestProblemInfo = 0; p.set(PropId.REQUEST_PROBLEM_INFO);
  p.authMethod = b("TOKEN"); p.set(PropId.AUTH_METHOD);
  p.authData = h("ff00"); p.set(PropId.AUTH_DATA);
  const ub = new Uint8Array(64);
  p.extra = ub.subarray(0, putUserProp(ub, putUserProp(ub, 0, b("a"), b("1")), b("a"), b("2")));
  const w = new Props5();
  w.willDelay = 30; w.set(PropId.WILL_DELAY);
  w.payloadFormat = 1; w.set(PropId.PAYLOAD_FORMAT);
  w.messageExpiry = 60; w.set(PropId.MESSAGE_EXPIRY);
  w.contentType = b("text/plain"); w.set(PropId.CONTENT_TYPE);
  w.responseTopic = b("r/t"); w.set(PropId.RESPONSE_TOPIC);
  w.correlationData = h("0a0b"); w.set(PropId.CORRELATION_DATA);
  const bytes = enc((x) => encodeConnect5(x, o, p, w));
  const d = new Packet5();
  assert.equal(decode5Any(bytes, 0xffffffff, false, d), bytes.length);
  assert.equal(d.base.protocolLevel, 5);
  assert.equal(d.base.connectFlags & 0xc0, 0x40);
  assert.equal(Buffer.from(d.base.password).toString(), "secret");
  assert.equal(d.props.present, p.present | (1 << 22)); // + User Property
  assert.equal(d.props.sessionExpiry, 3600);
  assert.equal(d.props.maximumPacketSize, 4096);
  assert.equal(d.props.userCount, 2);
  assert.equal(d.willProps.willDelay, 30);
  assert.equal(Buffer.from(d.willProps.responseTopic).toString(), "r/t");
  // Properties where they do not belong are refused by the encoder...
  const bad = new Props5();
  bad.topicAlias = 1; bad.set(PropId.TOPIC_ALIAS);
  assert.equal(encodeConnect5(new Uint8Array(256), o, bad, w), 0);
  assert.equal(encodeConnect5(new Uint8Array(256), o, p, p), 0); // session expiry is not a will property
  const dataOnly = new Props5();
  dataOnly.authData = h("01"); dataOnly.set(PropId.AUTH_DATA);
  assert.equal(encodeConnect5(new Uint8Array(256), o, dataOnly, w), 0);
  // ...and by the decoder; level 4 is not read by decode5.
  const lvl4 = bytes.slice();
  lvl4[8] = 4;
  assert.equal(err(lvl4, false), Decode5Err.BAD_PROTOCOL_LEVEL);
  // One byte short: refused, nothing written past the end.
  const out = new Uint8Array(bytes.length);
  const short = out.subarray(0, bytes.length - 1);
  assert.equal(encodeConnect5(short, o, p, w), 0);
  assert.equal(out[bytes.length - 1], 0);
});

test("CONNACK: every property a server sends (3.2.2.3)", () => {
  const p = new Props5();
  p.sessionExpiry = 0xffffffff; p.set(PropId.SESSION_EXPIRY);
  p.receiveMaximum = 20; p.set(PropId.RECEIVE_MAXIMUM);
  p.maximumQos = 1; p.set(PropId.MAXIMUM_QOS);
  p.retainAvailable = 0; p.set(PropId.RETAIN_AVAILABLE);
  p.maximumPacketSize = 1024; p.set(PropId.MAXIMUM_PACKET_SIZE);
  p.assignedClientId = b("auto-1"); p.set(PropId.ASSIGNED_CLIENT_ID);
  p.topicAliasMaximum = 5; p.set(PropId.TOPIC_ALIAS_MAXIMUM);
  p.reasonString = b("ok"); p.set(PropId.REASON_STRING);
  p.wildcardSubAvailable = 1; p.set(PropId.WILDCARD_SUB_AVAILABLE);
  p.subIdAvailable = 1; p.set(PropId.SUB_ID_AVAILABLE);
  p.sharedSubAvailable = 0; p.set(PropId.SHARED_SUB_AVAILABLE);
  p.serverKeepAlive = 30; p.set(PropId.SERVER_KEEP_ALIVE);
  p.responseInfo = b("resp/"); p.set(PropId.RESPONSE_INFO);
  p.serverReference = b("other:1883"); p.set(PropId.SERVER_REFERENCE);
  p.authMethod = b("TOKEN"); p.set(PropId.AUTH_METHOD);
  p.authData = h("00"); p.set(PropId.AUTH_DATA);
  const d = dec(enc((o) => encodeConnack5(o, true, 0, p)));
  assert.equal(d.base.sessionPresent, true);
  assert.equal(d.props.present, p.present);
  assert.equal(d.props.sessionExpiry, 0xffffffff);
  assert.equal(d.props.serverKeepAlive, 30);
  assert.equal(Buffer.from(d.props.serverReference).toString(), "other:1883");
  assert.equal(dec(h("2003 00 86 00")).reasonCode, Reason.BAD_USER_NAME_OR_PASSWORD);
  assert.equal(err(h("2003 01 86 00")), DecodeErr.BAD_CONNACK_FLAGS); // [MQTT-3.2.2-6]
  assert.equal(err(h("2003 00 05 00")), Decode5Err.BAD_REASON_CODE); // a 3.1.1 return code
  assert.equal(err(h("2002 00 00")), DecodeErr.BAD_LENGTH); // no property length
  assert.equal(err(h("2004 00 00 00 00")), DecodeErr.BAD_LENGTH); // a byte after the properties
});

test("PUBLISH: properties, topic alias, several subscription identifiers (3.3.2.3)", () => {
  const p = new Props5();
  p.payloadFormat = 1; p.set(PropId.PAYLOAD_FORMAT);
  p.messageExpiry = 10; p.set(PropId.MESSAGE_EXPIRY);
  p.topicAlias = 3; p.set(PropId.TOPIC_ALIAS);
  p.responseTopic = b("reply/me"); p.set(PropId.RESPONSE_TOPIC);
  p.correlationData = h("c0ffee"); p.set(PropId.CORRELATION_DATA);
  p.contentType = b("application/json"); p.set(PropId.CONTENT_TYPE);
  const ub = new Uint8Array(64);
  p.extra = ub.subarray(0, putUserProp(ub, putUserProp(ub, 0, b("z"), b("1")), b("a"), b("")));
  // The empty topic with an alias (3.3.2.3.4).
  const bytes = enc((o) => encodePublish5(o, new Uint8Array(0), b("{}"), 1, false, false, 9, p));
  const d = dec(bytes);
  assert.equal(d.base.topic.length, 0);
  assert.equal(d.props.topicAlias, 3);
  assert.equal(Buffer.from(d.base.payload).toString(), "{}");
  const it = new PropIter();
  const got: string[] = [];
  while (nextProp(d.props.raw, it, PropId.USER_PROPERTY)) got.push(`${Buffer.from(it.key)}=${Buffer.from(it.value)}`);
  assert.deepEqual(got, ["z=1", "a="]); // in order, as sent
  // A client must not send a Subscription Identifier [MQTT-3.3.4-6]; a server sends several.
  const s = new Props5();
  s.subscriptionId = 7; s.set(PropId.SUBSCRIPTION_ID);
  assert.equal(encodePublish5(new Uint8Array(64), b("t"), b(""), 0, false, false, 0, s), 0);
  const fromServer = dec(h("300b 0001 74 06 0b07 0b818001 78"));
  assert.equal(fromServer.props.subIdCount, 2);
  assert.equal(fromServer.props.subscriptionId, 7);
  it.reset();
  const ids: number[] = [];
  while (nextProp(fromServer.props.raw, it, PropId.SUBSCRIPTION_ID)) ids.push(it.num);
  assert.deepEqual(ids, [7, 16385]);
  // Named errors.
  assert.equal(err(h("3007 0001 74 03 230000")), Decode5Err.TOPIC_ALIAS_ZERO); // [MQTT-3.3.2-8]
  assert.equal(err(h("3003 0000 00")), Decode5Err.EMPTY_TOPIC_NO_ALIAS);
  assert.equal(err(h("3008 0001 74 04 0800012b")), Decode5Err.BAD_RESPONSE_TOPIC); // [MQTT-3.3.2-14]
  assert.equal(err(h("3006 0001 74 02 0102")), Decode5Err.BAD_PROPERTY_VALUE); // payload format 2
  assert.equal(err(h("3006 0001 74 02 0b00")), Decode5Err.BAD_PROPERTY_VALUE); // subscription id 0
  assert.equal(err(h("3009 0001 74 05 0bffffffff")), Decode5Err.VARINT_TOO_LONG);
  assert.equal(err(h("3007 0001 74 03 0b8100")), Decode5Err.VARINT_NOT_MINIMAL);
  assert.equal(err(h("3006 0001 74 8100 00")), Decode5Err.VARINT_NOT_MINIMAL); // property length
  assert.equal(err(h("3009 0001 74 05 1100000001")), Decode5Err.PROPERTY_NOT_ALLOWED); // session expiry
  assert.equal(err(h("3006 0001 74 02 0400")), Decode5Err.UNKNOWN_PROPERTY);
  assert.equal(err(h("3006 0001 74 02 8001")), Decode5Err.UNKNOWN_PROPERTY); // a 2-byte id
  assert.equal(err(h("3008 0001 74 04 01000101")), Decode5Err.DUPLICATE_PROPERTY);
  assert.equal(err(h("3006 0001 74 05 0100")), Decode5Err.PROPERTY_LENGTH); // length past the packet
  assert.equal(err(h("3008 0001 74 04 03000561")), Decode5Err.PROPERTY_LENGTH); // string past the block
  assert.equal(err(h("3008 0001 74 04 030001ff")), DecodeErr.BAD_UTF8);
  assert.equal(err(h("3008 0001 2b 04 23000101")), DecodeErr.TOPIC_WILDCARD);
  assert.equal(err(h("3205 0001 74 0000")), DecodeErr.ZERO_PACKET_ID);
  assert.equal(err(h("3080 00")), Decode5Err.VARINT_NOT_MINIMAL); // remaining length (1.5.5)
  assert.equal(err(h("30ffffffff01")), DecodeErr.LENGTH_TOO_LONG);
  // Too large for the client's Maximum Packet Size.
  assert.equal(decode5ForClient(bytes, bytes.length - 1, new Packet5()), -DecodeErr.TOO_LARGE);
  // Topic alias 0 and the empty topic without an alias are refused by the encoder too.
  const z = new Props5();
  z.topicAlias = 0; z.set(PropId.TOPIC_ALIAS);
  assert.equal(encodePublishAny5(new Uint8Array(64), b("t"), b(""), 0, false, false, 0, z), 0);
  assert.equal(encodePublishAny5(new Uint8Array(64), new Uint8Array(0), b(""), 0, false, false, 0, new Props5()), 0);
});

test("SUBSCRIBE options, shared subscriptions, SUBACK/UNSUBACK reason codes (3.8-3.11)", () => {
  const p = new Props5();
  p.subscriptionId = 268435455; p.set(PropId.SUBSCRIPTION_ID);
  const opts = subscriptionOptions(2, true, true, 2);
  assert.equal(opts, 0x2e);
  const bytes = enc((o) => encodeSubscribe5(o, 5, b("a/+"), opts, p));
  assert.equal(hx(bytes), "820e0005" + "05" + "0bffffff7f" + "0003612f2b" + "2e");
  const d = new Packet5();
  assert.equal(decode5Any(bytes, 0xffffffff, false, d), bytes.length);
  assert.equal(d.props.subscriptionId, 268435455);
  assert.equal(err(bytes), DecodeErr.NOT_FOR_CLIENT);
  // No Local on a shared subscription [MQTT-3.8.3-4]; retain handling 3, reserved bits [MQTT-3.8.3-5].
  assert.equal(encodeSubscribe5(new Uint8Array(64), 5, b("$share/g/a"), subscriptionOptions(1, true, false, 0), p), 0);
  assert.ok(encodeSubscribe5(new Uint8Array(64), 5, b("$share/g/a"), subscriptionOptions(1, false, false, 0), p) > 0);
  assert.equal(encodeSubscribe5(new Uint8Array(64), 5, b("a"), 0x30, p), 0);
  assert.equal(encodeSubscribe5(new Uint8Array(64), 5, b("a"), 0x40, p), 0);
  assert.equal(err(h("8207 0001 00 000161 30"), false), Decode5Err.BAD_SUBSCRIPTION_OPTIONS);
  assert.equal(err(h("8207 0001 00 000161 c0"), false), Decode5Err.BAD_SUBSCRIPTION_OPTIONS);
  assert.equal(err(h("8210 0001 00 000a2473686172652f672f61 04"), false), Decode5Err.BAD_SUBSCRIPTION_OPTIONS);
  // Two Subscription Identifiers in one SUBSCRIBE (3.8.2.1.2).
  assert.equal(err(h("820b 0001 04 0b010b02 000161 00"), false), Decode5Err.DUPLICATE_PROPERTY);
  const u = enc((o) => encodeUnsubscribe5(o, 6, b("a/#"), new Props5()));
  assert.equal(hx(u), "a2080006000003612f23");
  // SUBACK and UNSUBACK: reason codes of their own (table 2-6).
  const sa = dec(enc((o) => encodeCodesAck5(o, PacketType.SUBACK, 5, h("00 01 02 80 9e a1"), new Props5())));
  assert.equal(hx(sa.base.codes), "00010280" + "9ea1");
  assert.equal(hx(dec(h("b005 0001 00 11 87")).base.codes), "1187");
  assert.equal(err(h("9004 0001 00 11")), DecodeErr.BAD_SUBACK_CODE); // 0x11 is UNSUBACK's
  assert.equal(err(h("b004 0001 00 01")), Decode5Err.BAD_REASON_CODE); // 0x01 is SUBACK's
  assert.equal(err(h("9003 0001 00")), DecodeErr.BAD_LENGTH); // no reason code
  assert.equal(err(h("b003 0001 00")), DecodeErr.BAD_LENGTH);
  assert.equal(encodeCodesAck5(new Uint8Array(64), PacketType.SUBACK, 1, h("11"), new Props5()), 0);
});

test("the client's decoder refuses what a server never sends and takes DISCONNECT and AUTH", () => {
  for (const x of ["1000", "8200", "a200", "c000"]) assert.equal(err(h(x)), DecodeErr.NOT_FOR_CLIENT, x);
  assert.equal(decode5ForClient(h("d000"), 100, new Packet5()), 2);
  assert.equal(decode5ForClient(h("e000"), 100, new Packet5()), 2);
  assert.equal(decode5ForClient(h("f000"), 100, new Packet5()), 2);
  assert.equal(err(h("0000")), DecodeErr.BAD_TYPE);
  assert.equal(err(h("f100")), DecodeErr.RESERVED_FLAGS);
  assert.equal(err(h("d001 00")), DecodeErr.BAD_LENGTH);
  // Incomplete input: 0, with the total length once the header is there.
  const p = new Packet5();
  assert.equal(decode5ForClient(h("3005 0001"), 100, p), 0);
  assert.equal(p.base.totalLen, 7);
});

test("Authentication Data without a Method (3.1.2.11.10, 3.2.2.3.18, 3.15.2.2.3)", () => {
  assert.equal(err(h("2007 00 00 04 16000101")), Decode5Err.AUTH_DATA_WITHOUT_METHOD);
  assert.equal(err(h("f006 18 04 16000101")), Decode5Err.AUTH_DATA_WITHOUT_METHOD);
});

test("properties allowed per packet follow table 2-4; propsSize refuses the rest", () => {
  assert.ok(propAllowed(PropId.WILL_DELAY, WILL_PROPS));
  assert.ok(!propAllowed(PropId.WILL_DELAY, PacketType.CONNECT));
  assert.ok(propAllowed(PropId.SERVER_REFERENCE, PacketType.DISCONNECT));
  assert.ok(!propAllowed(PropId.USER_PROPERTY, PacketType.PINGREQ));
  const p = new Props5();
  p.receiveMaximum = 0; p.set(PropId.RECEIVE_MAXIMUM);
  assert.equal(propsSize(p, PacketType.CONNECT), -1); // 3.1.2.11.3
  p.receiveMaximum = 1;
  assert.equal(propsSize(p, PacketType.CONNECT), 3);
  assert.equal(propsSize(p, PacketType.PUBLISH), -1);
  // An `extra` block with a non-repeatable property is refused.
  const q = new Props5();
  q.extra = h("1f0000");
  assert.equal(propsSize(q, PacketType.PUBACK), -1);
  q.extra = h("26000000");
  assert.equal(propsSize(q, PacketType.PUBACK), -1); // cut short
  q.extra = h("2600000000");
  assert.equal(propsSize(q, PacketType.PUBACK), 5);
});

test("names: every reason code of table 2-6 and every decode error", () => {
  const types = [2, 4, 5, 6, 7, 9, 11, 14, PACKET_AUTH];
  let valid = 0;
  for (let c = 0; c < 256; c++) {
    const named = reasonName(PacketType.CONNACK, c) !== "unknown reason code";
    const anywhere = types.some((t) => reasonValid(t, c));
    assert.equal(named, anywhere, `code 0x${c.toString(16)}`);
    if (anywhere) valid++;
  }
  assert.equal(valid, 43);
  assert.equal(reasonName(PacketType.SUBACK, 0), "Granted QoS 0");
  assert.equal(reasonName(PacketType.DISCONNECT, 0), "Normal disconnection");
  for (let e = 32; e <= 45; e++) assert.notEqual(decode5ErrName(e), "unknown decode error", `error ${e}`);
  assert.equal(reason5ForErr(Decode5Err.TOPIC_ALIAS_ZERO), Reason.TOPIC_ALIAS_INVALID);
  assert.equal(reason5ForErr(DecodeErr.TOO_LARGE), Reason.PACKET_TOO_LARGE);
  assert.equal(reason5ForErr(Decode5Err.DUPLICATE_PROPERTY), Reason.PROTOCOL_ERROR);
  assert.equal(reason5ForErr(Decode5Err.PROPERTY_LENGTH), Reason.MALFORMED_PACKET);
});
