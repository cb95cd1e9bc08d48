// Telemetry: each reading goes out as JSON with its moving average; above a
// threshold, set at run time over MQTT, an alert goes out too.
//   <dev>/sim {"v":N}                   -> <dev>/telemetry {"v":N,"avg":A} (+ <dev>/alert {"avg":A,"threshold":T} when A > T)
//   <dev>/threshold/set {"threshold":T} -> <dev>/threshold {"threshold":T} (retained)
// On a device a timer would read the sensor; here readings arrive on <dev>/sim.
import { i32, u32, int, Ptr, Bytes, idiv } from "../../ts-src/rt/rt";
import * as MQTT from "../../ts-src/app/app_mqtt";
import * as Log from "../../ts-src/app/app_log";
import * as Sys from "../../ts-src/app/app_sys";

class Reading { v: i32 = 0; }                 // the shapes JSON.parse reads
class Threshold { threshold: i32 = 0; }
const win = new Int32Array(4);
let n: u32 = 0, threshold: i32 = 50;

function onReading(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  const r = JSON.parse(msg) as Reading | null;
  if (r === null) return Log.warn("sim: expected {\"v\":N}");
  const v: i32 = r.v;
  win[n % 4] = v;
  n++;
  const k: u32 = n < 4 ? n : 4;
  let sum: i32 = 0;
  for (let i: u32 = 0; i < k; i++) sum = i32(sum + win[i]);
  const avg: i32 = i32(idiv(sum, i32(k)));
  MQTT.pub(`${Sys.deviceId()}/telemetry`, JSON.stringify({ v: v, avg: avg }), 1);
  if (avg > threshold) MQTT.pub(`${Sys.deviceId()}/alert`, JSON.stringify({ avg: avg, threshold: threshold }), 1);
}

function onThreshold(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  const t = JSON.parse(msg) as Threshold | null;
  if (t === null) return Log.warn("threshold: expected {\"threshold\":N}");
  threshold = t.threshold;
  MQTT.pub(`${Sys.deviceId()}/threshold`, JSON.stringify({ threshold: threshold }), 1, true);
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  if (ev !== MQTT.EV_CONNACK) return;
  Log.info("connected");
  MQTT.pub(`${Sys.deviceId()}/status`, "online", 1); // after the subscriptions: from now on they are heard
}

export function init(): void {
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(`${Sys.deviceId()}/sim`, onReading, null);
  MQTT.sub(`${Sys.deviceId()}/threshold/set`, onThreshold, null);
}
