// Evaluation order: calls that write state, in conditions, loops and stores.
import { i32, u32, printInt, printStr, printLn } from "../../ts-src/rt/rt";

let g: i32 = 0;
function step(): i32 { g = i32(g + 1); return g; }
function peek(): i32 { return g; }

class Acc { n: i32 = 0; buf: Uint8Array = new Uint8Array(4); }
const acc = new Acc();

export function main(): void {
  let k: i32 = 0;
  while (g - step() < 0 && k < 3) { k++; }
  printInt(g); printInt(k); printLn();
  if (peek() > 100) printStr("big");
  else if (g + step() > 5) printStr("mid");
  else printStr("small");
  printLn();
  for (let i: u32 = 0; g * 2 > step() - 10 && i < 5; i++) printInt(i);
  printLn();
  acc.n = 5;
  acc.n += step();
  printInt(acc.n); printLn();
  g = 0;
  acc.buf[g] = 7; g = step(); acc.buf[g] = 9;
  printInt(acc.buf[0]); printInt(acc.buf[1]); printLn();
  const v: i32 = i32(peek() + step() * 10 + peek());
  printInt(v); printLn();
}
function u8s(x: i32): u32 { return u32(x & 0xff); }
