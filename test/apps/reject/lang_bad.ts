// Template literals, string +, JSON.stringify() and JSON.parse() in app code
// that cannot be compiled to C the way Node runs them. Each marked line must
// be rejected with a diagnostic containing the marked text (test/apps/lang.test.ts).
import { u32, i32, f64, Bytes, Ptr, lit } from "../../../ts-src/rt/rt";
import * as MQTT from "../../../ts-src/app/app_mqtt";
import { sized } from "../../../ts-src/app/app_fmt";

class Cmd {
  op: string = "";
  n: u32 = 0;
}

class Reading {
  v: f64 = 0;
  raw: Bytes = lit("");
}

class Opt {
  name: string | null = null;
}

let cap: u32 = 16;

function onMsg(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  const t: f64 = 21.5;
  MQTT.pub(`dev1/temp/${t}`, "x"); //! an f64 in a text: JavaScript writes floats
  MQTT.pub("dev1/echo", `${msg}`); //! a byte view in a text
  MQTT.pub("dev1/json", JSON.stringify({ v: t })); //! an f64 in JSON.stringify()
  MQTT.pub("dev1/json", JSON.stringify({ b: "x", 1: 2 })); //! writes integer keys first
  MQTT.pub("dev1/json", JSON.stringify({ n: 1 }, null, 2)); //! with a replacer or indentation
  MQTT.pub("dev1/json", JSON.stringify({ ["k" + "x"]: 1 })); //! write the member as `name: value`
  MQTT.pub(sized(cap, `dev1/${topic.length}`), "x"); //! takes the capacity as an integer literal
  const a = JSON.parse(msg); //! compiles only as `JSON.parse(msg) as Cmd | null`
  const b = JSON.parse(msg) as Cmd; //! test the result for null
  const r = JSON.parse(msg) as Reading | null; //! cannot be read by JSON.parse()
  const o = JSON.parse(msg) as Opt | null; //! cannot be read by JSON.parse()
  if (a === null || b === null || r === null || o === null) return;
}

export function init(): void {
  const n: i32 = 5;
  MQTT.sub(`dev1/${n}/set`, onMsg, null);
}

const dev: string = "dev1";
const topic: string = `${dev}/status`; //! set it in init()
