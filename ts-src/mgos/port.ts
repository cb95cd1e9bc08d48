// The port interface: everything the mgos API layer needs from the platform.
//
// The layer above (conn.ts) is sans-I/O except for these externs. Their C
// bodies live in components/mgos_mqtt/port/ (port_posix.c on the host,
// port_esp32.c under ESP-IDF); under Node, ts-src/node/port.ts installs them
// on globalThis. The ports call back into conn.ts's @api functions
// mgos_mqtt_port_on_connect / _on_recv / _on_close / _poll.
//
// The externs are not exported: under Node a `declare function` is found on
// globalThis only when called from its own module, so other modules call the
// small exported wrappers below (nowMs, netSend, ...).

import { u16, u32, i32, f64, Bytes, Ptr } from "../rt/rt";
// The build's log level: the compiler puts each logMsg() call under it.
import { LOG_LEVEL } from "../mqtt/loglevel";

/** Monotonic milliseconds; wraps at 2^32 (compare with u32(a - b)). */
declare function port_now_ms(): u32;
/** Wall-clock time in seconds since the epoch (Mongoose's mg_time()); small
 *  (before 2017) while the clock is not set yet. */
declare function port_time(): f64;
/** A random number, for reconnect jitter. */
declare function port_rand(): u32;
/** Logs `mgos_mqtt: <msg><detail>` at level 0 error, 1 warn, 2 info, 3 debug. */
declare function port_log(level: i32, msg: string, detail: Bytes): void;
/** Starts a non-blocking TCP connect for connection `slot` (DNS inside the
 *  port). tlsSlot < 0: plain TCP. Returns 0 if started (completion comes
 *  through mgos_mqtt_port_on_connect), < 0 on immediate failure. */
declare function port_net_connect(slot: i32, host: Bytes, port: u16, tlsSlot: i32): i32;
/** Writes as much of `data` as the socket takes now: bytes written (>= 0), or < 0 on error. */
declare function port_net_send(slot: i32, data: Bytes): i32;
/** Closes the socket of `slot` (no callback follows). */
declare function port_net_close(slot: i32): void;
/** The default client id ("esp32_<mac>" on the device). */
declare function port_device_id(): string;
/** Posts a system event (MGOS_EVENT_CLOUD_*; `arg` is a mgos_cloud_arg). */
declare function port_event_trigger(ev: i32, arg: Ptr): void;

export function nowMs(): u32 {
  return port_now_ms();
}

export function wallTime(): f64 {
  return port_time();
}

export function rand32(): u32 {
  return port_rand();
}

/** The message of every "feature compiled out but configured" error, its
 *  detail naming the Kconfig option and the key (one string in flash). */
export const COMPILED_OUT: string = "compiled out: ";

/** `mgos_mqtt: <msg><detail>` at `level` (LogLevel); the C build leaves out
 *  calls below its CONFIG_MGOS_MQTT_LOG_LEVEL (session.ts LOG_LEVEL). @log */
export function logMsg(level: i32, msg: string, detail: Bytes): void {
  port_log(level, msg, detail);
}

export function netConnect(slot: i32, host: Bytes, port: u16, tlsSlot: i32): i32 {
  return port_net_connect(slot, host, port, tlsSlot);
}

export function netSend(slot: i32, data: Bytes): i32 {
  return port_net_send(slot, data);
}

export function netClose(slot: i32): void {
  port_net_close(slot);
}

export function deviceId(): string {
  return port_device_id();
}

export function eventTrigger(ev: i32, arg: Ptr): void {
  port_event_trigger(ev, arg);
}
