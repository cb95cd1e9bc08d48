// Timers for application code (the reference's Timer.set / Timer.del).
//
//   const id: u32 = Timer.set(1000, Timer.REPEAT, onTick, null);
//   Timer.del(id);
//
// A fixed pool of MGOS_APP_MAX_TIMERS timers, run from the platform's loop:
// the loop calls mgos_app_poll(now) each iteration and waits at most the
// milliseconds it returns (apps/host_main.c on the host, apps/run-node.ts
// under Node; on ESP-IDF the client task). Callbacks therefore run on the
// same thread as the MQTT handlers, never concurrently with them.

import { u32, i32, f64, bool, Ptr, structs } from "../rt/rt";
import { nowMs } from "../mgos/port";
import * as Log from "./app_log";

/** Timers that can exist at once. @kconfig MGOS_APP_MAX_TIMERS */
export const MAX_TIMERS: i32 = 8;
/** Longest wait mgos_app_poll asks for, ms (so a loop stays responsive). */
export const MAX_WAIT_MS: u32 = 1000;

/** Flags of set(): call again every `ms` until del(). */
export const REPEAT: i32 = 1;
/** Flags of set(): also call once at the next poll. */
export const RUN_NOW: i32 = 2;

/** A timer callback; `ud` is the user data given to set(). */
export type TimerFn = (ud: Ptr) => void;

export class AppTimer {
  /** 0: free. */
  id: u32 = 0;
  fn: TimerFn | null = null;
  ud: Ptr = null;
  periodMs: u32 = 0;
  due: u32 = 0;
  repeat: bool = false;
}

export class AppTimers {
  items: AppTimer[] = structs(MAX_TIMERS, AppTimer);
  lastId: u32 = 0;
}

const timers = new AppTimers();

/** true when time `t` is at or after `due` (u32 clock, wraps). */
function isDue(t: u32, due: u32): bool {
  return u32(t - due) < 0x80000000;
}

/** Calls `fn(ud)` after `ms` milliseconds; with REPEAT every `ms` (at least 1)
 *  until del(); with RUN_NOW also once at the next poll. Returns the timer id,
 *  or 0 when all MGOS_APP_MAX_TIMERS timers are in use (logged). */
export function set(ms: u32, flags: i32, fn: TimerFn, ud: Ptr = null): u32 {
  for (let i: i32 = 0; i < MAX_TIMERS; i++) {
    const t: AppTimer = timers.items[i];
    if (t.id !== 0) continue;
    // Ids are never 0 and not reused soon, so a stale id does not delete a newer timer.
    timers.lastId = timers.lastId >= 0xffffffff ? 1 : u32(timers.lastId + 1);
    t.id = timers.lastId;
    t.fn = fn;
    t.ud = ud;
    t.repeat = (flags & REPEAT) !== 0;
    t.periodMs = ms === 0 && t.repeat ? 1 : ms;
    const t0: u32 = nowMs();
    t.due = (flags & RUN_NOW) !== 0 ? t0 : u32(t0 + t.periodMs);
    return t.id;
  }
  Log.error("Timer.set: all MGOS_APP_MAX_TIMERS timers are in use");
  return 0;
}

/** Cancels timer `id`; an unknown or finished id is ignored. */
export function del(id: u32): void {
  if (id === 0) return;
  for (let i: i32 = 0; i < MAX_TIMERS; i++) {
    const t: AppTimer = timers.items[i];
    if (t.id === id) {
      t.id = 0;
      t.fn = null;
      t.ud = null;
      return;
    }
  }
}

/** Seconds of the monotonic clock (the reference's Timer.now() is wall-clock
 *  time; a device without SNTP has none, so this is uptime). */
export function now(): f64 {
  return nowMs() / 1000.0;
}

/** Timers still active. */
export function active(): i32 {
  let n: i32 = 0;
  for (let i: i32 = 0; i < MAX_TIMERS; i++) if (timers.items[i].id !== 0) n++;
  return n;
}

/** Runs the callbacks of the timers due at `at` (ms, the port's clock) and
 *  returns the ms until the next one is due (at most MAX_WAIT_MS). The
 *  platform's loop calls it every iteration. @api */
export function mgos_app_poll(at: u32): u32 {
  for (let i: i32 = 0; i < MAX_TIMERS; i++) {
    const t: AppTimer = timers.items[i];
    if (t.id === 0 || !isDue(at, t.due)) continue;
    const fn: TimerFn | null = t.fn;
    const ud: Ptr = t.ud;
    if (t.repeat) {
      t.due = u32(t.due + t.periodMs);
      // Late by more than a period (a long handler, a stalled loop): skip the
      // missed calls rather than firing them back to back.
      if (isDue(at, t.due)) t.due = u32(at + t.periodMs);
    } else {
      // Freed before the call, so the callback can set a new timer in this slot.
      t.id = 0;
      t.fn = null;
      t.ud = null;
    }
    if (fn !== null) fn(ud);
  }
  let wait: u32 = MAX_WAIT_MS;
  for (let i: i32 = 0; i < MAX_TIMERS; i++) {
    const t: AppTimer = timers.items[i];
    if (t.id === 0) continue;
    const left: u32 = isDue(at, t.due) ? 0 : u32(t.due - at);
    if (left < wait) wait = left;
  }
  return wait;
}
