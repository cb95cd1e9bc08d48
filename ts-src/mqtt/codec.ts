// MQTT 3.1.1 packet encoder and decoder (OASIS standard, sections 2 and 3).
//
// No allocation: encoders write into a caller's buffer, the decoder fills a
// caller's Packet with views into the input. The decoder accepts partial input
// (it returns 0 until a whole packet is there) and reads one packet per call,
// so a caller with several packets in its buffer loops, advancing by the
// returned length. Errors are reported as early as the bytes show them: a bad
// first byte at once, an over-long or too large remaining length as soon as
// the fixed header is complete, so a hostile peer cannot make us wait for a
// body we would refuse anyway.
//
// Client side only: what only a broker encodes or decodes (CONNACK, SUBACK;
// CONNECT, SUBSCRIBE, UNSUBSCRIBE bodies, decode() of every type) is in the
// test-only module test/mqtt/support/codec_broker.ts, built on the helpers
// exported here (decodeWith, fieldEnd, topicNameErr), so none of it is in
// the component (test/build/brokerfree.test.ts checks). The small helpers
// (readU16, putU16, putHeader, ...) stay private: static, GCC links them
// smaller into a firmware.

import { u8, u16, u32, i32, bool, Bytes, noBytes, copyBytes, lit } from "../rt/rt";
import {
  Packet, PacketType, DecodeErr, CONNECT_USER_NAME, CONNECT_PASSWORD, CONNECT_WILL_RETAIN,
  CONNECT_WILL_QOS_SHIFT, CONNECT_WILL, CONNECT_CLEAN_SESSION, PUBLISH_DUP, PUBLISH_RETAIN,
  MAX_REMAINING_LENGTH, SUBACK_FAILURE,
} from "./packet";
import { validUtf8, validTopicName, validTopicFilter, MAX_STRING_LEN } from "./topic";

/** What a CONNECT carries (3.1). An empty view means "absent": the will is
 *  sent when willTopic is not empty (willMessage may then be empty), the user
 *  name when userName is not empty, the password when password is not empty
 *  (3.1.1 allows a password only together with a user name). */
export class ConnectOptions {
  clientId: Bytes = noBytes();
  userName: Bytes = noBytes();
  password: Bytes = noBytes();
  willTopic: Bytes = noBytes();
  willMessage: Bytes = noBytes();
  willQos: u8 = 0;
  willRetain: bool = false;
  cleanSession: bool = true;
  /** Seconds; 0 turns the keepalive mechanism off (3.1.2.10). */
  keepAlive: u16 = 60;
}

/** The protocol level of MQTT 3.1.1 (3.1.2.2). */
export const PROTOCOL_LEVEL: u8 = 4;
/** Highest CONNACK return code 3.1.1 defines (3.2.2.3). */
export const MAX_CONNACK_CODE: u8 = 5;

// ---------------------------------------------------------------- encoding

/** Bytes the remaining-length field takes for `n` (2.2.3): 1..4, or 0 when
 *  `n` is above 268,435,455 and cannot be encoded. */
export function remainingLengthSize(n: u32): u32 {
  if (n < 128) return 1;
  if (n < 16384) return 2;
  if (n < 2097152) return 3;
  if (n <= MAX_REMAINING_LENGTH) return 4;
  return 0;
}

/** Writes `n` as a remaining-length field (the minimal form) into `out` at
 *  `off`; returns the bytes written, or 0 if `n` is too large or does not fit. */
export function encodeRemainingLength(out: Bytes, off: u32, n: u32): u32 {
  const size: u32 = remainingLengthSize(n);
  // off <= length is checked first, so length - off cannot wrap.
  if (size === 0 || off > out.length || size > u32(out.length - off)) return 0;
  let v: u32 = n;
  for (let i: u32 = 0; i < size; i++) {
    const low: u8 = u8(v & 0x7f);
    v = v >>> 7;
    out[off + i] = u32(i + 1) < size ? u8(low | 0x80) : low;
  }
  return size;
}

/** Size of a whole PUBLISH packet, or 0 when it cannot be encoded (qos > 2,
 *  topic longer than 65535 bytes, remaining length over the maximum). */
export function publishSize(topicLen: u32, payloadLen: u32, qos: u8): u32 {
  if (qos > 2 || topicLen > MAX_STRING_LEN) return 0;
  const rem: u32 = u32(2 + topicLen + (qos > 0 ? 2 : 0));
  if (payloadLen > u32(MAX_REMAINING_LENGTH - rem)) return 0; // rem <= 65539: no wrap
  return packetSize(u32(rem + payloadLen));
}

/** Fixed header + `rem`, or 0 when `rem` cannot be encoded. */
function packetSize(rem: u32): u32 {
  const rl: u32 = remainingLengthSize(rem);
  if (rl === 0) return 0;
  return u32(1 + rl + rem);
}

/** Writes the fixed header; the caller has checked that the packet fits.
 *  Returns the offset of the variable header. */
function putHeader(out: Bytes, first: u8, rem: u32): u32 {
  out[0] = first;
  return u32(1 + encodeRemainingLength(out, 1, rem));
}

function putU16(out: Bytes, off: u32, v: u16): u32 {
  out[off] = u8(v >>> 8);
  out[off + 1] = u8(v);
  return u32(off + 2);
}

/** A 2-byte length then the bytes (1.5.3 strings and 3.1.3 binary fields). */
function putString(out: Bytes, off: u32, s: Bytes): u32 {
  const at: u32 = putU16(out, off, u16(s.length));
  copyBytes(out, at, s);
  return u32(at + s.length);
}

/** Encodes CONNECT (3.1) for MQTT 3.1.1. Returns its length, or 0 when it does
 *  not fit `out` or the options are invalid: a string over 65535 bytes or not
 *  UTF-8 (client id, user name), a will topic that is not a valid topic name,
 *  will QoS above 2, a password without a user name. */
export function encodeConnect(out: Bytes, o: ConnectOptions): u32 {
  const hasWill: bool = o.willTopic.length > 0;
  const hasUser: bool = o.userName.length > 0;
  const hasPass: bool = o.password.length > 0;
  if (hasPass && !hasUser) return 0;
  if (o.clientId.length > MAX_STRING_LEN || !validUtf8(o.clientId)) return 0;
  if (o.userName.length > MAX_STRING_LEN || !validUtf8(o.userName)) return 0;
  if (o.password.length > MAX_STRING_LEN || o.willMessage.length > MAX_STRING_LEN) return 0;
  if (hasWill && (!validTopicName(o.willTopic) || o.willQos > 2)) return 0;
  // Protocol name (6) + level (1) + flags (1) + keep alive (2) + client id.
  let rem: u32 = u32(12 + o.clientId.length);
  let flags: u8 = o.cleanSession ? CONNECT_CLEAN_SESSION : 0;
  if (hasWill) {
    rem = u32(rem + 4 + o.willTopic.length + o.willMessage.length);
    flags = u8(flags | CONNECT_WILL | (o.willQos << CONNECT_WILL_QOS_SHIFT));
    if (o.willRetain) flags = u8(flags | CONNECT_WILL_RETAIN);
  }
  if (hasUser) {
    rem = u32(rem + 2 + o.userName.length);
    flags = u8(flags | CONNECT_USER_NAME);
  }
  if (hasPass) {
    rem = u32(rem + 2 + o.password.length);
    flags = u8(flags | CONNECT_PASSWORD);
  }
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  let at: u32 = putHeader(out, u8(PacketType.CONNECT << 4), rem);
  at = putString(out, at, lit("MQTT"));
  out[at] = PROTOCOL_LEVEL;
  out[at + 1] = flags;
  at = putU16(out, u32(at + 2), o.keepAlive);
  at = putString(out, at, o.clientId);
  if (hasWill) {
    at = putString(out, at, o.willTopic);
    at = putString(out, at, o.willMessage);
  }
  if (hasUser) at = putString(out, at, o.userName);
  if (hasPass) at = putString(out, at, o.password);
  return total;
}

/** Encodes PUBLISH (3.3). Returns its length, or 0 when it does not fit `out`
 *  or is invalid: topic not a valid topic name, qos above 2, packet id 0 with
 *  qos > 0, DUP with qos 0 (3.3.1-2). With qos 0 `packetId` is ignored. */
export function encodePublish(out: Bytes, topic: Bytes, payload: Bytes, qos: u8, retain: bool, dup: bool, packetId: u16): u32 {
  if (qos > 2 || (qos > 0 && packetId === 0) || (qos === 0 && dup)) return 0;
  if (!validTopicName(topic)) return 0;
  const total: u32 = publishSize(topic.length, payload.length, qos);
  if (total === 0 || total > out.length) return 0;
  return writePublish(out, topic, payload, qos, retain, dup, packetId, total);
}

/** The PUBLISH of encodePublish() once its checks passed (the session has
 *  made them already: it validates the topic and sizes the packet before it
 *  decides where the packet goes). `total` = publishSize(), <= out.length. */
export function writePublish(out: Bytes, topic: Bytes, payload: Bytes, qos: u8, retain: bool, dup: bool, packetId: u16, total: u32): u32 {
  let first: u8 = u8((PacketType.PUBLISH << 4) | (qos << 1));
  if (dup) first = u8(first | PUBLISH_DUP);
  if (retain) first = u8(first | PUBLISH_RETAIN);
  const rem: u32 = u32(2 + topic.length + (qos > 0 ? 2 : 0) + payload.length);
  let at: u32 = putHeader(out, first, rem);
  at = putString(out, at, topic);
  if (qos > 0) at = putU16(out, at, packetId);
  copyBytes(out, at, payload);
  return total;
}

/** Encodes a packet that is only a packet id: PUBACK, PUBREC, PUBREL (flags
 *  0x2), PUBCOMP or UNSUBACK. Returns 4, or 0 for another type, id 0, or an
 *  `out` shorter than 4 bytes. */
export function encodeAck(out: Bytes, type: u8, packetId: u16): u32 {
  if (packetId === 0 || out.length < 4) return 0;
  let first: u8 = 0;
  switch (type) {
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBCOMP:
    case PacketType.UNSUBACK:
      first = u8(type << 4);
      break;
    case PacketType.PUBREL:
      first = u8((type << 4) | 0x2);
      break;
    default:
      return 0;
  }
  out[0] = first;
  out[1] = 2;
  putU16(out, 2, packetId);
  return 4;
}

/** Encodes SUBSCRIBE (3.8) with one topic filter. Returns its length, or 0
 *  when it does not fit or is invalid (id 0, qos above 2, bad filter). */
export function encodeSubscribe(out: Bytes, packetId: u16, filter: Bytes, qos: u8): u32 {
  if (packetId === 0 || qos > 2 || !validTopicFilter(filter)) return 0;
  const rem: u32 = u32(5 + filter.length);
  const total: u32 = packetSize(rem);
  if (total > out.length) return 0;
  let at: u32 = putHeader(out, u8((PacketType.SUBSCRIBE << 4) | 0x2), rem);
  at = putU16(out, at, packetId);
  at = putString(out, at, filter);
  out[at] = qos;
  return total;
}

/** Encodes UNSUBSCRIBE (3.10) with one topic filter. Returns its length, or 0
 *  when it does not fit or is invalid (id 0, bad filter). */
export function encodeUnsubscribe(out: Bytes, packetId: u16, filter: Bytes): u32 {
  if (packetId === 0 || !validTopicFilter(filter)) return 0;
  const rem: u32 = u32(4 + filter.length);
  const total: u32 = packetSize(rem);
  if (total > out.length) return 0;
  let at: u32 = putHeader(out, u8((PacketType.UNSUBSCRIBE << 4) | 0x2), rem);
  at = putU16(out, at, packetId);
  putString(out, at, filter);
  return total;
}

/** Encodes a packet without contents: PINGREQ, PINGRESP or DISCONNECT.
 *  Returns 2, or 0 for another type or an `out` shorter than 2 bytes. */
export function encodeSimple(out: Bytes, type: u8): u32 {
  if (type !== PacketType.PINGREQ && type !== PacketType.PINGRESP && type !== PacketType.DISCONNECT) return 0;
  if (out.length < 2) return 0;
  out[0] = u8(type << 4);
  out[1] = 0;
  return 2;
}

function validSubackCodes(codes: Bytes): bool {
  for (let i: u32 = 0; i < codes.length; i++) {
    const c: u8 = codes[i];
    if (c > 2 && c !== SUBACK_FAILURE) return false;
  }
  return true;
}

// ---------------------------------------------------------------- decoding

/** Checks the first byte alone (2.2.1, 2.2.2): the type and its flags. */
function checkFirstByte(type: u8, flags: u8, forClient: bool): DecodeErr {
  if (type === 0 || type === 15) return DecodeErr.BAD_TYPE;
  if (forClient) {
    switch (type) {
      case PacketType.CONNECT:
      case PacketType.SUBSCRIBE:
      case PacketType.UNSUBSCRIBE:
      case PacketType.PINGREQ:
      case PacketType.DISCONNECT:
        return DecodeErr.NOT_FOR_CLIENT;
      default:
        break;
    }
  }
  switch (type) {
    case PacketType.PUBLISH: {
      const qos: u8 = u8((flags >>> 1) & 3);
      if (qos === 3) return DecodeErr.BAD_QOS;
      if (qos === 0 && (flags & PUBLISH_DUP) !== 0) return DecodeErr.BAD_DUP;
      return DecodeErr.OK;
    }
    case PacketType.PUBREL:
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE:
      return flags === 2 ? DecodeErr.OK : DecodeErr.RESERVED_FLAGS;
    default:
      return flags === 0 ? DecodeErr.OK : DecodeErr.RESERVED_FLAGS;
  }
}

/** Remaining lengths that the fixed header alone shows to be wrong. */
function checkRemainingLength(type: u8, rem: u32): DecodeErr {
  switch (type) {
    case PacketType.CONNACK:
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
    case PacketType.UNSUBACK:
      return rem === 2 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
    case PacketType.DISCONNECT:
      return rem === 0 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    case PacketType.SUBACK:
      // A packet id and at least one return code.
      return rem >= 3 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    default:
      return DecodeErr.OK;
  }
}

/** Decodes one packet from the start of `input`, for a client.
 *  Returns > 0: the length of one complete valid packet, its fields in `out`;
 *  0: `input` holds only the beginning of a packet (after a complete fixed
 *  header `out.totalLen` says how long it will be);
 *  < 0: -DecodeErr, the stream is unusable and the connection must close.
 *  `maxPacket` limits the whole packet's size (TOO_LARGE). The packets a
 *  server never sends are refused (NOT_FOR_CLIENT). */
export function decodeForClient(input: Bytes, maxPacket: u32, out: Packet): i32 {
  return decodeWith(input, maxPacket, true, out, null);
}

/** Decodes the body of a packet only a server receives (CONNECT, SUBSCRIBE, UNSUBSCRIBE). */
export type ServerBodyFn = (body: Bytes, type: u8, out: Packet) => DecodeErr;

/** decodeForClient, with `forClient` false accepting every type and passing
 *  the server-only bodies to `serverBody` (NOT_FOR_CLIENT when null). */
export function decodeWith(input: Bytes, maxPacket: u32, forClient: bool, out: Packet, serverBody: ServerBodyFn | null): i32 {
  out.reset();
  const n: u32 = input.length;
  if (n === 0) return 0;
  const first: u8 = input[0];
  const type: u8 = u8(first >>> 4);
  const flags: u8 = u8(first & 0x0f);
  const e0: DecodeErr = checkFirstByte(type, flags, forClient);
  if (e0 !== DecodeErr.OK) return -e0;

  // Remaining length: 7 bits per byte, least significant first, at most 4
  // bytes (2.2.3). 3.1.1 (unlike MQTT 5) does not require the minimal form,
  // so e.g. 0x80 0x00 is a valid 0.
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
  switch (type) {
    case PacketType.CONNECT:
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE:
      // Only without forClient (checkFirstByte refused them otherwise).
      e = serverBody !== null ? serverBody(body, type, out) : DecodeErr.NOT_FOR_CLIENT;
      break;
    case PacketType.CONNACK:
      e = decodeConnack(body, out);
      break;
    case PacketType.PUBLISH:
      e = decodePublish(body, flags, out);
      break;
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
    case PacketType.UNSUBACK:
      out.packetId = readU16(body, 0);
      if (out.packetId === 0) e = DecodeErr.ZERO_PACKET_ID;
      break;
    case PacketType.SUBACK:
      e = decodeSuback(body, out);
      break;
    default:
      break; // PINGREQ, PINGRESP, DISCONNECT: no contents, length checked above.
  }
  if (e !== DecodeErr.OK) return -e;
  return i32(total);
}

/** Big-endian 16-bit value at `off` (the caller checked the bounds). */
function readU16(b: Bytes, off: u32): u16 {
  return u16((b[off] << 8) | b[off + 1]);
}

/** End (exclusive) of the length-prefixed field at `off` in `b`, or -1 when
 *  the prefix or the field runs past the end. The field is b[off + 2, end). */
export function fieldEnd(b: Bytes, off: u32): i32 {
  // Each difference is taken only once it is known not to be negative.
  if (off > b.length || u32(b.length - off) < 2) return -1;
  const len: u16 = readU16(b, off);
  if (len > u32(b.length - off - 2)) return -1;
  return i32(off + 2 + len);
}

/** Reason a topic name is refused, or OK (3.3.2.1, 4.7). */
export function topicNameErr(t: Bytes): DecodeErr {
  if (t.length === 0) return DecodeErr.EMPTY_TOPIC;
  if (!validTopicName(t)) return validUtf8(t) ? DecodeErr.TOPIC_WILDCARD : DecodeErr.BAD_UTF8;
  return DecodeErr.OK;
}

function decodePublish(body: Bytes, flags: u8, out: Packet): DecodeErr {
  out.qos = u8((flags >>> 1) & 3);
  out.dup = (flags & PUBLISH_DUP) !== 0;
  out.retain = (flags & PUBLISH_RETAIN) !== 0;
  const end: i32 = fieldEnd(body, 0);
  if (end < 0) return DecodeErr.STRING_OVERRUN;
  let at: u32 = u32(end);
  out.topic = body.subarray(2, at);
  const te: DecodeErr = topicNameErr(out.topic);
  if (te !== DecodeErr.OK) return te;
  if (out.qos > 0) {
    if (u32(body.length - at) < 2) return DecodeErr.BAD_LENGTH; // at <= length
    out.packetId = readU16(body, at);
    if (out.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
    at = u32(at + 2);
  }
  out.payload = body.subarray(at);
  return DecodeErr.OK;
}

function decodeConnack(body: Bytes, out: Packet): DecodeErr {
  // Only bit 0 (session present) of the acknowledge flags is defined.
  if ((body[0] & 0xfe) !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  out.sessionPresent = body[0] === 1;
  out.returnCode = body[1];
  if (out.returnCode > MAX_CONNACK_CODE) return DecodeErr.BAD_RETURN_CODE;
  if (out.sessionPresent && out.returnCode !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  return DecodeErr.OK;
}

function decodeSuback(body: Bytes, out: Packet): DecodeErr {
  out.packetId = readU16(body, 0);
  if (out.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
  out.codes = body.subarray(2);
  if (!validSubackCodes(out.codes)) return DecodeErr.BAD_SUBACK_CODE;
  return DecodeErr.OK;
}
