// Log for application code (the reference's Log.info / Log.error ...).
//
//   Log.info("button pressed");
//   Log.infoText(line.clear().add("got ").addBytes(msg));
//
// A line goes to the platform's log through the extern port_app_log: on the
// host a line "<level letter> <text>" on stdout (apps/support/app_port.c), on
// ESP-IDF ESP_LOGx with the tag "app", under Node the same line as the host
// (apps/run-node.ts). Lines above the current level are dropped here, before
// any formatting reaches the port.

import { i32, bool, Bytes, strBytes } from "../rt/rt";
import { Text } from "./app_text";

/** Writes one log line (`line` is not NUL-terminated). */
declare function port_app_log(level: i32, line: Bytes): void;

export const ERROR: i32 = 0;
export const WARN: i32 = 1;
export const INFO: i32 = 2;
export const DEBUG: i32 = 3;

let level: i32 = INFO;

/** Lines at or below `l` (ERROR 0 .. DEBUG 3) are written; default INFO. */
export function setLevel(l: i32): void {
  level = l < ERROR ? ERROR : l > DEBUG ? DEBUG : l;
}

/** Whether a line at `l` would be written (skip building it otherwise). */
export function enabled(l: i32): bool {
  return l <= level;
}

/** Writes `line` at level `l`. */
export function bytes(l: i32, line: Bytes): void {
  if (l <= level) port_app_log(l, line);
}

export function error(msg: string): void {
  bytes(ERROR, strBytes(msg));
}
export function warn(msg: string): void {
  bytes(WARN, strBytes(msg));
}
export function info(msg: string): void {
  bytes(INFO, strBytes(msg));
}
export function debug(msg: string): void {
  bytes(DEBUG, strBytes(msg));
}

/** The text built in `t`, at ERROR / WARN / INFO / DEBUG. */
export function errorText(t: Text): void {
  bytes(ERROR, t.view());
}
export function warnText(t: Text): void {
  bytes(WARN, t.view());
}
export function infoText(t: Text): void {
  bytes(INFO, t.view());
}
export function debugText(t: Text): void {
  bytes(DEBUG, t.view());
}
