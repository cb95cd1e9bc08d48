// JavaScript evaluates operands and arguments left to right; C leaves the
// order unspecified (gcc on x86-64 often goes right to left). Calls with side
// effects in one expression must still happen in source order.
import { printInt, printStr, printLn, i32, u32 } from "../../../ts-src/rt/rt";

let counter: i32 = 0;

function next(): i32 {
  counter++;
  printStr("n"); printInt(counter); printStr(" ");
  return counter;
}

function pair(a: i32, b: i32): i32 {
  return i32(a * 10 + b);
}

function triple(a: i32, b: i32, c: i32): i32 {
  return i32(a * 100 + b * 10 + c);
}

export function main(): void {
  const p: i32 = pair(next(), next());
  printStr("pair "); printInt(p); printLn();
  const t: i32 = triple(next(), next(), next());
  printStr("triple "); printInt(t); printLn();
  const d: i32 = i32(next() - next());
  printStr("diff "); printInt(d); printLn();
  printStr("mixed "); printInt(pair(next(), 5) + pair(7, next())); printLn();
}
