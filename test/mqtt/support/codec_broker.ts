// The broker's half of the MQTT 3.1.1 codec, for tests only (not in the
// component): decoding what only a server receives (CONNECT, SUBSCRIBE,
// UNSUBSCRIBE) and encoding what only a server sends (CONNACK, SUBACK).
// Written in the subset on top of codec.ts's exported helpers; `npm run
// codegen` compiles it to test/support/gen/codec_broker.c for the C tests.
// Section numbers: OASIS MQTT 3.1.1.

import { u8, u16, u32, i32, bool, Bytes, copyBytes, lit, bytesEqual } from "../../../ts-src/rt/rt";
import {
  Packet, PacketType, DecodeErr, CONNECT_USER_NAME, CONNECT_PASSWORD, CONNECT_WILL_RETAIN,
  CONNECT_WILL_QOS_SHIFT, CONNECT_WILL, MAX_REMAINING_LENGTH, SUBACK_FAILURE, PUBLISH_DUP, PUBLISH_RETAIN,
} from "../../../ts-src/mqtt/packet";
import {
  fieldEnd, topicNameErr, remainingLengthSize, encodeRemainingLength, MAX_CONNACK_CODE,
} from "../../../ts-src/mqtt/codec";
import { validUtf8, validTopicFilter } from "../../../ts-src/mqtt/topic";

/** Decodes one packet from the start of `input`, as codec.ts's
 *  decodeForClient does (written on its own, with the rules spelled out per
 *  type: codec_client.test.ts holds the client's table-driven decoder to the
 *  same answers); with `forClient` false every type is accepted (a server's
 *  view), the bodies of CONNECT, SUBSCRIBE and UNSUBSCRIBE too.
 *  Returns > 0: the length of one complete valid packet, its fields in `out`;
 *  0: `input` holds only the beginning of a packet (after a complete fixed
 *  header `out.totalLen` says how long it will be); < 0: -DecodeErr. */
export function decode(input: Bytes, maxPacket: u32, forClient: bool, out: Packet): i32 {
  out.reset();
  const n: u32 = input.length;
  if (n === 0) return 0;
  const first: u8 = input[0];
  const type: u8 = u8(first >>> 4);
  const flags: u8 = u8(first & 0x0f);
  const e0: DecodeErr = checkFirstByte(type, flags, forClient);
  if (e0 !== DecodeErr.OK) return -e0;
  if (type === PacketType.PUBLISH) {
    // Known from the first byte: set for every later result (TOO_LARGE too).
    out.qos = u8((flags >>> 1) & 3);
    out.dup = (flags & PUBLISH_DUP) !== 0;
    out.retain = (flags & PUBLISH_RETAIN) !== 0;
  }

  // Remaining length: 7 bits per byte, least significant first, at most 4
  // bytes (2.2.3); the minimal form is not required in 3.1.1.
  let rem: u32 = 0;
  let shift: u32 = 0;
  let hdr: u32 = 1;
  while (true) {
    if (hdr >= n) return 0;
    const c: u8 = input[hdr];
    rem = u32(rem | ((c & 0x7f) << shift));
    hdr++;
    if ((c & 0x80) === 0) break;
    if (hdr === 5) return -DecodeErr.LENGTH_TOO_LONG;
    shift += 7;
  }
  const total: u32 = u32(hdr + rem);
  out.type = type;
  out.flags = flags;
  out.remLen = rem;
  out.totalLen = total;
  if (total > maxPacket) return -DecodeErr.TOO_LARGE;
  const e1: DecodeErr = checkRemainingLength(type, rem);
  if (e1 !== DecodeErr.OK) return -e1;
  if (n < total) return 0;

  const body: Bytes = input.subarray(hdr, total);
  let e: DecodeErr = DecodeErr.OK;
  const bit: u32 = u32(1 << type);
  if (type === PacketType.PUBLISH) {
    e = publishBody(body, flags, out);
  } else if (type === PacketType.CONNACK) {
    e = connackBody(body, out);
  } else if ((REM_2 & bit) !== 0 || type === PacketType.SUBACK) {
    // The packet-id-only types, and SUBACK's id then its return codes.
    out.packetId = readU16(body, 0);
    if (out.packetId === 0) e = DecodeErr.ZERO_PACKET_ID;
    else if (type === PacketType.SUBACK) {
      out.codes = body.subarray(2);
      if (!validSubackCodes(out.codes)) e = DecodeErr.BAD_SUBACK_CODE;
    }
  } else if ((SERVER_ONLY & bit) !== 0 && (REM_0 & bit) === 0) {
    // CONNECT, SUBSCRIBE, UNSUBSCRIBE: only without forClient (checkFirstByte
    // refused them otherwise).
    e = decodeServerBody(body, type, out);
  }
  // PINGREQ, PINGRESP, DISCONNECT: no contents, length checked above.
  if (e !== DecodeErr.OK) return -e;
  return i32(total);
}

// The fixed header's rules per packet type (2.2), one bit per type number.
/** Types only a server receives: a client refuses them (NOT_FOR_CLIENT). */
const SERVER_ONLY: u32 = (1 << PacketType.CONNECT) | (1 << PacketType.SUBSCRIBE) | (1 << PacketType.UNSUBSCRIBE) |
  (1 << PacketType.PINGREQ) | (1 << PacketType.DISCONNECT);
/** Types whose flags are 0010 (2.2.2); the others but PUBLISH have 0000. */
const FLAGS_2: u32 = (1 << PacketType.PUBREL) | (1 << PacketType.SUBSCRIBE) | (1 << PacketType.UNSUBSCRIBE);
/** Types that are exactly a 2-byte body: CONNACK and the packet-id-only ones. */
const REM_2: u32 = (1 << PacketType.CONNACK) | (1 << PacketType.PUBACK) | (1 << PacketType.PUBREC) | (1 << PacketType.PUBREL) |
  (1 << PacketType.PUBCOMP) | (1 << PacketType.UNSUBACK);
/** Types without a body. */
const REM_0: u32 = (1 << PacketType.PINGREQ) | (1 << PacketType.PINGRESP) | (1 << PacketType.DISCONNECT);

/** Checks the first byte alone (2.2.1, 2.2.2): the type and its flags. */
function checkFirstByte(type: u8, flags: u8, forClient: bool): DecodeErr {
  if (type === 0 || type === 15) return DecodeErr.BAD_TYPE;
  const bit: u32 = u32(1 << type);
  if (forClient && (SERVER_ONLY & bit) !== 0) return DecodeErr.NOT_FOR_CLIENT;
  if (type === PacketType.PUBLISH) {
    const qos: u8 = u8((flags >>> 1) & 3);
    if (qos === 3) return DecodeErr.BAD_QOS;
    if (qos === 0 && (flags & PUBLISH_DUP) !== 0) return DecodeErr.BAD_DUP;
    return DecodeErr.OK;
  }
  return flags === ((FLAGS_2 & bit) !== 0 ? 2 : 0) ? DecodeErr.OK : DecodeErr.RESERVED_FLAGS;
}

/** Remaining lengths that the fixed header alone shows to be wrong. */
function checkRemainingLength(type: u8, rem: u32): DecodeErr {
  const bit: u32 = u32(1 << type);
  let ok: bool = true;
  if ((REM_2 & bit) !== 0) ok = rem === 2;
  else if ((REM_0 & bit) !== 0) ok = rem === 0;
  // SUBACK: a packet id and at least one return code.
  else if (type === PacketType.SUBACK) ok = rem >= 3;
  return ok ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
}

/** PUBLISH's variable header and payload (3.3.2, 3.3.3). */
function publishBody(body: Bytes, flags: u8, out: Packet): DecodeErr {
  const qos: u8 = u8((flags >>> 1) & 3);
  const end: i32 = fieldEnd(body, 0);
  if (end < 0) return DecodeErr.STRING_OVERRUN;
  out.topic = body.subarray(2, u32(end));
  const te: DecodeErr = topicNameErr(out.topic);
  if (te !== DecodeErr.OK) return te;
  if (qos === 0) {
    out.payload = body.subarray(u32(end));
    return DecodeErr.OK;
  }
  if (body.length - u32(end) < 2) return DecodeErr.BAD_LENGTH;
  out.packetId = readU16(body, u32(end));
  if (out.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
  out.payload = body.subarray(u32(end + 2));
  return DecodeErr.OK;
}

/** CONNACK's flags and return code (3.2.2). */
function connackBody(body: Bytes, out: Packet): DecodeErr {
  // Only bit 0 (session present) of the acknowledge flags is defined.
  if ((body[0] & 0xfe) !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  out.sessionPresent = body[0] === 1;
  out.returnCode = body[1];
  if (out.returnCode > MAX_CONNACK_CODE) return DecodeErr.BAD_RETURN_CODE;
  if (out.sessionPresent && out.returnCode !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  return DecodeErr.OK;
}

function decodeServerBody(body: Bytes, type: u8, out: Packet): DecodeErr {
  if (type === PacketType.CONNECT) return decodeConnect(body, out);
  return decodeFilterList(body, type === PacketType.SUBSCRIBE, out);
}

/** Encodes CONNACK (3.2). Returns 4, or 0 when `out` is too short or the
 *  packet invalid (code above 5, session present with a refusal). */
export function encodeConnack(out: Bytes, sessionPresent: bool, code: u8): u32 {
  if (code > MAX_CONNACK_CODE || (sessionPresent && code !== 0) || out.length < 4) return 0;
  out[0] = u8(PacketType.CONNACK << 4);
  out[1] = 2;
  out[2] = sessionPresent ? 1 : 0;
  out[3] = code;
  return 4;
}

/** Encodes SUBACK (3.9): one return code per filter (0, 1, 2 or 0x80).
 *  Returns its length, or 0 when it does not fit or is invalid (id 0, no
 *  codes, a bad code). */
export function encodeSuback(out: Bytes, packetId: u16, codes: Bytes): u32 {
  if (packetId === 0 || codes.length === 0 || !validSubackCodes(codes)) return 0;
  if (codes.length > MAX_REMAINING_LENGTH - 2) return 0;
  const rem: u32 = u32(2 + codes.length);
  const total: u32 = packetSize(rem);
  if (total > out.length) return 0;
  let at: u32 = putHeader(out, u8(PacketType.SUBACK << 4), rem);
  at = putU16(out, at, packetId);
  copyBytes(out, at, codes);
  return total;
}

// Small helpers of codec.ts's, repeated here: private there, they link
// smaller into a firmware (inlined or with a local calling convention).

function readU16(b: Bytes, off: u32): u16 {
  return u16((b[off] << 8) | b[off + 1]);
}

function putU16(out: Bytes, off: u32, v: u16): u32 {
  out[off] = u8(v >>> 8);
  out[off + 1] = u8(v);
  return u32(off + 2);
}

/** Fixed header + `rem`, or 0 when `rem` cannot be encoded. */
function packetSize(rem: u32): u32 {
  const rl: u32 = remainingLengthSize(rem);
  if (rl === 0) return 0;
  return u32(1 + rl + rem);
}

/** Writes the fixed header (the caller checked that the packet fits);
 *  returns the offset of the variable header. */
function putHeader(out: Bytes, first: u8, rem: u32): u32 {
  out[0] = first;
  return u32(1 + encodeRemainingLength(out, 1, rem));
}

function validSubackCodes(codes: Bytes): bool {
  for (let i: u32 = 0; i < codes.length; i++) {
    const c: u8 = codes[i];
    if (c > 2 && c !== SUBACK_FAILURE) return false;
  }
  return true;
}

/** SUBSCRIBE (withQos) or UNSUBSCRIBE: packet id, then one or more topic
 *  filters, each followed by a requested-QoS byte in SUBSCRIBE (3.8.3, 3.10.3). */
function decodeFilterList(body: Bytes, withQos: bool, out: Packet): DecodeErr {
  if (body.length < 2) return DecodeErr.BAD_LENGTH;
  out.packetId = readU16(body, 0);
  if (out.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
  out.body = body.subarray(2);
  if (body.length === 2) return DecodeErr.NO_FILTERS;
  let at: u32 = 2;
  while (at < body.length) {
    const end: i32 = filterEnd(body, at);
    if (end < 0) return u8(-end) as DecodeErr;
    at = u32(end);
    if (withQos) {
      if (at >= body.length) return DecodeErr.BAD_LENGTH;
      const q: u8 = body[at];
      if ((q & 0xfc) !== 0) return DecodeErr.BAD_SUBSCRIBE_OPTIONS;
      if (q === 3) return DecodeErr.BAD_QOS;
      at++;
    }
  }
  return DecodeErr.OK;
}

/** The end of the topic filter at `at` in SUBSCRIBE or UNSUBSCRIBE (3.8.3,
 *  3.10.3; both versions), or -error: not empty, a valid filter, UTF-8. */
export function filterEnd(body: Bytes, at: u32): i32 {
  const end: i32 = fieldEnd(body, at);
  if (end < 0) return -DecodeErr.STRING_OVERRUN;
  const f: Bytes = body.subarray(u32(at + 2), u32(end));
  if (f.length === 0) return -DecodeErr.EMPTY_TOPIC;
  if (!validTopicFilter(f)) return validUtf8(f) ? -DecodeErr.BAD_FILTER : -DecodeErr.BAD_UTF8;
  return end;
}

/** CONNECT (3.1). The protocol level is not
 *  judged here: a server answers an unknown level with CONNACK 1 (3.1.2-2). */
function decodeConnect(body: Bytes, out: Packet): DecodeErr {
  let at: i32 = decodeConnectHead(body, out);
  if (at < 0) return u8(-at) as DecodeErr;
  const fe: DecodeErr = connectFlagsErr(out.connectFlags, true);
  if (fe !== DecodeErr.OK) return fe;
  at = connectClientId(body, u32(at), out);
  if (at >= 0 && (out.connectFlags & CONNECT_WILL) !== 0) at = connectWill(body, u32(at), out);
  if (at < 0) return u8(-at) as DecodeErr;
  return connectLogin(body, u32(at), out);
}

// The pieces of CONNECT both versions share (codec5_broker.ts reads the
// properties between them). Each takes the offset where its fields start and
// returns the offset after them, or -error.

/** Protocol name "MQTT", level, flags, keep alive (3.1.2); the level is the
 *  caller's to judge. */
export function decodeConnectHead(body: Bytes, out: Packet): i32 {
  const nameEnd: i32 = fieldEnd(body, 0);
  if (nameEnd < 0) return -DecodeErr.STRING_OVERRUN;
  if (!bytesEqual(body.subarray(2, u32(nameEnd)), lit("MQTT"))) return -DecodeErr.BAD_PROTOCOL;
  const at: u32 = u32(nameEnd);
  if (u32(body.length - at) < 4) return -DecodeErr.BAD_LENGTH; // at <= length
  out.protocolLevel = body[at];
  out.connectFlags = body[at + 1];
  out.keepAlive = readU16(body, u32(at + 2));
  return i32(at + 4);
}

/** Reserved bit 0 (3.1.2-3); will QoS and retain only with a will (3.1.2-11,
 *  -13); will QoS not 3 (3.1.2-14); with `passwordNeedsUser` (3.1.1, not 5.0:
 *  3.1.2.9 there), a password only with a user name (3.1.2-22). */
export function connectFlagsErr(cf: u8, passwordNeedsUser: bool): DecodeErr {
  const willQos: u8 = u8((cf >>> CONNECT_WILL_QOS_SHIFT) & 3);
  if ((cf & 0x01) !== 0) return DecodeErr.BAD_CONNECT_FLAGS;
  if ((cf & CONNECT_WILL) === 0 && (willQos !== 0 || (cf & CONNECT_WILL_RETAIN) !== 0)) return DecodeErr.BAD_CONNECT_FLAGS;
  if (willQos === 3) return DecodeErr.BAD_QOS;
  if (passwordNeedsUser && (cf & CONNECT_USER_NAME) === 0 && (cf & CONNECT_PASSWORD) !== 0) return DecodeErr.BAD_CONNECT_FLAGS;
  return DecodeErr.OK;
}

/** The client identifier (3.1.3.1). */
export function connectClientId(body: Bytes, at: u32, out: Packet): i32 {
  const end: i32 = fieldEnd(body, at);
  if (end < 0) return -DecodeErr.STRING_OVERRUN;
  out.clientId = body.subarray(u32(at + 2), u32(end));
  if (!validUtf8(out.clientId)) return -DecodeErr.BAD_UTF8;
  return end;
}

/** The will topic and message (3.1.3.2, 3.1.3.3). */
export function connectWill(body: Bytes, at: u32, out: Packet): i32 {
  let end: i32 = fieldEnd(body, at);
  if (end < 0) return -DecodeErr.STRING_OVERRUN;
  out.willTopic = body.subarray(u32(at + 2), u32(end));
  const te: DecodeErr = topicNameErr(out.willTopic);
  if (te !== DecodeErr.OK) return -te;
  const msg: u32 = u32(end);
  end = fieldEnd(body, msg);
  if (end < 0) return -DecodeErr.STRING_OVERRUN;
  out.willMessage = body.subarray(u32(msg + 2), u32(end));
  return end;
}

/** The user name and password the flags announce (3.1.3.4, 3.1.3.5), then
 *  the end of the packet. */
export function connectLogin(body: Bytes, at: u32, out: Packet): DecodeErr {
  const cf: u8 = out.connectFlags;
  let end: i32 = 0;
  if ((cf & CONNECT_USER_NAME) !== 0) {
    end = fieldEnd(body, at);
    if (end < 0) return DecodeErr.STRING_OVERRUN;
    out.userName = body.subarray(u32(at + 2), u32(end));
    if (!validUtf8(out.userName)) return DecodeErr.BAD_UTF8;
    at = u32(end);
  }
  if ((cf & CONNECT_PASSWORD) !== 0) {
    end = fieldEnd(body, at);
    if (end < 0) return DecodeErr.STRING_OVERRUN;
    out.password = body.subarray(u32(at + 2), u32(end));
    at = u32(end);
  }
  if (at !== body.length) return DecodeErr.BAD_LENGTH;
  return DecodeErr.OK;
}
