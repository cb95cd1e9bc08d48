// The MQTT 5 additions to the public API (docs/mqtt5.md): publish with
// properties, subscribe with MQTT 5 options, CONNECT extras, extended
// authentication, DISCONNECT with a reason, and what a connection negotiated.
// Every mgos_mqtt_* call of the reference works unchanged on an MQTT 5
// connection; these add to it, in the same style.

import { u8, u16, u32, i32, int, bool, Ptr, Bytes, noBytes, strBytes, copyBytes } from "../rt/rt";
import { Session, LogLevel } from "../mqtt/session";
import { Props5, PropId, PropIter } from "../mqtt/packet5";
import { nextProp, putUserProp } from "../mqtt/codec5";
import { V5State, V5_STR_SIZE, MQTT5_SUPPORT } from "../mqtt/session5";
import { MGOS_MQTT_ERR } from "../mqtt/delivery";
import { mg_str, mgos_mqtt_props, mgos_mqtt_v5_info, mg_event_handler_t } from "./mg_types";
import { mgos_mqtt_conn, HandlerKind, mgos_mqtt_conn_disconnect } from "./conn";
import { logMsg, nowMs } from "./port";
import { setMg, rawOf, setWill5, addWillUser5 } from "./mqtt5";

/** The bytes of an mg_str (C: {p, len}; compat.c). */
declare function mg_str_bytes(s: mg_str): Bytes;

const iter: PropIter = new PropIter();

/** Logs that `what` needs MQTT 5, compiled out: the calls that need a
 *  connection's MQTT 5 state test MQTT5_SUPPORT first (there is none), in
 *  place so the C compiler drops what follows. */
function v5Off(what: string): void {
  logMsg(LogLevel.ERROR, "MQTT 5 is compiled out (CONFIG_MGOS_MQTT_V5_SUPPORT): ", strBytes(what));
}
const userScratch: Uint8Array = new Uint8Array(MQTT5_SUPPORT !== 0 ? V5_STR_SIZE : 1);

/** User Property `i` (from 0) of received properties: key and value into
 *  `key` / `value`. False when there are not that many. @api */
export function mgos_mqtt_props_user(props: mgos_mqtt_props, i: int, key: mg_str, value: mg_str): bool {
  const it: PropIter = iter;
  it.reset();
  const raw: Bytes = rawOf(props, mg_str_bytes(props.raw));
  for (let k: i32 = 0; k <= i; k++) {
    if (!nextProp(raw, it, PropId.USER_PROPERTY)) return false;
  }
  setMg(key, it.key);
  setMg(value, it.value);
  return true;
}

/** Only the staged user properties (publish without props). */
function takeStagedUser(s: Session, p: Props5): bool {
  const v: V5State = s.v5s[0];
  if (v.pubUserLen > 0) p.extra = v.pubUser.subarray(0, v.pubUserLen);
  return true;
}

/** The session's publish properties from the application's and the staged
 *  user properties (false: invalid, logged). */
function takePubProps(s: Session, o: mgos_mqtt_props | null): bool {
  const p: Props5 = s.v5s[0].pubProps;
  p.reset();
  if (o === null) return takeStagedUser(s, p);
  const q: mgos_mqtt_props = o!;
  if (q.payload_format === 0 || q.payload_format === 1) {
    p.payloadFormat = u8(q.payload_format);
    p.set(PropId.PAYLOAD_FORMAT);
  }
  if (q.message_expiry > 0) {
    p.messageExpiry = q.message_expiry;
    p.set(PropId.MESSAGE_EXPIRY);
  }
  if (q.content_type.len > 0) {
    p.contentType = mg_str_bytes(q.content_type);
    p.set(PropId.CONTENT_TYPE);
  }
  if (q.response_topic.len > 0) {
    p.responseTopic = mg_str_bytes(q.response_topic);
    p.set(PropId.RESPONSE_TOPIC);
  }
  if (q.correlation_data.len > 0) {
    p.correlationData = mg_str_bytes(q.correlation_data);
    p.set(PropId.CORRELATION_DATA);
  }
  // props' own user property first, then the staged ones in the order added.
  const v: V5State = s.v5s[0];
  let n: u32 = 0;
  if (q.user_key.len > 0) {
    n = putUserProp(userScratch, 0, mg_str_bytes(q.user_key), mg_str_bytes(q.user_value));
    if (n === 0) {
      logMsg(LogLevel.ERROR, "publish: user property not UTF-8 or too long", noBytes());
      return false;
    }
  }
  if (v.pubUserLen > u32(userScratch.length) - n) {
    logMsg(LogLevel.ERROR, "publish: props.user_key with the staged user properties over MGOS_MQTT_V5_STR_SIZE", noBytes());
    return false;
  }
  copyBytes(userScratch, n, v.pubUser.subarray(0, v.pubUserLen));
  n = u32(n + v.pubUserLen);
  if (n > 0) p.extra = userScratch.subarray(0, n);
  return true;
}

/** Publishes with MQTT 5 properties (on a 3.1.1 connection they are left
 *  out). As mgos_mqtt_conn_pub otherwise. C name conn_pub5_bytes:
 *  @capi uint16_t mgos_mqtt_conn_pub5(struct mgos_mqtt_conn *c, const char *topic, struct mg_str msg, int qos, bool retain, const struct mgos_mqtt_props *props)
 *  @capi uint16_t mgos_mqtt_pub5(const char *topic, const void *message, size_t len, int qos, bool retain, const struct mgos_mqtt_props *props)
 */
export function conn_pub5_bytes(c: mgos_mqtt_conn, topic: string, msg: Bytes, qos: int, retain: bool, props: mgos_mqtt_props | null): u16 {
  const s: Session = c.session;
  if (MQTT5_SUPPORT === 0 || !s.isV5()) {
    if (MQTT5_SUPPORT !== 0) s.v5s[0].pubUserLen = 0;
    return c.publish(topic, msg, qos, retain);
  }
  const ok: bool = takePubProps(s, props);
  // Staged user properties go with this publish only, sent or not.
  s.v5s[0].pubUserLen = 0;
  if (!ok) {
    s.lastError = MGOS_MQTT_ERR.INVALID;
    return 0;
  }
  const id: u16 = c.publish(topic, msg, qos, retain);
  s.v5s[0].pubProps.reset();
  return id;
}

/** Stages a User Property for the next mgos_mqtt_conn_pub5 / mgos_mqtt_pub5
 *  on `c` (after props.user_key, in the order added; any number while they
 *  fit MGOS_MQTT_V5_STR_SIZE together). Key and value are copied now. That
 *  pub5 takes them, sent or refused; plain pub and 3.1.1 leave them out.
 *  False, logged, the staged ones kept: not UTF-8 or does not fit. @api */
export function mgos_mqtt_conn_add_pub_user_prop(c: mgos_mqtt_conn, key: string, value: string): bool {
  if (MQTT5_SUPPORT === 0) {
    v5Off("mgos_mqtt_conn_add_pub_user_prop");
    return false;
  }
  const v: V5State = c.session.v5s[0];
  const n: u32 = putUserProp(v.pubUser, v.pubUserLen, strBytes(key), strBytes(value));
  if (n === 0) {
    logMsg(LogLevel.ERROR, "publish user property not UTF-8 or does not fit MGOS_MQTT_V5_STR_SIZE: ", strBytes(key));
    return false;
  }
  v.pubUserLen = n;
  return true;
}

/** Drops the user properties staged for the next pub5. @api */
export function mgos_mqtt_conn_clear_pub_user_props(c: mgos_mqtt_conn): void {
  if (MQTT5_SUPPORT === 0) return;
  c.session.v5s[0].pubUserLen = 0;
}

/** Subscribes with MQTT 5 subscription options: `opts` is
 *  MGOS_MQTT_SUB5_* flags (no local, retain as published, retain handling),
 *  `sub_id` a Subscription Identifier (0: none; it comes back in the props
 *  of matching messages). A `$share/<group>/<filter>` topic is a shared
 *  subscription. On a 3.1.1 connection the options are left out. @api
 */
export function mgos_mqtt_conn_sub5(c: mgos_mqtt_conn, topic: string, qos: int, opts: int, sub_id: u32, handler: mg_event_handler_t, user_data: Ptr): bool {
  if ((opts & ~0x3c) !== 0 || ((opts >> 4) & 3) === 3 || sub_id > 268435455) {
    logMsg(LogLevel.ERROR, "mgos_mqtt_conn_sub5: bad options or subscription id for ", strBytes(topic));
    return false;
  }
  const s: Session = c.session;
  s.nextOpts5 = u8(opts);
  s.nextSubId = sub_id;
  const ok: bool = c.subscribe(strBytes(topic), qos, HandlerKind.TOPIC, handler, null, user_data);
  s.nextOpts5 = 0;
  s.nextSubId = 0;
  return ok;
}

/** Adds a User Property to the CONNECT of every later connection (until
 *  mgos_mqtt_conn_clear_connect_props). False when it does not fit
 *  MGOS_MQTT_V5_STR_SIZE or is not UTF-8. @api */
export function mgos_mqtt_conn_add_connect_user_prop(c: mgos_mqtt_conn, key: string, value: string): bool {
  if (MQTT5_SUPPORT === 0) {
    v5Off("mgos_mqtt_conn_add_connect_user_prop");
    return false;
  }
  const v: V5State = c.session.v5s[0];
  const n: u32 = putUserProp(v.connectUser, v.connectUserLen, strBytes(key), strBytes(value));
  if (n === 0) {
    logMsg(LogLevel.ERROR, "connect user property does not fit MGOS_MQTT_V5_STR_SIZE: ", strBytes(key));
    return false;
  }
  v.connectUserLen = n;
  return true;
}

/** Forgets the CONNECT extras: user properties, authentication, request response information. @api */
export function mgos_mqtt_conn_clear_connect_props(c: mgos_mqtt_conn): void {
  if (MQTT5_SUPPORT === 0) return;
  const v: V5State = c.session.v5s[0];
  v.connectUserLen = 0;
  v.authMethodLen = 0;
  v.authDataLen = 0;
  v.requestResponseInfo = false;
}

/** Asks for Response Information in the CONNACK (read it with mgos_mqtt_conn_v5_info). @api */
export function mgos_mqtt_conn_set_request_response_info(c: mgos_mqtt_conn, on: bool): void {
  if (MQTT5_SUPPORT === 0) {
    v5Off("mgos_mqtt_conn_set_request_response_info");
    return;
  }
  c.session.v5s[0].requestResponseInfo = on;
}

/** Extended authentication (4.12): the Authentication Method and first
 *  Authentication Data of later CONNECTs. The broker's AUTH reaches the
 *  global handlers as MG_EV_MQTT_AUTH (reason_code, and its Authentication
 *  Data from mgos_mqtt_conn_auth_data); answer with
 *  mgos_mqtt_conn_auth_continue. NULL method: off. C name conn_set_auth_bytes:
 *  @capi bool mgos_mqtt_conn_set_auth(struct mgos_mqtt_conn *c, const char *method, struct mg_str data)
 */
export function conn_set_auth_bytes(c: mgos_mqtt_conn, method: string | null, data: Bytes): bool {
  if (MQTT5_SUPPORT === 0) {
    v5Off("mgos_mqtt_conn_set_auth");
    return method === null;
  }
  const v: V5State = c.session.v5s[0];
  v.authMethodLen = 0;
  v.authDataLen = 0;
  if (method === null) return true;
  const m: Bytes = strBytes(method!);
  if (m.length === 0 || m.length > V5_STR_SIZE || data.length > V5_STR_SIZE) {
    logMsg(LogLevel.ERROR, "mgos_mqtt_conn_set_auth: method empty, or method or data over MGOS_MQTT_V5_STR_SIZE", noBytes());
    return false;
  }
  copyBytes(v.authMethod, 0, m);
  v.authMethodLen = m.length;
  copyBytes(v.authData, 0, data);
  v.authDataLen = data.length;
  return true;
}

/** Sends AUTH with reason `reason` (0x18 continue, 0x19 re-authenticate)
 *  and Authentication Data `data`, with the method set by
 *  mgos_mqtt_conn_set_auth. C name conn_auth_continue_bytes:
 *  @capi bool mgos_mqtt_conn_auth_continue(struct mgos_mqtt_conn *c, int reason, struct mg_str data)
 */
export function conn_auth_continue_bytes(c: mgos_mqtt_conn, reason: int, data: Bytes): bool {
  const ok: bool = c.session.sendAuth(u8(reason), data);
  c.service(nowMs());
  return ok;
}

/** MQTT 5 will properties of later CONNECTs (3.1.3.2): Will Delay Interval
 *  `delay` seconds (the broker publishes the will that much after the
 *  connection is lost, and not at all if the session resumes first; it needs
 *  session_expiry > 0), and from `props` the payload format, message expiry,
 *  content type, response topic, correlation data and one user property
 *  (more: mgos_mqtt_conn_add_will_user_prop). They replace the config's
 *  will_* properties; delay 0 and NULL go back to those. The will itself is
 *  still will_topic / will_message. False, logged, nothing changed: invalid. @api */
export function mgos_mqtt_conn_set_will5(c: mgos_mqtt_conn, delay: u32, props: mgos_mqtt_props | null): bool {
  if (MQTT5_SUPPORT === 0) {
    v5Off("mgos_mqtt_conn_set_will5");
    return false;
  }
  const v: V5State = c.session.v5s[0];
  if (props === null && delay === 0) {
    v.willFromApi = false;
    v.will.reset();
    return true;
  }
  let users: Bytes = noBytes();
  let fmt: i32 = -1;
  let expiry: u32 = 0;
  let ct: Bytes = noBytes();
  let rt: Bytes = noBytes();
  let cd: Bytes = noBytes();
  if (props !== null) {
    const q: mgos_mqtt_props = props!;
    fmt = q.payload_format;
    expiry = q.message_expiry;
    ct = mg_str_bytes(q.content_type);
    rt = mg_str_bytes(q.response_topic);
    cd = mg_str_bytes(q.correlation_data);
    if (q.user_key.len > 0) {
      const n: u32 = putUserProp(userScratch, 0, mg_str_bytes(q.user_key), mg_str_bytes(q.user_value));
      if (n === 0) {
        logMsg(LogLevel.ERROR, "mgos_mqtt_conn_set_will5: user property not UTF-8 or too long", noBytes());
        return false;
      }
      users = userScratch.subarray(0, n);
    }
  }
  const err: string | null = setWill5(v, delay, expiry, fmt, ct, rt, cd, users);
  if (err !== null) {
    logMsg(LogLevel.ERROR, "mgos_mqtt_conn_set_will5: ", strBytes(err!));
    return false;
  }
  v.willFromApi = true;
  return true;
}

/** Adds a User Property to the will's (after mgos_mqtt_conn_set_will5, or
 *  to the config's, which it then replaces). False when not UTF-8 or over
 *  MGOS_MQTT_V5_STR_SIZE with the will's other properties. @api */
export function mgos_mqtt_conn_add_will_user_prop(c: mgos_mqtt_conn, key: string, value: string): bool {
  if (MQTT5_SUPPORT === 0) {
    v5Off("mgos_mqtt_conn_add_will_user_prop");
    return false;
  }
  const v: V5State = c.session.v5s[0];
  if (!addWillUser5(v, strBytes(key), strBytes(value))) {
    logMsg(LogLevel.ERROR, "will user property not UTF-8 or does not fit MGOS_MQTT_V5_STR_SIZE: ", strBytes(key));
    return false;
  }
  v.willFromApi = true;
  return true;
}

/** Ends the connection with an MQTT 5 DISCONNECT reason code (e.g. 0x04:
 *  the broker publishes the will); as mgos_mqtt_conn_disconnect otherwise. @api */
export function mgos_mqtt_conn_disconnect5(c: mgos_mqtt_conn, reason: int): void {
  c.session.discReason = u8(reason);
  mgos_mqtt_conn_disconnect(c);
}

/** What the connection negotiated with the broker (MQTT 5; valid until the
 *  next call). NULL, with an error logged, when MQTT 5 is compiled out. @api */
export function mgos_mqtt_conn_v5_info(c: mgos_mqtt_conn): mgos_mqtt_v5_info | null {
  if (MQTT5_SUPPORT === 0) {
    v5Off("mgos_mqtt_conn_v5_info");
    return null;
  }
  const o: mgos_mqtt_v5_info = c.info5s[0];
  const s: Session = c.session;
  const v: V5State = s.v5s[0];
  o.protocol_version = s.isV5() ? 5 : 4;
  o.receive_maximum = i32(v.serverReceiveMax);
  o.maximum_packet_size = v.serverMaxPacket;
  o.topic_alias_maximum = i32(v.serverAliasMax);
  o.server_keep_alive = v.serverKeepAlive;
  o.maximum_qos = i32(v.serverMaxQos);
  o.retain_available = v.retainAvailable;
  o.reason_code = i32(v.lastReason);
  setMg(o.assigned_client_id, v.assignedClientId());
  setMg(o.server_reference, v.serverReference());
  setMg(o.reason_string, v.reasonString());
  setMg(o.response_information, v.responseInfo.subarray(0, v.responseInfoLen));
  o.topic_alias_hits = v.aliasHits;
  return o;
}

/** During MG_EV_MQTT_AUTH (and a CONNACK): the broker's Authentication Data.
 *  C name conn_auth_data_into:
 *  @capi struct mg_str mgos_mqtt_conn_auth_data(struct mgos_mqtt_conn *c)
 */
export function conn_auth_data_into(c: mgos_mqtt_conn, out: mg_str): void {
  if (MQTT5_SUPPORT === 0) {
    setMg(out, noBytes());
    return;
  }
  setMg(out, c.session.v5s[0].pkt.props.authData);
}
