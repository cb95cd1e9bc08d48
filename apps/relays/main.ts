// Four relays switched over MQTT; their state is published retained, so a
// dashboard that subscribes later sees it.
//   <dev>/relay/<0-3>/set on|off  -> <dev>/relay/<i> on|off (retained)
// After every connect the four states are published.
import { u32, int, Ptr, Bytes, lit, bytesEqual } from "../../ts-src/rt/rt";
import * as MQTT from "../../ts-src/app/app_mqtt";
import * as Log from "../../ts-src/app/app_log";
import * as Sys from "../../ts-src/app/app_sys";
import { Text } from "../../ts-src/app/app_text";

const t = new Text();
const on = new Uint8Array(4);

function report(i: u32): void {
  const state: Bytes = on[i] !== 0 ? lit("on") : lit("off");
  MQTT.pub(t.clear().add(Sys.deviceId()).add("/relay/").addUint(i).cstr(), state, 1, true);
}

function onSet(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  // <dev>/relay/<i>/set: one digit between "/relay/" and "/set".
  const i: u32 = u32(topic[topic.length - 5] - 48);
  if (topic.length !== t.clear().add(Sys.deviceId()).add("/relay/0/set").view().length || i > 3) {
    Log.warnText(t.clear().add("no such relay: ").addBytes(topic));
    return;
  }
  if (bytesEqual(msg, lit("on"))) on[i] = 1;
  else if (bytesEqual(msg, lit("off"))) on[i] = 0;
  else {
    Log.warnText(t.clear().add("relay: expected on or off, got ").addBytes(msg));
    return;
  }
  report(i);
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  if (ev !== MQTT.EV_CONNACK) return;
  Log.info("connected");
  for (let i: u32 = 0; i < 4; i++) report(i);
}

export function init(): void {
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(t.clear().add(Sys.deviceId()).add("/relay/+/set").cstr(), onSet, null);
}
