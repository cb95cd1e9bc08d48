// ++ -- += -= on i32/u32 locals, globals and fields, as statements and as
// values (prefix and postfix).
import { printInt, printStr, printLn, u32, i32 } from "../../../ts-src/rt/rt";

class Tally {
  up: u32 = 0;
  down: i32 = 0;
}

const tally = new Tally();
let global: i32 = 100;

export function main(): void {
  let i: u32 = 5;
  const a: u32 = i++;
  const b: u32 = ++i;
  // A u32 decrement must be proven not to go below 0 (flow facts).
  let c: u32 = 0;
  if (i > 0) c = i--;
  let d: u32 = 0;
  if (i > 0) d = --i;
  printStr("post/pre "); printInt(a); printStr(" "); printInt(b); printStr(" "); printInt(c); printStr(" ");
  printInt(d); printStr(" "); printInt(i); printLn();
  let s: i32 = -3;
  s += 10;
  s -= 20;
  s--;
  printStr("s "); printInt(s); printLn();
  tally.up++;
  tally.up += 41;
  tally.down--;
  tally.down -= 9;
  global += tally.down;
  global--;
  printStr("tally "); printInt(tally.up); printStr(" "); printInt(tally.down); printStr(" global "); printInt(global); printLn();
  let k: u32 = 0;
  while (k++ < 3) { printInt(k); }
  printLn();
}
