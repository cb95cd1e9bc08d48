// Random MQTT 5 packets for the codec tests (Node only): a seeded generator of
// packet descriptions in mqtt-packet's own object shape (so mqtt-packet can
// generate them), our encoders for the same descriptions, and a normal form
// that decoded packets from both sides are compared in.
//
// Which properties each packet may carry is written out here from the
// standard's table 2-4 (2.2.2.2), independently of packet5.ts's table, so a
// mistake there shows up as a disagreement.

import { Packet5, Props5, PropIter, PropId } from "../../../ts-src/mqtt/packet5";
import {
  encodeConnect5, encodePublishAny5, encodeAck5, encodeSubscribe5, encodeUnsubscribe5, encodeDisconnect5,
  encodeAuth5, subscriptionOptions, nextProp, putUserProp,
} from "../../../ts-src/mqtt/codec5";
import { ConnectOptions, encodeSimple, putVarint } from "../../../ts-src/mqtt/codec";
import { encodeConnack5, encodeCodesAck5 } from "./codec5_broker";

/** mulberry32: a small seeded PRNG, the same sequence on every run. */
export class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  chance(p: number): boolean { return this.next() < p; }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

export const u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "utf8"));
export const hx = (b: Uint8Array): string => Buffer.from(b).toString("hex");

type Kind = "byte" | "u16" | "u32" | "var" | "utf8" | "bin" | "pair";
/** mqtt-packet property name -> our id, field, encoding. */
export const PROPS: ReadonlyArray<[string, number, keyof Props5, Kind]> = [
  ["payloadFormatIndicator", PropId.PAYLOAD_FORMAT, "payloadFormat", "byte"],
  ["messageExpiryInterval", PropId.MESSAGE_EXPIRY, "messageExpiry", "u32"],
  ["contentType", PropId.CONTENT_TYPE, "contentType", "utf8"],
  ["responseTopic", PropId.RESPONSE_TOPIC, "responseTopic", "utf8"],
  ["correlationData", PropId.CORRELATION_DATA, "correlationData", "bin"],
  ["subscriptionIdentifier", PropId.SUBSCRIPTION_ID, "subscriptionId", "var"],
  ["sessionExpiryInterval", PropId.SESSION_EXPIRY, "sessionExpiry", "u32"],
  ["assignedClientIdentifier", PropId.ASSIGNED_CLIENT_ID, "assignedClientId", "utf8"],
  ["serverKeepAlive", PropId.SERVER_KEEP_ALIVE, "serverKeepAlive", "u16"],
  ["authenticationMethod", PropId.AUTH_METHOD, "authMethod", "utf8"],
  ["authenticationData", PropId.AUTH_DATA, "authData", "bin"],
  ["requestProblemInformation", PropId.REQUEST_PROBLEM_INFO, "requestProblemInfo", "byte"],
  ["willDelayInterval", PropId.WILL_DELAY, "willDelay", "u32"],
  ["requestResponseInformation", PropId.REQUEST_RESPONSE_INFO, "requestResponseInfo", "byte"],
  ["responseInformation", PropId.RESPONSE_INFO, "responseInfo", "utf8"],
  ["serverReference", PropId.SERVER_REFERENCE, "serverReference", "utf8"],
  ["reasonString", PropId.REASON_STRING, "reasonString", "utf8"],
  ["receiveMaximum", PropId.RECEIVE_MAXIMUM, "receiveMaximum", "u16"],
  ["topicAliasMaximum", PropId.TOPIC_ALIAS_MAXIMUM, "topicAliasMaximum", "u16"],
  ["topicAlias", PropId.TOPIC_ALIAS, "topicAlias", "u16"],
  ["maximumQoS", PropId.MAXIMUM_QOS, "maximumQos", "byte"],
  ["retainAvailable", PropId.RETAIN_AVAILABLE, "retainAvailable", "byte"],
  ["maximumPacketSize", PropId.MAXIMUM_PACKET_SIZE, "maximumPacketSize", "u32"],
  ["wildcardSubscriptionAvailable", PropId.WILDCARD_SUB_AVAILABLE, "wildcardSubAvailable", "byte"],
  ["subscriptionIdentifiersAvailable", PropId.SUB_ID_AVAILABLE, "subIdAvailable", "byte"],
  ["sharedSubscriptionAvailable", PropId.SHARED_SUB_AVAILABLE, "sharedSubAvailable", "byte"],
];
/** mqtt-packet gives these 0/1 bytes as booleans (maximumQoS stays a number). */
const BOOL_PROPS = new Set(["payloadFormatIndicator", "requestProblemInformation", "requestResponseInformation",
  "retainAvailable", "wildcardSubscriptionAvailable", "subscriptionIdentifiersAvailable", "sharedSubscriptionAvailable"]);

/** Table 2-4 of the standard, by packet ("will": will properties). */
const ALLOWED: Record<string, string[]> = {
  connect: ["sessionExpiryInterval", "authenticationMethod", "authenticationData", "requestProblemInformation",
    "requestResponseInformation", "receiveMaximum", "topicAliasMaximum", "maximumPacketSize"],
  will: ["payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData", "willDelayInterval"],
  connack: ["sessionExpiryInterval", "assignedClientIdentifier", "serverKeepAlive", "authenticationMethod",
    "authenticationData", "responseInformation", "serverReference", "reasonString", "receiveMaximum",
    "topicAliasMaximum", "maximumQoS", "retainAvailable", "maximumPacketSize", "wildcardSubscriptionAvailable",
    "subscriptionIdentifiersAvailable", "sharedSubscriptionAvailable"],
  publish: ["payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData",
    "subscriptionIdentifier", "topicAlias"],
  puback: ["reasonString"], pubrec: ["reasonString"], pubrel: ["reasonString"], pubcomp: ["reasonString"],
  subscribe: ["subscriptionIdentifier"],
  suback: ["reasonString"],
  unsubscribe: [],
  unsuback: ["reasonString"],
  disconnect: ["sessionExpiryInterval", "serverReference", "reasonString"],
  auth: ["authenticationMethod", "authenticationData", "reasonString"],
};

/** Reason codes by packet, table 2-6. */
export const REASONS: Record<string, number[]> = {
  connack: [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99,
    0x9a, 0x9b, 0x9c, 0x9d, 0x9f],
  puback: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrec: [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
  pubrel: [0x00, 0x92],
  pubcomp: [0x00, 0x92],
  suback: [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2],
  unsuback: [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91],
  disconnect: [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2],
  auth: [0x00, 0x18, 0x19],
};

const STRS = ["", "a", "text/plain", "ü", "日本語", "x y", "\u{10ffff}", "application/json; charset=utf-8"];
const TOPIC_LEVELS = ["a", "b", "sport", "tennis", "", "$SYS", "ü", "日本", " "];
const FILTER_LEVELS = [...TOPIC_LEVELS, "+", "#"];

export function topic(r: Rng): string {
  const n = 1 + r.int(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.pick(TOPIC_LEVELS));
  const t = parts.join("/");
  return t === "" ? "t" : t;
}

export function filter(r: Rng): string {
  const n = 1 + r.int(4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    let lv = r.pick(FILTER_LEVELS);
    if (lv === "#" && i < n - 1) lv = "+";
    parts.push(lv);
  }
  const f = parts.join("/");
  return f === "" ? "f" : f;
}

function bigNum(r: Rng, max: number): number {
  return r.pick([1, max, r.int(max + 1), r.int(256), r.int(65536)]) % (max + 1);
}

/** Random properties for `where` (a key of ALLOWED), in mqtt-packet's shape. */
export function randomProps(r: Rng, where: string, fromServer: boolean): Record<string, unknown> | undefined {
  if (ALLOWED[where] === undefined || r.chance(0.25)) return undefined;
  const props: Record<string, unknown> = {};
  for (const name of ALLOWED[where]) {
    if (!r.chance(0.4)) continue;
    const kind = PROPS.find((p) => p[0] === name)![3];
    switch (kind) {
      case "byte":
        props[name] = name === "maximumQoS" ? r.int(2) : r.chance(0.5);
        break;
      case "u16":
        props[name] = 1 + r.int(65535); // receive maximum and topic alias are never 0
        break;
      case "u32":
        props[name] = name === "maximumPacketSize" ? 1 + bigNum(r, 0xfffffffe) : bigNum(r, 0xffffffff);
        break;
      case "var":
        if (where === "publish" && !fromServer) break; // [MQTT-3.3.4-6]
        if (where === "publish" && r.chance(0.5)) {
          const k = 1 + r.int(4);
          const ids: number[] = [];
          for (let i = 0; i < k; i++) ids.push(1 + bigNum(r, 268435454));
          props[name] = ids;
        } else props[name] = 1 + bigNum(r, 268435454);
        break;
      case "utf8":
        props[name] = name === "responseTopic" ? topic(r) : r.pick(STRS);
        break;
      case "bin":
        props[name] = Buffer.from(r.bytes(r.int(12)));
        break;
      default:
        break;
    }
  }
  if (where === "disconnect" && fromServer) delete props.sessionExpiryInterval; // [MQTT-3.14.2-2]
  if (props.authenticationData !== undefined && props.authenticationMethod === undefined) props.authenticationMethod = "SCRAM-SHA-1";
  if (r.chance(0.4)) {
    const up: Record<string, string | string[]> = {};
    const k = 1 + r.int(3);
    for (let i = 0; i < k; i++) {
      const key = r.pick(["k", "region", "ü", "", "trace-id"]);
      // Not "": mqtt-packet 9 drops an empty first value when the key repeats.
      const v = r.pick(STRS.slice(1));
      const have = up[key];
      if (have === undefined) up[key] = v;
      else up[key] = Array.isArray(have) ? [...have, v] : [have, v];
    }
    props.userProperties = up;
  }
  return props;
}

/** A packet description in mqtt-packet's object shape. `side`: which side
 *  sends it ("client": what a client sends; "server": what a server sends). */
export function randomPacket(r: Rng, side: "client" | "server"): Record<string, unknown> {
  const fromServer = side === "server";
  const cmds = fromServer
    ? ["connack", "publish", "publish", "puback", "pubrec", "pubrel", "pubcomp", "suback", "unsuback", "pingresp", "disconnect", "auth"]
    : ["connect", "publish", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe", "unsubscribe", "pingreq", "disconnect", "auth"];
  const cmd = r.pick(cmds);
  const id = r.chance(0.1) ? r.pick([1, 0xffff]) : 1 + r.int(0xffff);
  const p: Record<string, unknown> = { cmd };
  const props = randomProps(r, cmd, fromServer);
  if (props) p.properties = props;
  switch (cmd) {
    case "connect": {
      p.clean = r.chance(0.5); // mqtt-packet 9 wants a client id without clean start
      Object.assign(p, { protocolId: "MQTT", protocolVersion: 5, keepalive: r.int(65536),
        clientId: r.chance(0.2) && p.clean ? "" : r.pick(["dev1", "ü-device", "x".repeat(1 + r.int(40))]) });
      if (r.chance(0.5)) {
        const will: Record<string, unknown> = { topic: topic(r), payload: Buffer.from(r.bytes(r.int(20))), qos: r.int(3), retain: r.chance(0.5) };
        const wp = randomProps(r, "will", false);
        if (wp) will.properties = wp;
        p.will = will;
      }
      if (r.chance(0.5)) p.username = r.pick(["u", "user", "ü"]);
      // 5.0 allows a password without a user name (3.1.2.9), mqtt-packet 9 does not:
      // that case is in codec5.test.ts.
      if (p.username !== undefined && r.chance(0.6)) p.password = Buffer.from(r.bytes(1 + r.int(10)));
      break;
    }
    case "connack": {
      const rc = r.chance(0.5) ? 0 : r.pick(REASONS.connack);
      Object.assign(p, { sessionPresent: rc === 0 && r.chance(0.5), reasonCode: rc });
      break;
    }
    case "publish": {
      const qos = r.int(3);
      let t = topic(r);
      if (props && r.chance(0.5)) {
        props.topicAlias = 1 + r.int(65535);
        if (r.chance(0.5)) t = "";
      }
      Object.assign(p, { topic: t, payload: Buffer.from(r.bytes(r.chance(0.1) ? 200 + r.int(300) : r.int(30))),
        qos, retain: r.chance(0.3), dup: qos > 0 && r.chance(0.3) });
      if (qos > 0) p.messageId = id;
      break;
    }
    case "puback": case "pubrec": case "pubrel": case "pubcomp":
      Object.assign(p, { messageId: id, reasonCode: r.chance(0.5) ? 0 : r.pick(REASONS[cmd]) });
      break;
    case "subscribe": {
      let f = filter(r);
      const shared = r.chance(0.2);
      if (shared) f = `$share/g${r.int(3)}/${f}`;
      p.messageId = id;
      p.subscriptions = [{ topic: f, qos: r.int(3), nl: !shared && r.chance(0.3), rap: r.chance(0.3), rh: r.int(3) }];
      break;
    }
    case "suback": case "unsuback": {
      const k = 1 + r.int(4);
      const g: number[] = [];
      for (let i = 0; i < k; i++) g.push(r.pick(REASONS[cmd]));
      Object.assign(p, { messageId: id, granted: g });
      break;
    }
    case "unsubscribe":
      Object.assign(p, { messageId: id, unsubscriptions: [filter(r)] });
      break;
    case "disconnect": case "auth": {
      let rc = r.chance(0.5) ? 0 : r.pick(REASONS[cmd]);
      if (cmd === "disconnect" && rc === 0x04 && fromServer) rc = 0x8b;
      p.reasonCode = rc;
      break;
    }
    default:
      break;
  }
  return p;
}

// ---------------------------------------------------------------- our encoders

const ID_OF: Record<string, number> = {
  connect: 1, connack: 2, publish: 3, puback: 4, pubrec: 5, pubrel: 6, pubcomp: 7, subscribe: 8, suback: 9,
  unsubscribe: 10, unsuback: 11, pingreq: 12, pingresp: 13, disconnect: 14, auth: 15,
};
export const CMD_OF: string[] = Object.entries(ID_OF).sort((a, b) => a[1] - b[1]).reduce<string[]>((a, [k, v]) => { a[v] = k; return a; }, []);

/** Fills `p` from mqtt-packet-shaped properties; repeatables go pre-encoded in `extra`. */
export function toProps5(props: Record<string, unknown> | undefined, p: Props5, extraBuf: Uint8Array): void {
  p.reset();
  if (!props) return;
  let at = 0;
  for (const [name, id, field, kind] of PROPS) {
    const v = props[name];
    if (v === undefined) continue;
    if (kind === "utf8") (p as unknown as Record<string, unknown>)[field] = u(v as string);
    else if (kind === "bin") (p as unknown as Record<string, unknown>)[field] = new Uint8Array(v as Buffer);
    else if (Array.isArray(v) && v.length === 1) (p as unknown as Record<string, unknown>)[field] = v[0];
    else if (Array.isArray(v)) {
      for (const n of v as number[]) { extraBuf[at] = id; at = putVarint(extraBuf, at + 1, n); }
      continue;
    } else (p as unknown as Record<string, unknown>)[field] = typeof v === "boolean" ? (v ? 1 : 0) : v;
    p.set(id);
  }
  const up = props.userProperties as Record<string, string | string[]> | undefined;
  if (up) {
    for (const k of Object.keys(up)) {
      const vs = Array.isArray(up[k]) ? up[k] as string[] : [up[k] as string];
      for (const v of vs) at = putUserProp(extraBuf, at, u(k), u(v));
    }
  }
  p.extra = extraBuf.subarray(0, at);
}

/** Encodes the mqtt-packet-shaped `pk` with our encoders (the broker module
 *  for what only servers send). Null when our encoder refuses it. */
export function encodeOurs(pk: Record<string, unknown>): Uint8Array | null {
  const out = new Uint8Array(8192);
  const props = new Props5();
  toProps5(pk.properties as Record<string, unknown> | undefined, props, new Uint8Array(4096));
  let n = 0;
  const id = (pk.messageId as number | undefined) ?? 0;
  switch (pk.cmd) {
    case "connect": {
      const o = new ConnectOptions();
      o.clientId = u(pk.clientId as string);
      o.cleanSession = pk.clean as boolean;
      o.keepAlive = pk.keepalive as number;
      if (pk.username !== undefined) o.userName = u(pk.username as string);
      if (pk.password !== undefined) o.password = new Uint8Array(pk.password as Buffer);
      const wp = new Props5();
      const will = pk.will as Record<string, unknown> | undefined;
      if (will) {
        o.willTopic = u(will.topic as string);
        o.willMessage = new Uint8Array(will.payload as Buffer);
        o.willQos = will.qos as number;
        o.willRetain = will.retain as boolean;
        toProps5(will.properties as Record<string, unknown> | undefined, wp, new Uint8Array(4096));
      }
      n = encodeConnect5(out, o, props, wp);
      break;
    }
    case "connack":
      n = encodeConnack5(out, pk.sessionPresent as boolean, pk.reasonCode as number, props);
      break;
    case "publish":
      n = encodePublishAny5(out, u(pk.topic as string), new Uint8Array(pk.payload as Buffer), pk.qos as number,
        pk.retain as boolean, pk.dup as boolean, id, props);
      break;
    case "puback": case "pubrec": case "pubrel": case "pubcomp":
      n = encodeAck5(out, ID_OF[pk.cmd as string], id, pk.reasonCode as number, props);
      break;
    case "subscribe": {
      const s = (pk.subscriptions as Array<Record<string, unknown>>)[0];
      n = encodeSubscribe5(out, id, u(s.topic as string), subscriptionOptions(s.qos as number, s.nl as boolean, s.rap as boolean, s.rh as number), props);
      break;
    }
    case "unsubscribe":
      n = encodeUnsubscribe5(out, id, u((pk.unsubscriptions as string[])[0]), props);
      break;
    case "suback": case "unsuback":
      n = encodeCodesAck5(out, ID_OF[pk.cmd as string], id, new Uint8Array(pk.granted as number[]), props);
      break;
    case "disconnect":
      n = encodeDisconnect5(out, pk.reasonCode as number, props);
      break;
    case "auth":
      n = encodeAuth5(out, pk.reasonCode as number, props);
      break;
    default:
      n = encodeSimple(out, ID_OF[pk.cmd as string]);
      break;
  }
  return n > 0 ? out.slice(0, n) : null;
}

// ---------------------------------------------------------------- normal form

type Norm = Record<string, unknown>;

function normProps(props: Record<string, unknown> | undefined, cmd: string): Norm {
  const out: Norm = {};
  if (!props) return out;
  for (const [name, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (name === "userProperties") {
      const up: Record<string, string[]> = {};
      for (const [k, vv] of Object.entries(v as Record<string, string | string[]>)) up[k] = Array.isArray(vv) ? [...vv] : [vv];
      if (Object.keys(up).length) out.userProperties = up;
    } else if (Buffer.isBuffer(v) || v instanceof Uint8Array) out[name] = hx(v as Uint8Array);
    else if (name === "subscriptionIdentifier" && cmd === "publish") out[name] = Array.isArray(v) ? v : [v];
    else if (BOOL_PROPS.has(name)) out[name] = v ? 1 : 0;
    else out[name] = v;
  }
  return out;
}

/** The fields of a packet that both sides must agree on, from mqtt-packet's shape. */
export function normMp(pk: Record<string, unknown>): Norm {
  const cmd = pk.cmd as string;
  const n: Norm = { cmd, props: normProps(pk.properties as Record<string, unknown> | undefined, cmd) };
  const buf = (b: unknown): string => (b === undefined || b === null ? "" : hx(typeof b === "string" ? u(b) : new Uint8Array(b as Buffer)));
  switch (cmd) {
    case "connect": {
      const will = pk.will as Record<string, unknown> | undefined;
      Object.assign(n, { clean: !!pk.clean, keepalive: pk.keepalive, clientId: pk.clientId,
        username: pk.username ?? null, password: pk.password === undefined ? null : buf(pk.password) });
      n.will = will ? { topic: will.topic, payload: buf(will.payload), qos: will.qos, retain: !!will.retain,
        props: normProps(will.properties as Record<string, unknown> | undefined, "will") } : null;
      break;
    }
    case "connack":
      Object.assign(n, { sessionPresent: !!pk.sessionPresent, reasonCode: pk.reasonCode ?? 0 });
      break;
    case "publish":
      Object.assign(n, { topic: pk.topic, payload: buf(pk.payload), qos: pk.qos, retain: !!pk.retain, dup: !!pk.dup,
        messageId: (pk.qos as number) > 0 ? pk.messageId : 0 });
      break;
    case "puback": case "pubrec": case "pubrel": case "pubcomp":
      Object.assign(n, { messageId: pk.messageId, reasonCode: pk.reasonCode ?? 0 });
      break;
    case "subscribe": {
      const s = (pk.subscriptions as Array<Record<string, unknown>>)[0];
      Object.assign(n, { messageId: pk.messageId, topic: s.topic, qos: s.qos, nl: !!s.nl, rap: !!s.rap, rh: s.rh ?? 0 });
      break;
    }
    case "unsubscribe":
      Object.assign(n, { messageId: pk.messageId, topic: (pk.unsubscriptions as string[])[0] });
      break;
    case "suback": case "unsuback":
      Object.assign(n, { messageId: pk.messageId, granted: [...(pk.granted as number[])] });
      break;
    case "disconnect": case "auth":
      n.reasonCode = pk.reasonCode ?? 0;
      break;
    default:
      break;
  }
  return n;
}

const str = (b: Uint8Array): string => Buffer.from(b).toString("utf8");

/** Props5 back to mqtt-packet's shape (User Properties and Subscription
 *  Identifiers walked with nextProp). */
export function fromProps5(p: Props5, cmd: string): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [name, id, field, kind] of PROPS) {
    if (!p.has(id) || kind === "var") continue;
    const v = (p as unknown as Record<string, unknown>)[field];
    o[name] = kind === "utf8" ? str(v as Uint8Array) : kind === "bin" ? Buffer.from(v as Uint8Array) : v;
  }
  const it = new PropIter();
  const ids: number[] = [];
  while (nextProp(p.raw, it, PropId.SUBSCRIPTION_ID)) ids.push(it.num);
  if (ids.length !== p.subIdCount) throw new Error(`subIdCount ${p.subIdCount} but ${ids.length} walked`);
  if (ids.length) {
    if (ids[0] !== p.subscriptionId) throw new Error("subscriptionId is not the first one");
    o.subscriptionIdentifier = cmd === "publish" ? ids : ids[0];
  }
  it.reset();
  const up: Record<string, string[]> = {};
  let count = 0;
  while (nextProp(p.raw, it, PropId.USER_PROPERTY)) {
    (up[str(it.key)] ??= []).push(str(it.value));
    count++;
  }
  if (count !== p.userCount) throw new Error(`userCount ${p.userCount} but ${count} walked`);
  if (count) o.userProperties = up;
  return o;
}

/** A decoded Packet5 in the normal form. */
export function normOurs(pk: Packet5): Norm {
  const b = pk.base;
  const cmd = CMD_OF[b.type];
  const n: Norm = { cmd, props: normProps(fromProps5(pk.props, cmd), cmd) };
  switch (cmd) {
    case "connect": {
      const cf = b.connectFlags;
      Object.assign(n, { clean: (cf & 2) !== 0, keepalive: b.keepAlive, clientId: str(b.clientId),
        username: cf & 0x80 ? str(b.userName) : null, password: cf & 0x40 ? hx(b.password) : null });
      n.will = cf & 4 ? { topic: str(b.willTopic), payload: hx(b.willMessage), qos: (cf >> 3) & 3, retain: (cf & 0x20) !== 0,
        props: normProps(fromProps5(pk.willProps, "will"), "will") } : null;
      break;
    }
    case "connack":
      Object.assign(n, { sessionPresent: b.sessionPresent, reasonCode: pk.reasonCode });
      break;
    case "publish":
      Object.assign(n, { topic: str(b.topic), payload: hx(b.payload), qos: b.qos, retain: b.retain, dup: b.dup, messageId: b.packetId });
      break;
    case "puback": case "pubrec": case "pubrel": case "pubcomp":
      Object.assign(n, { messageId: b.packetId, reasonCode: pk.reasonCode });
      break;
    case "subscribe": {
      const len = (b.body[0] << 8) | b.body[1];
      const o = b.body[2 + len];
      Object.assign(n, { messageId: b.packetId, topic: str(b.body.subarray(2, 2 + len)), qos: o & 3, nl: (o & 4) !== 0,
        rap: (o & 8) !== 0, rh: (o >> 4) & 3 });
      break;
    }
    case "unsubscribe": {
      const len = (b.body[0] << 8) | b.body[1];
      Object.assign(n, { messageId: b.packetId, topic: str(b.body.subarray(2, 2 + len)) });
      break;
    }
    case "suback": case "unsuback":
      Object.assign(n, { messageId: b.packetId, granted: [...b.codes] });
      break;
    case "disconnect": case "auth":
      n.reasonCode = pk.reasonCode;
      break;
    default:
      break;
  }
  return n;
}
