// The MQTT 5 differential program: for one input, decode it packet by packet
// as a receiver does and print every field (properties, the User Properties
// and Subscription Identifiers walked with nextProp), then re-encode each
// packet with the encoders and print the bytes. Runs under Node (the test
// collects the print sink) and compiled to C (diff5_main.c feeds it lines);
// test/diff/decode5.test.ts compares the two outputs line by line.

import { u8, u32, i32, bool, Bytes, bytesEqual, printStr, printInt, printHex, printLn } from "../../ts-src/rt/rt";
import { Packet, PacketType } from "../../ts-src/mqtt/packet";
import { Packet5, Props5, PropIter, PropId, reasonName, propMask } from "../../ts-src/mqtt/packet5";
import {
  encodeConnect5, encodePublishAny5, encodeAck5, encodeSubscribe5, encodeUnsubscribe5, encodeDisconnect5,
  encodeAuth5, nextProp, putUserProp, fieldEnd,
} from "../../ts-src/mqtt/codec5";
import { ConnectOptions, encodeSimple, putVarint } from "../../ts-src/mqtt/codec";
import { decode5Any, encodeConnack5, encodeCodesAck5 } from "../mqtt/support/codec5_broker";

class Scratch {
  out: Uint8Array = new Uint8Array(16384);
  extra: Uint8Array = new Uint8Array(16384);
  willExtra: Uint8Array = new Uint8Array(16384);
}

const S: Scratch = new Scratch();
const P: Packet5 = new Packet5();
const IT: PropIter = new PropIter();
const CO: ConnectOptions = new ConnectOptions();

function num(name: string, v: u32): void {
  printStr(" ");
  printStr(name);
  printStr("=");
  printInt(v);
}

function hex(name: string, b: Bytes): void {
  printStr(" ");
  printStr(name);
  printStr("=");
  printHex(b);
}

function props(tag: string, p: Props5): void {
  printStr(" ");
  printStr(tag);
  printStr("{");
  num("m", p.present);
  if (p.has(PropId.PAYLOAD_FORMAT)) num("pf", p.payloadFormat);
  if (p.has(PropId.MESSAGE_EXPIRY)) num("me", p.messageExpiry);
  if (p.has(PropId.CONTENT_TYPE)) hex("ct", p.contentType);
  if (p.has(PropId.RESPONSE_TOPIC)) hex("rt", p.responseTopic);
  if (p.has(PropId.CORRELATION_DATA)) hex("cd", p.correlationData);
  if (p.has(PropId.SESSION_EXPIRY)) num("se", p.sessionExpiry);
  if (p.has(PropId.ASSIGNED_CLIENT_ID)) hex("aci", p.assignedClientId);
  if (p.has(PropId.SERVER_KEEP_ALIVE)) num("ska", p.serverKeepAlive);
  if (p.has(PropId.AUTH_METHOD)) hex("am", p.authMethod);
  if (p.has(PropId.AUTH_DATA)) hex("ad", p.authData);
  if (p.has(PropId.REQUEST_PROBLEM_INFO)) num("rpi", p.requestProblemInfo);
  if (p.has(PropId.WILL_DELAY)) num("wd", p.willDelay);
  if (p.has(PropId.REQUEST_RESPONSE_INFO)) num("rri", p.requestResponseInfo);
  if (p.has(PropId.RESPONSE_INFO)) hex("ri", p.responseInfo);
  if (p.has(PropId.SERVER_REFERENCE)) hex("sr", p.serverReference);
  if (p.has(PropId.REASON_STRING)) hex("rs", p.reasonString);
  if (p.has(PropId.RECEIVE_MAXIMUM)) num("rm", p.receiveMaximum);
  if (p.has(PropId.TOPIC_ALIAS_MAXIMUM)) num("tam", p.topicAliasMaximum);
  if (p.has(PropId.TOPIC_ALIAS)) num("ta", p.topicAlias);
  if (p.has(PropId.MAXIMUM_QOS)) num("mq", p.maximumQos);
  if (p.has(PropId.RETAIN_AVAILABLE)) num("ra", p.retainAvailable);
  if (p.has(PropId.MAXIMUM_PACKET_SIZE)) num("mps", p.maximumPacketSize);
  if (p.has(PropId.WILDCARD_SUB_AVAILABLE)) num("wsa", p.wildcardSubAvailable);
  if (p.has(PropId.SUB_ID_AVAILABLE)) num("sia", p.subIdAvailable);
  if (p.has(PropId.SHARED_SUB_AVAILABLE)) num("ssa", p.sharedSubAvailable);
  num("uc", p.userCount);
  IT.reset();
  while (nextProp(p.raw, IT, PropId.USER_PROPERTY)) {
    printStr(" u:");
    printHex(IT.key);
    printStr("=");
    printHex(IT.value);
  }
  num("sic", p.subIdCount);
  IT.reset();
  while (nextProp(p.raw, IT, PropId.SUBSCRIPTION_ID)) num("si", IT.num);
  printStr(" }");
}

/** Rebuilds the repeatable properties of `p` as an `extra` block in `buf`
 *  (Subscription Identifiers when `withSubIds` and there are several, then User
 *  Properties: the order gen5.ts's toProps5 writes) and
 *  leaves `p` ready for the encoders. False when they do not fit. */
function rebuildExtra(p: Props5, buf: Bytes, withSubIds: bool): bool {
  let at: u32 = 0;
  if (withSubIds && p.subIdCount > 1) { // one stays in its field
    p.present = u32(p.present & ~propMask(PropId.SUBSCRIPTION_ID));
    IT.reset();
    while (nextProp(p.raw, IT, PropId.SUBSCRIPTION_ID)) {
      if (u32(buf.length - at) < 5) return false; // at <= length
      buf[at] = PropId.SUBSCRIPTION_ID;
      at = putVarint(buf, u32(at + 1), IT.num);
    }
  }
  IT.reset();
  while (nextProp(p.raw, IT, PropId.USER_PROPERTY)) {
    at = putUserProp(buf, at, IT.key, IT.value);
    if (at === 0) return false;
  }
  p.extra = buf.subarray(0, at);
  return true;
}

/** Re-encodes the decoded packet; the length (0: refused). */
function reencode(p: Packet5): u32 {
  const b: Packet = p.base;
  const out: Bytes = S.out;
  if (!rebuildExtra(p.props, S.extra, b.type === PacketType.PUBLISH)) return 0;
  switch (b.type) {
    case PacketType.CONNECT: {
      if (!rebuildExtra(p.willProps, S.willExtra, false)) return 0;
      CO.clientId = b.clientId;
      CO.userName = b.userName;
      CO.password = b.password;
      CO.willTopic = b.willTopic;
      CO.willMessage = b.willMessage;
      CO.willQos = u8((b.connectFlags >>> 3) & 3);
      CO.willRetain = (b.connectFlags & 0x20) !== 0;
      CO.cleanSession = (b.connectFlags & 0x02) !== 0;
      CO.keepAlive = b.keepAlive;
      return encodeConnect5(out, CO, p.props, p.willProps);
    }
    case PacketType.CONNACK:
      return encodeConnack5(out, b.sessionPresent, p.reasonCode, p.props);
    case PacketType.PUBLISH:
      return encodePublishAny5(out, b.topic, b.payload, b.qos, b.retain, b.dup, b.packetId, p.props);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      return encodeAck5(out, b.type, b.packetId, p.reasonCode, p.props);
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE: {
      // The encoders take one filter: only single-filter packets re-encode.
      const end: i32 = fieldEnd(b.body, 0);
      if (end < 0) return 0;
      const f: Bytes = b.body.subarray(2, u32(end));
      if (b.type === PacketType.UNSUBSCRIBE) {
        if (u32(end) !== b.body.length) return 0;
        return encodeUnsubscribe5(out, b.packetId, f, p.props);
      }
      if (u32(end + 1) !== b.body.length) return 0;
      return encodeSubscribe5(out, b.packetId, f, b.body[u32(end)], p.props);
    }
    case PacketType.SUBACK:
    case PacketType.UNSUBACK:
      return encodeCodesAck5(out, b.type, b.packetId, b.codes, p.props);
    case PacketType.DISCONNECT:
      return encodeDisconnect5(out, p.reasonCode, p.props);
    case 15:
      return encodeAuth5(out, p.reasonCode, p.props);
    default:
      return encodeSimple(out, b.type);
  }
}

/** One output line for `input`: every decode5 call over it, "|"-separated. */
export function line5(input: Bytes, maxPacket: u32, forClient: bool): void {
  let off: u32 = 0;
  let first: bool = true;
  while (true) {
    const r: i32 = decode5Any(input.subarray(off), maxPacket, forClient, P);
    if (!first) printStr(" |");
    first = false;
    printStr(" ");
    printInt(r);
    if (r < 0) break;
    const b: Packet = P.base;
    if (r === 0) {
      num("tl", b.totalLen);
      break;
    }
    num("t", b.type);
    num("f", b.flags);
    num("q", b.qos);
    num("id", b.packetId);
    hex("topic", b.topic);
    hex("payload", b.payload);
    num("sp", b.sessionPresent ? 1 : 0);
    num("rc", P.reasonCode);
    printStr(" (");
    printStr(reasonName(b.type, P.reasonCode));
    printStr(")");
    hex("codes", b.codes);
    hex("body", b.body);
    num("pl", b.protocolLevel);
    num("cf", b.connectFlags);
    num("ka", b.keepAlive);
    hex("cid", b.clientId);
    hex("wt", b.willTopic);
    hex("wm", b.willMessage);
    hex("un", b.userName);
    hex("pw", b.password);
    num("rl", b.remLen);
    num("tl", b.totalLen);
    props("p", P.props);
    if (b.type === PacketType.CONNECT) props("w", P.willProps);
    const whole: Bytes = input.subarray(off, u32(off + u32(r)));
    const n: u32 = reencode(P);
    printStr(" re=");
    if (n === 0) printStr("-");
    else printHex(S.out.subarray(0, n));
    num("eq", n !== 0 && bytesEqual(S.out.subarray(0, n), whole) ? 1 : 0);
    off = u32(off + u32(r));
    if (off >= input.length) break;
  }
  printLn();
}

