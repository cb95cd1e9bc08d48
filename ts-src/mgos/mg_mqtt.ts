// The Mongoose MQTT functions that mgos apps call directly on a handler's
// mg_connection: handshake (from a connect_fn), publish, subscribe, acks,
// ping, disconnect, topic matching.
//
// They act on the connection's Session, so what they send is ordered with
// everything else. Differences from Mongoose 6 (deliberate, documented):
// - mg_mqtt_publish with QoS > 0 uses a packet id of the session's (never
//   one in flight) instead of the caller's message_id, and the session
//   retransmits it; QoS 0 ignores message_id as MQTT does.
// - mg_mqtt_subscribe adds a session subscription (re-sent after reconnects);
//   its SUBACK goes to the global handlers.
// Functions whose C signature passes structs by value or `const void *`
// (mg_send_mqtt_handshake_opt, mg_mqtt_publish, mg_mqtt_subscribe,
// mg_mqtt_unsubscribe, mg_mqtt_match_topic_expression, mg_mk_str) have a thin
// C wrapper in components/mgos_mqtt/port/compat.c calling the functions here.

import { u8, u16, u32, i32, bool, int, Bytes, strBytes, noBytes } from "../rt/rt";
import { LogLevel, SessionState } from "../mqtt/session";
import { PacketType } from "../mqtt/packet";
import { encodeSimple } from "../mqtt/codec";
import { topicMatches } from "../mqtt/topic";
import { mg_connection, mg_send_mqtt_handshake_opts } from "./mg_types";
import { mgos_mqtt_conn, NetState, conn_at } from "./conn";
import { logMsg, nowMs } from "./port";

/** The connection behind `nc`, or null (with a log) when it is not open. */
function openConn(nc: mg_connection, what: string): mgos_mqtt_conn | null {
  const c: mgos_mqtt_conn | null = conn_at(nc.slot_);
  // The session must be live too: during its CLOSE event the socket may still
  // be open, and a packet queued then would precede the next CONNECT.
  if (c === null || c.net !== NetState.OPEN || (c.session.state !== SessionState.CONNECTED && c.session.state !== SessionState.CONNECTING)) {
    logMsg(LogLevel.ERROR, what, strBytes(": not connected"));
    return null;
  }
  return c;
}

/** mg_send_mqtt_handshake_opt (compat.c passes the options by pointer):
 *  @capi void mg_send_mqtt_handshake_opt(struct mg_connection *nc, const char *client_id, struct mg_send_mqtt_handshake_opts opts)
 */
export function handshake(nc: mg_connection, client_id: string, opts: mg_send_mqtt_handshake_opts): void {
  const c: mgos_mqtt_conn | null = conn_at(nc.slot_);
  if (c === null) return;
  c.handshake(client_id, opts);
  c.service(c.session.now);
}

/** mg_mqtt_publish: flags carry MG_MQTT_QOS(q) and MG_MQTT_RETAIN.
 *  @capi void mg_mqtt_publish(struct mg_connection *nc, const char *topic, uint16_t message_id, int flags, const void *data, size_t len)
 */
export function raw_publish(nc: mg_connection, topic: string, message_id: u16, flags: int, data: Bytes): void {
  const c: mgos_mqtt_conn | null = openConn(nc, "mg_mqtt_publish");
  if (c === null) return;
  c.publish(strBytes(topic), data, (flags >> 1) & 3, (flags & 1) !== 0);
}

/** One topic of mg_mqtt_subscribe (message_id is not used: see the top):
 *  @capi void mg_mqtt_subscribe(struct mg_connection *nc, const struct mg_mqtt_topic_expression *topics, size_t topics_len, uint16_t message_id)
 */
export function subscribe_one(nc: mg_connection, topic: string, qos: u8): void {
  const c: mgos_mqtt_conn | null = openConn(nc, "mg_mqtt_subscribe");
  if (c === null) return;
  c.session.now = nowMs();
  c.session.subscribe(strBytes(topic), qos > c.effectiveMaxQos() ? c.effectiveMaxQos() : qos, -1);
  c.service(c.session.now);
}

/** One topic of mg_mqtt_unsubscribe:
 *  @capi void mg_mqtt_unsubscribe(struct mg_connection *nc, char **topics, size_t topics_len, uint16_t message_id)
 */
export function unsubscribe_one(nc: mg_connection, topic: string): void {
  const c: mgos_mqtt_conn | null = openConn(nc, "mg_mqtt_unsubscribe");
  if (c === null) return;
  c.session.now = nowMs();
  c.session.unsubscribe(strBytes(topic));
  c.service(c.session.now);
}

/** mg_mqtt_match_topic_expression on byte views: 1 when `topic` matches `exp`.
 *  @capi int mg_mqtt_match_topic_expression(struct mg_str exp, struct mg_str topic)
 */
export function match_topic(exp: Bytes, topic: Bytes): int {
  return topicMatches(exp, topic) ? 1 : 0;
}

/** Queues an acknowledgement of `type` for `id` behind what is pending. */
function sendAck(nc: mg_connection, type: u8, id: u16, what: string): void {
  const c: mgos_mqtt_conn | null = openConn(nc, what);
  if (c === null) return;
  c.session.queueAck(type, id);
  c.service(c.session.now);
}

/** Sends PINGREQ now. @api */
export function mg_mqtt_ping(nc: mg_connection): void {
  const c: mgos_mqtt_conn | null = openConn(nc, "mg_mqtt_ping");
  if (c === null) return;
  const s = c.session;
  const n: u32 = encodeSimple(s.tx.subarray(s.txLen), PacketType.PINGREQ);
  if (n === 0) {
    logMsg(LogLevel.WARN, "mg_mqtt_ping: tx buffer full", noBytes());
    return;
  }
  s.txLen += n;
  c.service(nowMs());
}

/** @api */
export function mg_mqtt_puback(nc: mg_connection, message_id: u16): void {
  sendAck(nc, PacketType.PUBACK, message_id, "mg_mqtt_puback");
}

/** @api */
export function mg_mqtt_pubrec(nc: mg_connection, message_id: u16): void {
  sendAck(nc, PacketType.PUBREC, message_id, "mg_mqtt_pubrec");
}

/** @api */
export function mg_mqtt_pubrel(nc: mg_connection, message_id: u16): void {
  sendAck(nc, PacketType.PUBREL, message_id, "mg_mqtt_pubrel");
}

/** @api */
export function mg_mqtt_pubcomp(nc: mg_connection, message_id: u16): void {
  sendAck(nc, PacketType.PUBCOMP, message_id, "mg_mqtt_pubcomp");
}

/** Sends DISCONNECT; the connection closes once it is written (and
 *  reconnects with backoff unless mgos_mqtt_*_disconnect was used). @api */
export function mg_mqtt_disconnect(nc: mg_connection): void {
  const c: mgos_mqtt_conn | null = openConn(nc, "mg_mqtt_disconnect");
  if (c === null) return;
  c.session.disconnect();
  c.service(nowMs());
}
