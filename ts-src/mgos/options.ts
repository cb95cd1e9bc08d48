// Optional parts of the client chosen in Kconfig, apart (with no imports
// beyond rt) so that the config loader can refuse a key asking for a part
// compiled out without depending on the part's code.

import { u32 } from "../rt/rt";

/** MQTT over WebSocket compiled in (1) or out (0). Out by default in C (Kconfig
 *  MGOS_MQTT_WS_SUPPORT, default n, as the reference has no WebSocket; a C
 *  build without the macro leaves it out too); Node runs with it in. Out, the
 *  config loader refuses mqtt.ws_enable, a config set from C fails each
 *  connect with an error, conn.ts never reaches the link's code (the linker
 *  drops it) and the link's buffers shrink to a byte per connection.
 *  @kconfig MGOS_MQTT_WS_SUPPORT_VALUE
 *  @cdefault 0 */
export const WS_SUPPORT: u32 = 1;
/** WebSocket links per connection: one, or none when compiled out (a
 *  zero-length array in C, no RAM; reached only behind a WS_SUPPORT test). */
export const WS_ONE: u32 = WS_SUPPORT !== 0 ? 1 : 0;
/** The persistent outbox compiled in (1) or out (0). Out by default in C
 *  (Kconfig MGOS_MQTT_PERSIST_SUPPORT, default n: not in the reference; a C
 *  build without the macro leaves it out too); Node runs with it in. Out, the
 *  config loader refuses mqtt.outbox_persist, a config set from C logs an
 *  error and nothing is persisted; the linker drops this module's code and
 *  the session's restore path.
 *  @kconfig MGOS_MQTT_PERSIST_SUPPORT_VALUE
 *  @cdefault 0 */
export const PERSIST_SUPPORT: u32 = 1;
/** Large incoming PUBLISHes delivered in fragments (MGOS_MQTT_SUB_FRAGMENTS,
 *  MG_EV_MQTT_PUBLISH_PART) compiled in (1) or out (0). Out by default in C
 *  (Kconfig MGOS_MQTT_FRAGMENTS_SUPPORT, default n: not in the reference; a C
 *  build without the macro leaves it out too); Node runs with it in. Out, a
 *  subscribe with MGOS_MQTT_SUB_FRAGMENTS is refused with an error naming the
 *  switch, and a PUBLISH over the receive limit is always skipped,
 *  acknowledged and reported (MG_EV_MQTT_PUBLISH_SKIPPED), as the spec wants.
 *  @kconfig MGOS_MQTT_FRAGMENTS_SUPPORT_VALUE
 *  @cdefault 0 */
export const FRAGMENTS_SUPPORT: u32 = 1;
