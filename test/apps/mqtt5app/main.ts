// An app that uses MQTT 5 through the app API (test/apps/mqtt5app.test.ts
// runs it compiled to C and under Node against mosquitto 2, MQTT.js 5 as the
// peer): request/response with properties, subscription options (No Local,
// Retain As Published, Retain Handling, a Subscription Identifier), reason
// codes in event handlers (the broker's DISCONNECT too), and the refusals. (sub() takes its SUBACK itself,
// as the reference's MQTT.sub: no EV_SUBACK reaches setEventHandler for it.)
import { u32, int, Ptr, Bytes } from "../../../ts-src/rt/rt";
import * as MQTT from "../../../ts-src/app/app_mqtt";
import * as Log from "../../../ts-src/app/app_log";
import * as Sys from "../../../ts-src/app/app_sys";
import { Text } from "../../../ts-src/app/app_text";

const line = new Text();
const reply = new Text();
let pubs: u32 = 0;

/** One log line with what rx() says about the message being handled. */
function logMsg(what: string, topic: Bytes, msg: Bytes): void {
  const r: MQTT.Rx = MQTT.rx();
  line.clear().add(what).add(" ").addBytes(topic).add(" ").addBytes(msg).add(" sid=").addUint(r.subId)
    .add(" retain=").add(r.retain ? "1" : "0").add(" fmt=").addInt(r.payloadFormat)
    .add(" exp=").add(r.expiry > 0 && r.expiry <= 60 ? "ok" : r.expiry === 0 ? "none" : "bad")
    .add(" ct=").addBytes(r.contentType).add(" rt=").addBytes(r.responseTopic).add(" cd=").addBytes(r.correlation)
    .add(" users=").addUint(r.users);
  for (let i: u32 = 0; r.user(i); i++) line.add(" ").addBytes(r.userKey).add("=").addBytes(r.userValue);
  Log.infoText(line);
}

function onIn(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  logMsg("in", topic, msg);
  const r: MQTT.Rx = MQTT.rx();
  if (r.responseTopic.length === 0) return;
  // Answer where asked, with the request's correlation data.
  reply.clear().addBytes(r.responseTopic);
  const id: int = MQTT.pub(reply.cstr(), "pong", 1, false,
    MQTT.props().correlation(r.correlation).contentType("text/plain").utf8().expiry(30).user("by", "app").user("by", "again"));
  Log.info(id > 0 ? "answered" : "not answered");
}

function onOther(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  logMsg("other", topic, msg);
}

function onEvent(conn: MQTT.Conn, ev: int, edata: Ptr, ud: Ptr): void {
  const r: MQTT.Rx = MQTT.rx();
  if (ev === MQTT.EV_CONNACK) {
    Log.info(`connected reason=${r.reason}`);
    const dev: string = Sys.deviceId();
    // Nobody subscribes to this one: its PUBACK says so (0x10).
    if (MQTT.pub(`${dev}/nobody`, "x", 1) > 0) pubs++;
    // Properties the peer checks.
    if (MQTT.pub(`${dev}/out/hello`, "{}", 1, false, MQTT.props().contentType("application/json").user("k", "v").responseTopic(`${dev}/in/back`)) > 0) pubs++;
    // Refused: a response topic with a wildcard, bad subscription options.
    Log.info(`bad props id=${MQTT.pub(`${dev}/out/x`, "x", 1, false, MQTT.props().responseTopic("a/#"))}`);
    Log.info(`bad sub ok=${MQTT.sub(`${dev}/z`, onOther, null, MQTT.RETAIN_NEW_ONLY | MQTT.RETAIN_NEVER)}`);
  } else if (ev === MQTT.EV_PUBACK) {
    Log.info(`puback reason=${r.reason}`);
  } else if (ev === MQTT.EV_DISCONNECT) {
    line.clear().add("disconnect reason=").addInt(r.reason).add(" rs=").addBytes(r.reasonString);
    Log.infoText(line);
  }
}

export function init(): void {
  const dev: string = Sys.deviceId();
  MQTT.setEventHandler(onEvent, null);
  MQTT.sub(`${dev}/in/#`, onIn, null, MQTT.NO_LOCAL, 42);
  MQTT.sub(`${dev}/ret/#`, onOther, null, MQTT.RETAIN_NEVER);
  MQTT.sub(`${dev}/keep/#`, onOther, null, MQTT.RETAIN_AS_PUBLISHED, 7);
  MQTT.sub(`${dev}/plain/#`, onOther, null);
}
