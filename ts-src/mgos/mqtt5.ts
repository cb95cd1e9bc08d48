// MQTT 5 at the mgos layer, what conn.ts uses: the Server Reference a
// connection follows, event reason codes and properties, shared
// subscription matching. The public additions are in mqtt5_api.ts; the
// protocol itself in ts-src/mqtt/session.ts and session5.ts.

import { u8, u32, i32, bool, Bytes, noBytes, cstr, strBytes, copyBytes } from "../rt/rt";
import { Session, LogLevel } from "../mqtt/session";
import { MQTT5_SUPPORT, V5State, V5_STR_SIZE } from "../mqtt/session5";
import { Reason, Props5, PropId, PropIter } from "../mqtt/packet5";
import { nextProp, isShared, putUserProp } from "../mqtt/codec5";
import { validUtf8, validTopicName } from "../mqtt/topic";
import { mgos_config_mqtt } from "../config/config_schema";
import { logMsg } from "./port";
import { Packet, PacketType } from "../mqtt/packet";
import { mg_str, mgos_mqtt_props } from "./mg_types";

/** The server the next attempt should use after an MQTT 5 "Use another
 *  server" (0x9C) or "Server moved" (0x9D) that named one (3.2.2.3.16,
 *  4.11): its first space-separated entry; empty when there is none. The
 *  reference is used once. */
export function serverReferenceTarget(s: Session): Bytes {
  if (MQTT5_SUPPORT === 0 || !s.isV5()) return noBytes();
  const code: u8 = s.v5s[0].lastReason;
  if (code !== Reason.USE_ANOTHER_SERVER && code !== Reason.SERVER_MOVED) return noBytes();
  const ref: Bytes = s.v5s[0].serverReference();
  s.v5s[0].lastReason = 0;
  let n: u32 = 0;
  while (n < ref.length && ref[n] !== 0x20) n++;
  return ref.subarray(0, n);
}

/** The reason code an event reports for packet `p` (mg_mqtt_message.reason_code). */
export function reason5Of(s: Session, p: Packet): u8 {
  if (p.type === PacketType.SUBACK || p.type === PacketType.UNSUBACK) return p.codes.length > 0 ? p.codes[0] : 0;
  if (MQTT5_SUPPORT === 0 || p.type === PacketType.PUBLISH || !s.isV5()) return 0;
  return s.v5s[0].pkt.reasonCode;
}

// ---------------------------------------------------------------- the public additions (docs/mqtt5.md)


/** `$share/<group>/<filter>` -> `<filter>` (what a shared subscription's
 *  messages match, 4.8.2); other filters unchanged. */
export function sharedFilter(f: Bytes): Bytes {
  if (!isShared(f)) return f;
  let k: u32 = 7;
  while (k < f.length && f[k] !== 0x2f) k++;
  return k < f.length ? f.subarray(u32(k + 1)) : noBytes();
}

export function setMg(m: mg_str, b: Bytes): void {
  m.p = cstr(b);
  m.len = b.length;
}

/** Fills `o` from the MQTT 5 packet the session decoded last. */
export function fillProps(o: mgos_mqtt_props, s: Session): void {
  if (MQTT5_SUPPORT === 0) return;
  const p: Props5 = s.v5s[0].pkt.props;
  o.payload_format = p.has(PropId.PAYLOAD_FORMAT) ? i32(p.payloadFormat) : -1;
  o.message_expiry = p.has(PropId.MESSAGE_EXPIRY) ? p.messageExpiry : 0;
  setMg(o.content_type, p.contentType);
  setMg(o.response_topic, p.responseTopic);
  setMg(o.correlation_data, p.correlationData);
  setMg(o.reason_string, p.reasonString);
  o.subscription_id = p.has(PropId.SUBSCRIPTION_ID) ? p.subscriptionId : 0;
  o.user_count = i32(p.userCount);
  setMg(o.raw, p.raw);
  evProps = o;
  evRaw = p.raw;
  setMg(o.user_key, noBytes());
  setMg(o.user_value, noBytes());
  const it: PropIter = iter;
  it.reset();
  if (p.userCount > 0 && nextProp(p.raw, it, PropId.USER_PROPERTY)) {
    setMg(o.user_key, it.key);
    setMg(o.user_value, it.value);
  }
}

const iter: PropIter = new PropIter();
/** The props fillProps() filled last and their property block (a view into
 *  the receive buffer, valid during the event), for mgos_mqtt_props_user. */
let evProps: mgos_mqtt_props | null = null;
let evRaw: Bytes = noBytes();

/** The property block of `o`: the event's own view when `o` is the event's. */
export function rawOf(o: mgos_mqtt_props, fallback: Bytes): Bytes {
  return o === evProps ? evRaw : fallback;
}

// ---------------------------------------------------------------- will properties (docs/mqtt5.md)

/** Sets the will properties of `v` (3.1.3.2): Will Delay Interval `delay`,
 *  Message Expiry `expiry` (0: none), Payload Format `format` (-1: none),
 *  Content Type, Response Topic, Correlation Data (empty: none) and the
 *  pre-encoded User Properties `users`. Returns null, or what is wrong (then
 *  nothing changed). */
export function setWill5(v: V5State, delay: u32, expiry: u32, format: i32, ct: Bytes, rt: Bytes, cd: Bytes, users: Bytes): string | null {
  if (format < -1 || format > 1) return "will payload format must be -1 (none), 0 or 1";
  if (!validUtf8(ct)) return "will content type is not UTF-8";
  if (rt.length > 0 && !validTopicName(rt)) return "will response topic is not a topic name (UTF-8, no + or #)";
  if (u32(ct.length + rt.length + cd.length + users.length) > V5_STR_SIZE) return "will properties do not fit MGOS_MQTT_V5_STR_SIZE";
  const w: Props5 = v.will;
  w.reset();
  if (delay > 0) {
    w.willDelay = delay;
    w.set(PropId.WILL_DELAY);
  }
  if (expiry > 0) {
    w.messageExpiry = expiry;
    w.set(PropId.MESSAGE_EXPIRY);
  }
  if (format >= 0) {
    w.payloadFormat = u8(format);
    w.set(PropId.PAYLOAD_FORMAT);
  }
  let at: u32 = 0;
  if (ct.length > 0) {
    w.contentType = keepAt(v, at, ct);
    w.set(PropId.CONTENT_TYPE);
    at = u32(at + ct.length);
  }
  if (rt.length > 0) {
    w.responseTopic = keepAt(v, at, rt);
    w.set(PropId.RESPONSE_TOPIC);
    at = u32(at + rt.length);
  }
  if (cd.length > 0) {
    w.correlationData = keepAt(v, at, cd);
    w.set(PropId.CORRELATION_DATA);
    at = u32(at + cd.length);
  }
  w.extra = keepAt(v, at, users);
  return null;
}

/** `b` copied to v.willStr at `at` (there is room: setWill5 checked). */
function keepAt(v: V5State, at: u32, b: Bytes): Bytes {
  copyBytes(v.willStr, at, b);
  return v.willStr.subarray(at, u32(at + b.length));
}

/** Appends a User Property to the will's (false: not UTF-8 or no room). */
export function addWillUser5(v: V5State, key: Bytes, value: Bytes): bool {
  const w: Props5 = v.will;
  // willStr holds the will's strings, then its User Properties (setWill5): they grow in place.
  const start: u32 = u32(w.contentType.length + w.responseTopic.length + w.correlationData.length);
  const n: u32 = putUserProp(v.willStr, u32(start + w.extra.length), key, value);
  if (n === 0) return false;
  w.extra = v.willStr.subarray(start, n);
  return true;
}

/** `k=v,k2=v2` (config will_user_props) as pre-encoded User Properties in
 *  `out`: their length, or -1 when an entry has no `=` or an empty key, or
 *  they do not fit. */
export function userPairs(src: Bytes, out: Bytes): i32 {
  let n: u32 = 0;
  let k: u32 = 0;
  while (k < src.length) {
    let e: u32 = k;
    while (e < src.length && src[e] !== 0x2c) e++;
    let eq: u32 = k;
    while (eq < e && src[eq] !== 0x3d) eq++;
    if (eq === k || eq === e) return -1;
    const m: u32 = putUserProp(out, n, src.subarray(k, eq), src.subarray(u32(eq + 1), e));
    if (m === 0) return -1;
    n = m;
    k = u32(e + 1);
  }
  return i32(n);
}

const willUsers: Uint8Array = new Uint8Array(MQTT5_SUPPORT !== 0 ? V5_STR_SIZE : 1);

function sbytes(s: string | null): Bytes {
  return s === null ? noBytes() : strBytes(s!);
}

/** The will properties from the config's will_* keys, unless the API set
 *  them (mgos_mqtt_conn_set_will5). False: invalid (logged). */
export function configWill5(s: Session, c: mgos_config_mqtt): bool {
  if (MQTT5_SUPPORT === 0) return true;
  const v: V5State = s.v5s[0];
  if (v.willFromApi) return true;
  const n: i32 = userPairs(sbytes(c.will_user_props), willUsers);
  if (n < 0) {
    logMsg(LogLevel.ERROR, "config: will_user_props must be key=value,key=value (UTF-8, within MGOS_MQTT_V5_STR_SIZE): ", sbytes(c.will_user_props));
    return false;
  }
  const err: string | null = setWill5(v, c.will_delay > 0 ? u32(c.will_delay) : 0, c.will_message_expiry > 0 ? u32(c.will_message_expiry) : 0,
    c.will_payload_format, sbytes(c.will_content_type), sbytes(c.will_response_topic), sbytes(c.will_correlation_data),
    willUsers.subarray(0, u32(n)));
  if (err !== null) {
    logMsg(LogLevel.ERROR, "config: ", strBytes(err!));
    return false;
  }
  return true;
}
