// MQTT 5.0 additions to the packet model: property ids, reason codes, the
// decoder's v5 errors, the decoded-properties record and the decoded packet.
//
// Section numbers refer to the OASIS MQTT Version 5.0 standard. The codec is
// codec5.ts; the 3.1.1 model (packet.ts) is reused for everything the two
// versions share (packet types, CONNECT flags, the decoded Packet fields).
//
// How the session uses this (the session is mqtt5conn's work): one Packet5 per
// connection; decode5ForClient() fills it from the receive buffer (views, no
// copies), then the session handles `pkt.base` exactly as for 3.1.1 and reads
// `reasonCode` and `props` on top: CONNACK limits (receiveMaximum,
// maximumPacketSize, topicAliasMaximum, serverKeepAlive, assignedClientId,
// maximumQos, retainAvailable), PUBLISH topic aliases (an empty topic with
// `props.topicAlias` set) and user properties through nextProp(). To send, it
// fills a Props5 (set the value, then props.set(PropId.X)) and calls the
// encode*5() functions of codec5.ts with its transmit buffer. reasonName()
// names codes in logs.

import { u8, u16, u32, bool, Bytes, noBytes, nameAt } from "../rt/rt";
import { Packet, PacketType } from "./packet";

/** The protocol level of MQTT 5.0 (3.1.2.2). */
export const PROTOCOL_LEVEL_5: u8 = 5;
/** AUTH (3.15): the packet type 5.0 adds to 3.1.1's fourteen. */
export const PACKET_AUTH: u8 = 15;

/** Property identifiers (2.2.2.2, table 2-4). */
export enum PropId {
  PAYLOAD_FORMAT = 0x01,
  MESSAGE_EXPIRY = 0x02,
  CONTENT_TYPE = 0x03,
  RESPONSE_TOPIC = 0x08,
  CORRELATION_DATA = 0x09,
  SUBSCRIPTION_ID = 0x0b,
  SESSION_EXPIRY = 0x11,
  ASSIGNED_CLIENT_ID = 0x12,
  SERVER_KEEP_ALIVE = 0x13,
  AUTH_METHOD = 0x15,
  AUTH_DATA = 0x16,
  REQUEST_PROBLEM_INFO = 0x17,
  WILL_DELAY = 0x18,
  REQUEST_RESPONSE_INFO = 0x19,
  RESPONSE_INFO = 0x1a,
  SERVER_REFERENCE = 0x1c,
  REASON_STRING = 0x1f,
  RECEIVE_MAXIMUM = 0x21,
  TOPIC_ALIAS_MAXIMUM = 0x22,
  TOPIC_ALIAS = 0x23,
  MAXIMUM_QOS = 0x24,
  RETAIN_AVAILABLE = 0x25,
  USER_PROPERTY = 0x26,
  MAXIMUM_PACKET_SIZE = 0x27,
  WILDCARD_SUB_AVAILABLE = 0x28,
  SUB_ID_AVAILABLE = 0x29,
  SHARED_SUB_AVAILABLE = 0x2a,
}

/** The largest property id. */
export const MAX_PROP_ID: u8 = 0x2a;

/** Where properties may appear: bit `t` for packet type `t` (1..15), bit 0
 *  for the will properties in a CONNECT payload (3.1.3.2). */
export const WILL_PROPS: u8 = 0;

/** Reason codes (2.4, table 2-6). 0x00 is Success, Normal disconnection and
 *  Granted QoS 0 by packet. */
export enum Reason {
  SUCCESS = 0x00,
  GRANTED_QOS_1 = 0x01,
  GRANTED_QOS_2 = 0x02,
  DISCONNECT_WITH_WILL = 0x04,
  NO_MATCHING_SUBSCRIBERS = 0x10,
  NO_SUBSCRIPTION_EXISTED = 0x11,
  CONTINUE_AUTHENTICATION = 0x18,
  RE_AUTHENTICATE = 0x19,
  UNSPECIFIED_ERROR = 0x80,
  MALFORMED_PACKET = 0x81,
  PROTOCOL_ERROR = 0x82,
  IMPLEMENTATION_SPECIFIC_ERROR = 0x83,
  UNSUPPORTED_PROTOCOL_VERSION = 0x84,
  CLIENT_ID_NOT_VALID = 0x85,
  BAD_USER_NAME_OR_PASSWORD = 0x86,
  NOT_AUTHORIZED = 0x87,
  SERVER_UNAVAILABLE = 0x88,
  SERVER_BUSY = 0x89,
  BANNED = 0x8a,
  SERVER_SHUTTING_DOWN = 0x8b,
  BAD_AUTHENTICATION_METHOD = 0x8c,
  KEEP_ALIVE_TIMEOUT = 0x8d,
  SESSION_TAKEN_OVER = 0x8e,
  TOPIC_FILTER_INVALID = 0x8f,
  TOPIC_NAME_INVALID = 0x90,
  PACKET_ID_IN_USE = 0x91,
  PACKET_ID_NOT_FOUND = 0x92,
  RECEIVE_MAXIMUM_EXCEEDED = 0x93,
  TOPIC_ALIAS_INVALID = 0x94,
  PACKET_TOO_LARGE = 0x95,
  MESSAGE_RATE_TOO_HIGH = 0x96,
  QUOTA_EXCEEDED = 0x97,
  ADMINISTRATIVE_ACTION = 0x98,
  PAYLOAD_FORMAT_INVALID = 0x99,
  RETAIN_NOT_SUPPORTED = 0x9a,
  QOS_NOT_SUPPORTED = 0x9b,
  USE_ANOTHER_SERVER = 0x9c,
  SERVER_MOVED = 0x9d,
  SHARED_SUBS_NOT_SUPPORTED = 0x9e,
  CONNECTION_RATE_EXCEEDED = 0x9f,
  MAXIMUM_CONNECT_TIME = 0xa0,
  SUB_IDS_NOT_SUPPORTED = 0xa1,
  WILDCARD_SUBS_NOT_SUPPORTED = 0xa2,
}

/** Why decode5() rejected its input (it returns the negated value). Values
 *  1..21 are packet.ts's DecodeErr (the same meaning under 5.0); these follow
 *  them. Each is a Malformed Packet or Protocol Error (4.13): the client
 *  answers with DISCONNECT and reason5ForErr(). */
export enum Decode5Err {
  /** A property identifier 5.0 does not define (2.2.2.2). */
  UNKNOWN_PROPERTY = 32,
  /** A property the packet may not carry (2.2.2.2, table 2-4). */
  PROPERTY_NOT_ALLOWED = 33,
  /** A property given twice where only one is allowed (e.g. 3.1.2.11). */
  DUPLICATE_PROPERTY = 34,
  /** The property length or a property's own length runs past its end (2.2.2.1). */
  PROPERTY_LENGTH = 35,
  /** A Variable Byte Integer longer than 4 bytes (1.5.5). */
  VARINT_TOO_LONG = 36,
  /** A Variable Byte Integer not in its shortest form [MQTT-1.5.5-1]. */
  VARINT_NOT_MINIMAL = 37,
  /** A property value out of its range: a 0/1 byte above 1, Receive Maximum,
   *  Maximum Packet Size or Subscription Identifier 0 (3.1.2.11, 3.2.2.3, 3.3.2.3). */
  BAD_PROPERTY_VALUE = 38,
  /** Topic Alias 0 [MQTT-3.3.2-8]. */
  TOPIC_ALIAS_ZERO = 39,
  /** A reason code not defined for this packet (2.4, table 2-6). */
  BAD_REASON_CODE = 40,
  /** Authentication Data without an Authentication Method (3.1.2.11.10). */
  AUTH_DATA_WITHOUT_METHOD = 41,
  /** A Response Topic with wildcards [MQTT-3.3.2-14]. */
  BAD_RESPONSE_TOPIC = 42,
  /** An empty topic name without a Topic Alias (3.3.2.1). */
  EMPTY_TOPIC_NO_ALIAS = 43,
  /** Subscription options with reserved bits or retain handling 3 [MQTT-3.8.3-5]. */
  BAD_SUBSCRIPTION_OPTIONS = 44,
  /** The CONNECT protocol level is not 5 (decode5 only reads 5.0). */
  BAD_PROTOCOL_LEVEL = 45,
}

/** The first Decode5Err value; smaller codes are DecodeErr values. */
export const DECODE5_ERR_FIRST: u8 = 32;

/** One decoded or to-be-encoded property set (2.2.2). Which properties are
 *  there is the `present` mask (bit propBit(id)); a field not present holds 0
 *  or an empty view. Decoded Bytes are views into the packet.
 *  Repeatable properties (User Property, and Subscription Identifier in a
 *  server's PUBLISH) are not copied: `raw` is the whole decoded property
 *  block, walked with nextProp(); `subscriptionId` holds the first one and the
 *  counts say how many. To encode them, put them pre-encoded in `extra`
 *  (putUserProp()); the encoder copies `extra` after the fixed properties. */
export class Props5 {
  /** Bit propBit(id) set for each property present. */
  present: u32 = 0;
  payloadFormat: u8 = 0;
  messageExpiry: u32 = 0;
  contentType: Bytes = noBytes();
  responseTopic: Bytes = noBytes();
  correlationData: Bytes = noBytes();
  subscriptionId: u32 = 0;
  sessionExpiry: u32 = 0;
  assignedClientId: Bytes = noBytes();
  serverKeepAlive: u16 = 0;
  authMethod: Bytes = noBytes();
  authData: Bytes = noBytes();
  requestProblemInfo: u8 = 0;
  willDelay: u32 = 0;
  requestResponseInfo: u8 = 0;
  responseInfo: Bytes = noBytes();
  serverReference: Bytes = noBytes();
  reasonString: Bytes = noBytes();
  receiveMaximum: u16 = 0;
  topicAliasMaximum: u16 = 0;
  topicAlias: u16 = 0;
  maximumQos: u8 = 0;
  retainAvailable: u8 = 0;
  maximumPacketSize: u32 = 0;
  wildcardSubAvailable: u8 = 0;
  subIdAvailable: u8 = 0;
  sharedSubAvailable: u8 = 0;
  /** Decoded: how many User Properties and Subscription Identifiers. */
  userCount: u32 = 0;
  subIdCount: u32 = 0;
  /** Decoded: the whole property block (after its length). */
  raw: Bytes = noBytes();
  /** To encode: pre-encoded User Properties (and, for a server's PUBLISH,
   *  Subscription Identifiers), appended as they are. */
  extra: Bytes = noBytes();

  /** Whether property `id` is present. */
  has(id: u8): bool {
    return (this.present & propMask(id)) !== 0;
  }
  /** Marks property `id` present (after its value field was set). */
  set(id: u8): void {
    this.present = u32(this.present | propMask(id));
  }
  /** Back to "no properties". */
  reset(): void {
    this.present = 0;
    this.payloadFormat = 0;
    this.messageExpiry = 0;
    this.contentType = EMPTY;
    this.responseTopic = EMPTY;
    this.correlationData = EMPTY;
    this.subscriptionId = 0;
    this.sessionExpiry = 0;
    this.assignedClientId = EMPTY;
    this.serverKeepAlive = 0;
    this.authMethod = EMPTY;
    this.authData = EMPTY;
    this.requestProblemInfo = 0;
    this.willDelay = 0;
    this.requestResponseInfo = 0;
    this.responseInfo = EMPTY;
    this.serverReference = EMPTY;
    this.reasonString = EMPTY;
    this.receiveMaximum = 0;
    this.topicAliasMaximum = 0;
    this.topicAlias = 0;
    this.maximumQos = 0;
    this.retainAvailable = 0;
    this.maximumPacketSize = 0;
    this.wildcardSubAvailable = 0;
    this.subIdAvailable = 0;
    this.sharedSubAvailable = 0;
    this.userCount = 0;
    this.subIdCount = 0;
    this.raw = EMPTY;
    this.extra = EMPTY;
  }
}

const EMPTY: Bytes = noBytes();

/** One decoded MQTT 5 packet. `base` holds what 3.1.1 also has, with the same
 *  meaning (for CONNACK `base.returnCode` stays 0: the reason code is
 *  `reasonCode`; for SUBACK and UNSUBACK `base.codes` are the reason codes).
 *  `props` are the packet's properties, `willProps` the CONNECT will's. */
export class Packet5 {
  base: Packet = new Packet();
  /** CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, DISCONNECT, AUTH (0 when omitted). */
  reasonCode: u8 = 0;
  props: Props5 = new Props5();
  willProps: Props5 = new Props5();

  reset(): void {
    this.base.reset();
    this.reasonCode = 0;
    this.props.reset();
    this.willProps.reset();
  }
}

/** A cursor over a property block for nextProp(). */
export class PropIter {
  /** Offset of the next property in the block; 0 to start. */
  off: u32 = 0;
  /** The property found. */
  id: u8 = 0;
  /** User Property: name and value. */
  key: Bytes = noBytes();
  value: Bytes = noBytes();
  /** Subscription Identifier (and any other integer property): its value. */
  num: u32 = 0;

  reset(): void {
    this.off = 0;
    this.id = 0;
    this.key = EMPTY;
    this.value = EMPTY;
    this.num = 0;
  }
}

// ---------------------------------------------------------------- property table

/** Property value encodings (2.2.2.2). */
export enum PropKind {
  NONE = 0,
  BYTE = 1,
  U16 = 2,
  U32 = 3,
  VARINT = 4,
  UTF8 = 5,
  BINARY = 6,
  PAIR = 7,
}

// Packet-type bits of the table (bit 0: will properties).
const W: u32 = 0x1;
const CONNECT: u32 = 0x2;
const CONNACK: u32 = 0x4;
const PUBLISH: u32 = 0x8;
const PUBACK: u32 = 0x10;
const PUBREC: u32 = 0x20;
const PUBREL: u32 = 0x40;
const PUBCOMP: u32 = 0x80;
const SUBSCRIBE: u32 = 0x100;
const SUBACK: u32 = 0x200;
const UNSUBSCRIBE: u32 = 0x400;
const UNSUBACK: u32 = 0x800;
const DISCONNECT: u32 = 0x4000;
const AUTH: u32 = 0x8000;

const REPEATABLE: u32 = 0x2000000;
/** Per property id: packets where allowed (bits 0-15: bit t for packet type
 *  t, bit 0 for will properties), kind (bits 16-19), presence bit (bits
 *  20-24), repeatable (bit 25). 0: not a property. Table 2-4 of 2.2.2.2. */
const PROP_INFO: readonly u32[] = [
  0,
  /* 0x01 */ (PUBLISH | W) | (PropKind.BYTE << 16) | (0 << 20),
  /* 0x02 */ (PUBLISH | W) | (PropKind.U32 << 16) | (1 << 20),
  /* 0x03 */ (PUBLISH | W) | (PropKind.UTF8 << 16) | (2 << 20),
  0, 0, 0, 0,
  /* 0x08 */ (PUBLISH | W) | (PropKind.UTF8 << 16) | (3 << 20),
  /* 0x09 */ (PUBLISH | W) | (PropKind.BINARY << 16) | (4 << 20),
  0,
  /* 0x0b */ (PUBLISH | SUBSCRIBE) | (PropKind.VARINT << 16) | (5 << 20) | REPEATABLE,
  0, 0, 0, 0, 0,
  /* 0x11 */ (CONNECT | CONNACK | DISCONNECT) | (PropKind.U32 << 16) | (6 << 20),
  /* 0x12 */ (CONNACK) | (PropKind.UTF8 << 16) | (7 << 20),
  /* 0x13 */ (CONNACK) | (PropKind.U16 << 16) | (8 << 20),
  0,
  /* 0x15 */ (CONNECT | CONNACK | AUTH) | (PropKind.UTF8 << 16) | (9 << 20),
  /* 0x16 */ (CONNECT | CONNACK | AUTH) | (PropKind.BINARY << 16) | (10 << 20),
  /* 0x17 */ (CONNECT) | (PropKind.BYTE << 16) | (11 << 20),
  /* 0x18 */ (W) | (PropKind.U32 << 16) | (12 << 20),
  /* 0x19 */ (CONNECT) | (PropKind.BYTE << 16) | (13 << 20),
  /* 0x1a */ (CONNACK) | (PropKind.UTF8 << 16) | (14 << 20),
  0,
  /* 0x1c */ (CONNACK | DISCONNECT) | (PropKind.UTF8 << 16) | (15 << 20),
  0, 0,
  /* 0x1f */ (CONNACK | PUBACK | PUBREC | PUBREL | PUBCOMP | SUBACK | UNSUBACK | DISCONNECT | AUTH) |
    (PropKind.UTF8 << 16) | (16 << 20),
  0,
  /* 0x21 */ (CONNECT | CONNACK) | (PropKind.U16 << 16) | (17 << 20),
  /* 0x22 */ (CONNECT | CONNACK) | (PropKind.U16 << 16) | (18 << 20),
  /* 0x23 */ (PUBLISH) | (PropKind.U16 << 16) | (19 << 20),
  /* 0x24 */ (CONNACK) | (PropKind.BYTE << 16) | (20 << 20),
  /* 0x25 */ (CONNACK) | (PropKind.BYTE << 16) | (21 << 20),
  /* 0x26 */ (CONNECT | CONNACK | PUBLISH | W | PUBACK | PUBREC | PUBREL | PUBCOMP |
    SUBSCRIBE | SUBACK | UNSUBSCRIBE | UNSUBACK | DISCONNECT | AUTH) | (PropKind.PAIR << 16) | (22 << 20) | REPEATABLE,
  /* 0x27 */ (CONNECT | CONNACK) | (PropKind.U32 << 16) | (23 << 20),
  /* 0x28 */ (CONNACK) | (PropKind.BYTE << 16) | (24 << 20),
  /* 0x29 */ (CONNACK) | (PropKind.BYTE << 16) | (25 << 20),
  /* 0x2a */ (CONNACK) | (PropKind.BYTE << 16) | (26 << 20),
];

function propInfo(id: u8): u32 {
  return id <= MAX_PROP_ID ? PROP_INFO[id] : 0;
}

/** The encoding of property `id` (NONE for an unknown id). */
export function propKind(id: u8): u8 {
  return u8((propInfo(id) >>> 16) & 0xf);
}

/** The presence-mask bit of property `id` (0 for an unknown id). */
export function propMask(id: u8): u32 {
  const info: u32 = propInfo(id);
  if (info === 0) return 0;
  return u32(1 << ((info >>> 20) & 0x1f));
}

/** Whether property `id` may appear more than once in one packet. */
export function propRepeatable(id: u8): bool {
  return (propInfo(id) & REPEATABLE) !== 0;
}

/** Whether property `id` is allowed in packet type `where` (WILL_PROPS for
 *  the will properties). */
export function propAllowed(id: u8, where: u8): bool {
  return (propInfo(id) & (1 << (where & 15))) !== 0;
}

// ---------------------------------------------------------------- reason codes

// Per reason code (sorted), the packet types it is defined for (bit t). Table 2-6.
const REASON_CODES: readonly u8[] = [
  0x00, 0x01, 0x02, 0x04, 0x10, 0x11, 0x18, 0x19, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
  0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
  0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2,
];
const REASON_PACKETS: readonly u16[] = [
  /* 0x00 */ CONNACK | PUBACK | PUBREC | PUBREL | PUBCOMP | SUBACK | UNSUBACK | DISCONNECT | AUTH,
  /* 0x01 */ SUBACK,
  /* 0x02 */ SUBACK,
  /* 0x04 */ DISCONNECT,
  /* 0x10 */ PUBACK | PUBREC,
  /* 0x11 */ UNSUBACK,
  /* 0x18 */ AUTH,
  /* 0x19 */ AUTH,
  /* 0x80 */ CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT,
  /* 0x81 */ CONNACK | DISCONNECT,
  /* 0x82 */ CONNACK | DISCONNECT,
  /* 0x83 */ CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT,
  /* 0x84 */ CONNACK,
  /* 0x85 */ CONNACK,
  /* 0x86 */ CONNACK,
  /* 0x87 */ CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT,
  /* 0x88 */ CONNACK,
  /* 0x89 */ CONNACK | DISCONNECT,
  /* 0x8a */ CONNACK,
  /* 0x8b */ DISCONNECT,
  /* 0x8c */ CONNACK,
  /* 0x8d */ DISCONNECT,
  /* 0x8e */ DISCONNECT,
  /* 0x8f */ SUBACK | UNSUBACK | DISCONNECT,
  /* 0x90 */ CONNACK | PUBACK | PUBREC | DISCONNECT,
  /* 0x91 */ PUBACK | PUBREC | SUBACK | UNSUBACK,
  /* 0x92 */ PUBREL | PUBCOMP,
  /* 0x93 */ DISCONNECT,
  /* 0x94 */ DISCONNECT,
  /* 0x95 */ CONNACK | DISCONNECT,
  /* 0x96 */ DISCONNECT,
  /* 0x97 */ CONNACK | PUBACK | PUBREC | SUBACK | DISCONNECT,
  /* 0x98 */ DISCONNECT,
  /* 0x99 */ CONNACK | PUBACK | PUBREC | DISCONNECT,
  /* 0x9a */ CONNACK | DISCONNECT,
  /* 0x9b */ CONNACK | DISCONNECT,
  /* 0x9c */ CONNACK | DISCONNECT,
  /* 0x9d */ CONNACK | DISCONNECT,
  /* 0x9e */ SUBACK | DISCONNECT,
  /* 0x9f */ CONNACK | DISCONNECT,
  /* 0xa0 */ DISCONNECT,
  /* 0xa1 */ SUBACK | DISCONNECT,
  /* 0xa2 */ SUBACK | DISCONNECT,
];

/** Whether `code` is a reason code of packet type `type` (table 2-6). */
export function reasonValid(type: u8, code: u8): bool {
  for (let i: u32 = 0; i < REASON_CODES.length; i++) {
    if (REASON_CODES[i] === code) return (REASON_PACKETS[i] & (1 << (type & 15))) !== 0;
  }
  return false;
}

/** The spec's names of the reason codes (table 2-6), for logs: 0x00..0x19
 *  at their own index, 0x80..0xa2 from index 0x1a on ("" where a code has
 *  none). Code 0 is "Success" but in a SUBACK and a DISCONNECT (reasonName). */
const REASON_NAMES: readonly string[] = [
  "Success", // 0x00
  "Granted QoS 1",
  "Granted QoS 2",
  "",
  "Disconnect with Will Message", // 0x04
  "", "", "", "", "", "", "", "", "", "", "",
  "No matching subscribers", // 0x10
  "No subscription existed",
  "", "", "", "", "", "",
  "Continue authentication", // 0x18
  "Re-authenticate",
  "Unspecified error", // 0x80
  "Malformed Packet",
  "Protocol Error",
  "Implementation specific error",
  "Unsupported Protocol Version",
  "Client Identifier not valid",
  "Bad User Name or Password",
  "Not authorized",
  "Server unavailable",
  "Server busy",
  "Banned",
  "Server shutting down",
  "Bad authentication method",
  "Keep Alive timeout",
  "Session taken over",
  "Topic Filter invalid",
  "Topic Name invalid", // 0x90
  "Packet Identifier in use",
  "Packet Identifier not found",
  "Receive Maximum exceeded",
  "Topic Alias invalid",
  "Packet too large",
  "Message rate too high",
  "Quota exceeded",
  "Administrative action",
  "Payload format invalid",
  "Retain not supported",
  "QoS not supported",
  "Use another server",
  "Server moved",
  "Shared Subscriptions not supported",
  "Connection rate exceeded",
  "Maximum connect time", // 0xa0
  "Subscription Identifiers not supported",
  "Wildcard Subscriptions not supported",
];

/** The spec's name of reason code `code` in packet type `type`, for logs. */
export function reasonName(type: u8, code: u8): string {
  if (code === 0x00 && type === PacketType.SUBACK) return "Granted QoS 0";
  if (code === 0x00 && type === PacketType.DISCONNECT) return "Normal disconnection";
  // 0x1a..0x7f name nothing: index 0xff is past the list.
  return nameAt(REASON_NAMES, code < 0x1a ? code : code >= 0x80 ? code - 0x80 + 0x1a : 0xff, "unknown reason code");
}

/** A short reason for each Decode5Err, for logs, from DECODE5_ERR_FIRST on. */
const DECODE5_ERR_NAMES: readonly string[] = [
  "unknown property id", // UNKNOWN_PROPERTY
  "property not allowed in this packet",
  "property given twice",
  "property length runs past its end",
  "variable byte integer over 4 bytes",
  "variable byte integer not minimal",
  "property value out of range",
  "topic alias 0",
  "reason code not valid for the packet",
  "authentication data without method",
  "wildcard in response topic",
  "empty topic without topic alias",
  "bad subscription options",
  "protocol level is not 5", // BAD_PROTOCOL_LEVEL
];

/** A short reason for a Decode5Err, for logs. */
export function decode5ErrName(e: u8): string {
  return nameAt(DECODE5_ERR_NAMES, e >= DECODE5_ERR_FIRST ? e - DECODE5_ERR_FIRST : 0xff, "unknown decode error");
}

/** The reason code a client's DISCONNECT gives for decode error `e`
 *  (a DecodeErr or Decode5Err): Packet too large for TOO_LARGE, Topic Alias
 *  invalid for a zero alias, Protocol Error for the errors 4.13 and the
 *  packet sections call protocol errors, Malformed Packet otherwise. */
export function reason5ForErr(e: u8): u8 {
  switch (e) {
    case 6: return Reason.PACKET_TOO_LARGE; // DecodeErr.TOO_LARGE
    case Decode5Err.TOPIC_ALIAS_ZERO: return Reason.TOPIC_ALIAS_INVALID;
    case Decode5Err.DUPLICATE_PROPERTY:
    case Decode5Err.PROPERTY_NOT_ALLOWED:
    case Decode5Err.BAD_PROPERTY_VALUE:
    case Decode5Err.AUTH_DATA_WITHOUT_METHOD:
    case Decode5Err.BAD_RESPONSE_TOPIC:
    case Decode5Err.EMPTY_TOPIC_NO_ALIAS:
    case 11: // DecodeErr.NOT_FOR_CLIENT
      return Reason.PROTOCOL_ERROR;
    default:
      return Reason.MALFORMED_PACKET;
  }
}
