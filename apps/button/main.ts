// The Mongoose OS button example, as an app in TypeScript.
//
// The reference (mos' default app, init.js) publishes a JSON message each
// time the button is pressed and reacts to MQTT messages. Here a timer stands
// in for the button on the host: once connected it "presses" every
// PRESS_EVERY_MS, PRESSES times. Topics, with <dev> the device id:
//   <dev>/events     {"device":"<dev>","press":N,"led":false} on each press (QoS 1)
//   <dev>/led        commands: "on", "off", "toggle"
//   <dev>/led/state  {"led":true} after each command that changed the LED
//   <dev>/status     "online" after every connect (after the subscription)
//
// Build and run: see the README ("Writing the application in TypeScript").

import { u16, u32, int, bool, Ptr, Bytes, lit, bytesEqual } from "../../ts-src/rt/rt";
import * as MQTT from "../../ts-src/app/app_mqtt";
import * as Timer from "../../ts-src/app/app_timer";
import * as Log from "../../ts-src/app/app_log";
import * as Json from "../../ts-src/app/app_json";
import * as Sys from "../../ts-src/app/app_sys";
import { Text } from "../../ts-src/app/app_text";

/** Time between two presses of the stand-in button, ms. */
const PRESS_EVERY_MS: u32 = 300;
/** Presses before the stand-in button stops, so a run has a known outcome. */
const PRESSES: u32 = 5;

const eventsTopic = new Text();
const ledTopic = new Text();
const stateTopic = new Text();
const statusTopic = new Text();
const line = new Text();

let presses: u32 = 0;
let led: bool = false;
let pressTimer: u32 = 0;

function onPress(ud: Ptr): void {
  presses++;
  const msg: Bytes = Json.begin().str("device", Sys.deviceId()).uint("press", presses).bool("led", led).end();
  const res: u16 = MQTT.pub(eventsTopic.cstr(), msg, 1);
  Log.infoText(line.clear().add("Published: ").add(res !== 0 ? "yes " : "no ").addBytes(eventsTopic.view()).add(" -> ").addBytes(msg));
  if (presses >= PRESSES) {
    Timer.del(pressTimer);
    Log.info("button: no more presses");
  }
}

function publishLed(): void {
  MQTT.pub(stateTopic.cstr(), Json.begin().bool("led", led).end(), 1);
}

function onLed(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  Log.infoText(line.clear().add("Topic: ").addBytes(topic).add(" message: ").addBytes(msg));
  if (bytesEqual(msg, lit("on"))) led = true;
  else if (bytesEqual(msg, lit("off"))) led = false;
  else if (bytesEqual(msg, lit("toggle"))) led = !led;
  else {
    Log.warnText(line.clear().add("unknown LED command: ").addBytes(msg));
    return;
  }
  Log.info(led ? "LED on" : "LED off");
  publishLed();
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  if (ev === MQTT.EV_CONNACK) {
    Log.info("connected");
    MQTT.pub(statusTopic.cstr(), lit("online"), 1);
    // The first connect starts the stand-in button.
    if (pressTimer === 0 && presses === 0) pressTimer = Timer.set(PRESS_EVERY_MS, Timer.REPEAT, onPress, null);
  } else if (ev === MQTT.EV_CLOSE) {
    Log.info("disconnected");
  } else if (ev !== 0) {
    Log.debugText(line.clear().add("MQTT event handler: got ").addInt(ev));
  }
}

export function init(): void {
  const dev: string = Sys.deviceId();
  eventsTopic.clear().add(dev).add("/events");
  ledTopic.clear().add(dev).add("/led");
  stateTopic.clear().add(dev).add("/led/state");
  statusTopic.clear().add(dev).add("/status");
  Log.infoText(line.clear().add("button app on ").add(dev));
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(ledTopic.cstr(), onLed, null);
}
