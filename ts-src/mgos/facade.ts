// The global mgos_mqtt_* API: a facade over connection slot 0.
//
// Slot 0 follows the system config (config_sys.ts): mqtt and mqtt1 are re-read
// at every connect, so a config loaded or --set before mgos_mqtt_init() (or
// before a reconnect) is what the connection uses. The slot is set up on first
// use, so the API works even if the app calls it before mgos_mqtt_init().

import { u16, i32, bool, int, usize, Ptr, Bytes, strBytes, noBytes } from "../rt/rt";
import { mgos_config_mqtt } from "../config/config_schema";
import { mg_connection, mg_event_handler_t, sub_handler_t, mgos_mqtt_connect_fn_t } from "./mg_types";
import { mgos_mqtt_conn, HandlerKind, conn_slot, set_config as conn_set_config } from "./conn";
import { nowMs } from "./port";

/** QoS of mgos_mqtt_sub and mgos_mqtt_global_subscribe (as Mongoose OS; capped by max_qos). */
export const GLOBAL_SUB_QOS: i32 = 1;

/** The global connection (slot 0), set up on first use. */
export function global(): mgos_mqtt_conn {
  const c: mgos_mqtt_conn = conn_slot(0);
  if (!c.inUse) {
    c.reset(0);
    c.followSys = true;
    c.loadSysConfig();
  }
  return c;
}

/** Starts the global connection: connects at the next poll when mqtt.enable. @api */
export function mgos_mqtt_init(): bool {
  const c: mgos_mqtt_conn = global();
  // A config given by mgos_mqtt_set_config() stays.
  if (c.followSys) c.loadSysConfig();
  if (c.cfg.enable) {
    c.wantConnect = true;
    c.reconnectAt = nowMs();
    c.reconnectPending = true;
  }
  return true;
}

/** The global connection object, for the mgos_mqtt_conn_* API (and pubf/pubv). @api */
export function mgos_mqtt_get_global(): mgos_mqtt_conn {
  return global();
}

/** Registers a handler for the global connection's events. @api */
export function mgos_mqtt_add_global_handler(handler: mg_event_handler_t, ud: Ptr): void {
  global().addGlobal(handler, ud);
}

/** The callback that sends CONNECT instead of the library (it must call
 *  mg_send_mqtt_handshake_opt). @api */
export function mgos_mqtt_set_connect_fn(cb: mgos_mqtt_connect_fn_t, fn_arg: Ptr): void {
  const c: mgos_mqtt_conn = global();
  c.setConnectFn(cb, fn_arg);
}

/** The connection when it is established (CONNACK accepted), else NULL. @api */
export function mgos_mqtt_get_global_conn(): mg_connection | null {
  const c: mgos_mqtt_conn = global();
  return c.isConnected() ? c.nc : null;
}

/** Attempts to connect now (if enabled and not already connected). @api */
export function mgos_mqtt_global_connect(): bool {
  return global().start();
}

/** Disconnects and stops reconnecting until mgos_mqtt_global_connect(). @api */
export function mgos_mqtt_global_disconnect(): void {
  global().stop();
}

/** @api */
export function mgos_mqtt_global_is_connected(): bool {
  return global().isConnected();
}

/** Publishes on the global connection. C name facade_pub_bytes: compat.c's
 *  mgos_mqtt_pub (const void *, size_t) and the port's pubf/pubv call it.
 *  @capi uint16_t mgos_mqtt_pub(const char *topic, const void *message, size_t len, int qos, bool retain)
 *  @capi uint16_t mgos_mqtt_pubf(const char *topic, int qos, bool retain, const char *json_fmt, ...)
 *  @capi uint16_t mgos_mqtt_pubv(const char *topic, int qos, bool retain, const char *json_fmt, va_list ap)
 */
export function pub_bytes(topic: string, msg: Bytes, qos: int, retain: bool): u16 {
  return global().publish(topic, msg, qos, retain);
}

/** mgos_mqtt_global_subscribe with the topic as bytes (compat.c converts the struct mg_str):
 *  @capi void mgos_mqtt_global_subscribe(const struct mg_str topic, mg_event_handler_t handler, void *ud)
 */
export function global_subscribe(topic: Bytes, handler: mg_event_handler_t, ud: Ptr): void {
  global().subscribe(topic, GLOBAL_SUB_QOS, HandlerKind.TOPIC, handler, null, ud);
}

/** Subscribes; `handler` gets the topic and message of every matching PUBLISH. @api */
export function mgos_mqtt_sub(topic: string, handler: sub_handler_t, ud: Ptr): void {
  global().subscribe(strBytes(topic), GLOBAL_SUB_QOS, HandlerKind.SUB, null, handler, ud);
}

/** mgos_mqtt_global_subscribe with a QoS and flags (MGOS_MQTT_SUB_*): with
 *  MGOS_MQTT_SUB_FRAGMENTS the handler also gets PUBLISHes larger than the
 *  receive buffer, as MG_EV_MQTT_PUBLISH_PART fragments (docs/large-messages.md;
 *  Kconfig MGOS_MQTT_FRAGMENTS_SUPPORT). False when refused. @api */
export function mgos_mqtt_global_subscribe_opt(topic: string, qos: int, flags: int, handler: mg_event_handler_t, ud: Ptr): bool {
  return global().subscribeOpt(strBytes(topic), qos, flags, handler, ud);
}

/** Removes the first subscription to exactly `topic` and sends UNSUBSCRIBE. @api */
export function mgos_mqtt_unsub(topic: string): bool {
  return global().unsubscribe(strBytes(topic));
}

/** Bytes waiting to go out, queued messages included. @api */
export function mgos_mqtt_num_unsent_bytes(): usize {
  return global().unsentBytes();
}

/** The next packet id: never 0, wraps after 0xffff. @api */
export function mgos_mqtt_get_packet_id(): u16 {
  return global().session.nextPacketId();
}

/** Caps the QoS of later publishes and subscriptions: 0, 1 or 2; -1 removes
 *  the cap set before (the config's max_qos applies); other values are
 *  refused with an error log and change nothing. @api */
export function mgos_mqtt_set_max_qos(qos: int): void {
  global().setMaxQos(qos);
}

/** Why the last publish on the global connection returned 0: MGOS_MQTT_ERR_*
 *  (0 after a success). MGOS_MQTT_ERR_IS_TEMPORARY(err): full now, retry. @api */
export function mgos_mqtt_get_last_error(): int {
  return global().session.lastError;
}

/** Outbox bytes a new message may take now on the global connection (0: none
 *  can be taken). A message needs strlen(topic) + len + 9 bytes at most. @api */
export function mgos_mqtt_outbox_room(): usize {
  return global().session.outboxRoom();
}

/** Uses `cfg` instead of the system config's mqtt section (mqtt1 stays the
 *  system's). Copied, strings included (false with an error when they do not
 *  fit MGOS_MQTT_CONN_STR_SIZE): the caller may free its own. An open
 *  connection closes and reconnects with it (as the reference). C name
 *  facade_set_config, wrapped by compat.c:
 *  @capi bool mgos_mqtt_set_config(const struct mgos_config_mqtt *cfg)
 */
export function set_config(cfg: mgos_config_mqtt): bool {
  const c: mgos_mqtt_conn = global();
  c.loadSysConfig();
  return conn_set_config(c, cfg);
}
