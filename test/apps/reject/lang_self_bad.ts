// Uses of a text site's value that would outlive the site's next run (its one
// static buffer is rewritten then, where JavaScript makes a new string). Each
// marked line must be refused with a diagnostic containing the marked text
// (test/apps/langself.test.ts); codegen/src/site_escape.ts has the rules.
import { i32, u32, Bytes, Ptr, strBytes } from "../../../ts-src/rt/rt";
import * as MQTT from "../../../ts-src/app/app_mqtt";
import { Text } from "../../../ts-src/app/app_text";

class Cmd {
  op: string = "";
  n: u32 = 0;
}
class Holder {
  s: string = "";
}

let last: string = "";
let lastCmd: Cmd | null = null;
const holder: Holder = new Holder();
const copy: Text = new Text();

function name(n: i32): string {
  return `relay${n}`; //! cannot be returned
}

function grow(n: i32): void {
  last = `x${last}`; //! kept in module-level `last`
  holder.s = `${n}`; //! kept in a field or element
}

function keep(s: string): void {
  last = s; //! passed to parameter `s` of keep()
}

function loops(n: i32): void {
  let prev: string = "";
  for (let i: i32 = 0; i < n; i++) {
    const cur: string = `${i}`;
    if (cur !== prev) MQTT.pub("t", cur);
    prev = cur; //! across iterations of the loop
  }
  let acc: string = "";
  for (let i: i32 = 0; i < n; i++) acc = `${acc}${i}`; //! across iterations of the loop
  MQTT.pub("t", acc);
  for (let s: string = ""; strBytes(s).length < 3; s = `${s}.`) MQTT.pub("t", s); //! across iterations of the loop
}

function countdown(n: i32): void {
  const t: string = `n=${n}`; //! calls itself
  if (n > 0) countdown(n - 1);
  MQTT.pub("t", t);
}

function onCmd(conn: MQTT.Conn, topic: Bytes, msg: Bytes, ud: Ptr): void {
  const c = JSON.parse(msg) as Cmd | null;
  if (c === null) return;
  lastCmd = c; //! kept in module-level `lastCmd`
  last = c.op; //! field `op`
  keep(`${c.n}`);
  copy.clear().add(c.op); // a copy: fine
}

export function init(): void {
  MQTT.pub(name(1), "on");
  grow(1);
  loops(3);
  countdown(2);
  MQTT.sub("cmd", onCmd, null);
}
