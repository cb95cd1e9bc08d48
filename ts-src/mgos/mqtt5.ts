// MQTT 5 at the mgos layer: the Server Reference a connection follows, and
// (below) the public additions of docs/mqtt5.md. The protocol itself is in
// ts-src/mqtt/session.ts and session5.ts.

import { u8, u32, Bytes, noBytes } from "../rt/rt";
import { Session } from "../mqtt/session";
import { Reason } from "../mqtt/packet5";
import { Packet, PacketType } from "../mqtt/packet";

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
