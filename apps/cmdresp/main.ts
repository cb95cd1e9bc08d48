// Command/response over MQTT, as an app in TypeScript.
//
// Commands arrive on <dev>/cmd (<dev>: the device id), answers go to
// <dev>/resp (QoS 1):
//   ping                                 -> pong
//   {"op":"add","a":2,"b":3}             -> {"op":"add","result":5}
//   {"op":"echo","text":"hi"}            -> {"op":"echo","text":"hi"}
//   {"op":"count"}                       -> {"op":"count","handled":N}  (commands so far)
//   an "id" member is echoed:  {"op":"add","a":1,"b":1,"id":7} -> {"op":"add","result":2,"id":7}
//   anything else -> {"error":"..."} naming what was wrong
// After every connect it publishes "online" on <dev>/status (after the
// subscription, so whoever sees it knows commands are heard).

import { u32, f64, int, bool, Ptr, Bytes, lit, bytesEqual, f64ToI32 } from "../../ts-src/rt/rt";
import * as MQTT from "../../ts-src/app/app_mqtt";
import * as Log from "../../ts-src/app/app_log";
import * as Json from "../../ts-src/app/app_json";
import * as Sys from "../../ts-src/app/app_sys";
import { JsonOut } from "../../ts-src/app/app_json";
import { Text } from "../../ts-src/app/app_text";

const cmdTopic = new Text();
const respTopic = new Text();
const statusTopic = new Text();
const line = new Text();
/** The answer under construction (its own buffer: Json.getStr() results stay valid). */
const out = new JsonOut();

let handled: u32 = 0;

function reply(msg: Bytes): void {
  MQTT.pub(respTopic.cstr(), msg, 1);
  Log.infoText(line.clear().add("-> ").addBytes(msg));
}

/** An error answer, with the request's id when it had one. */
function fail(cmd: Bytes, why: string): void {
  out.begin().str("error", why);
  if (Json.kind(cmd, "id") === Json.NUMBER) out.int("id", Json.getInt(cmd, "id", 0));
  reply(out.end());
}

/** Whether member `key` is an integer in the i32 range (getInt gives its
 *  default otherwise: two different defaults tell). */
function isInt(cmd: Bytes, key: string): bool {
  return Json.getInt(cmd, key, 0) === Json.getInt(cmd, key, 1);
}

function onCmd(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  handled++;
  Log.infoText(line.clear().add("<- ").addBytes(msg));
  if (bytesEqual(msg, lit("ping"))) {
    reply(lit("pong"));
    return;
  }
  if (!Json.isObject(msg)) {
    fail(msg, "expected ping or a JSON object");
    return;
  }
  if (Json.kind(msg, "op") !== Json.STRING) {
    fail(msg, "missing \"op\"");
    return;
  }
  const op: Bytes = Json.getStr(msg, "op");
  out.begin().bytes("op", op);
  if (bytesEqual(op, lit("add"))) {
    if (!isInt(msg, "a") || !isInt(msg, "b")) {
      fail(msg, "add needs integers \"a\" and \"b\"");
      return;
    }
    // In f64 the sum of two i32 is exact; answer only what fits an i32.
    const sum: f64 = Json.getInt(msg, "a", 0) + 0.0 + Json.getInt(msg, "b", 0);
    if (sum > 2147483647.0 || sum < -2147483648.0) {
      fail(msg, "sum out of range");
      return;
    }
    out.int("result", f64ToI32(sum));
  } else if (bytesEqual(op, lit("echo"))) {
    out.bytes("text", Json.getStr(msg, "text"));
  } else if (bytesEqual(op, lit("count"))) {
    out.uint("handled", handled);
  } else {
    fail(msg, "unknown op");
    return;
  }
  if (Json.kind(msg, "id") === Json.NUMBER) out.int("id", Json.getInt(msg, "id", 0));
  reply(out.end());
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  if (ev === MQTT.EV_CONNACK) {
    Log.info("connected");
    MQTT.pub(statusTopic.cstr(), lit("online"), 1);
  } else if (ev === MQTT.EV_CLOSE) {
    Log.info("disconnected");
  }
}

export function init(): void {
  const dev: string = Sys.deviceId();
  cmdTopic.clear().add(dev).add("/cmd");
  respTopic.clear().add(dev).add("/resp");
  statusTopic.clear().add(dev).add("/status");
  Log.infoText(line.clear().add("cmdresp app on ").add(dev).add(": commands on ").addBytes(cmdTopic.view()));
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(cmdTopic.cstr(), onCmd, null);
}
