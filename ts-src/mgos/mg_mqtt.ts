// The Mongoose MQTT functions that mgos apps call directly on a handler's
// mg_connection: handshake (from a connect_fn), publish, subscribe, acks,
// ping, disconnect, topic matching.
//
// They act on the connection's Session, so what they send is ordered with
// everything else. As Mongoose 6, mg_mqtt_subscribe / mg_mqtt_unsubscribe
// send one packet with all their topics and the caller's message_id (its
// SUBACK / UNSUBACK goes to the global handlers) and keep nothing: a library
// that subscribes again on every CONNACK never fills a table. One deliberate
// difference (docs/differences.md): mg_mqtt_publish with QoS > 0 uses a
// packet id of the session's (never one in flight) instead of the caller's
// message_id, and the session retransmits it; QoS 0 ignores message_id as MQTT does.
// Functions whose C signature passes structs by value, arrays or `const void *`
// (mg_send_mqtt_handshake_opt, mg_mqtt_publish, mg_mqtt_subscribe,
// mg_mqtt_unsubscribe, mg_mqtt_match_topic_expression, mg_mk_str, ...) have a
// thin C wrapper in components/mgos_mqtt/port/compat.c calling the functions here.

import { u8, u16, u32, i32, bool, int, Ptr, Bytes, strBytes, cstr, noBytes } from "../rt/rt";
import { LogLevel, SessionState } from "../mqtt/session";
import { PacketType } from "../mqtt/packet";
import { encodeSimple, encodeRemainingLength, remainingLengthSize } from "../mqtt/codec";
import { topicMatches, validTopicFilter } from "../mqtt/topic";
import { mg_connection, mg_send_mqtt_handshake_opts, mg_str } from "./mg_types";
import { mgos_mqtt_conn, NetState, conn_at } from "./conn";
import { logMsg, nowMs } from "./port";

/** Topic `i` of a C `struct mg_mqtt_topic_expression[]` (compat.c; NULL for a NULL topic). */
declare function mg_topic_expr_topic(topics: Ptr, i: u32): string | null;
/** Its QoS. */
declare function mg_topic_expr_qos(topics: Ptr, i: u32): u8;
/** Entry `i` of a C `char *[]` (compat.c). */
declare function mg_topic_list_at(topics: Ptr, i: u32): string | null;

/** mg_send_mqtt_handshake's options: all zero (no clean session, keep-alive 60 s). */
const zeroOpts = new mg_send_mqtt_handshake_opts();

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
  c.publish(topic, data, (flags >> 1) & 3, (flags & 1) !== 0);
}

/** mg_send_mqtt_handshake: CONNECT with default options. @api */
export function mg_send_mqtt_handshake(nc: mg_connection, client_id: string): void {
  handshake(nc, client_id, zeroOpts);
}

/** The topic at `i` of a raw (UN)SUBSCRIBE's list, or null when it is not a valid filter. */
function rawTopic(topics: Ptr, i: u32, sub: bool, what: string): string | null {
  const t: string | null = sub ? mg_topic_expr_topic(topics, i) : mg_topic_list_at(topics, i);
  if (t === null) {
    logMsg(LogLevel.ERROR, what, strBytes(": NULL topic, nothing sent"));
    return null;
  }
  const f: Bytes = strBytes(t);
  if (!validTopicFilter(f) || (sub && mg_topic_expr_qos(topics, i) > 2)) {
    logMsg(LogLevel.ERROR, what, strBytes(": invalid topic filter or QoS, nothing sent"));
    return null;
  }
  return t;
}

/** One SUBSCRIBE (`sub`) or UNSUBSCRIBE with all `n` topics and the caller's
 *  id, queued behind what is pending. The session keeps nothing of it. */
function rawSubscribe(nc: mg_connection, topics: Ptr, n: u32, message_id: u16, sub: bool): void {
  const what: string = sub ? "mg_mqtt_subscribe" : "mg_mqtt_unsubscribe";
  const c: mgos_mqtt_conn | null = openConn(nc, what);
  if (c === null) return;
  if (n === 0 || message_id === 0) {
    logMsg(LogLevel.ERROR, what, strBytes(": no topics or message_id 0, nothing sent"));
    return;
  }
  let rem: u32 = 2;
  for (let i: u32 = 0; i < n; i++) {
    const t: string | null = rawTopic(topics, i, sub, what);
    if (t === null) return;
    rem = u32(rem + 2 + strBytes(t!).length + (sub ? 1 : 0));
  }
  const s = c.session;
  const out: Bytes = s.tx.subarray(s.txLen);
  const hdr: u32 = encodeRemainingLength(out, 1, rem);
  if (hdr === 0 || u32(1 + hdr + rem) > out.length) {
    logMsg(LogLevel.ERROR, what, strBytes(": does not fit the tx buffer (MGOS_MQTT_TX_BUF_SIZE), nothing sent"));
    return;
  }
  out[0] = sub ? 0x82 : 0xa2;
  let at: u32 = u32(1 + hdr);
  out[at] = u8(message_id >> 8);
  out[at + 1] = u8(message_id);
  at = u32(at + 2);
  const maxQos: u8 = c.effectiveMaxQos();
  for (let i: u32 = 0; i < n; i++) {
    const f: Bytes = strBytes(rawTopic(topics, i, sub, what)!);
    out[at] = u8(f.length >> 8);
    out[at + 1] = u8(f.length);
    for (let k: u32 = 0; k < f.length; k++) out[at + 2 + k] = f[k];
    at = u32(at + 2 + f.length);
    if (sub) {
      const q: u8 = mg_topic_expr_qos(topics, i);
      out[at] = q > maxQos ? maxQos : q;
      at = u32(at + 1);
    }
  }
  s.txLen = u32(s.txLen + at);
  s.now = nowMs();
  s.lastTx = s.now;
  c.service(s.now);
}

/** mg_mqtt_subscribe: one SUBSCRIBE with all topics (QoS capped by max_qos)
 *  and the caller's message_id, whose SUBACK the global handlers get:
 *  @capi void mg_mqtt_subscribe(struct mg_connection *nc, const struct mg_mqtt_topic_expression *topics, size_t topics_len, uint16_t message_id)
 */
export function raw_subscribe(nc: mg_connection, topics: Ptr, n: u32, message_id: u16): void {
  rawSubscribe(nc, topics, n, message_id, true);
}

/** mg_mqtt_unsubscribe: one UNSUBSCRIBE with all topics and the caller's message_id:
 *  @capi void mg_mqtt_unsubscribe(struct mg_connection *nc, char **topics, size_t topics_len, uint16_t message_id)
 */
export function raw_unsubscribe(nc: mg_connection, topics: Ptr, n: u32, message_id: u16): void {
  rawSubscribe(nc, topics, n, message_id, false);
}

/** The topic filter at `pos` of a SUBSCRIBE payload (a broker's job; as
 *  Mongoose, with the bounds checked): sets `topic`, returns (next pos) * 4 +
 *  QoS, or -1 at the end or on a malformed entry. compat.c splits the result:
 *  @capi int mg_mqtt_next_subscribe_topic(struct mg_mqtt_message *msg, struct mg_str *topic, uint8_t *qos, int pos)
 */
export function next_sub_topic(payload: Bytes, topic: mg_str, pos: i32): i32 {
  if (pos < 0 || u32(pos) + 2 > payload.length) return -1;
  const p: u32 = u32(pos);
  const len: u32 = u32((payload[p] << 8) | payload[p + 1]);
  const next: u32 = u32(p + 2 + len + 1);
  if (next > payload.length || next > 0x1fffffff) return -1;
  topic.p = cstr(payload.subarray(u32(p + 2)));
  topic.len = len;
  return i32(u32(next * 4) + (payload[next - 1] & 3));
}

/** mg_mqtt_match_topic_expression on byte views: 1 when `topic` matches `exp`.
 *  @capi int mg_mqtt_match_topic_expression(struct mg_str exp, struct mg_str topic)
 *  @capi int mg_mqtt_vmatch_topic_expression(const char *exp, struct mg_str topic)
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

/** Sends PINGRESP (a broker's packet: a broker closes a client that sends it;
 *  here so that Mongoose code compiles). @api */
export function mg_mqtt_pong(nc: mg_connection): void {
  const c: mgos_mqtt_conn | null = openConn(nc, "mg_mqtt_pong");
  if (c === null) return;
  const s = c.session;
  const n: u32 = encodeSimple(s.tx.subarray(s.txLen), PacketType.PINGRESP);
  if (n === 0) {
    logMsg(LogLevel.WARN, "mg_mqtt_pong: tx buffer full", noBytes());
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
