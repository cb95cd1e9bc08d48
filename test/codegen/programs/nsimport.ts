// A namespace import (`import * as M`): functions, constants, enum members,
// classes, globals and function types of another module through `M.name`,
// as application code uses the app API (`MQTT.sub(...)`).
import { printInt, printStr, printLn, i32, u32 } from "../../../ts-src/rt/rt";
import * as M from "./lib/mathlib";

type Pick = (v: i32, lo: i32, hi: i32) => i32;

class NsBox {
  acc: M.Acc = new M.Acc();
}

const box = new NsBox();

function twice(f: Pick, v: i32): i32 {
  return f(f(v, 0, 100), 0, 50);
}

export function main(): void {
  // Other programs of the suite use mathlib's globals too (one Node process):
  // print what this program changed, not the totals.
  const applied0: u32 = M.applied;
  const shared0: i32 = M.shared.value;
  box.acc.apply(M.Op.Add, 7);
  box.acc.apply(M.Op.Mul, M.SCALE);
  const op: M.Op = M.Op.Add;
  M.shared.apply(op, 3);
  const w: u32 = M.WEIGHTS[2];
  printStr("acc "); printInt(box.acc.value); printStr(" shared +"); printInt(M.shared.value - shared0); printStr(" applied +"); printInt(M.applied - applied0); printLn();
  printStr("clamp "); printInt(M.clamp(500)); printStr(" "); printInt(M.clamp(-5, 1)); printStr(" twice "); printInt(twice(M.clamp, 80)); printLn();
  printStr("weight "); printInt(w); printStr(" even "); printInt(M.isEven(M.SCALE) ? 1 : 0); printLn();
}
