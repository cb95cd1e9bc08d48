// An app written as its mJS script would be: topics from template literals
// and `+`, answers from JSON.stringify, commands read with JSON.parse into a
// class (test/apps/langapp.test.ts runs it compiled to C and under Node).
import { u32, i32, int, Ptr, Bytes, strBytes } from "../../../ts-src/rt/rt";
import * as MQTT from "../../../ts-src/app/app_mqtt";
import * as Log from "../../../ts-src/app/app_log";
import * as Sys from "../../../ts-src/app/app_sys";
import { sized, overflowed } from "../../../ts-src/app/app_fmt";

class Cmd {
  op: string = "";
  n: i32 = 0;
}

let count: u32 = 0;

function onCmd(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  const c = JSON.parse(msg) as Cmd | null;
  if (c === null) {
    Log.warn(`bad command, ${msg.length} bytes`);
    return;
  }
  count++;
  const dev: string = Sys.deviceId();
  MQTT.pub(`${dev}/resp`, JSON.stringify({ op: c.op, n: c.n, twice: c.n * 2, count: count, dev: dev, ok: c.n >= 0 }));
  // 40 bytes of topic at most: a longer op gives "", which pub refuses.
  if (MQTT.pub(sized(40, `${dev}/echo/${c.op}`), c.op) === 0 && overflowed()) Log.info(`echo of ${strBytes(c.op).length > 0 ? "a long op" : "nothing"} skipped`);
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  if (ev !== MQTT.EV_CONNACK) return;
  Log.info("connected");
  MQTT.pub(Sys.deviceId() + "/status", "online");
}

export function init(): void {
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(Sys.deviceId() + "/cmd", onCmd, null);
}
