// The log level of the C build, apart so that every module with log calls
// (session.ts, port.ts and through it the mgos layer) can import it.

import { i32 } from "../rt/rt";

/** Log lines compiled into the C build, as ESP-IDF's CONFIG_LOG_MAXIMUM_LEVEL:
 *  0 none, 1 error, 2 + warn, 3 + info, 4 + debug. A call of a `@log` function
 *  whose level (LogLevel: 0 error .. 3 debug) is not below this is left out
 *  with its text and arguments (codegen's `@log` rule). Node logs every level.
 *  @kconfig MGOS_MQTT_LOG_LEVEL
 *  @loglevel */
export const LOG_LEVEL: i32 = 1;
