// System facts an application needs (a small part of the reference's Sys/Cfg).

import { u32, f64, bool, strBytes } from "../rt/rt";
import { mgos_sys_config_get_mqtt_client_id } from "../config/config_sys";
import { nowMs, deviceId as portDeviceId } from "../mgos/port";

/** The device id: mqtt.client_id when set, else the platform's id
 *  ("esp32_<mac>" on the device, "mgos_<host>_<pid>" on the host). It is
 *  also the client id the connection uses, so topics built from it are the
 *  device's own. */
export function deviceId(): string {
  const cid: string | null = mgos_sys_config_get_mqtt_client_id();
  if (cid === null || strBytes(cid).length === 0) return portDeviceId();
  return cid;
}

/** Milliseconds of the platform's monotonic clock; wraps at 2^32 (compare with u32(a - b)). */
export function uptimeMs(): u32 {
  return nowMs();
}

/** The same clock in seconds (the reference's Sys.uptime()). */
export function uptime(): f64 {
  return nowMs() / 1000.0;
}

/** True once `deadline` (a uptimeMs() value) has passed, across the 2^32 wrap. */
export function reached(deadline: u32): bool {
  return u32(nowMs() - deadline) < 0x80000000;
}
