// MQTT 5.0 packet encoder and decoder, client side (OASIS MQTT 5.0, sections 2 and 3).
//
// The same rules as codec.ts: no allocation, encoders write into the
// caller's buffer and return the length (0: does not fit or invalid), the
// decoder reads one packet per call from the start of its input into a
// caller's Packet5 (views into the input, properties included), returns 0
// until a whole packet is there and -error (DecodeErr or Decode5Err) as soon
// as the bytes show one. What only a broker encodes or decodes (CONNACK,
// SUBACK, UNSUBACK, a server's PUBLISH; CONNECT, SUBSCRIBE, UNSUBSCRIBE) is in
// the test-only module test/mqtt/support/codec5_broker.ts, built on the
// exported helpers here (propsSize, putProps, decodeProps, decode5With).
// The session's use of it is described at the top of packet5.ts.

import { u8, u16, u32, i32, bool, Bytes, copyBytes, lit } from "../rt/rt";
import {
  Packet, PacketType, DecodeErr, PUBLISH_DUP, PUBLISH_RETAIN,
  MAX_REMAINING_LENGTH,
} from "./packet";
import {
  Packet5, Props5, PropIter, PropId, PropKind, Decode5Err, PROTOCOL_LEVEL_5, PACKET_AUTH, WILL_PROPS,
  MAX_PROP_ID, propKind, propMask, propRepeatable, propAllowed, reasonValid, Reason,
} from "./packet5";
import { ConnectOptions, connectHead, putConnectTail, packetSize, putHeader, putVarint, remainingLengthSize } from "./codec";
import { validUtf8, validTopicName, validTopicFilter, MAX_STRING_LEN } from "./topic";

// ---------------------------------------------------------------- variable byte integers (1.5.5)

// Their size and writer are the remaining length's: remainingLengthSize()
// and putVarint() in codec.ts.

/** Reads the Variable Byte Integer at `off` in `b` (wholly inside `b`).
 *  Returns its value (its size is remainingLengthSize(value): only the minimal form
 *  is accepted), or -PROPERTY_LENGTH when it runs past the end,
 *  -VARINT_TOO_LONG, -VARINT_NOT_MINIMAL. */
export function readVarint(b: Bytes, off: u32): i32 {
  let v: u32 = 0;
  let shift: u32 = 0;
  let at: u32 = off;
  for (let i: u32 = 0; i < 4; i++) {
    if (at >= b.length) return -Decode5Err.PROPERTY_LENGTH;
    const c: u8 = b[at];
    at++;
    v = u32(v | ((c & 0x7f) << shift));
    if ((c & 0x80) === 0) {
      // [MQTT-1.5.5-1]: a last byte of 0 after the first is a non-minimal form.
      if (i > 0 && c === 0) return -Decode5Err.VARINT_NOT_MINIMAL;
      return i32(v);
    }
    shift += 7;
  }
  return -Decode5Err.VARINT_TOO_LONG;
}

// ---------------------------------------------------------------- properties: encoding

function putU16(out: Bytes, off: u32, v: u16): u32 {
  out[off] = u8(v >>> 8);
  out[off + 1] = u8(v);
  return u32(off + 2);
}

function putU32(out: Bytes, off: u32, v: u32): u32 {
  out[off] = u8(v >>> 24);
  out[off + 1] = u8(v >>> 16);
  out[off + 2] = u8(v >>> 8);
  out[off + 3] = u8(v);
  return u32(off + 4);
}

/** A 2-byte length then the bytes (1.5.4 strings, 1.5.6 binary data). */
function putString(out: Bytes, off: u32, s: Bytes): u32 {
  const at: u32 = putU16(out, off, u16(s.length));
  copyBytes(out, at, s);
  return u32(at + s.length);
}

/** The integer value of property `id` in `p` (0 for a string property). */
function propNum(p: Props5, id: u8): u32 {
  switch (id) {
    case PropId.PAYLOAD_FORMAT: return p.payloadFormat;
    case PropId.MESSAGE_EXPIRY: return p.messageExpiry;
    case PropId.SUBSCRIPTION_ID: return p.subscriptionId;
    case PropId.SESSION_EXPIRY: return p.sessionExpiry;
    case PropId.SERVER_KEEP_ALIVE: return p.serverKeepAlive;
    case PropId.REQUEST_PROBLEM_INFO: return p.requestProblemInfo;
    case PropId.WILL_DELAY: return p.willDelay;
    case PropId.REQUEST_RESPONSE_INFO: return p.requestResponseInfo;
    case PropId.RECEIVE_MAXIMUM: return p.receiveMaximum;
    case PropId.TOPIC_ALIAS_MAXIMUM: return p.topicAliasMaximum;
    case PropId.TOPIC_ALIAS: return p.topicAlias;
    case PropId.MAXIMUM_QOS: return p.maximumQos;
    case PropId.RETAIN_AVAILABLE: return p.retainAvailable;
    case PropId.MAXIMUM_PACKET_SIZE: return p.maximumPacketSize;
    case PropId.WILDCARD_SUB_AVAILABLE: return p.wildcardSubAvailable;
    case PropId.SUB_ID_AVAILABLE: return p.subIdAvailable;
    case PropId.SHARED_SUB_AVAILABLE: return p.sharedSubAvailable;
    default: return 0;
  }
}

/** The string or binary value of property `id` in `p` (empty for an integer one). */
function propBytes(p: Props5, id: u8): Bytes {
  switch (id) {
    case PropId.CONTENT_TYPE: return p.contentType;
    case PropId.RESPONSE_TOPIC: return p.responseTopic;
    case PropId.CORRELATION_DATA: return p.correlationData;
    case PropId.ASSIGNED_CLIENT_ID: return p.assignedClientId;
    case PropId.AUTH_METHOD: return p.authMethod;
    case PropId.AUTH_DATA: return p.authData;
    case PropId.RESPONSE_INFO: return p.responseInfo;
    case PropId.SERVER_REFERENCE: return p.serverReference;
    case PropId.REASON_STRING: return p.reasonString;
    default: return p.extra.subarray(0, 0);
  }
}

/** Whether integer `v` is a value property `id` may have (2.2.2.2 and the
 *  sections of each property): 0/1 bytes, nonzero maxima and identifiers. */
function numValueOk(id: u8, v: u32): u8 {
  switch (id) {
    case PropId.PAYLOAD_FORMAT:
    case PropId.REQUEST_PROBLEM_INFO:
    case PropId.REQUEST_RESPONSE_INFO:
    case PropId.MAXIMUM_QOS:
    case PropId.RETAIN_AVAILABLE:
    case PropId.WILDCARD_SUB_AVAILABLE:
    case PropId.SUB_ID_AVAILABLE:
    case PropId.SHARED_SUB_AVAILABLE:
      return v <= 1 ? DecodeErr.OK : Decode5Err.BAD_PROPERTY_VALUE;
    case PropId.RECEIVE_MAXIMUM: // 3.1.2.11.3, 3.2.2.3.3
    case PropId.MAXIMUM_PACKET_SIZE: // 3.1.2.11.4, 3.2.2.3.6
      return v !== 0 ? DecodeErr.OK : Decode5Err.BAD_PROPERTY_VALUE;
    case PropId.SUBSCRIPTION_ID: // 3.3.2.3.8, 3.8.2.1.2: 1..268,435,455
      return v !== 0 && v <= MAX_REMAINING_LENGTH ? DecodeErr.OK : Decode5Err.BAD_PROPERTY_VALUE;
    case PropId.TOPIC_ALIAS: // [MQTT-3.3.2-8]
      return v !== 0 ? DecodeErr.OK : Decode5Err.TOPIC_ALIAS_ZERO;
    default:
      return DecodeErr.OK;
  }
}

/** Whether string property `id` may hold `s` (1.5.4; 3.3.2.3.5 for the response topic). */
function bytesValueOk(id: u8, s: Bytes): u8 {
  if (id === PropId.CORRELATION_DATA || id === PropId.AUTH_DATA) return DecodeErr.OK;
  if (id === PropId.RESPONSE_TOPIC && !validTopicName(s)) {
    return validUtf8(s) ? Decode5Err.BAD_RESPONSE_TOPIC : DecodeErr.BAD_UTF8;
  }
  return validUtf8(s) ? DecodeErr.OK : DecodeErr.BAD_UTF8;
}

/** Bytes the property block of `p` takes in packet type `where` (WILL_PROPS
 *  for will properties), without its length prefix; -1 when it cannot be
 *  encoded: a property not allowed there, a value out of range or not UTF-8,
 *  a string over 65535 bytes, Authentication Data without a Method, an
 *  `extra` block that is not well-formed repeatable properties allowed there. */
export function propsSize(p: Props5, where: u8): i32 {
  let n: u32 = 0;
  for (let id: u8 = 1; id <= MAX_PROP_ID; id = u8(id + 1)) {
    const m: u32 = propMask(id);
    // User Properties come only from `extra` (a decoded Props5 marks them present).
    if (m === 0 || (p.present & m) === 0 || id === PropId.USER_PROPERTY) continue;
    if (!propAllowed(id, where)) return -1;
    const kind: u8 = propKind(id);
    if (kind === PropKind.UTF8 || kind === PropKind.BINARY) {
      const s: Bytes = propBytes(p, id);
      if (s.length > MAX_STRING_LEN || bytesValueOk(id, s) !== 0) return -1;
      n = u32(n + 3 + s.length);
    } else {
      const v: u32 = propNum(p, id);
      if (numValueOk(id, v) !== 0) return -1;
      if (kind === PropKind.BYTE) {
        if (v > 0xff) return -1;
        n = u32(n + 2);
      } else if (kind === PropKind.U16) {
        if (v > 0xffff) return -1;
        n = u32(n + 3);
      } else if (kind === PropKind.U32) {
        n = u32(n + 5);
      } else {
        n = u32(n + 1 + remainingLengthSize(v));
      }
    }
    if (n > MAX_REMAINING_LENGTH) return -1;
  }
  if (p.has(PropId.AUTH_DATA) && !p.has(PropId.AUTH_METHOD)) return -1;
  if (scanExtra(p.extra, where) < 0) return -1;
  if (p.extra.length > u32(MAX_REMAINING_LENGTH - n)) return -1;
  return i32(n + p.extra.length);
}

/** Checks a pre-encoded `extra` block: only User Properties (UTF-8 pairs)
 *  and Subscription Identifiers (1..268,435,455), each allowed in `where`.
 *  Returns how many Subscription Identifiers it holds, or -1 when it is not
 *  such a block. Walks the bytes itself: no scratch record, no static RAM. */
function scanExtra(extra: Bytes, where: u8): i32 {
  const n: u32 = extra.length;
  let at: u32 = 0;
  let subIds: i32 = 0;
  while (at < n) {
    const id: u8 = extra[at];
    at++;
    if (!propAllowed(id, where) || (id !== PropId.USER_PROPERTY && id !== PropId.SUBSCRIPTION_ID)) return -1;
    const kind: u8 = propKind(id);
    const end: i32 = valueEnd(extra, at, kind);
    if (end < 0) return -1;
    if (id === PropId.USER_PROPERTY) {
      const ke: u32 = u32(fieldEnd(extra, at));
      if (!validUtf8(extra.subarray(u32(at + 2), ke)) || !validUtf8(extra.subarray(u32(ke + 2), u32(end)))) return -1;
    } else {
      if (valueNum(extra, at, kind) === 0) return -1;
      subIds++;
    }
    at = u32(end);
  }
  return subIds;
}

/** Bytes the property length field plus a block of `len` bytes take.
 *  @cextern the test broker (test/mqtt/support/codec5_broker.ts) calls it */
export function propsFieldSize(len: u32): u32 {
  return u32(remainingLengthSize(len) + len);
}

/** Writes the property length `len` (from propsSize) and the properties of
 *  `p` at `off`; the caller has checked that they fit. Returns the offset after.
 *  @cextern the test broker (test/mqtt/support/codec5_broker.ts) calls it */
export function putProps(out: Bytes, off: u32, p: Props5, len: u32): u32 {
  let at: u32 = putVarint(out, off, len);
  for (let id: u8 = 1; id <= MAX_PROP_ID; id = u8(id + 1)) {
    const m: u32 = propMask(id);
    if (m === 0 || (p.present & m) === 0 || id === PropId.USER_PROPERTY) continue;
    out[at] = id;
    at++;
    const kind: u8 = propKind(id);
    const v: u32 = propNum(p, id);
    switch (kind) {
      case PropKind.BYTE:
        out[at] = u8(v);
        at++;
        break;
      case PropKind.U16:
        at = putU16(out, at, u16(v));
        break;
      case PropKind.U32:
        at = putU32(out, at, v);
        break;
      case PropKind.VARINT:
        at = putVarint(out, at, v);
        break;
      default:
        at = putString(out, at, propBytes(p, id));
        break;
    }
  }
  copyBytes(out, at, p.extra);
  return u32(at + p.extra.length);
}

/** Appends one User Property (3.1.2.11.8: a UTF-8 string pair) to a block
 *  being built for Props5.extra: writes it at `off` in `out` and returns the
 *  offset after it, or 0 when it does not fit or a string is not valid UTF-8
 *  or over 65535 bytes. */
export function putUserProp(out: Bytes, off: u32, key: Bytes, value: Bytes): u32 {
  if (key.length > MAX_STRING_LEN || value.length > MAX_STRING_LEN) return 0;
  if (!validUtf8(key) || !validUtf8(value)) return 0;
  const need: u32 = u32(5 + key.length + value.length);
  if (off > out.length || need > u32(out.length - off)) return 0;
  out[off] = PropId.USER_PROPERTY;
  const at: u32 = putString(out, u32(off + 1), key);
  return putString(out, at, value);
}

// ---------------------------------------------------------------- packet encoders

/** Encodes an MQTT 5 CONNECT (3.1). `o` is the 3.1.1 record (cleanSession
 *  is Clean Start, 3.1.2.4); `props` go in the variable header, `willProps`
 *  with the will (used only when o.willTopic is not empty). In 5.0 a password
 *  may be sent without a user name (3.1.2.9). Returns the length, or 0 when it
 *  does not fit `out` or is invalid (as encodeConnect, and bad properties). */
export function encodeConnect5(out: Bytes, o: ConnectOptions, props: Props5, willProps: Props5): u32 {
  const hasWill: bool = o.willTopic.length > 0;
  const head: u32 = connectHead(o);
  const pl: i32 = propsSize(props, PacketType.CONNECT);
  const wl: i32 = hasWill ? propsSize(willProps, WILL_PROPS) : 0;
  if (head === 0 || pl < 0 || wl < 0) return 0;
  // connectHead's length + the properties (and the will's).
  let rem: u32 = u32((head & 0xffffff) + propsFieldSize(u32(pl)));
  if (hasWill) rem = u32(rem + propsFieldSize(u32(wl)));
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  let at: u32 = putHeader(out, u8(PacketType.CONNECT << 4), rem);
  at = putString(out, at, lit("MQTT"));
  out[at] = PROTOCOL_LEVEL_5;
  out[at + 1] = u8(head >>> 24);
  at = putU16(out, u32(at + 2), o.keepAlive);
  at = putProps(out, at, props, u32(pl));
  at = putString(out, at, o.clientId);
  if (hasWill) at = putProps(out, at, willProps, u32(wl));
  putConnectTail(out, at, o);
  return total;
}

/** Size of a whole PUBLISH with a property block of `propsLen` bytes (from
 *  propsSize), or 0 when it cannot be encoded. */
export function publishSize5(topicLen: u32, payloadLen: u32, qos: u8, propsLen: u32): u32 {
  if (qos > 2 || topicLen > MAX_STRING_LEN || propsLen > MAX_REMAINING_LENGTH) return 0;
  const head: u32 = u32(2 + topicLen + (qos > 0 ? 2 : 0) + propsFieldSize(propsLen));
  if (head > MAX_REMAINING_LENGTH || payloadLen > u32(MAX_REMAINING_LENGTH - head)) return 0;
  return packetSize(u32(head + payloadLen));
}

/** Encodes a PUBLISH (3.3) with properties, as any sender may. `topic` may be
 *  empty when props carry a Topic Alias (3.3.2.3.4). Returns the length, or 0
 *  when it does not fit or is invalid (as encodePublish, bad properties).
 *  @cextern the fuzzers call it */
export function encodePublishAny5(out: Bytes, topic: Bytes, payload: Bytes, qos: u8, retain: bool, dup: bool, packetId: u16, props: Props5): u32 {
  if (qos > 2 || (qos > 0 && packetId === 0) || (qos === 0 && dup)) return 0;
  if (topic.length === 0 ? !props.has(PropId.TOPIC_ALIAS) : !validTopicName(topic)) return 0;
  const pl: i32 = propsSize(props, PacketType.PUBLISH);
  if (pl < 0) return 0;
  const total: u32 = publishSize5(topic.length, payload.length, qos, u32(pl));
  if (total === 0 || total > out.length) return 0;
  let first: u8 = u8((PacketType.PUBLISH << 4) | (qos << 1));
  if (dup) first = u8(first | PUBLISH_DUP);
  if (retain) first = u8(first | PUBLISH_RETAIN);
  const rem: u32 = u32(2 + topic.length + (qos > 0 ? 2 : 0) + propsFieldSize(u32(pl)) + payload.length);
  let at: u32 = putHeader(out, first, rem);
  at = putString(out, at, topic);
  if (qos > 0) at = putU16(out, at, packetId);
  at = putProps(out, at, props, u32(pl));
  copyBytes(out, at, payload);
  return total;
}

/** A client's PUBLISH: encodePublishAny5 without Subscription Identifiers,
 *  which a client must not send [MQTT-3.3.4-6]. */
export function encodePublish5(out: Bytes, topic: Bytes, payload: Bytes, qos: u8, retain: bool, dup: bool, packetId: u16, props: Props5): u32 {
  if (props.has(PropId.SUBSCRIPTION_ID) || scanExtra(props.extra, PacketType.PUBLISH) !== 0) return 0;
  return encodePublishAny5(out, topic, payload, qos, retain, dup, packetId, props);
}

/** Encodes PUBACK, PUBREC, PUBREL or PUBCOMP (3.4-3.7) with a reason code and
 *  properties; the short forms when they can be used (3.4.2.1: no properties
 *  and reason 0 give the 3.1.1 form of 2 bytes; no properties give 3).
 *  Returns the length, or 0 for another type, id 0, a reason code not defined
 *  for the type, bad properties or no room. */
export function encodeAck5(out: Bytes, type: u8, packetId: u16, reason: u8, props: Props5): u32 {
  if (type !== PacketType.PUBACK && type !== PacketType.PUBREC && type !== PacketType.PUBREL && type !== PacketType.PUBCOMP) return 0;
  if (packetId === 0 || !reasonValid(type, reason)) return 0;
  const pl: i32 = propsSize(props, type);
  if (pl < 0) return 0;
  let rem: u32 = 2;
  if (pl > 0) rem = u32(3 + propsFieldSize(u32(pl)));
  else if (reason !== 0) rem = 3;
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  const first: u8 = type === PacketType.PUBREL ? u8((type << 4) | 2) : u8(type << 4);
  let at: u32 = putHeader(out, first, rem);
  at = putU16(out, at, packetId);
  if (rem > 2) {
    out[at] = reason;
    at++;
  }
  if (pl > 0) putProps(out, at, props, u32(pl));
  return total;
}

/** Subscription options byte (3.8.3.1): maximum QoS, No Local, Retain As
 *  Published, Retain Handling (0 send retained, 1 only for a new
 *  subscription, 2 never). Values out of range are masked.
 *  @cextern bench/c/size_mqtt5.c calls it */
export function subscriptionOptions(qos: u8, noLocal: bool, retainAsPublished: bool, retainHandling: u8): u8 {
  let o: u8 = u8(qos & 3);
  if (noLocal) o = u8(o | 0x04);
  if (retainAsPublished) o = u8(o | 0x08);
  return u8(o | ((retainHandling & 3) << 4));
}

/** Whether `o` is a valid options byte: QoS 0..2, retain handling 0..2,
 *  reserved bits 6-7 clear [MQTT-3.8.3-5].
 *  @cextern the test broker (test/mqtt/support/codec5_broker.ts) calls it */
export function subscriptionOptionsValid(o: u8): bool {
  return (o & 3) !== 3 && ((o >>> 4) & 3) !== 3 && (o & 0xc0) === 0;
}

/** Encodes SUBSCRIBE (3.8) with one topic filter, its options byte
 *  (subscriptionOptions()) and properties (a Subscription Identifier, User
 *  Properties). A shared subscription is the filter `$share/<group>/<filter>`
 *  (4.8.2). Returns the length, or 0 when it does not fit or is invalid (id
 *  0, bad filter or options, bad properties, No Local on a shared
 *  subscription [MQTT-3.8.3-4]). */
export function encodeSubscribe5(out: Bytes, packetId: u16, filter: Bytes, options: u8, props: Props5): u32 {
  if (packetId === 0 || !validTopicFilter(filter) || !subscriptionOptionsValid(options)) return 0;
  if ((options & 0x04) !== 0 && isShared(filter)) return 0;
  const pl: i32 = propsSize(props, PacketType.SUBSCRIBE);
  if (pl < 0) return 0;
  // More than one Subscription Identifier is a protocol error (3.8.2.1.2): only the field.
  if (scanExtra(props.extra, PacketType.SUBSCRIBE) !== 0) return 0;
  const rem: u32 = u32(2 + propsFieldSize(u32(pl)) + 2 + filter.length + 1);
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  let at: u32 = putHeader(out, u8((PacketType.SUBSCRIBE << 4) | 2), rem);
  at = putU16(out, at, packetId);
  at = putProps(out, at, props, u32(pl));
  at = putString(out, at, filter);
  out[at] = options;
  return total;
}

/** Whether `filter` names a shared subscription (`$share/`, 4.8.2). */
export function isShared(filter: Bytes): bool {
  const pre: Bytes = lit("$share/");
  return filter.length >= pre.length && bytesPrefix(filter, pre);
}

function bytesPrefix(b: Bytes, pre: Bytes): bool {
  for (let i: u32 = 0; i < pre.length; i++) if (b[i] !== pre[i]) return false;
  return true;
}

/** Encodes UNSUBSCRIBE (3.10) with one topic filter and properties (User
 *  Properties only). Returns the length, or 0 when it does not fit or is invalid. */
export function encodeUnsubscribe5(out: Bytes, packetId: u16, filter: Bytes, props: Props5): u32 {
  if (packetId === 0 || !validTopicFilter(filter)) return 0;
  const pl: i32 = propsSize(props, PacketType.UNSUBSCRIBE);
  if (pl < 0) return 0;
  const rem: u32 = u32(2 + propsFieldSize(u32(pl)) + 2 + filter.length);
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  let at: u32 = putHeader(out, u8((PacketType.UNSUBSCRIBE << 4) | 2), rem);
  at = putU16(out, at, packetId);
  at = putProps(out, at, props, u32(pl));
  putString(out, at, filter);
  return total;
}

/** Reason code + properties packets: DISCONNECT (3.14) and AUTH (3.15).
 *  DISCONNECT omits everything for reason 0 without properties (remaining
 *  length 0) and only the property length for another reason without
 *  properties (3.14.2.2.1). AUTH is always written whole (reason code and
 *  property length): 3.15.2.1 allows an empty AUTH for Success, but some
 *  parsers (mqtt-packet 9) refuse it, and AUTH is rare enough that 2 bytes
 *  do not matter. The decoder accepts all forms. */
function encodeReasonPacket(out: Bytes, type: u8, reason: u8, props: Props5): u32 {
  if (!reasonValid(type, reason)) return 0;
  const pl: i32 = propsSize(props, type);
  if (pl < 0) return 0;
  let rem: u32 = 0;
  if (pl > 0 || type === PACKET_AUTH) rem = u32(1 + propsFieldSize(u32(pl)));
  else if (reason !== 0) rem = 1;
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  const at: u32 = putHeader(out, u8(type << 4), rem);
  if (rem > 0) out[at] = reason;
  if (rem > 1) putProps(out, u32(at + 1), props, u32(pl));
  return total;
}

/** Encodes DISCONNECT (3.14) with a reason code and properties (Session
 *  Expiry Interval (a client's only), Reason String, User Properties, Server
 *  Reference). Returns the length, or 0 when it does not fit or is invalid. */
export function encodeDisconnect5(out: Bytes, reason: u8, props: Props5): u32 {
  return encodeReasonPacket(out, PacketType.DISCONNECT, reason, props);
}

/** Encodes AUTH (3.15): reason 0x00, 0x18 (continue) or 0x19 (re-authenticate)
 *  with the Authentication Method, Data, Reason String, User Properties.
 *  Returns the length, or 0 when it does not fit or is invalid. */
export function encodeAuth5(out: Bytes, reason: u8, props: Props5): u32 {
  return encodeReasonPacket(out, PACKET_AUTH, reason, props);
}

// ---------------------------------------------------------------- properties: decoding

function readU16(b: Bytes, off: u32): u16 {
  return u16((b[off] << 8) | b[off + 1]);
}

function readU32(b: Bytes, off: u32): u32 {
  return u32((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]);
}

/** End (exclusive) of the length-prefixed field at `off` in `b`, or -1 when
 *  it runs past the end. The field is b[off + 2, end).
 *  @cextern the test broker (test/mqtt/support/codec5_broker.ts) calls it */
export function fieldEnd(b: Bytes, off: u32): i32 {
  if (off > b.length || u32(b.length - off) < 2) return -1;
  const len: u16 = readU16(b, off);
  if (len > u32(b.length - off - 2)) return -1;
  return i32(off + 2 + len);
}

/** End of the value of a property of encoding `kind` that starts at `at`
 *  (at most block.length) in `block`, or -error: PROPERTY_LENGTH when it runs
 *  past the end, VARINT_TOO_LONG / VARINT_NOT_MINIMAL, UNKNOWN_PROPERTY for
 *  no encoding. The one parser of property values: the decoder, nextProp()
 *  and the `extra` check all use it. */
function valueEnd(block: Bytes, at: u32, kind: u8): i32 {
  const left: u32 = u32(block.length - at); // at <= length
  switch (kind) {
    case PropKind.BYTE: return left >= 1 ? i32(at + 1) : -Decode5Err.PROPERTY_LENGTH;
    case PropKind.U16: return left >= 2 ? i32(at + 2) : -Decode5Err.PROPERTY_LENGTH;
    case PropKind.U32: return left >= 4 ? i32(at + 4) : -Decode5Err.PROPERTY_LENGTH;
    case PropKind.VARINT: {
      const r: i32 = readVarint(block, at);
      if (r < 0) return r;
      return i32(at + remainingLengthSize(u32(r)));
    }
    case PropKind.UTF8:
    case PropKind.BINARY:
    case PropKind.PAIR: {
      let e: i32 = fieldEnd(block, at);
      if (e >= 0 && kind === PropKind.PAIR) e = fieldEnd(block, u32(e));
      return e >= 0 ? e : -Decode5Err.PROPERTY_LENGTH;
    }
    default:
      return -Decode5Err.UNKNOWN_PROPERTY;
  }
}

/** The value of an integer property (BYTE, U16, U32, VARINT) at `at`, which
 *  valueEnd() has accepted. */
function valueNum(block: Bytes, at: u32, kind: u8): u32 {
  if (kind === PropKind.BYTE) return block[at];
  if (kind === PropKind.U16) return readU16(block, at);
  if (kind === PropKind.U32) return readU32(block, at);
  return u32(readVarint(block, at));
}

/** Reads the properties of `block` (the bytes after the property length,
 *  exactly the block) allowed in packet type `where` into `p`, adding to what
 *  `p` holds. Returns 0 or a DecodeErr/Decode5Err. Rules: 2.2.2.2 (known id,
 *  allowed in the packet, only User Property and a PUBLISH's Subscription
 *  Identifier repeated), 1.5.4 (UTF-8), each property's section for its values. */
export function decodePropList(block: Bytes, where: u8, p: Props5): i32 {
  let at: u32 = 0;
  const n: u32 = block.length;
  while (at < n) {
    const id: u8 = block[at];
    at++;
    const m: u32 = propMask(id);
    if (m === 0) return Decode5Err.UNKNOWN_PROPERTY; // also ids >= 0x80 (1-byte ids only in 5.0)
    if (!propAllowed(id, where)) return Decode5Err.PROPERTY_NOT_ALLOWED;
    // Subscription Identifier repeats only in PUBLISH (3.3.2.3.8 vs 3.8.2.1.2).
    const rep: bool = propRepeatable(id) && (id === PropId.USER_PROPERTY || where === PacketType.PUBLISH);
    if (!rep && (p.present & m) !== 0) return Decode5Err.DUPLICATE_PROPERTY;
    const kind: u8 = propKind(id);
    const end: i32 = valueEnd(block, at, kind);
    if (end < 0) return i32(-end);
    let v: u32 = 0;
    let s: Bytes = block.subarray(0, 0);
    if (kind <= PropKind.VARINT) {
      v = valueNum(block, at, kind);
    } else if (kind === PropKind.PAIR) {
      const ke: u32 = u32(fieldEnd(block, at)); // valueEnd checked both strings
      if (!validUtf8(block.subarray(u32(at + 2), ke)) || !validUtf8(block.subarray(u32(ke + 2), u32(end)))) return DecodeErr.BAD_UTF8;
    } else {
      s = block.subarray(u32(at + 2), u32(end));
      const se: u8 = bytesValueOk(id, s);
      if (se !== 0) return se;
    }
    at = u32(end);
    const ve2: u8 = numValueOk(id, v);
    if (ve2 !== 0) return ve2;
    storeProp(p, id, v, s);
    p.present = u32(p.present | m);
  }
  return DecodeErr.OK;
}

/** Puts a decoded value in its field; counts the repeatable ones. */
function storeProp(p: Props5, id: u8, v: u32, s: Bytes): void {
  switch (id) {
    case PropId.PAYLOAD_FORMAT: p.payloadFormat = u8(v); break;
    case PropId.MESSAGE_EXPIRY: p.messageExpiry = v; break;
    case PropId.CONTENT_TYPE: p.contentType = s; break;
    case PropId.RESPONSE_TOPIC: p.responseTopic = s; break;
    case PropId.CORRELATION_DATA: p.correlationData = s; break;
    case PropId.SUBSCRIPTION_ID:
      if (p.subIdCount === 0) p.subscriptionId = v;
      p.subIdCount++;
      break;
    case PropId.SESSION_EXPIRY: p.sessionExpiry = v; break;
    case PropId.ASSIGNED_CLIENT_ID: p.assignedClientId = s; break;
    case PropId.SERVER_KEEP_ALIVE: p.serverKeepAlive = u16(v); break;
    case PropId.AUTH_METHOD: p.authMethod = s; break;
    case PropId.AUTH_DATA: p.authData = s; break;
    case PropId.REQUEST_PROBLEM_INFO: p.requestProblemInfo = u8(v); break;
    case PropId.WILL_DELAY: p.willDelay = v; break;
    case PropId.REQUEST_RESPONSE_INFO: p.requestResponseInfo = u8(v); break;
    case PropId.RESPONSE_INFO: p.responseInfo = s; break;
    case PropId.SERVER_REFERENCE: p.serverReference = s; break;
    case PropId.REASON_STRING: p.reasonString = s; break;
    case PropId.RECEIVE_MAXIMUM: p.receiveMaximum = u16(v); break;
    case PropId.TOPIC_ALIAS_MAXIMUM: p.topicAliasMaximum = u16(v); break;
    case PropId.TOPIC_ALIAS: p.topicAlias = u16(v); break;
    case PropId.MAXIMUM_QOS: p.maximumQos = u8(v); break;
    case PropId.RETAIN_AVAILABLE: p.retainAvailable = u8(v); break;
    case PropId.USER_PROPERTY: p.userCount++; break;
    case PropId.MAXIMUM_PACKET_SIZE: p.maximumPacketSize = v; break;
    case PropId.WILDCARD_SUB_AVAILABLE: p.wildcardSubAvailable = u8(v); break;
    case PropId.SUB_ID_AVAILABLE: p.subIdAvailable = u8(v); break;
    case PropId.SHARED_SUB_AVAILABLE: p.sharedSubAvailable = u8(v); break;
    default: break;
  }
}

/** Reads the property length at `off` in `body` and the block after it into
 *  `p` (which it resets). Returns the offset after the block, or -error.
 *  @cextern the test broker (test/mqtt/support/codec5_broker.ts) calls it */
export function decodeProps(body: Bytes, off: u32, where: u8, p: Props5): i32 {
  p.reset();
  const r: i32 = readVarint(body, off);
  if (r < 0) return r;
  const len: u32 = u32(r);
  const start: u32 = u32(off + remainingLengthSize(len));
  if (len > u32(body.length - start)) return -Decode5Err.PROPERTY_LENGTH; // start <= length
  const end: u32 = u32(start + len);
  p.raw = body.subarray(start, end);
  const e: i32 = decodePropList(p.raw, where, p);
  if (e !== 0) return i32(-e);
  // 3.1.2.11.10, 3.2.2.3.18, 3.15.2.2.3: data only with a method.
  if (p.has(PropId.AUTH_DATA) && !p.has(PropId.AUTH_METHOD)) return -Decode5Err.AUTH_DATA_WITHOUT_METHOD;
  return i32(end);
}

/** Advances `it` to the next property `id` in the property block `block`
 *  (Props5.raw of a decoded packet, or a block built for Props5.extra);
 *  returns false at the end. For a User Property sets it.key and it.value,
 *  for an integer property it.num. Start with it.reset(). A malformed block
 *  ends the walk. */
export function nextProp(block: Bytes, it: PropIter, id: u8): bool {
  const n: u32 = block.length;
  while (it.off < n) {
    const pid: u8 = block[it.off];
    const at: u32 = u32(it.off + 1);
    const kind: u8 = propKind(pid);
    const end: i32 = valueEnd(block, at, kind);
    if (end < 0) break; // unknown id or cut short: cannot go on
    it.off = u32(end);
    if (pid === id) {
      it.id = pid;
      it.num = 0;
      it.key = block.subarray(0, 0);
      it.value = it.key;
      if (kind <= PropKind.VARINT) {
        it.num = valueNum(block, at, kind);
      } else {
        const ke: u32 = u32(fieldEnd(block, at));
        it.key = block.subarray(u32(at + 2), ke);
        if (kind === PropKind.PAIR) it.value = block.subarray(u32(ke + 2), u32(end));
      }
      return true;
    }
  }
  it.off = n;
  return false;
}

// ---------------------------------------------------------------- packet decoder

/** Checks the first byte alone (2.1.2, 2.1.3). */
function checkFirstByte5(type: u8, flags: u8, forClient: bool): DecodeErr {
  if (type === 0) return DecodeErr.BAD_TYPE;
  if (forClient) {
    switch (type) {
      case PacketType.CONNECT:
      case PacketType.SUBSCRIBE:
      case PacketType.UNSUBSCRIBE:
      case PacketType.PINGREQ:
        return DecodeErr.NOT_FOR_CLIENT;
      default:
        break;
    }
  }
  switch (type) {
    case PacketType.PUBLISH: {
      const qos: u8 = u8((flags >>> 1) & 3);
      if (qos === 3) return DecodeErr.BAD_QOS; // [MQTT-3.3.1-4]
      if (qos === 0 && (flags & PUBLISH_DUP) !== 0) return DecodeErr.BAD_DUP; // [MQTT-3.3.1-2]
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

/** Remaining lengths the fixed header alone shows to be wrong (3.x.2). */
function checkRemainingLength5(type: u8, rem: u32): DecodeErr {
  switch (type) {
    case PacketType.CONNACK: // flags, reason code, property length
      return rem >= 3 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP: // packet id, then optional reason code and properties
      return rem >= 2 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    case PacketType.SUBACK:
    case PacketType.UNSUBACK: // packet id, property length, one code at least
      return rem >= 4 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
      return rem === 0 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    case PACKET_AUTH: // 0 (success, 3.15.2.1), or a reason code and the property length
      return rem !== 1 ? DecodeErr.OK : DecodeErr.BAD_LENGTH;
    default:
      return DecodeErr.OK;
  }
}

/** Decodes the body of a packet only a server receives (CONNECT, SUBSCRIBE,
 *  UNSUBSCRIBE): test/mqtt/support/codec5_broker.ts has one. */
export type ServerBody5Fn = (body: Bytes, type: u8, out: Packet5) => i32;

/** Decodes one MQTT 5 packet a client receives from the start of `input`.
 *  Returns > 0: the length of one complete valid packet, its fields in `out`;
 *  0: `input` holds only the beginning of a packet (after a complete fixed
 *  header `out.base.totalLen` says how long it will be);
 *  < 0: -error (DecodeErr or Decode5Err, reason5ForErr() gives the DISCONNECT
 *  reason code); the stream is unusable. `maxPacket` limits the whole packet
 *  (the client's Maximum Packet Size, 3.1.2.11.4: TOO_LARGE). */
export function decode5ForClient(input: Bytes, maxPacket: u32, out: Packet5): i32 {
  return decode5With(input, maxPacket, true, out, null);
}

/** decode5ForClient, with `forClient` false accepting every type and passing
 *  the server-only bodies to `serverBody` (NOT_FOR_CLIENT when null).
 *  @cextern the test broker (test/mqtt/support/codec5_broker.ts) calls it */
export function decode5With(input: Bytes, maxPacket: u32, forClient: bool, out: Packet5, serverBody: ServerBody5Fn | null): i32 {
  out.reset();
  const b: Packet = out.base;
  const n: u32 = input.length;
  if (n === 0) return 0;
  const first: u8 = input[0];
  const type: u8 = u8(first >>> 4);
  const flags: u8 = u8(first & 0x0f);
  const e0: DecodeErr = checkFirstByte5(type, flags, forClient);
  if (e0 !== DecodeErr.OK) return -e0;

  // Remaining length: a Variable Byte Integer, minimal form (1.5.5, 2.1.4).
  let rem: u32 = 0;
  let shift: u32 = 0;
  let hdr: u32 = 1;
  while (true) {
    if (hdr >= n) return 0;
    const c: u8 = input[hdr];
    rem = u32(rem | ((c & 0x7f) << shift));
    hdr++;
    if ((c & 0x80) === 0) {
      if (hdr > 2 && c === 0) return -Decode5Err.VARINT_NOT_MINIMAL;
      break;
    }
    if (hdr === 5) return -DecodeErr.LENGTH_TOO_LONG;
    shift += 7;
  }
  const total: u32 = u32(hdr + rem);
  b.type = type;
  b.flags = flags;
  b.remLen = rem;
  b.totalLen = total;
  if (total > maxPacket) return -DecodeErr.TOO_LARGE;
  const e1: DecodeErr = checkRemainingLength5(type, rem);
  if (e1 !== DecodeErr.OK) return -e1;
  if (n < total) return 0;

  const body: Bytes = input.subarray(hdr, total);
  let e: i32 = 0;
  switch (type) {
    case PacketType.CONNECT:
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE:
      e = serverBody !== null ? serverBody(body, type, out) : DecodeErr.NOT_FOR_CLIENT;
      break;
    case PacketType.CONNACK:
      e = decodeConnack5(body, out);
      break;
    case PacketType.PUBLISH:
      e = decodePublish5(body, flags, out);
      break;
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      e = decodeAck5(body, type, out);
      break;
    case PacketType.SUBACK:
    case PacketType.UNSUBACK:
      e = decodeSubUnsuback5(body, type, out);
      break;
    case PacketType.DISCONNECT:
    case PACKET_AUTH:
      e = decodeReasonPacket5(body, type, forClient, out);
      break;
    default:
      break; // PINGREQ, PINGRESP: no contents, length checked above.
  }
  if (e !== 0) return i32(-e);
  return i32(total);
}

/** Reason a topic name is refused, or OK (3.3.2.1, 4.7).
 *  @cextern the test broker (test/mqtt/support/codec5_broker.ts) calls it */
export function topicNameErr(t: Bytes): DecodeErr {
  if (t.length === 0) return DecodeErr.EMPTY_TOPIC;
  if (!validTopicName(t)) return validUtf8(t) ? DecodeErr.TOPIC_WILDCARD : DecodeErr.BAD_UTF8;
  return DecodeErr.OK;
}

/** The end of the properties must be the end of the packet (or of the part
 *  the packet's layout gives them). */
function propsEnd(r: i32, want: u32): i32 {
  if (r < 0) return i32(-r);
  return u32(r) === want ? 0 : DecodeErr.BAD_LENGTH;
}

function decodeConnack5(body: Bytes, out: Packet5): i32 {
  const b: Packet = out.base;
  // Bits 7-1 of the acknowledge flags are reserved [MQTT-3.2.2-1].
  if ((body[0] & 0xfe) !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  b.sessionPresent = body[0] === 1;
  out.reasonCode = body[1];
  if (!reasonValid(PacketType.CONNACK, out.reasonCode)) return Decode5Err.BAD_REASON_CODE;
  // Session Present 0 with a refusal [MQTT-3.2.2-6].
  if (b.sessionPresent && out.reasonCode !== 0) return DecodeErr.BAD_CONNACK_FLAGS;
  return propsEnd(decodeProps(body, 2, PacketType.CONNACK, out.props), body.length);
}

function decodePublish5(body: Bytes, flags: u8, out: Packet5): i32 {
  const b: Packet = out.base;
  b.qos = u8((flags >>> 1) & 3);
  b.dup = (flags & PUBLISH_DUP) !== 0;
  b.retain = (flags & PUBLISH_RETAIN) !== 0;
  const end: i32 = fieldEnd(body, 0);
  if (end < 0) return DecodeErr.STRING_OVERRUN;
  let at: u32 = u32(end);
  b.topic = body.subarray(2, at);
  if (b.topic.length > 0) {
    const te: DecodeErr = topicNameErr(b.topic);
    if (te !== DecodeErr.OK) return te;
  }
  if (b.qos > 0) {
    if (u32(body.length - at) < 2) return DecodeErr.BAD_LENGTH;
    b.packetId = readU16(body, at);
    if (b.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
    at = u32(at + 2);
  }
  const r: i32 = decodeProps(body, at, PacketType.PUBLISH, out.props);
  if (r < 0) return i32(-r);
  // An empty topic needs a Topic Alias (3.3.2.3.4); whether the alias was
  // ever set is the session's to check (it holds the alias table).
  if (b.topic.length === 0 && !out.props.has(PropId.TOPIC_ALIAS)) return Decode5Err.EMPTY_TOPIC_NO_ALIAS;
  b.payload = body.subarray(u32(r));
  return 0;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP (3.4.2-3.7.2): packet id, then a reason
 *  code when the remaining length is over 2, properties when it is over 3. */
function decodeAck5(body: Bytes, type: u8, out: Packet5): i32 {
  out.base.packetId = readU16(body, 0);
  if (out.base.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
  if (body.length === 2) return 0;
  out.reasonCode = body[2];
  if (!reasonValid(type, out.reasonCode)) return Decode5Err.BAD_REASON_CODE;
  if (body.length === 3) return 0;
  return propsEnd(decodeProps(body, 3, type, out.props), body.length);
}

/** SUBACK, UNSUBACK (3.9, 3.11): packet id, properties, one reason code per filter. */
function decodeSubUnsuback5(body: Bytes, type: u8, out: Packet5): i32 {
  const b: Packet = out.base;
  b.packetId = readU16(body, 0);
  if (b.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
  const r: i32 = decodeProps(body, 2, type, out.props);
  if (r < 0) return i32(-r);
  b.codes = body.subarray(u32(r));
  if (b.codes.length === 0) return DecodeErr.BAD_LENGTH;
  for (let i: u32 = 0; i < b.codes.length; i++) {
    if (!reasonValid(type, b.codes[i])) return type === PacketType.SUBACK ? DecodeErr.BAD_SUBACK_CODE : Decode5Err.BAD_REASON_CODE;
  }
  return 0;
}

/** DISCONNECT and AUTH (3.14.2, 3.15.2): reason code and properties, both
 *  omitted for 0 without properties; DISCONNECT may omit only the property
 *  length. A server's DISCONNECT must not carry a Session Expiry Interval
 *  [MQTT-3.14.2-2]. */
function decodeReasonPacket5(body: Bytes, type: u8, forClient: bool, out: Packet5): i32 {
  if (body.length === 0) return 0;
  out.reasonCode = body[0];
  if (!reasonValid(type, out.reasonCode)) return Decode5Err.BAD_REASON_CODE;
  // "Disconnect with Will Message" is the client's to send (3.14.2.1).
  if (forClient && type === PacketType.DISCONNECT && out.reasonCode === Reason.DISCONNECT_WITH_WILL) return Decode5Err.BAD_REASON_CODE;
  if (body.length === 1) return 0;
  const e: i32 = propsEnd(decodeProps(body, 1, type, out.props), body.length);
  if (e !== 0) return e;
  if (forClient && type === PacketType.DISCONNECT && out.props.has(PropId.SESSION_EXPIRY)) return Decode5Err.PROPERTY_NOT_ALLOWED;
  return 0;
}
