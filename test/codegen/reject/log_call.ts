// Calls of a @log function: left out of builds below their level, so the
// level must be a constant, the call a statement, and the arguments must not
// change state (they are not evaluated when the call is left out).
import { i32, u32 } from "../../../ts-src/rt/rt";

/** @kconfig TEST_LOG_LEVEL
 *  @loglevel */
export const LOG_LEVEL: i32 = 1;

let counter: u32 = 0;

function bump(): u32 {
  counter++;
  return counter;
}

declare function test_log(level: i32, msg: string, n: u32): void;

/** @log */
function say(level: i32, msg: string, n: u32): void {
  test_log(level, msg, n);
}

function pick(x: i32): i32 {
  return x;
}

export function f(level: i32, n: u32): u32 {
  say(1, "ok", n);
  say(level, "level from a variable", n); //! a log call's level must be a constant (`LogLevel.WARN`, `1`) so the build can leave the call out; write one call per level
  say(pick(2), "level from a call", n); //! a log call's level must be a constant (`LogLevel.WARN`, `1`) so the build can leave the call out; write one call per level
  say(0, "changes state", bump()); //! a log call's arguments are not evaluated when the build leaves its level out, so they must not change state; compute this into a local before the call
  return n;
}
