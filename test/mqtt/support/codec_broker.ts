// The broker's half of the MQTT 3.1.1 codec, for tests only (not in the
// component): decoding what only a server receives (CONNECT, SUBSCRIBE,
// UNSUBSCRIBE) and encoding what only a server sends (CONNACK, SUBACK).
// Written in the subset on top of codec.ts's exported helpers; `npm run
// codegen` compiles it to test/support/gen/codec_broker.c for the C tests.
// Section numbers: OASIS MQTT 3.1.1.

import { u8, u16, u32, i32, bool, Bytes, copyBytes, lit, bytesEqual } from "../../../ts-src/rt/rt";
import {
  Packet, PacketType, DecodeErr, CONNECT_USER_NAME, CONNECT_PASSWORD, CONNECT_WILL_RETAIN,
  CONNECT_WILL_QOS_SHIFT, CONNECT_WILL, MAX_REMAINING_LENGTH, SUBACK_FAILURE,
} from "../../../ts-src/mqtt/packet";
import {
  decodeWith, fieldEnd, topicNameErr, remainingLengthSize, encodeRemainingLength, MAX_CONNACK_CODE,
} from "../../../ts-src/mqtt/codec";
import { validUtf8, validTopicFilter } from "../../../ts-src/mqtt/topic";

/** Decodes one packet from the start of `input`, as codec.ts's
 *  decodeForClient does; with `forClient` false every type is accepted (a
 *  server's view), the bodies of CONNECT, SUBSCRIBE and UNSUBSCRIBE too. */
export function decode(input: Bytes, maxPacket: u32, forClient: bool, out: Packet): i32 {
  return decodeWith(input, maxPacket, forClient, out, decodeServerBody);
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
