// MQTT 3.1.1 packet types, decode results and the decoded-packet record.
//
// Shared by the codec (codec.ts), the client session (session.ts) and the
// tests. Section numbers refer to the OASIS MQTT 3.1.1 standard.

import { u8, u16, u32, bool, Bytes, noBytes, nameAt } from "../rt/rt";

/** Control packet types (2.2.1): the high nibble of the first byte. */
export enum PacketType {
  CONNECT = 1,
  CONNACK = 2,
  PUBLISH = 3,
  PUBACK = 4,
  PUBREC = 5,
  PUBREL = 6,
  PUBCOMP = 7,
  SUBSCRIBE = 8,
  SUBACK = 9,
  UNSUBSCRIBE = 10,
  UNSUBACK = 11,
  PINGREQ = 12,
  PINGRESP = 13,
  DISCONNECT = 14,
}

/** Why decode() rejected its input; decode() returns the negated value.
 *  Every one of these makes the stream unusable: the receiver closes the
 *  connection (4.8). */
export enum DecodeErr {
  OK = 0,
  /** Packet type 0 or 15 (reserved, 2.2.1). */
  BAD_TYPE = 1,
  /** Fixed-header flags other than the ones 2.2.2 prescribes for the type. */
  RESERVED_FLAGS = 2,
  /** QoS 3 in a PUBLISH (3.3.1-4), a SUBSCRIBE request or a CONNECT will. */
  BAD_QOS = 3,
  /** A packet identifier of 0 (2.3.1-1). */
  ZERO_PACKET_ID = 4,
  /** Remaining length longer than 4 bytes (2.2.3). */
  LENGTH_TOO_LONG = 5,
  /** The whole packet is larger than the receiver's limit. */
  TOO_LARGE = 6,
  /** A length-prefixed field runs past the end of the packet (1.5.3, 1.5.6). */
  STRING_OVERRUN = 7,
  /** Ill-formed UTF-8, a surrogate, or U+0000 in a string (1.5.3). */
  BAD_UTF8 = 8,
  /** `+` or `#` in a topic name (3.3.2-2, 4.7.1). */
  TOPIC_WILDCARD = 9,
  /** A zero-length topic name or filter (4.7.3-1). */
  EMPTY_TOPIC = 10,
  /** A packet a server never sends to a client (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT). */
  NOT_FOR_CLIENT = 11,
  /** Remaining length inconsistent with the packet's contents (e.g. a PUBACK not 2 bytes, trailing bytes). */
  BAD_LENGTH = 12,
  /** CONNECT protocol name other than "MQTT" (3.1.2.1). */
  BAD_PROTOCOL = 13,
  /** CONNACK reserved flag bits set, or session present with a refusal (3.2.2.1, 3.2.2-4). */
  BAD_CONNACK_FLAGS = 14,
  /** CONNACK return code above 5 (3.2.2.3). */
  BAD_RETURN_CODE = 15,
  /** SUBACK return code other than 0, 1, 2, 0x80 (3.9.3). */
  BAD_SUBACK_CODE = 16,
  /** CONNECT flags breaking 3.1.2-3 (reserved bit), -11/-13 (will), -22 (password without user). */
  BAD_CONNECT_FLAGS = 17,
  /** A malformed topic filter: misplaced `#` or `+` (4.7.1). */
  BAD_FILTER = 18,
  /** SUBSCRIBE or UNSUBSCRIBE without any topic filter (3.8.3-3, 3.10.3-2). */
  NO_FILTERS = 19,
  /** DUP set on a QoS 0 PUBLISH (3.3.1-2). */
  BAD_DUP = 20,
  /** Reserved bits set in a SUBSCRIBE requested-QoS byte (3.8.3-4). */
  BAD_SUBSCRIBE_OPTIONS = 21,
}

/** A short reason for logs and close messages, for each DecodeErr a
 *  client's decoder returns (decodeForClient), indexed by the code; "" for the
 *  server side's (CONNECT, SUBSCRIBE, UNSUBSCRIBE), named by decodeErrNameAll,
 *  so a client link carries only the names a client can print. */
const CLIENT_ERR_NAMES: readonly string[] = [
  "", // OK
  "reserved packet type",
  "bad header flags",
  "QoS 3",
  "packet id 0",
  "length over 4 bytes",
  "packet too large",
  "field past packet end",
  "bad UTF-8",
  "wildcard in topic",
  "empty topic",
  "type not for a client",
  "bad remaining length",
  "", // BAD_PROTOCOL
  "bad CONNACK flags",
  "bad CONNACK code",
  "bad SUBACK code",
  "", // BAD_CONNECT_FLAGS
  "", // BAD_FILTER
  "", // NO_FILTERS
  "DUP on QoS 0",
];

/** The name of a DecodeErr the client's decoder returns (CLIENT_ERR_NAMES). */
export function decodeErrName(e: DecodeErr): string {
  return nameAt(CLIENT_ERR_NAMES, e, "unknown decode error");
}

/** decodeErrName for every DecodeErr, the server side's too (the broker-side
 *  decoder, test tools).
 *  @cextern test/c/test_codec.c and the fuzzers call it */
export function decodeErrNameAll(e: DecodeErr): string {
  switch (e) {
    case DecodeErr.OK: return "ok";
    case DecodeErr.BAD_PROTOCOL: return "protocol not MQTT";
    case DecodeErr.BAD_CONNECT_FLAGS: return "bad CONNECT flags";
    case DecodeErr.BAD_FILTER: return "bad topic filter";
    case DecodeErr.NO_FILTERS: return "no topic filter";
    case DecodeErr.BAD_SUBSCRIBE_OPTIONS: return "bad requested QoS";
    default: return decodeErrName(e);
  }
}

/** One decoded packet. The Bytes fields are views into the decoder's input:
 *  valid until that buffer changes. Fields a packet type does not carry are
 *  0 / false / empty. */
export class Packet {
  /** PacketType. */
  type: u8 = 0;
  /** The low nibble of the first byte. */
  flags: u8 = 0;
  /** PUBLISH only. */
  dup: bool = false;
  qos: u8 = 0;
  retain: bool = false;
  /** PUBLISH (QoS > 0), PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK. */
  packetId: u16 = 0;
  /** PUBLISH topic name. */
  topic: Bytes = noBytes();
  /** PUBLISH application message. */
  payload: Bytes = noBytes();
  /** CONNACK. */
  sessionPresent: bool = false;
  returnCode: u8 = 0;
  /** SUBACK return codes, one byte per requested filter. */
  codes: Bytes = noBytes();
  /** SUBSCRIBE / UNSUBSCRIBE: the topic-filter list after the packet id
   *  (length-prefixed filters, each followed by its QoS byte in SUBSCRIBE). */
  body: Bytes = noBytes();
  /** CONNECT. Absent strings are empty; connectFlags tells absent from empty. */
  protocolLevel: u8 = 0;
  connectFlags: u8 = 0;
  keepAlive: u16 = 0;
  clientId: Bytes = noBytes();
  willTopic: Bytes = noBytes();
  willMessage: Bytes = noBytes();
  userName: Bytes = noBytes();
  password: Bytes = noBytes();
  /** Remaining length from the fixed header. */
  remLen: u32 = 0;
  /** Size of the whole packet: fixed header + remaining length. Also set when
   *  decode() returns 0 after a complete fixed header (the size still to come). */
  totalLen: u32 = 0;

  /** Back to "nothing decoded". The views are new empty ones (C: {NULL, 0},
   *  stores of zero; a shared constant view would be loaded from flash). */
  reset(): void {
    this.resetClient();
    this.body = noBytes();
    this.protocolLevel = 0;
    this.connectFlags = 0;
    this.keepAlive = 0;
    this.clientId = noBytes();
    this.willTopic = noBytes();
    this.willMessage = noBytes();
    this.userName = noBytes();
    this.password = noBytes();
  }

  /** reset() of the fields a client's decoder sets (decodeForClient): the
   *  server-side ones (CONNECT's, SUBSCRIBE's body) only a broker's decoder
   *  writes, so a client's packet keeps them empty without this. */
  resetClient(): void {
    this.type = 0;
    this.flags = 0;
    this.dup = false;
    this.qos = 0;
    this.retain = false;
    this.packetId = 0;
    this.topic = noBytes();
    this.payload = noBytes();
    this.sessionPresent = false;
    this.returnCode = 0;
    this.codes = noBytes();
    this.remLen = 0;
    this.totalLen = 0;
  }
}

// CONNECT flag bits (3.1.2.3).
export const CONNECT_USER_NAME: u8 = 0x80;
export const CONNECT_PASSWORD: u8 = 0x40;
export const CONNECT_WILL_RETAIN: u8 = 0x20;
/** Will QoS sits in bits 3-4. */
export const CONNECT_WILL_QOS_SHIFT: u8 = 3;
export const CONNECT_WILL: u8 = 0x04;
export const CONNECT_CLEAN_SESSION: u8 = 0x02;

// PUBLISH fixed-header flag bits (3.3.1).
export const PUBLISH_DUP: u8 = 0x08;
export const PUBLISH_RETAIN: u8 = 0x01;

/** The largest remaining length the 4-byte encoding can carry (2.2.3). */
export const MAX_REMAINING_LENGTH: u32 = 268435455;
/** SUBACK return code for a refused subscription (3.9.3). */
export const SUBACK_FAILURE: u8 = 0x80;

