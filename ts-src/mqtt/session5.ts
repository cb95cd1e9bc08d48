// The MQTT 5 part of the client session: what one connection negotiated
// (CONNACK limits), the topic alias tables both ways, the CONNECT extras the
// application set, and the byte surgery that puts an outgoing topic alias into
// a stored PUBLISH. session.ts calls in here only when cfg.version is 5, and
// MQTT5_SUPPORT 0 (Kconfig MGOS_MQTT_V5_SUPPORT off) lets the linker drop it.
// The codec is codec5.ts / packet5.ts. docs/mqtt5.md describes the behaviour.

import { u8, u16, u32, i32, bool, Bytes, copyBytes, bytesEqual, mul32 } from "../rt/rt";
import { Packet5, Props5, PropId, Reason } from "./packet5";
import { varintSize, putVarint, readVarint, isShared } from "./codec5";

/** MQTT 5 compiled in (1) or left out (0). Out by default in C, as esp-mqtt's
 *  CONFIG_MQTT_PROTOCOL_5 (Kconfig MGOS_MQTT_V5_SUPPORT, default n; a C build
 *  without the macro leaves it out too); Node runs with it in.
 *  @kconfig MGOS_MQTT_V5_SUPPORT_VALUE
 *  @cdefault 0 */
export const MQTT5_SUPPORT: i32 = 1;
/** Topic aliases per direction and connection (our Topic Alias Maximum, and
 *  the most we use of the broker's). 0: no aliases. @kconfig MGOS_MQTT_TOPIC_ALIASES */
export const TOPIC_ALIASES: u16 = 4;
/** Longest topic an alias slot holds, bytes. @kconfig MGOS_MQTT_TOPIC_ALIAS_LEN */
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

  // ---- topic aliases
  /** Incoming: alias k+1 -> topic (length 0: never set on this connection). */
  inTopic: Uint8Array = new Uint8Array(ALIAS_ROOM);
  inLen: Uint16Array = new Uint16Array(ALIAS_SLOTS);
  /** Outgoing: alias k+1 -> topic we bound it to. */
  outTopic: Uint8Array = new Uint8Array(ALIAS_ROOM);
  outLen: Uint16Array = new Uint16Array(ALIAS_SLOTS);
  /** The next outgoing slot to (re)bind when all are taken. */
  outNext: u32 = 0;
  /** Outgoing PUBLISHes that went with an alias and no topic (for tests and stats). */
  aliasHits: u32 = 0;

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
    for (let k: u32 = 0; k < ALIAS_SLOTS; k++) {
      this.inLen[k] = 0;
      this.outLen[k] = 0;
    }
    this.outNext = 0;
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

  /** Resolves the topic of an incoming PUBLISH in pkt (3.3.2.3.4): a topic
   *  with an alias binds it, an empty topic reads it. Returns 0, or the
   *  DISCONNECT reason code: 0x94 for an alias above our maximum, 0x82 for an
   *  alias never set (or a topic too long for our slot, which we cannot hold). */
  resolveInAlias(): u8 {
    const p: Props5 = this.pkt.props;
    if (!p.has(PropId.TOPIC_ALIAS)) return 0;
    const a: u32 = p.topicAlias;
    if (a === 0 || a > TOPIC_ALIASES) return 0x94;
    const k: u32 = u32(a - 1);
    const at: u32 = mul32(k, TOPIC_ALIAS_LEN);
    const t: Bytes = this.pkt.base.topic;
    if (t.length > 0) {
      if (t.length > TOPIC_ALIAS_LEN) {
        // Not kept: a later use of this alias is then "never set".
        this.inLen[k] = 0;
        return 0;
      }
      copyBytes(this.inTopic, at, t);
      this.inLen[k] = u16(t.length);
      return 0;
    }
    const n: u32 = this.inLen[k];
    if (n === 0) return 0x82;
    this.pkt.base.topic = this.inTopic.subarray(at, u32(at + n));
    return 0;
  }

  /** The alias to send `topic` with: > 0 and `bound` true when the broker
   *  knows it (send an empty topic), > 0 and `bound` false when this packet
   *  binds it (send the topic too), 0 for none. */
  outAlias(topic: Bytes): u32 {
    const max: u32 = this.serverAliasMax < TOPIC_ALIASES ? this.serverAliasMax : TOPIC_ALIASES;
    if (max === 0 || topic.length > TOPIC_ALIAS_LEN) return 0;
    for (let k: u32 = 0; k < max; k++) {
      const n: u32 = this.outLen[k];
      const at: u32 = mul32(k, TOPIC_ALIAS_LEN);
      if (n === topic.length && bytesEqual(this.outTopic.subarray(at, u32(at + n)), topic)) return u32((k + 1) | 0x10000);
    }
    // Not bound: a free slot, else the oldest binding is replaced.
    let k: u32 = max;
    for (let j: u32 = 0; j < max; j++) {
      if (this.outLen[j] === 0) {
        k = j;
        break;
      }
    }
    if (k === max) {
      k = this.outNext % max;
      this.outNext = u32(k + 1);
    }
    copyBytes(this.outTopic, mul32(k, TOPIC_ALIAS_LEN), topic);
    this.outLen[k] = u16(topic.length);
    return u32(k + 1);
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
  l.propsLenSize = varintSize(l.propsLen);
  l.payloadAt = u32(l.propsAt + l.propsLenSize + l.propsLen);
}

const layout: PubLayout = new PubLayout();

/** Size of the PUBLISH `m` rewritten with topic alias `alias`, the topic
 *  left out when `dropTopic`. */
export function aliasedSize(m: Bytes, qos: u8, dropTopic: bool): u32 {
  const l: PubLayout = layout;
  pubLayout(m, qos, l);
  const rem: u32 = aliasedRem(m, l, dropTopic);
  return u32(1 + varintSize(rem) + rem);
}

function aliasedRem(m: Bytes, l: PubLayout, dropTopic: bool): u32 {
  const newProps: u32 = u32(l.propsLen + 3);
  const head: u32 = u32(2 + (dropTopic ? 0 : l.topicLen) + u32(l.propsAt - l.topicAt - 2 - l.topicLen));
  return u32(head + varintSize(newProps) + newProps + (m.length - l.payloadAt));
}

/** Writes the stored PUBLISH `m` into `out` with a Topic Alias property
 *  `alias` first in its properties and, when `dropTopic`, an empty topic.
 *  Returns the length written, 0 when it does not fit. */
export function putAliased(out: Bytes, m: Bytes, qos: u8, alias: u16, dropTopic: bool): u32 {
  const l: PubLayout = layout;
  pubLayout(m, qos, l);
  const rem: u32 = aliasedRem(m, l, dropTopic);
  const total: u32 = u32(1 + varintSize(rem) + rem);
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
