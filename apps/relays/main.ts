// Four relays switched over MQTT; their state is published retained, so a
// dashboard that subscribes later sees it.
//   <dev>/relay/<0-3>/set on|off  -> <dev>/relay/<i> on|off (retained)
// After every connect the four states are published.
import { u32, int, Ptr, Bytes, lit, bytesEqual, strBytes } from "../../ts-src/rt/rt";
import * as MQTT from "../../ts-src/app/app_mqtt";
import * as Log from "../../ts-src/app/app_log";
import * as Sys from "../../ts-src/app/app_sys";
import { Text } from "../../ts-src/app/app_text";

const on = new Uint8Array(4);
const line = new Text(); // log lines that quote a topic or a message (byte views)

function report(i: u32): void {
  MQTT.pub(`${Sys.deviceId()}/relay/${i}`, on[i] !== 0 ? "on" : "off", 1, true);
}

function onSet(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  // <dev>/relay/<i>/set: one digit between "/relay/" and "/set".
  const i: u32 = u32(topic[topic.length - 5] - 48);
  if (topic.length !== strBytes(Sys.deviceId()).length + 12 || i > 3) return Log.warnText(line.clear().add("no such relay: ").addBytes(topic));
  if (!bytesEqual(msg, lit("on")) && !bytesEqual(msg, lit("off"))) return Log.warnText(line.clear().add("relay: expected on or off, got ").addBytes(msg));
  on[i] = bytesEqual(msg, lit("on")) ? 1 : 0;
  report(i);
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  if (ev !== MQTT.EV_CONNACK) return;
  Log.info("connected");
  for (let i: u32 = 0; i < 4; i++) report(i);
}

export function init(): void {
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(`${Sys.deviceId()}/relay/+/set`, onSet, null);
}
