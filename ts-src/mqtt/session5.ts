// The MQTT 5 part of the client session: what one connection negotiated
// (CONNACK limits), the topic alias tables both ways, the CONNECT extras the
// application set, and the byte surgery that puts an outgoing topic alias into
// a stored PUBLISH. session.ts calls in here only when cfg.version is 5, and
// MQTT5_SUPPORT 0 (Kconfig MGOS_MQTT_V5_SUPPORT off) lets the linker drop it.
// The codec is codec5.ts / packet5.ts. docs/mqtt5.md describes the behaviour.

import { u8, u16, u32, i32, bool, Bytes, copyBytes, bytesEqual, mul32 } from "../rt/rt";
import { Packet5, Props5, PropId, Reason, Decode5Err } from "./packet5";
import { Packet, PacketType } from "./packet";
import { readVarint, isShared } from "./codec5";
import { putVarint, remainingLengthSize } from "./codec";

/** MQTT 5 compiled in (1) or left out (0). Out by default in C, as esp-mqtt's
 *  CONFIG_MQTT_PROTOCOL_5 (Kconfig MGOS_MQTT_V5_SUPPORT, default n; a C build
 *  without the macro leaves it out too); Node runs with it in.
 *  @kconfig MGOS_MQTT_V5_SUPPORT_VALUE
 *  @cdefault 0 */
export const MQTT5_SUPPORT: i32 = 1;
/** Topic aliases per direction and connection (our Topic Alias Maximum, and
 *  the most we use of the broker's). 0: no aliases. @kconfig MGOS_MQTT_TOPIC_ALIASES */
export const TOPIC_ALIASES: u16 = 4;
/** Bytes of topic per alias: each direction's table holds TOPIC_ALIASES x
 *  this, packed (AliasTable). @kconfig MGOS_MQTT_TOPIC_ALIAS_LEN */
export const TOPIC_ALIAS_LEN: u16 = 64;
/** Room for the CONNECT's user properties and authentication method / data,
 *  and for the CONNACK's assigned client id and server reference. @kconfig MGOS_MQTT_V5_STR_SIZE */
export const V5_STR_SIZE: u32 = 256;
/** The sizes the tables get: none when MQTT 5 is compiled out. */
const STR_ROOM: u32 = MQTT5_SUPPORT !== 0 ? V5_STR_SIZE : 1;
const ALIAS_SLOTS: u16 = MQTT5_SUPPORT !== 0 ? TOPIC_ALIASES : 1;
const ALIAS_ROOM: u32 = MQTT5_SUPPORT !== 0 ? TOPIC_ALIASES * TOPIC_ALIAS_LEN : 1;
/** How many of each per-connection MQTT 5 struct (V5State, the event's
 *  properties, the v5 info) a connection holds: one, or none when MQTT 5 is
 *  compiled out (a zero-length array in C, so it costs no RAM). Reached only
 *  behind an MQTT5_SUPPORT test. */
export const V5_ONE: u32 = MQTT5_SUPPORT !== 0 ? 1 : 0;

/** The MQTT 5 state of a session. */
export class V5State {
  /** The decoded packet (its `base` is what the 3.1.1 code handles). */
  pkt: Packet5 = new Packet5();
  /** Scratch properties for the packets we encode. */
  props: Props5 = new Props5();
  /** Properties for the next publish() (the API fills and clears them). */
  pubProps: Props5 = new Props5();

  // ---- from the CONNACK of the current connection (3.2.2.3)
  /** Receive Maximum: QoS 1/2 PUBLISHes the broker takes unacknowledged. */
  serverReceiveMax: u16 = 65535;
  /** Maximum Packet Size the broker accepts; 0: no limit. */
  serverMaxPacket: u32 = 0;
  /** Topic Alias Maximum the broker accepts from us. */
  serverAliasMax: u16 = 0;
  /** Server Keep Alive, seconds; -1 when the CONNACK had none. */
  serverKeepAlive: i32 = -1;
  /** Maximum QoS (2 when absent) and Retain Available. */
  serverMaxQos: u8 = 2;
  retainAvailable: bool = true;
  /** Wildcard and Shared Subscription Available (true when absent). */
  wildcardAvailable: bool = true;
  sharedAvailable: bool = true;
  /** The reason code of the last CONNACK or server DISCONNECT. */
  lastReason: u8 = 0;

  // ---- copied strings: assigned client id, server reference, reason string
  assignedId: Uint8Array = new Uint8Array(STR_ROOM);
  assignedIdLen: u32 = 0;
  serverRef: Uint8Array = new Uint8Array(STR_ROOM);
  serverRefLen: u32 = 0;
  reasonStr: Uint8Array = new Uint8Array(STR_ROOM);
  reasonStrLen: u32 = 0;

  // ---- set by the application for the next CONNECT
  /** Pre-encoded User Properties (putUserProp) for CONNECT. */
  connectUser: Uint8Array = new Uint8Array(STR_ROOM);
  connectUserLen: u32 = 0;
  authMethod: Uint8Array = new Uint8Array(STR_ROOM);
  authMethodLen: u32 = 0;
  authData: Uint8Array = new Uint8Array(STR_ROOM);
  authDataLen: u32 = 0;
  requestResponseInfo: bool = false;
  /** Response Information from the CONNACK (when requested). */
  responseInfo: Uint8Array = new Uint8Array(STR_ROOM);
  responseInfoLen: u32 = 0;

  /** User Properties staged for the next pub5 (mgos_mqtt_conn_add_pub_user_prop), pre-encoded. */
  pubUser: Uint8Array = new Uint8Array(STR_ROOM);
  pubUserLen: u32 = 0;

  // ---- the will's properties (3.1.3.2), sent with every CONNECT that has a will
  will: Props5 = new Props5();
  /** Their strings, then their pre-encoded User Properties (will.extra, last). */
  willStr: Uint8Array = new Uint8Array(STR_ROOM);
  /** Set through the API (mgos_mqtt_conn_set_will5): the config's will_* keys are not used. */
  willFromApi: bool = false;

  // ---- topic aliases
  /** Incoming: alias k+1 -> topic. */
  inAl: AliasTable = new AliasTable();
  /** Outgoing: alias k+1 -> topic we bound it to. */
  outAl: AliasTable = new AliasTable();
  /** The next outgoing slot to (re)bind when all are taken. */
  outNext: u32 = 0;
  /** Outgoing PUBLISHes that went with an alias and no topic (for tests and stats). */
  aliasHits: u32 = 0;
  /** The property block of an incoming PUBLISH being streamed. */
  bigProps: BigProps = new BigProps();
  /** Incoming QoS 1/2 PUBLISHes of this connection whose PUBACK / PUBCOMP
   *  has not entered tx yet: our Receive Maximum's count (4.9). */
  inUnacked: u32 = 0;

  /** A new connection: aliases and the broker's limits start over (3.3.2.3.4). */
  startConnection(): void {
    this.serverReceiveMax = 65535;
    this.serverMaxPacket = 0;
    this.serverAliasMax = 0;
    this.serverKeepAlive = -1;
    this.serverMaxQos = 2;
    this.retainAvailable = true;
    this.wildcardAvailable = true;
    this.sharedAvailable = true;
    this.lastReason = 0;
    this.reasonStrLen = 0;
    this.serverRefLen = 0;
    this.responseInfoLen = 0;
    this.inAl.clear();
    this.outAl.clear();
    this.outNext = 0;
    this.inUnacked = 0;
    this.bigProps.reset();
  }

  /** An ack of `type` with `reason` entered tx: PUBACK, PUBCOMP and an
   *  error PUBREC end an incoming exchange (4.9). */
  ackSent(type: u8, reason: u8): void {
    const ends: bool = type === PacketType.PUBACK || type === PacketType.PUBCOMP || (type === PacketType.PUBREC && reason >= 0x80);
    if (ends && this.inUnacked > 0) this.inUnacked = u32(this.inUnacked - 1);
  }

  /** Takes the CONNACK's properties (after a decode into pkt). */
  takeConnack(): void {
    const p: Props5 = this.pkt.props;
    this.lastReason = this.pkt.reasonCode;
    if (p.has(PropId.RECEIVE_MAXIMUM)) this.serverReceiveMax = p.receiveMaximum;
    if (p.has(PropId.MAXIMUM_PACKET_SIZE)) this.serverMaxPacket = p.maximumPacketSize;
    if (p.has(PropId.TOPIC_ALIAS_MAXIMUM)) this.serverAliasMax = p.topicAliasMaximum;
    if (p.has(PropId.SERVER_KEEP_ALIVE)) this.serverKeepAlive = i32(p.serverKeepAlive);
    if (p.has(PropId.MAXIMUM_QOS)) this.serverMaxQos = p.maximumQos;
    if (p.has(PropId.RETAIN_AVAILABLE)) this.retainAvailable = p.retainAvailable !== 0;
    if (p.has(PropId.WILDCARD_SUB_AVAILABLE)) this.wildcardAvailable = p.wildcardSubAvailable !== 0;
    if (p.has(PropId.SHARED_SUB_AVAILABLE)) this.sharedAvailable = p.sharedSubAvailable !== 0;
    if (p.has(PropId.ASSIGNED_CLIENT_ID)) this.assignedIdLen = keep(this.assignedId, p.assignedClientId);
    // Refused as not valid: the next CONNECT asks for a new one.
    if (this.pkt.reasonCode === 0x85) this.assignedIdLen = 0;
    if (p.has(PropId.RESPONSE_INFO)) this.responseInfoLen = keep(this.responseInfo, p.responseInfo);
    this.takeReason();
  }

  /** Reason String and Server Reference of a CONNACK or DISCONNECT. */
  takeReason(): void {
    const p: Props5 = this.pkt.props;
    this.lastReason = this.pkt.reasonCode;
    this.reasonStrLen = 0;
    if (p.has(PropId.REASON_STRING)) this.reasonStrLen = keep(this.reasonStr, p.reasonString);
    if (p.has(PropId.SERVER_REFERENCE)) this.serverRefLen = keep(this.serverRef, p.serverReference);
  }

  /** The SUBACK reason code this broker would refuse `filter` with, by
   *  what its CONNACK said it lacks (0xA2, 0x9E); 0 when it may be sent. */
  subRefusal(filter: Bytes): u8 {
    if (!this.sharedAvailable && isShared(filter)) return Reason.SHARED_SUBS_NOT_SUPPORTED;
    if (this.wildcardAvailable) return 0;
    for (let i: u32 = 0; i < filter.length; i++) {
      if (filter[i] === 0x23 || filter[i] === 0x2b) return Reason.WILDCARD_SUBS_NOT_SUPPORTED;
    }
    return 0;
  }

  reasonString(): Bytes {
    return this.reasonStr.subarray(0, this.reasonStrLen);
  }

  serverReference(): Bytes {
    return this.serverRef.subarray(0, this.serverRefLen);
  }

  assignedClientId(): Bytes {
    return this.assignedId.subarray(0, this.assignedIdLen);
  }

  /** The Client Identifier the next CONNECT sends for the application's
   *  `given` one: when that is empty and a broker assigned one before
   *  (3.2.2.3.7), the assigned one while the session outlives the connection
   *  (`sessionExpiry` > 0), so the session resumes instead of the broker
   *  assigning a new id to a new session. A given id forgets the assigned one. */
  clientIdFor(given: Bytes, sessionExpiry: u32): Bytes {
    if (given.length > 0) {
      this.assignedIdLen = 0;
      return given;
    }
    return sessionExpiry > 0 ? this.assignedClientId() : given;
  }

  /** Resolves the topic of incoming PUBLISH `b` whose properties are in
   *  pkt.props (3.3.2.3.4): a topic with an alias binds it, an empty topic
   *  reads it. Returns 0, or the DISCONNECT reason code: 0x94 for an alias
   *  above our maximum, 0x82 for an alias never set, 0x83 for an alias bound
   *  to a topic longer than the table holds (we cannot know its topic: the
   *  broker sends a QoS 1/2 message again after the reconnect, in full). */
  resolveInAlias(b: Packet): u8 {
    const p: Props5 = this.pkt.props;
    if (!p.has(PropId.TOPIC_ALIAS)) return 0;
    const a: u32 = p.topicAlias;
    if (a === 0 || a > TOPIC_ALIASES) return Reason.TOPIC_ALIAS_INVALID;
    const k: u32 = u32(a - 1);
    const t: Bytes = b.topic;
    const tab: AliasTable = this.inAl;
    if (t.length > 0) {
      // Not kept: a later use of this alias is refused, never another topic.
      if (!tab.set(k, t)) tab.lost[k] = 1;
      return 0;
    }
    if (tab.lost[k] !== 0) return Reason.IMPLEMENTATION_SPECIFIC_ERROR;
    if (tab.len[k] === 0) return Reason.PROTOCOL_ERROR;
    b.topic = tab.get(k);
    return 0;
  }

  /** A PUBLISH's properties could not be read (streamed, too long to
   *  keep): it may have rebound any alias, so none is trusted again. */
  loseInAliases(): void {
    for (let k: u32 = 0; k < ALIAS_SLOTS; k++) {
      this.inAl.drop(k);
      this.inAl.lost[k] = 1;
    }
  }

  /** The alias to send `topic` with: > 0 and `bound` (0x10000) when the
   *  broker knows it (send an empty topic), > 0 alone when this packet binds
   *  it (send the topic too), 0 for none (the topic goes in full). */
  outAlias(topic: Bytes): u32 {
    const max: u32 = this.serverAliasMax < TOPIC_ALIASES ? this.serverAliasMax : TOPIC_ALIASES;
    const tab: AliasTable = this.outAl;
    if (max === 0 || topic.length === 0 || topic.length > ALIAS_ROOM) return 0;
    for (let k: u32 = 0; k < max; k++) {
      if (tab.len[k] === topic.length && bytesEqual(tab.get(k), topic)) return u32((k + 1) | 0x10000);
    }
    // Not bound: a free slot, else the oldest binding is replaced.
    let k: u32 = max;
    for (let j: u32 = 0; j < max; j++) {
      if (tab.len[j] === 0) {
        k = j;
        break;
      }
    }
    if (k === max) {
      k = this.outNext % max;
      this.outNext = u32(k + 1);
    }
    // A long topic takes the room of the next bindings (ours to forget).
    let j: u32 = u32(k + 1);
    while (!tab.set(k, topic)) {
      if (j % max === k) return 0; // cannot happen: alone it fits
      tab.drop(j % max);
      j++;
    }
    return u32(k + 1);
  }
}

/** The property length and block of an incoming PUBLISH larger than the
 *  receive buffer (streamed, session.ts bigFeed): they come after the topic
 *  and packet id, before the payload. The block is kept in rx after the
 *  topic when it fits the receive limit, else only stepped over. */
export class BigProps {
  /** Bytes of the property length read, and its value so far. */
  varN: u32 = 0;
  len: u32 = 0;
  /** Stream position of the block's first byte (0: length not complete). */
  start: u32 = 0;
  /** Where in rx the block goes, and whether it fits there. */
  at: u32 = 0;
  keep: bool = false;

  reset(): void {
    this.varN = 0;
    this.len = 0;
    this.start = 0;
    this.at = 0;
    this.keep = false;
  }

  /** Consumes the bytes of `d` (at stream position `pos` of a packet of
   *  `total` bytes) that are the property length or block; returns how many,
   *  or -Decode5Err. The block goes to rx[at, at + len) when that ends
   *  within `cap`. */
  feed(d: Bytes, pos: u32, total: u32, rx: Bytes, at: u32, cap: u32): i32 {
    if (this.start === 0) {
      const c: u8 = d[0];
      this.len = u32(this.len | ((c & 0x7f) << mul32(7, this.varN)));
      this.varN++;
      if ((c & 0x80) !== 0) return this.varN < 4 ? 1 : -Decode5Err.VARINT_TOO_LONG;
      if (this.varN > 1 && c === 0) return -Decode5Err.VARINT_NOT_MINIMAL;
      this.start = u32(pos + 1);
      if (this.len > u32(total - this.start)) return -Decode5Err.PROPERTY_LENGTH;
      this.at = at;
      this.keep = at <= cap && this.len <= u32(cap - at);
      return 1;
    }
    const n: u32 = minOf(d.length, u32(this.start + this.len - pos));
    if (this.keep) copyBytes(rx, u32(this.at + pos - this.start), d.subarray(0, n));
    return i32(n);
  }

  /** Where the payload starts once the block is read; 0 before. */
  end(pos: u32): u32 {
    const e: u32 = u32(this.start + this.len);
    return this.start > 0 && pos === e ? e : 0;
  }
}

function minOf(a: u32, b: u32): u32 {
  return a < b ? a : b;
}

/** Topics of aliases 1..TOPIC_ALIASES (slot k for alias k+1), packed in one
 *  buffer of TOPIC_ALIASES x TOPIC_ALIAS_LEN bytes: a topic longer than
 *  TOPIC_ALIAS_LEN is kept when the others leave room; none is ever cut. */
export class AliasTable {
  buf: Uint8Array = new Uint8Array(ALIAS_ROOM);
  off: Uint32Array = new Uint32Array(ALIAS_SLOTS);
  /** 0: not set. */
  len: Uint32Array = new Uint32Array(ALIAS_SLOTS);
  /** Incoming: bound to a topic that did not fit (its uses are refused). */
  lost: Uint8Array = new Uint8Array(ALIAS_SLOTS);
  used: u32 = 0;

  clear(): void {
    for (let k: u32 = 0; k < ALIAS_SLOTS; k++) {
      this.len[k] = 0;
      this.lost[k] = 0;
    }
    this.used = 0;
  }

  get(k: u32): Bytes {
    const at: u32 = this.off[k];
    return this.buf.subarray(at, u32(at + this.len[k]));
  }

  /** Forgets slot k's topic, closing the gap it leaves. */
  drop(k: u32): void {
    const n: u32 = this.len[k];
    this.lost[k] = 0;
    if (n === 0) return;
    const at: u32 = this.off[k];
    copyBytes(this.buf, at, this.buf.subarray(u32(at + n), this.used));
    this.used = u32(this.used - n);
    this.len[k] = 0;
    for (let j: u32 = 0; j < ALIAS_SLOTS; j++) if (this.len[j] > 0 && this.off[j] > at) this.off[j] = u32(this.off[j] - n);
  }

  /** Binds slot k to `t` (replacing what it held). False, slot k empty,
   *  when `t` does not fit beside the others. */
  set(k: u32, t: Bytes): bool {
    this.drop(k);
    if (t.length === 0 || t.length > u32(ALIAS_ROOM - this.used)) return false;
    copyBytes(this.buf, this.used, t);
    this.off[k] = this.used;
    this.len[k] = t.length;
    this.used = u32(this.used + t.length);
    return true;
  }
}

/** Copies `src` into `dst` (cut to its size); returns the length kept. */
function keep(dst: Bytes, src: Bytes): u32 {
  const n: u32 = src.length < dst.length ? src.length : dst.length;
  copyBytes(dst, 0, src.subarray(0, n));
  return n;
}

/** Where the parts of an encoded MQTT 5 PUBLISH are (stored in the outbox). */
export class PubLayout {
  /** Offset of the topic length field. */
  topicAt: u32 = 0;
  topicLen: u32 = 0;
  /** Offset of the property length field, its value and size. */
  propsAt: u32 = 0;
  propsLen: u32 = 0;
  propsLenSize: u32 = 0;
  /** Offset of the payload. */
  payloadAt: u32 = 0;
}

/** Reads the layout of the well-formed MQTT 5 PUBLISH `m` (one we encoded). */
export function pubLayout(m: Bytes, qos: u8, l: PubLayout): void {
  let k: u32 = 1;
  while (k < 5 && (m[k] & 0x80) !== 0) k++;
  k++;
  l.topicAt = k;
  l.topicLen = u32((m[k] << 8) | m[k + 1]);
  l.propsAt = u32(k + 2 + l.topicLen + (qos > 0 ? 2 : 0));
  const r: i32 = readVarint(m, l.propsAt);
  l.propsLen = r < 0 ? 0 : u32(r);
  l.propsLenSize = remainingLengthSize(l.propsLen);
  l.payloadAt = u32(l.propsAt + l.propsLenSize + l.propsLen);
}

const layout: PubLayout = new PubLayout();

/** Size of the PUBLISH `m` rewritten with topic alias `alias`, the topic
 *  left out when `dropTopic`. */
export function aliasedSize(m: Bytes, qos: u8, dropTopic: bool): u32 {
  const l: PubLayout = layout;
  pubLayout(m, qos, l);
  const rem: u32 = aliasedRem(m, l, dropTopic);
  return u32(1 + remainingLengthSize(rem) + rem);
}

function aliasedRem(m: Bytes, l: PubLayout, dropTopic: bool): u32 {
  const newProps: u32 = u32(l.propsLen + 3);
  const head: u32 = u32(2 + (dropTopic ? 0 : l.topicLen) + u32(l.propsAt - l.topicAt - 2 - l.topicLen));
  return u32(head + remainingLengthSize(newProps) + newProps + (m.length - l.payloadAt));
}

/** Writes the stored PUBLISH `m` into `out` with a Topic Alias property
 *  `alias` first in its properties and, when `dropTopic`, an empty topic.
 *  Returns the length written, 0 when it does not fit. */
export function putAliased(out: Bytes, m: Bytes, qos: u8, alias: u16, dropTopic: bool): u32 {
  const l: PubLayout = layout;
  pubLayout(m, qos, l);
  const rem: u32 = aliasedRem(m, l, dropTopic);
  const total: u32 = u32(1 + remainingLengthSize(rem) + rem);
  if (total > out.length) return 0;
  out[0] = m[0];
  let at: u32 = putVarint(out, 1, rem);
  const tl: u32 = dropTopic ? 0 : l.topicLen;
  out[at] = u8(tl >>> 8);
  out[at + 1] = u8(tl);
  at = u32(at + 2);
  if (!dropTopic) {
    copyBytes(out, at, m.subarray(u32(l.topicAt + 2), u32(l.topicAt + 2 + tl)));
    at = u32(at + tl);
  }
  // The packet id, if any.
  const idStart: u32 = u32(l.topicAt + 2 + l.topicLen);
  copyBytes(out, at, m.subarray(idStart, l.propsAt));
  at = u32(at + (l.propsAt - idStart));
  at = putVarint(out, at, u32(l.propsLen + 3));
  out[at] = PropId.TOPIC_ALIAS;
  out[at + 1] = u8(alias >>> 8);
  out[at + 2] = u8(alias);
  at = u32(at + 3);
  copyBytes(out, at, m.subarray(u32(l.propsAt + l.propsLenSize), m.length));
  return total;
}

/** The payload of a stored MQTT 5 PUBLISH. */
export function payload5(m: Bytes, qos: u8): Bytes {
  const l: PubLayout = layout;
  pubLayout(m, qos, l);
  return m.subarray(l.payloadAt);
}

// ---------------------------------------------------------------- the other protocol version
// The outbox keeps each PUBLISH as encoded when it was accepted. One accepted
// under MQTT 3.1.1 and sent under MQTT 5 (or the other way: protocol_version
// changed, or a persisted outbox restored) is re-encoded on the way out:
// 3.1.1 -> 5 adds an empty property block, 5 -> 3.1.1 leaves the properties
// out (3.1.1 has none). Topic, packet id, flags and payload are unchanged.

/** Where the parts of the stored PUBLISH being converted are. */
class Conv {
  /** The new fixed header (first byte and remaining length), its length. */
  hdr: Uint8Array = new Uint8Array(5);
  hdrLen: u32 = 0;
  /** Topic and packet id: m[body, idEnd); the payload: m[payAt, end). */
  body: u32 = 0;
  idEnd: u32 = 0;
  payAt: u32 = 0;
  /** Adds the empty property block (3.1.1 -> 5). */
  addProps: bool = false;
  /** Output cursor: bytes written, bytes still to skip. */
  w: u32 = 0;
  skip: u32 = 0;
}

const conv: Conv = new Conv();
const ZERO: Uint8Array = new Uint8Array(1);

/** Fills `conv` for the stored PUBLISH `m` (MQTT 5 encoded when `m5`) re-encoded for the other version. */
function convLayout(m: Bytes, qos: u8, m5: bool): void {
  const c: Conv = conv;
  let k: u32 = 1;
  while (k < 5 && (m[k] & 0x80) !== 0) k++;
  k++;
  c.body = k;
  const tl: u32 = u32((m[k] << 8) | m[k + 1]);
  c.idEnd = u32(k + 2 + tl + (qos > 0 ? 2 : 0));
  let rem: u32 = u32(m.length - k);
  if (m5) {
    const l: PubLayout = layout;
    pubLayout(m, qos, l);
    c.payAt = l.payloadAt;
    rem = u32(rem - (l.payloadAt - c.idEnd));
  } else {
    c.payAt = c.idEnd;
    rem = u32(rem + 1);
  }
  c.addProps = !m5;
  c.hdr[0] = m[0];
  c.hdrLen = putVarint(c.hdr, 1, rem);
}

/** Size of the stored PUBLISH `m` re-encoded for the other protocol version. */
export function convertedSize(m: Bytes, qos: u8, m5: bool): u32 {
  convLayout(m, qos, m5);
  const c: Conv = conv;
  return u32(c.hdrLen + (c.idEnd - c.body) + (c.addProps ? 1 : 0) + (m.length - c.payAt));
}

/** Writes bytes [from, from + out.length) of convertedSize()'s packet into
 *  `out` (fewer at its end); returns how many. For streaming into tx. */
export function convertedPart(out: Bytes, m: Bytes, qos: u8, m5: bool, from: u32): u32 {
  convLayout(m, qos, m5);
  const c: Conv = conv;
  c.w = 0;
  c.skip = from;
  convPut(out, c.hdr.subarray(0, c.hdrLen));
  convPut(out, m.subarray(c.body, c.idEnd));
  if (c.addProps) convPut(out, ZERO);
  convPut(out, m.subarray(c.payAt));
  return c.w;
}

function convPut(out: Bytes, seg: Bytes): void {
  const c: Conv = conv;
  if (c.skip >= seg.length) {
    c.skip = u32(c.skip - seg.length);
    return;
  }
  const n: u32 = minOf(u32(seg.length - c.skip), u32(out.length - c.w));
  copyBytes(out, c.w, seg.subarray(c.skip, u32(c.skip + n)));
  c.w = u32(c.w + n);
  c.skip = 0;
}
