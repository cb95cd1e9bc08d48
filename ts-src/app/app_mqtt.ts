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

import { u16, u32, i32, int, bool, Ptr, Bytes, structs, strBytes, toBytes } from "../rt/rt";
import { mg_connection, mg_event_handler_t } from "../mgos/mg_types";
import { mgos_mqtt_conn, mgos_mqtt_conn_from_nc, HandlerKind } from "../mgos/conn";
import { mgos_mqtt_get_global, mgos_mqtt_add_global_handler, mgos_mqtt_global_is_connected, pub_bytes, GLOBAL_SUB_QOS } from "../mgos/facade";
import { Packet } from "../mqtt/packet";
import * as Log from "./app_log";

/** Event numbers of setEventHandler (the reference's MQTT.EV_*). */
export const EV_CLOSE: int = 5;
export const EV_CONNACK: int = 202;
export const EV_PUBLISH: int = 203;
export const EV_PUBACK: int = 204;
export const EV_SUBACK: int = 209;
export const EV_UNSUBACK: int = 211;

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
  const p: Packet = c.session.pkt;
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
 *  or not a valid filter). */
export function sub(topic: string, handler: SubHandler, ud: Ptr = null): bool {
  if (strBytes(topic).length === 0) {
    Log.error("MQTT.sub: empty topic");
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
  if (!mgos_mqtt_get_global().subscribe(strBytes(topic), GLOBAL_SUB_QOS, HandlerKind.SUB, null, onSubMessage, s)) {
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
 *  An empty topic (a template literal that did not fit gives "") is refused. */
export function pub(topic: string, message: Bytes | string, qos: int = 0, retain: bool = false): u16 {
  if (strBytes(topic).length === 0) {
    // What a text site gives when its text did not fit (app_fmt.ts).
    Log.error("MQTT.pub: empty topic; nothing sent");
    return 0;
  }
  return pub_bytes(topic, toBytes(message), qos, retain);
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
