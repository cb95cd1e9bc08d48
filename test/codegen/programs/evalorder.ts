// JavaScript evaluates operands and arguments left to right; C leaves the
// order unspecified (gcc on x86-64 often goes right to left). Calls with side
// effects in one expression must still happen in source order.
import { printInt, printStr, printLn, printHex, i32, u32, u8 } from "../../../ts-src/rt/rt";

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

class Out {
  buf: Uint8Array = new Uint8Array(4);
  n: u32 = 0;
}

const out = new Out();

/** Advances out.n: the index on the left of `out.buf[out.n] = take()` is read first in JS. */
function take(): u8 {
  out.n++;
  return u8(out.n * 16);
}

let total: i32 = 100;

function bump(): i32 {
  total = 1000;
  return 1;
}

export function main(): void {
  const p: i32 = pair(next(), next());
  printStr("pair "); printInt(p); printLn();
  const t: i32 = triple(next(), next(), next());
  printStr("triple "); printInt(t); printLn();
  const d: i32 = i32(next() - next());
  printStr("diff "); printInt(d); printLn();
  printStr("mixed "); printInt(pair(next(), 5) + pair(7, next())); printLn();
  out.buf[out.n] = take();
  out.buf[out.n] = take();
  printStr("store "); printHex(out.buf); printLn();
  total += bump();
  printStr("compound "); printInt(total); printLn();
  total = 5;
  total = i32(total + bump());
  printStr("operand "); printInt(total); printLn();
}
