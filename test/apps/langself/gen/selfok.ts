import { i32, u32, bool, printStr, printLn, strBytes } from "../../../../ts-src/rt/rt";
import { sized } from "../../../../ts-src/app/app_fmt";
class Cmd { op: string = ""; n: u32 = 0; }
let topic: string = "";
let cmd: Cmd | null = null;
function I(n: i32): i32 { return n; }
function show(s: string): void { printStr(s); printLn(); }
function twice(a: string, b: string): void { show(a); show(b); }
function tag(n: i32): void { const t: string = `tag${n}`; show(t); }
function pick(ok: bool, n: i32): void { const t: string = ok ? `yes${n}` : "no"; show(t); }
function len(s: string): u32 { return strBytes(s).length; }
export function init(): void {
  topic = `dev/${I(7)}/x`;
  cmd = JSON.parse(`{"op":"boot","n":${I(9)}}`) as Cmd | null;
}
export function main(): void {
  show(topic);
  if (cmd !== null) show(`${cmd.op}/${cmd.n}`);
  tag(1);
  tag(2);
  for (let i: i32 = 0; i < 3; i++) {
    const t: string = `i=${i}`;
    show(`${t}/${t}`);
    let u: string = `[${t}]`;
    u = `${u}${u}`;
    show(u);
  }
  let acc: string = `a${I(0)}`;
  acc = `${acc}b`;
  acc = acc + "c" + I(1);
  show(acc);
  twice(`x${I(1)}`, `y${I(2)}`);
  const j: string = sized(64, JSON.stringify({ t: `${I(3)}`, n: I(4), s: acc }));
  show(j);
  show(`${len(`${I(12345)}`)}`);
  const c = JSON.parse(`{"op":"go","n":${I(5)}}`) as Cmd | null;
  if (c !== null && c.op === "go") show(`${c.op}:${c.n}`);
  let sum: u32 = 0;
  for (let k: i32 = 0; k < 4; k++) {
    const d = JSON.parse(`{"op":"k","n":${k}}`) as Cmd | null;
    if (d !== null) sum += d.n;
  }
  show(`sum=${sum}`);
  pick(true, 1);
  pick(false, 2);
  show(topic);
}
