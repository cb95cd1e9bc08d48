// Calls into another module: its header is included and its .c compiled too.
import { printInt, printStr, printLn, i32 } from "../../../ts-src/rt/rt";
import { Acc, Op, clamp, isEven, SCALE, applied, WEIGHTS, shared } from "./lib/mathlib";

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
  printStr("defaults "); printInt(clamp(300)); printStr(" "); printInt(clamp(-3)); printStr(" "); printInt(clamp(50, 60)); printLn();
  shared.apply(Op.Add, 21);
  shared.apply(Op.Mul, 2);
  const op: Op = Op.Mul;
  printStr("shared "); printInt(shared.value); printStr(" op "); printInt(op); printStr(" applied "); printInt(applied); printLn();
  printStr("weights "); printInt(WEIGHTS[0] + WEIGHTS[1] + WEIGHTS[2] + WEIGHTS[3]); printLn();
  const e: i32 = isEven(SCALE) ? 1 : 0;
  printStr("even "); printInt(e); printLn();
}
