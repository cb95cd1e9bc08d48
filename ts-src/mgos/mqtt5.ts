// MQTT 5 at the mgos layer, what conn.ts uses: the Server Reference a
// connection follows, event reason codes and properties, shared
// subscription matching. The public additions are in mqtt5_api.ts; the
// protocol itself in ts-src/mqtt/session.ts and session5.ts.

import { u8, u32, i32, Bytes, noBytes, cstr } from "../rt/rt";
import { Session } from "../mqtt/session";
import { Reason, Props5, PropId, PropIter } from "../mqtt/packet5";
import { nextProp, isShared } from "../mqtt/codec5";
import { Packet, PacketType } from "../mqtt/packet";
import { mg_str, mgos_mqtt_props } from "./mg_types";

/** The server the next attempt should use after an MQTT 5 "Use another
 *  server" (0x9C) or "Server moved" (0x9D) that named one (3.2.2.3.16,
 *  4.11): its first space-separated entry; empty when there is none. The
 *  reference is used once. */
export function serverReferenceTarget(s: Session): Bytes {
  if (!s.isV5()) return noBytes();
  const code: u8 = s.v5.lastReason;
  if (code !== Reason.USE_ANOTHER_SERVER && code !== Reason.SERVER_MOVED) return noBytes();
  const ref: Bytes = s.v5.serverReference();
  s.v5.lastReason = 0;
  let n: u32 = 0;
  while (n < ref.length && ref[n] !== 0x20) n++;
  return ref.subarray(0, n);
}

/** The reason code an event reports for packet `p` (mg_mqtt_message.reason_code). */
export function reason5Of(s: Session, p: Packet): u8 {
  if (p.type === PacketType.SUBACK || p.type === PacketType.UNSUBACK) return p.codes.length > 0 ? p.codes[0] : 0;
  if (p.type === PacketType.PUBLISH) return 0;
  return s.v5.pkt.reasonCode;
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
  const p: Props5 = s.v5.pkt.props;
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
