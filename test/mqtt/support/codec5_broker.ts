// The broker's half of the MQTT 5 codec, for tests only (not in the
// component): decoding what only a server receives (CONNECT, SUBSCRIBE,
// UNSUBSCRIBE) and encoding what only a server sends (CONNACK, SUBACK,
// UNSUBACK; a server's PUBLISH is codec5's encodePublishAny5). Written in the
// subset on top of codec5.ts's exported helpers, so the differential test
// compiles it to C with the rest (`npm run codegen` writes that C to
// test/support/gen/, outside the component). Section numbers: OASIS MQTT 5.0.

import { u8, u16, u32, i32, bool, Bytes, copyBytes } from "../../../ts-src/rt/rt";
import { Packet, PacketType, DecodeErr, CONNECT_WILL } from "../../../ts-src/mqtt/packet";
import { Packet5, Props5, Decode5Err, PROTOCOL_LEVEL_5, WILL_PROPS, reasonValid } from "../../../ts-src/mqtt/packet5";
import {
  decode5With, decodeProps, propsSize, propsFieldSize, putProps, subscriptionOptionsValid, isShared,
} from "../../../ts-src/mqtt/codec5";
import { packetSize, putHeader } from "../../../ts-src/mqtt/codec";
import { decodeConnectHead, connectFlagsErr, connectClientId, connectWill, connectLogin, filterEnd } from "./codec_broker";

/** decode5 for either side: every packet type, the server-only bodies too. */
export function decode5Any(input: Bytes, maxPacket: u32, forClient: bool, out: Packet5): i32 {
  return decode5With(input, maxPacket, forClient, out, serverBody5);
}

function serverBody5(body: Bytes, type: u8, out: Packet5): i32 {
  if (type === PacketType.CONNECT) return decodeConnect5(body, out);
  return decodeFilterList5(body, type === PacketType.SUBSCRIBE, out);
}

function readU16(b: Bytes, off: u32): u16 {
  return u16((b[off] << 8) | b[off + 1]);
}

/** CONNECT (3.1): codec_broker.ts's fields with level 5 required, the
 *  properties after keep alive and the will properties before the will topic.
 *  5.0 allows a password without a user name (3.1.2.9). */
function decodeConnect5(body: Bytes, out: Packet5): i32 {
  const b: Packet = out.base;
  let at: i32 = decodeConnectHead(body, b);
  if (at < 0) return i32(-at);
  if (b.protocolLevel !== PROTOCOL_LEVEL_5) return Decode5Err.BAD_PROTOCOL_LEVEL;
  const fe: DecodeErr = connectFlagsErr(b.connectFlags, false);
  if (fe !== DecodeErr.OK) return fe;
  at = decodeProps(body, u32(at), PacketType.CONNECT, out.props);
  if (at >= 0) at = connectClientId(body, u32(at), b);
  if (at >= 0 && (b.connectFlags & CONNECT_WILL) !== 0) {
    at = decodeProps(body, u32(at), WILL_PROPS, out.willProps);
    if (at >= 0) at = connectWill(body, u32(at), b);
  }
  if (at < 0) return i32(-at);
  return connectLogin(body, u32(at), b);
}

/** SUBSCRIBE (3.8.2, 3.8.3) or UNSUBSCRIBE (3.10.2, 3.10.3): packet id,
 *  properties, then filters (each with an options byte in SUBSCRIBE).
 *  `base.body` is the filter list. */
function decodeFilterList5(body: Bytes, withOptions: bool, out: Packet5): i32 {
  const b: Packet = out.base;
  if (body.length < 2) return DecodeErr.BAD_LENGTH;
  b.packetId = readU16(body, 0);
  if (b.packetId === 0) return DecodeErr.ZERO_PACKET_ID;
  const pr: i32 = decodeProps(body, 2, withOptions ? PacketType.SUBSCRIBE : PacketType.UNSUBSCRIBE, out.props);
  if (pr < 0) return i32(-pr);
  let at: u32 = u32(pr);
  b.body = body.subarray(at);
  if (at === body.length) return DecodeErr.NO_FILTERS; // [MQTT-3.8.3-2], [MQTT-3.10.3-2]
  while (at < body.length) {
    const end: i32 = filterEnd(body, at);
    if (end < 0) return i32(-end);
    const f: Bytes = body.subarray(u32(at + 2), u32(end));
    at = u32(end);
    if (withOptions) {
      if (at >= body.length) return DecodeErr.BAD_LENGTH;
      const o: u8 = body[at];
      if ((o & 3) === 3) return DecodeErr.BAD_QOS;
      if (!subscriptionOptionsValid(o)) return Decode5Err.BAD_SUBSCRIPTION_OPTIONS;
      if ((o & 0x04) !== 0 && isShared(f)) return Decode5Err.BAD_SUBSCRIPTION_OPTIONS; // [MQTT-3.8.3-4]
      at++;
    }
  }
  return 0;
}

/** Encodes CONNACK (3.2) with a reason code and properties. Returns the
 *  length, or 0 when it does not fit or is invalid (a reason code CONNACK does
 *  not have, Session Present with a refusal, bad properties). */
export function encodeConnack5(out: Bytes, sessionPresent: bool, reason: u8, props: Props5): u32 {
  if (!reasonValid(PacketType.CONNACK, reason) || (sessionPresent && reason !== 0)) return 0;
  const pl: i32 = propsSize(props, PacketType.CONNACK);
  if (pl < 0) return 0;
  const rem: u32 = u32(2 + propsFieldSize(u32(pl)));
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  const at: u32 = putHeader(out, u8(PacketType.CONNACK << 4), rem);
  out[at] = sessionPresent ? 1 : 0;
  out[at + 1] = reason;
  putProps(out, u32(at + 2), props, u32(pl));
  return total;
}

/** Encodes SUBACK (3.9) or UNSUBACK (3.11): packet id, properties, one reason
 *  code per filter. Returns the length, or 0 when it does not fit or is invalid. */
export function encodeCodesAck5(out: Bytes, type: u8, packetId: u16, codes: Bytes, props: Props5): u32 {
  if (type !== PacketType.SUBACK && type !== PacketType.UNSUBACK) return 0;
  if (packetId === 0 || codes.length === 0 || codes.length > 65536) return 0;
  for (let i: u32 = 0; i < codes.length; i++) if (!reasonValid(type, codes[i])) return 0;
  const pl: i32 = propsSize(props, type);
  if (pl < 0) return 0;
  const rem: u32 = u32(2 + propsFieldSize(u32(pl)) + codes.length);
  const total: u32 = packetSize(rem);
  if (total === 0 || total > out.length) return 0;
  let at: u32 = putHeader(out, u8(type << 4), rem);
  out[at] = u8(packetId >>> 8);
  out[at + 1] = u8(packetId);
  at = putProps(out, u32(at + 2), props, u32(pl));
  copyBytes(out, at, codes);
  return total;
}

