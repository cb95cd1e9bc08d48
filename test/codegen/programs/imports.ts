// Calls into another module: its header is included and its .c compiled too.
import { printInt, printStr, printLn, i32 } from "../../../ts-src/rt/rt";
import { Acc, Op, clamp, isEven, SCALE, applied } from "./lib/mathlib";

class Holder {
  acc: Acc = new Acc();
}

const holder = new Holder();

export function main(): void {
  holder.acc.apply(Op.Add, 5);
  holder.acc.apply(Op.Mul, SCALE);
  holder.acc.apply(Op.Add, -3);
  printStr("acc "); printInt(holder.acc.value); printStr(" applied "); printInt(applied); printLn();
  printStr("clamp "); printInt(clamp(500, 0, 255)); printStr(" "); printInt(clamp(-5, 0, 255)); printLn();
  const e: i32 = isEven(SCALE) ? 1 : 0;
  printStr("even "); printInt(e); printLn();
}
