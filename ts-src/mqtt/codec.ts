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
// exported here (fieldEnd, topicNameErr), so none of it is in the component
// (test/build/brokerfree.test.ts checks). The small helpers
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
  if (n > MAX_REMAINING_LENGTH) return 0;
  let size: u32 = 1;
  let v: u32 = n;
  while (v >= 0x80) {
    v = v >>> 7;
    size++;
  }
  return size;
}

/** Writes `n` as a remaining-length field (the minimal form) into `out` at
 *  `off`; returns the bytes written, or 0 if `n` is too large or does not fit. */
export function encodeRemainingLength(out: Bytes, off: u32, n: u32): u32 {
  const size: u32 = remainingLengthSize(n);
  if (size === 0 || off > out.length || size > out.length - off) return 0;
  putVarint(out, off, n);
  return size;
}

/** Writes `n` (at most 268,435,455) in its minimal form at `off`: the
 *  remaining length of 2.2.3, MQTT 5's Variable Byte Integer (1.5.5); the
 *  caller has checked that it fits. Returns the offset after it.
 *  @cextern test/fuzz/fuzz_decode5.c calls it */
export function putVarint(out: Bytes, off: u32, n: u32): u32 {
  // 7 bits per byte, least significant first; bit 7 says another follows.
  let at: u32 = off;
  let v: u32 = n;
  while (v >= 0x80) {
    out[at] = u8(v | 0x80);
    v = v >>> 7;
    at++;
  }
  out[at] = u8(v);
  return u32(at + 1);
}

/** Size of a whole PUBLISH packet, or 0 when it cannot be encoded (qos > 2,
 *  topic longer than 65535 bytes, remaining length over the maximum). */
export function publishSize(topicLen: u32, payloadLen: u32, qos: u8): u32 {
  if (qos > 2 || topicLen > MAX_STRING_LEN) return 0;
  const rem: u32 = u32(2 + topicLen + (qos > 0 ? 2 : 0));
  if (payloadLen > u32(MAX_REMAINING_LENGTH - rem)) return 0; // rem <= 65539: no wrap
  return packetSize(u32(rem + payloadLen));
}

/** Fixed header + `rem`, or 0 when `rem` cannot be encoded (shared with codec5). */
export function packetSize(rem: u32): u32 {
  const rl: u32 = remainingLengthSize(rem);
  if (rl === 0) return 0;
  return u32(1 + rl + rem);
}

/** Writes the fixed header; the caller has checked that the packet fits
 *  (and `rem` is encodable). Returns the offset of the variable header
 *  (shared with codec5). */
export function putHeader(out: Bytes, first: u8, rem: u32): u32 {
  out[0] = first;
  return putVarint(out, 1, rem);
}

function putU16(out: Bytes, off: u32, v: u16): u32 {
  // One check for both bytes (the callers have sized the packet already).
  if (off < out.length && 2 <= out.length - off) {
    out[off] = u8(v >>> 8);
    out[off + 1] = u8(v);
  }
  return u32(off + 2);
}

/** A 2-byte length then the bytes (1.5.3 strings and 3.1.3 binary fields). */
export function putString(out: Bytes, off: u32, s: Bytes): u32 {
  const at: u32 = putU16(out, off, u16(s.length));
  copyBytes(out, at, s);
  return u32(at + s.length);
}

/** What CONNECT (3.1.1 and 5) needs of `o` beyond the properties: its flags
 *  byte (3.1.2.3) in bits 24-31, and in bits 0-23 the length of the protocol
 *  name, level, flags, keep alive and every string with its 2-byte prefix.
 *  0 when `o` is invalid (connectValid). */
export function connectHead(o: ConnectOptions): u32 {
  return connectValid(o) ? connectLayout(o) : 0;
}

/** False when `o` cannot be sent: a string over 65535 bytes or not UTF-8
 *  (client id, user name), a will topic that is not a valid topic name, will
 *  QoS above 2. (The session's own config passed these checks when it was
 *  set: SessionConfig.setStrings.) */
export function connectValid(o: ConnectOptions): bool {
  // Every length fits its 2-byte prefix (the will topic's: validTopicName):
  // none has a bit above bit 15.
  if (((o.clientId.length | o.userName.length | o.password.length | o.willMessage.length) >>> 16) !== 0) return false;
  if (!validUtf8(o.clientId) || !validUtf8(o.userName)) return false;
  return o.willTopic.length === 0 || (validTopicName(o.willTopic) && o.willQos <= 2);
}

/** connectHead() of options known to be valid. */
function connectLayout(o: ConnectOptions): u32 {
  // Protocol name (6) + level (1) + flags (1) + keep alive (2) + client id.
  let rem: u32 = u32(12 + o.clientId.length);
  let flags: u8 = o.cleanSession ? CONNECT_CLEAN_SESSION : 0;
  if (o.willTopic.length > 0) {
    rem = u32(rem + 4 + o.willTopic.length + o.willMessage.length);
    flags = u8(flags | CONNECT_WILL | (o.willQos << CONNECT_WILL_QOS_SHIFT));
    if (o.willRetain) flags = u8(flags | CONNECT_WILL_RETAIN);
  }
  if (o.userName.length > 0) {
    rem = u32(rem + 2 + o.userName.length);
    flags = u8(flags | CONNECT_USER_NAME);
  }
  if (o.password.length > 0) {
    rem = u32(rem + 2 + o.password.length);
    flags = u8(flags | CONNECT_PASSWORD);
  }
  return u32((flags << 24) | rem);
}

/** CONNECT's strings after the client id (and, in 5, the will properties):
 *  will topic and message, user name, password, those that are set. */
export function putConnectTail(out: Bytes, off: u32, o: ConnectOptions): u32 {
  let at: u32 = off;
  if (o.willTopic.length > 0) {
    at = putString(out, at, o.willTopic);
    at = putString(out, at, o.willMessage);
  }
  if (o.userName.length > 0) at = putString(out, at, o.userName);
  if (o.password.length > 0) at = putString(out, at, o.password);
  return at;
}

/** Encodes CONNECT (3.1) for MQTT 3.1.1. Returns its length, or 0 when it does
 *  not fit `out` or the options are invalid (connectValid), or a password
 *  comes without a user name. */
export function encodeConnect(out: Bytes, o: ConnectOptions): u32 {
  if (o.password.length > 0 && o.userName.length === 0) return 0;
  return connectValid(o) ? writeConnect(out, o) : 0;
}

/** encodeConnect() of options known to be valid: 0 only when it does not
 *  fit `out`. */
export function writeConnect(out: Bytes, o: ConnectOptions): u32 {
  const head: u32 = connectLayout(o);
  const rem: u32 = head & 0xffffff;
  const total: u32 = packetSize(rem);
  if (total > out.length) return 0;
  let at: u32 = putConnectHead(out, rem, u8(head >>> 24), o.keepAlive);
  at = putString(out, at, o.clientId);
  putConnectTail(out, at, o);
  return total;
}

/** CONNECT (3.1.1) whose payload (3.1.3: every string with its length, in
 *  wire order) is ready, as SessionConfig keeps it; `flags` as 3.1.2.3.
 *  Returns its length, 0 when it does not fit `out`. */
export function writeConnectPayload(out: Bytes, flags: u8, keepAlive: u16, payload: Bytes): u32 {
  const rem: u32 = u32(10 + payload.length);
  const total: u32 = packetSize(rem);
  if (total > out.length) return 0;
  copyBytes(out, putConnectHead(out, rem, flags, keepAlive), payload);
  return total;
}

/** CONNECT's fixed and variable header (3.1.2): returns where the payload goes. */
function putConnectHead(out: Bytes, rem: u32, flags: u8, keepAlive: u16): u32 {
  let at: u32 = putHeader(out, u8(PacketType.CONNECT << 4), rem);
  at = putString(out, at, lit("MQTT"));
  // Protocol level and flags: one 16-bit write.
  at = putU16(out, at, u16((PROTOCOL_LEVEL << 8) | flags));
  return putU16(out, at, keepAlive);
}

/** Encodes PUBLISH (3.3). Returns its length, or 0 when it does not fit `out`
 *  or is invalid: topic not a valid topic name, qos above 2, packet id 0 with
 *  qos > 0, DUP with qos 0 (3.3.1-2). With qos 0 `packetId` is ignored.
 *  @cextern C tests, fuzzers and bench/c/size_mqtt5.c call it */
export function encodePublish(out: Bytes, topic: Bytes, payload: Bytes, qos: u8, retain: bool, dup: bool, packetId: u16): u32 {
  if (qos > 2 || (qos > 0 && packetId === 0) || (qos === 0 && dup)) return 0;
  if (!validTopicName(topic)) return 0;
  const total: u32 = publishSize(topic.length, payload.length, qos);
  if (total === 0 || total > out.length) return 0;
  writePublish(out, topic, payload, qos, retain, packetId);
  if (dup) out[0] = u8(out[0] | PUBLISH_DUP);
  return total;
}

/** The PUBLISH of encodePublish() once its checks passed (the session has
 *  made them already: it validates the topic and sizes the packet before it
 *  decides where the packet goes; it sends no DUP here). Returns its length
 *  (publishSize(), <= out.length). */
export function writePublish(out: Bytes, topic: Bytes, payload: Bytes, qos: u8, retain: bool, packetId: u16): u32 {
  let first: u8 = u8((PacketType.PUBLISH << 4) | (qos << 1));
  if (retain) first = u8(first | PUBLISH_RETAIN);
  const rem: u32 = u32(2 + topic.length + (qos > 0 ? 2 : 0) + payload.length);
  let at: u32 = putHeader(out, first, rem);
  at = putString(out, at, topic);
  if (qos > 0) at = putU16(out, at, packetId);
  copyBytes(out, at, payload);
  return u32(at + payload.length);
}

/** Encodes a packet that is only a packet id: PUBACK, PUBREC, PUBREL (flags
 *  0x2), PUBCOMP or UNSUBACK. Returns 4, or 0 for another type, id 0, or an
 *  `out` shorter than 4 bytes.
 *  @cextern C tests call it (the session uses writeAck) */
export function encodeAck(out: Bytes, type: u8, packetId: u16): u32 {
  if ((type < PacketType.PUBACK || type > PacketType.PUBCOMP) && type !== PacketType.UNSUBACK) return 0;
  return writeAck(out, type, packetId);
}

/** encodeAck() for a type the caller knows is one of those (the session's
 *  own acks): 0 for id 0 or an `out` shorter than 4 bytes. */
export function writeAck(out: Bytes, type: u8, packetId: u16): u32 {
  if (packetId === 0 || out.length < 4) return 0;
  out[0] = u8((type << 4) | (type === PacketType.PUBREL ? 0x2 : 0));
  out[1] = 2;
  out[2] = u8(packetId >>> 8);
  out[3] = u8(packetId);
  return 4;
}

/** Encodes SUBSCRIBE (3.8) with one topic filter. Returns its length, or 0
 *  when it does not fit or is invalid (id 0, qos above 2, bad filter).
 *  @cextern C tests, fuzzers and bench/c/size_mqtt5.c call it */
export function encodeSubscribe(out: Bytes, packetId: u16, filter: Bytes, qos: u8): u32 {
  return encodeSubUnsub(out, true, packetId, filter, qos);
}

/** Encodes UNSUBSCRIBE (3.10) with one topic filter. Returns its length, or 0
 *  when it does not fit or is invalid (id 0, bad filter).
 *  @cextern C tests, fuzzers and bench/c/size_mqtt5.c call it */
export function encodeUnsubscribe(out: Bytes, packetId: u16, filter: Bytes): u32 {
  return encodeSubUnsub(out, false, packetId, filter, 0);
}

/** SUBSCRIBE (`sub`, with `qos`) or UNSUBSCRIBE with one topic filter. */
export function encodeSubUnsub(out: Bytes, sub: bool, packetId: u16, filter: Bytes, qos: u8): u32 {
  if (qos > 2 || !validTopicFilter(filter)) return 0;
  return writeSubUnsub(out, sub, packetId, filter, qos);
}

/** encodeSubUnsub() of a filter and QoS the caller has checked (the
 *  session's subscriptions): 0 for id 0 or when it does not fit. */
export function writeSubUnsub(out: Bytes, sub: bool, packetId: u16, filter: Bytes, qos: u8): u32 {
  if (packetId === 0) return 0;
  const rem: u32 = u32(4 + filter.length + (sub ? 1 : 0));
  const total: u32 = packetSize(rem);
  if (total > out.length) return 0;
  let at: u32 = putHeader(out, u8(((sub ? PacketType.SUBSCRIBE : PacketType.UNSUBSCRIBE) << 4) | 0x2), rem);
  at = putU16(out, at, packetId);
  at = putString(out, at, filter);
  if (sub) out[at] = qos;
  return total;
}

/** Encodes a packet without contents: PINGREQ, PINGRESP or DISCONNECT.
 *  Returns 2, or 0 for another type or an `out` shorter than 2 bytes. */
export function encodeSimple(out: Bytes, type: u8): u32 {
  if (type !== PacketType.PINGREQ && type !== PacketType.PINGRESP && type !== PacketType.DISCONNECT) return 0;
  return writeSimple(out, type);
}

/** encodeSimple() for a type the caller knows is one of those: 0 when `out`
 *  is shorter than 2 bytes. */
export function writeSimple(out: Bytes, type: u8): u32 {
  if (out.length < 2) return 0;
  out[0] = u8(type << 4);
  out[1] = 0;
  return 2;
}

// ---------------------------------------------------------------- decoding

/** What a client may receive, per packet type (the first byte's high
 *  nibble): 0x80 | DecodeErr for a type it refuses at once (reserved, or one
 *  only a server receives); else bits 0-3 the flags the fixed header must
 *  carry (2.2.2; PUBLISH's are checked on their own), bits 4-5 the smallest
 *  remaining length and bit 6 "exactly that" (2.2.3, 3.x.1). */
const CLIENT_RULES: readonly u8[] = [
  0x81, // 0 reserved: BAD_TYPE
  0x8b, // CONNECT: NOT_FOR_CLIENT
  0x60, // CONNACK: 2
  0x00, // PUBLISH
  0x60, // PUBACK: 2
  0x60, // PUBREC: 2
  0x62, // PUBREL: flags 0010, 2
  0x60, // PUBCOMP: 2
  0x8b, // SUBSCRIBE
  0x30, // SUBACK: a packet id and at least one return code
  0x8b, // UNSUBSCRIBE
  0x60, // UNSUBACK: 2
  0x8b, // PINGREQ
  0x40, // PINGRESP: 0
  0x8b, // DISCONNECT
  0x81, // 15 reserved
];

/** Decodes one packet from the start of `input`, for a client.
 *  Returns > 0: the length of one complete valid packet, its fields in `out`;
 *  0: `input` holds only the beginning of a packet (after a complete fixed
 *  header `out.totalLen` says how long it will be);
 *  < 0: -DecodeErr, the stream is unusable and the connection must close.
 *  `maxPacket` limits the whole packet's size (TOO_LARGE). The packets a
 *  server never sends are refused (NOT_FOR_CLIENT). The fields only a
 *  broker's decoder sets (CONNECT's, SUBSCRIBE's body) are left as they are
 *  (Packet.resetClient). Only what a client
 *  receives is here: the broker's decoder is test-only
 *  (test/mqtt/support/codec_broker.ts), and tests hold the two to the same
 *  answers (codec_client.test.ts). */
export function decodeForClient(input: Bytes, maxPacket: u32, out: Packet): i32 {
  out.resetClient();
  const n: u32 = input.length;
  if (n === 0) return 0;
  const first: u8 = input[0];
  const type: u8 = u8(first >>> 4);
  const flags: u8 = u8(first & 0x0f);
  const rule: u8 = CLIENT_RULES[first >>> 4];
  if (rule >= 0x80) return i32(-i32(rule & 0x7f));
  const qos: u8 = u8((flags >>> 1) & 3);
  if (type === PacketType.PUBLISH) {
    if (qos === 3) return -DecodeErr.BAD_QOS;
    if ((flags & 0x0e) === PUBLISH_DUP) return -DecodeErr.BAD_DUP; // DUP at QoS 0
    // Set from here on, TOO_LARGE included: the session streams such a PUBLISH.
    out.qos = qos;
    out.dup = (flags & PUBLISH_DUP) !== 0;
    out.retain = (flags & PUBLISH_RETAIN) !== 0;
  } else if (flags !== (rule & 0x0f)) {
    return -DecodeErr.RESERVED_FLAGS;
  }

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
  const least: u32 = u32((rule >>> 4) & 3);
  if (rem < least || ((rule & 0x40) !== 0 && rem !== least)) return -DecodeErr.BAD_LENGTH;
  if (n < total) return 0;

  const body: Bytes = input.subarray(hdr, total);
  let e: DecodeErr = DecodeErr.OK;
  if (type === PacketType.PUBLISH) {
    e = decodePublish(body, qos, out);
  } else if (body.length >= 2) {
    // CONNACK, the packet-id-only types, and SUBACK's id then its return codes.
    const b0: u8 = body[0];
    const b1: u8 = body[1];
    if (type === PacketType.CONNACK) {
      e = connackErr(b0, b1, out);
    } else {
      out.packetId = u16((b0 << 8) | b1);
      const codes: Bytes = body.subarray(2);
      if (out.packetId === 0) {
        e = DecodeErr.ZERO_PACKET_ID;
      } else {
        // (Empty but for SUBACK.)
        out.codes = codes;
        for (let i: u32 = 0; i < codes.length; i++) {
          const c: u8 = codes[i];
          if (c > 2 && c !== SUBACK_FAILURE) e = DecodeErr.BAD_SUBACK_CODE;
        }
      }
    }
  }
  // PINGRESP: no contents, length checked above.
  if (e !== DecodeErr.OK) return -e;
  return i32(total);
}

/** End (exclusive) of the length-prefixed field at `off` in `b`, or -1 when
 *  the prefix or the field runs past the end. The field is b[off + 2, end).
 *  @cextern the test broker (test/mqtt/support/codec_broker.ts) calls it */
export function fieldEnd(b: Bytes, off: u32): i32 {
  // Each difference is taken only once it is known not to be negative.
  if (off >= b.length || b.length - off < 2) return -1;
  const len: u32 = (b[off] << 8) | b[off + 1];
  if (len > b.length - off - 2) return -1;
  return i32(off + 2 + len);
}

/** Reason a topic name is refused, or OK (3.3.2.1, 4.7). */
export function topicNameErr(t: Bytes): DecodeErr {
  if (t.length === 0) return DecodeErr.EMPTY_TOPIC;
  if (!validTopicName(t)) return validUtf8(t) ? DecodeErr.TOPIC_WILDCARD : DecodeErr.BAD_UTF8;
  return DecodeErr.OK;
}

function decodePublish(body: Bytes, qos: u8, out: Packet): DecodeErr {
  // The topic name with its 2-byte length (fieldEnd(body, 0), written out
  // so that the reads and views below need no bounds checks).
  if (body.length < 2) return DecodeErr.STRING_OVERRUN;
  const end: u32 = 2 + ((body[0] << 8) | body[1]);
  if (end > body.length) return DecodeErr.STRING_OVERRUN;
  out.topic = body.subarray(2, end);
  const te: DecodeErr = topicNameErr(out.topic);
  if (te !== DecodeErr.OK) return te;
  if (qos === 0) {
    out.payload = body.subarray(end);
    return DecodeErr.OK;
  }
  if (body.length - end < 2) return DecodeErr.BAD_LENGTH;
  out.packetId = u16((body[end + 0] << 8) | body[end + 1]); // end + k: the form proven in range
  if (out.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
  out.payload = body.subarray(end + 2);
  return DecodeErr.OK;
}

/** CONNACK's acknowledge flags `f` and return code `rc` (3.2.2). */
function connackErr(f: u8, rc: u8, out: Packet): DecodeErr {
  // Only bit 0 (session present) of the acknowledge flags is defined.
  if ((f & 0xfe) !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  out.sessionPresent = f === 1;
  out.returnCode = rc;
  if (rc > MAX_CONNACK_CODE) return DecodeErr.BAD_RETURN_CODE;
  if (out.sessionPresent && rc !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  return DecodeErr.OK;
}
