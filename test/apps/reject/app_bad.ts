// Application code the subset cannot compile to C. Each marked line must be
// rejected with a diagnostic containing the marked text (test/apps/reject.test.ts).
import { u32, i32, bool, Ptr, Bytes, strBytes, cstr } from "../../../ts-src/rt/rt";
import * as Log from "../../../ts-src/app/app_log";
import * as Json from "../../../ts-src/app/app_json";
import * as MQTT from "../../../ts-src/app/app_mqtt";
import * as Timer from "../../../ts-src/app/app_timer";

class Settings {
  port: u32 = 1883;
}

const settings = new Settings();
// Arrays of flags and strings: the diagnostics name the typed arrays that work.
const relayOn: bool[] = [false, false]; //! for N flags write `const a = new Uint8Array(N)` at module level
let names: string[] = []; //! for names of codes write a module name list
let total: u32 = 0;

function onEvent(conn: MQTT.Conn, ev: i32, edata: Ptr, ud: Ptr): void {
  total++;
}

// A handler's topic and message point into the received packet: no NUL after them.
function onMsg(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  Log.info(cstr(msg)); //! the parameter `msg` is a view with no NUL after it
  const rest: Bytes = msg.subarray(1);
  Log.info(cstr(rest)); //! Log.bytes(Log.INFO, rest)
  Log.info(cstr(Json.getStr(msg, "s"))); //! the result of `Json.getStr()`
}

export function init(): void {
  let count: u32 = 0;
  // A handler that counts in a local of init(): a closure.
  MQTT.sub("dev/cmd", (conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr) => { count++; }); //! captures the local `count`
  // A timer callback written inline, capturing nothing: still a function expression.
  Timer.set(1000, Timer.REPEAT, (ud: Ptr) => { total++; }, null); //! arrow functions and function expressions
  // A dynamic object as the message.
  const msg = { device: "dev1", count: count }; //! object literals
  // JSON.stringify of an object.
  MQTT.pub("dev/events", strBytes(JSON.stringify({ n: total })), 1); //! Json.begin()
  // A field chosen by a string: dynamic property access.
  const p: u32 = settings["port"]; //! dynamic property access
  // An event handler whose `ev` is an i32, where the C callback type has int.
  MQTT.setEventHandler(onEvent, null); //! exact C signature
  MQTT.sub("dev/msg", onMsg, null);
}
