// The MQTT API of application code: the reference's api_mqtt.js (MQTT.sub,
// MQTT.pub, MQTT.setEventHandler, MQTT.isConnected and the EV_* constants) on
// the global connection of the mgos_mqtt library.
//
//   import * as MQTT from "../../ts-src/app/app_mqtt";
//   MQTT.sub("dev1/cmd", onCmd, null);
//   MQTT.pub("dev1/resp", lit("pong"), 1);
//
// Differences from the JavaScript original, all forced by compiling to C:
// - handlers are top-level functions (no closures); state they need goes in
//   module variables or in the user data (a class instance as Ptr);
// - the topic and message a handler gets are byte views (Bytes) into the
//   receive buffer, valid only during the call: compare them with
//   bytesEqual(msg, lit("on")), copy them into a Text to keep them;
// - a message to publish is Bytes or a string: lit("text"), a Text's view(),
//   Json's end(), a template literal or JSON.stringify({...}) (app_fmt.ts).
// Subscriptions are kept and re-sent after every reconnect (mgos_mqtt_sub).
// MQTT 5 (mqtt.protocol_version 5): pub() takes properties (props()), sub()
// subscription options, and rx() reads what the packet being handled carried;
// on a 3.1.1 connection they are left out and rx() reads as absent.

import { u8, u16, u32, i32, int, bool, Ptr, Bytes, structs, strBytes, toBytes, noBytes, copyBytes } from "../rt/rt";
import { mg_connection, mg_event_handler_t } from "../mgos/mg_types";
import { mgos_mqtt_conn, mgos_mqtt_conn_from_nc, HandlerKind } from "../mgos/conn";
import { mgos_mqtt_get_global, mgos_mqtt_add_global_handler, mgos_mqtt_global_is_connected, pub_bytes, GLOBAL_SUB_QOS } from "../mgos/facade";
import { Packet, PacketType } from "../mqtt/packet";
import { Session } from "../mqtt/session";
import { MQTT5_SUPPORT } from "../mqtt/session5";
import { Props5, PropId, PropIter } from "../mqtt/packet5";
import { putUserProp, nextProp } from "../mqtt/codec5";
import { validUtf8, validTopicName } from "../mqtt/topic";
import * as Log from "./app_log";

/** The packet the session decoded last (MQTT 5 decodes into its own). */
function curPkt(s: Session): Packet {
  if (MQTT5_SUPPORT !== 0 && s.isV5()) return s.v5s[0].pkt.base;
  return s.pkt;
}

/** Event numbers of setEventHandler (the reference's MQTT.EV_*). */
export const EV_CLOSE: int = 5;
export const EV_CONNACK: int = 202;
export const EV_PUBLISH: int = 203;
export const EV_PUBACK: int = 204;
export const EV_SUBACK: int = 209;
export const EV_UNSUBACK: int = 211;
/** MQTT 5: the broker's DISCONNECT (rx().reason says why), before EV_CLOSE. */
export const EV_DISCONNECT: int = 214;

/** MQTT 5 subscription options of sub() (3.8.3.1), or-ed. */
/** Our own publishes are not sent back to us. */
export const NO_LOCAL: int = 0x04;
/** Messages keep the retain flag they were published with. */
export const RETAIN_AS_PUBLISHED: int = 0x08;
/** Retained messages only when the subscription is new. */
export const RETAIN_NEW_ONLY: int = 0x10;
/** No retained messages at subscribe time. */
export const RETAIN_NEVER: int = 0x20;

/** Subscriptions made with sub(). @kconfig MGOS_APP_MAX_SUBS */
export const MAX_SUBS: i32 = 8;

/** The connection handle handlers get (opaque; `user_data` is free for the app). */
export type Conn = mg_connection;

/** A sub() handler: the topic and message of a PUBLISH whose topic matches. */
export type SubHandler = (conn: mg_connection, topic: Bytes, msg: Bytes, ud: Ptr) => void;

/** A setEventHandler() handler: `ev` is EV_CONNACK, EV_CLOSE, ...; `edata` is
 *  the event's mg_mqtt_message (null for EV_CLOSE). */
export type EventHandler = mg_event_handler_t;

export class AppSub {
  handler: SubHandler | null = null;
  ud: Ptr = null;
}

export class AppSubs {
  items: AppSub[] = structs(MAX_SUBS, AppSub);
  n: i32 = 0;
}

const subs = new AppSubs();

// The library's sub handler gets the topic and message as C strings with a
// length; the app's handler gets the packet's own byte views, which are exact
// under Node too (no text decoding on the way).
function onSubMessage(nc: mg_connection, topic: string, topic_len: int, msg: string, msg_len: int, ud: Ptr): void {
  const s: AppSub = ud as AppSub;
  const h: SubHandler | null = s.handler;
  const c: mgos_mqtt_conn | null = mgos_mqtt_conn_from_nc(nc);
  if (h === null || c === null) return;
  // The PUBLISH being dispatched is the session's current packet.
  const p: Packet = curPkt(c.session);
  if (i32(p.topic.length) !== topic_len || i32(p.payload.length) !== msg_len) {
    Log.error("MQTT.sub: message does not match the packet being dispatched");
    return;
  }
  h(nc, p.topic, p.payload, s.ud);
}

/** Subscribes to `topic` (MQTT wildcards allowed) at QoS 1; `handler(conn,
 *  topic, msg, ud)` gets every matching message. The subscription is sent
 *  when connected and again after every reconnect. False (logged) when
 *  MGOS_APP_MAX_SUBS subscriptions exist already or the client refused it
 *  (its handler table, MGOS_MQTT_MAX_TOPIC_HANDLERS, is full; the topic is too long
 *  or not a valid filter). MQTT 5: `opts` are NO_LOCAL, RETAIN_AS_PUBLISHED,
 *  RETAIN_NEW_ONLY or RETAIN_NEVER or-ed, `subId` a Subscription Identifier
 *  (1..268435455; 0 none) that rx().subId gives back with each message;
 *  `$share/<group>/<filter>` is a shared subscription. */
export function sub(topic: string, handler: SubHandler, ud: Ptr = null, opts: int = 0, subId: u32 = 0): bool {
  if (strBytes(topic).length === 0) {
    Log.error("MQTT.sub: empty topic");
    return false;
  }
  if ((opts & ~0x3c) !== 0 || ((opts >> 4) & 3) === 3 || subId > 268435455) {
    Log.error("MQTT.sub: bad options (NO_LOCAL, RETAIN_AS_PUBLISHED, one of RETAIN_NEW_ONLY / RETAIN_NEVER) or subscription id over 268435455");
    return false;
  }
  if (subs.n >= MAX_SUBS) {
    Log.error("MQTT.sub: all MGOS_APP_MAX_SUBS subscriptions are in use");
    return false;
  }
  const s: AppSub = subs.items[subs.n];
  s.handler = handler;
  s.ud = ud;
  // What mgos_mqtt_sub does, keeping its answer: a full handler table
  // (MGOS_MQTT_MAX_TOPIC_HANDLERS) or a bad topic is reported, not ignored.
  const ss: Session = mgos_mqtt_get_global().session;
  ss.nextOpts5 = u8(opts);
  ss.nextSubId = subId;
  const ok: bool = mgos_mqtt_get_global().subscribe(strBytes(topic), GLOBAL_SUB_QOS, HandlerKind.SUB, null, onSubMessage, s);
  ss.nextOpts5 = 0;
  ss.nextSubId = 0;
  if (!ok) {
    s.handler = null;
    s.ud = null;
    Log.error("MQTT.sub: the client refused the subscription (see its log)");
    return false;
  }
  subs.n++;
  return true;
}

/** Publishes `message` (bytes, or a string: its UTF-8) on `topic`. Returns the packet id (QoS 1 and 2), a
 *  non-zero value for QoS 0, or 0 when it could not be sent or queued (not
 *  connected and nothing may be queued, buffers full, bad QoS). QoS > 0
 *  messages published while offline wait in the queue (mqtt.max_queue_length).
 *  An empty topic (a template literal that did not fit gives "") is refused.
 *  MQTT 5: `props` (props().expiry(60).user("k", "v")...) go with it; a
 *  builder that refused a value refuses the publish (0, logged). */
export function pub(topic: string, message: Bytes | string, qos: int = 0, retain: bool = false, props: Props | null = null): u16 {
  if (strBytes(topic).length === 0) {
    // What a text site gives when its text did not fit (app_fmt.ts).
    Log.error("MQTT.pub: empty topic; nothing sent");
    return 0;
  }
  if (props === null || MQTT5_SUPPORT === 0) return pub_bytes(topic, toBytes(message), qos, retain);
  const pp: Props = props!;
  if (pp.bad) {
    Log.error("MQTT.pub: its props() refused a value (logged before); nothing sent");
    return 0;
  }
  const s: Session = mgos_mqtt_get_global().session;
  if (!s.isV5()) return pub_bytes(topic, toBytes(message), qos, retain);
  pp.into(s.v5s[0].pubProps);
  const id: u16 = pub_bytes(topic, toBytes(message), qos, retain);
  s.v5s[0].pubProps.reset();
  return id;
}

/** Room for one props() builder's strings and user properties, bytes. @kconfig MGOS_APP_PROPS_SIZE */
export const PROPS_SIZE: u32 = 256;
const PROPS_ROOM: u32 = MQTT5_SUPPORT !== 0 ? PROPS_SIZE : 1;

/** MQTT 5 publish properties for pub(), built by chaining (each value is
 *  copied in). A value that is invalid or does not fit MGOS_APP_PROPS_SIZE
 *  is logged and makes pub() refuse the message. */
export class Props {
  p: Props5 = new Props5();
  /** Content type, response topic, correlation data, back to back. */
  strs: Uint8Array = new Uint8Array(PROPS_ROOM);
  used: u32 = 0;
  users: Uint8Array = new Uint8Array(PROPS_ROOM);
  usersLen: u32 = 0;
  bad: bool = false;

  /** Message Expiry Interval, seconds (the broker drops it when older). */
  expiry(seconds: u32): Props {
    this.p.messageExpiry = seconds;
    this.p.set(PropId.MESSAGE_EXPIRY);
    return this;
  }
  /** Payload Format Indicator 1: the message is UTF-8 text. */
  utf8(): Props {
    this.p.payloadFormat = 1;
    this.p.set(PropId.PAYLOAD_FORMAT);
    return this;
  }
  /** Content Type (e.g. "application/json"). */
  contentType(t: string): Props {
    const b: Bytes = this.keep(strBytes(t), true);
    if (b.length > 0) {
      this.p.contentType = b;
      this.p.set(PropId.CONTENT_TYPE);
    }
    return this;
  }
  /** Response Topic: where the receiver should answer (no wildcards). */
  responseTopic(t: string): Props {
    if (!validTopicName(strBytes(t))) return this.refuse("MQTT.props().responseTopic: not a topic name (UTF-8, no + or #)");
    const b: Bytes = this.keep(strBytes(t), false);
    if (b.length > 0) {
      this.p.responseTopic = b;
      this.p.set(PropId.RESPONSE_TOPIC);
    }
    return this;
  }
  /** Correlation Data: bytes the answer carries back. */
  correlation(d: Bytes | string): Props {
    const b: Bytes = this.keep(toBytes(d), false);
    if (b.length > 0) {
      this.p.correlationData = b;
      this.p.set(PropId.CORRELATION_DATA);
    }
    return this;
  }
  /** A User Property (may be given several times, also with the same key). */
  user(key: string, value: string): Props {
    const n: u32 = putUserProp(this.users, this.usersLen, strBytes(key), strBytes(value));
    if (n === 0) return this.refuse("MQTT.props().user: not UTF-8, or over MGOS_APP_PROPS_SIZE");
    this.usersLen = n;
    return this;
  }

  private refuse(why: string): Props {
    Log.error(why);
    this.bad = true;
    return this;
  }
  /** `b` copied in (`text`: it must be UTF-8); empty when refused. */
  private keep(b: Bytes, text: bool): Bytes {
    if (b.length === 0) return b;
    if ((text && !validUtf8(b)) || b.length > u32(PROPS_ROOM - this.used)) {
      this.refuse(text ? "MQTT.props().contentType: not UTF-8, or over MGOS_APP_PROPS_SIZE" : "MQTT.props(): a value over MGOS_APP_PROPS_SIZE");
      return noBytes();
    }
    const at: u32 = this.used;
    copyBytes(this.strs, at, b);
    this.used = u32(at + b.length);
    return this.strs.subarray(at, this.used);
  }

  /** Copies the properties into `o` (the session's, for one publish). */
  into(o: Props5): void {
    o.reset();
    o.present = this.p.present;
    o.messageExpiry = this.p.messageExpiry;
    o.payloadFormat = this.p.payloadFormat;
    o.contentType = this.p.contentType;
    o.responseTopic = this.p.responseTopic;
    o.correlationData = this.p.correlationData;
    o.extra = this.users.subarray(0, this.usersLen);
  }
  clear(): Props {
    this.p.reset();
    this.used = 0;
    this.usersLen = 0;
    this.bad = false;
    return this;
  }
}

const builder: Props = new Props();

/** A new, empty set of publish properties (MQTT 5): chain expiry(s),
 *  utf8(), contentType(t), responseTopic(t), correlation(d), user(k, v) and
 *  pass it to pub(). One builder is shared: build it in the pub() call. */
export function props(): Props {
  return builder.clear();
}

/** What the packet being handled carried (MQTT 5): read it with rx() in a
 *  sub() handler or an event handler. Byte views valid during the handler;
 *  absent: -1 for payloadFormat, 0 for numbers, empty views. */
export class Rx {
  /** Reason code of a CONNACK, PUBACK, PUBREC, PUBCOMP, DISCONNECT; SUBACK / UNSUBACK: the first filter's. */
  reason: int = 0;
  /** A PUBLISH's retain flag (3.1.1 too): set for a retained message sent at
   *  subscribe time, or with RETAIN_AS_PUBLISHED for one published retained. */
  retain: bool = false;
  payloadFormat: int = -1;
  /** Message Expiry Interval left, seconds. */
  expiry: u32 = 0;
  contentType: Bytes = noBytes();
  responseTopic: Bytes = noBytes();
  correlation: Bytes = noBytes();
  /** Subscription Identifier of the matching subscription (sub()'s subId). */
  subId: u32 = 0;
  /** Reason String of an ack, CONNACK or DISCONNECT. */
  reasonString: Bytes = noBytes();
  /** How many User Properties; user(i) reads each into userKey / userValue. */
  users: u32 = 0;
  userKey: Bytes = noBytes();
  userValue: Bytes = noBytes();
  raw: Bytes = noBytes();

  /** User Property `i` (from 0) into userKey / userValue; false past the last. */
  user(i: u32): bool {
    const it: PropIter = rxIter;
    it.reset();
    for (let k: u32 = 0; k <= i; k++) {
      if (!nextProp(this.raw, it, PropId.USER_PROPERTY)) return false;
    }
    this.userKey = it.key;
    this.userValue = it.value;
    return true;
  }
}

const rxIter: PropIter = new PropIter();
const rxNow: Rx = new Rx();

/** The MQTT 5 reason code and properties of the packet being handled (the
 *  PUBLISH of a sub() handler; the packet of an event handler's event). All
 *  absent on a 3.1.1 connection (but `retain`), and for EV_CLOSE without a DISCONNECT. */
export function rx(): Rx {
  const r: Rx = rxNow;
  const c: mgos_mqtt_conn = mgos_mqtt_get_global();
  r.reason = 0;
  r.payloadFormat = -1;
  r.expiry = 0;
  r.contentType = noBytes();
  r.responseTopic = noBytes();
  r.correlation = noBytes();
  r.subId = 0;
  r.reasonString = noBytes();
  r.users = 0;
  r.userKey = noBytes();
  r.userValue = noBytes();
  r.raw = noBytes();
  const cur: Packet = curPkt(c.session);
  r.retain = c.msg.cmd === PacketType.PUBLISH && cur.type === PacketType.PUBLISH && cur.retain;
  // The event's message has props only while a packet of an MQTT 5 connection is handled.
  if (MQTT5_SUPPORT === 0 || c.msg.props === null) return r;
  r.reason = c.msg.reason_code;
  const p: Props5 = c.session.v5s[0].pkt.props;
  if (p.has(PropId.PAYLOAD_FORMAT)) r.payloadFormat = i32(p.payloadFormat);
  if (p.has(PropId.MESSAGE_EXPIRY)) r.expiry = p.messageExpiry;
  r.contentType = p.contentType;
  r.responseTopic = p.responseTopic;
  r.correlation = p.correlationData;
  if (p.has(PropId.SUBSCRIPTION_ID)) r.subId = p.subscriptionId;
  r.reasonString = p.reasonString;
  r.users = p.userCount;
  r.raw = p.raw;
  return r;
}

/** Adds an event handler for the global connection: `handler(conn, ev, edata, ud)`
 *  for EV_CONNACK, EV_CLOSE, EV_PUBACK, ... (as mgos_mqtt_add_global_handler). */
export function setEventHandler(handler: EventHandler, ud: Ptr = null): void {
  mgos_mqtt_add_global_handler(handler, ud);
}

/** Whether the connection is up (CONNACK accepted and not closed since). */
export function isConnected(): bool {
  return mgos_mqtt_global_is_connected();
}

/** Subscriptions made so far. */
export function subCount(): u32 {
  return u32(subs.n);
}
