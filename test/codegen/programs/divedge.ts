// The one quotient that overflows i32: INT32_MIN / -1 is 2^31 in JS; C must not
// hit signed-overflow UB (UBSan would abort). Likewise INT32_MIN % -1. And
// a zero divisor.
import { idiv, printInt, printStr, printLn, i32, u32 } from "../../../ts-src/rt/rt";

export function main(): void {
  const lo: i32 = -2147483648;
  const m1: i32 = -1;
  printStr("q "); printInt(idiv(lo, m1)); printLn();
  printStr("r "); printInt(lo % m1); printLn();
  printStr("wrapped "); printInt(i32(idiv(lo, m1))); printLn();
  printStr("u32 "); printInt(u32(idiv(lo, m1))); printLn();
  // idiv by zero is defined as 0 in both (rt.ts and rt.h).
  const zero: i32 = 0;
  const uzero: u32 = 0;
  printStr("by zero "); printInt(idiv(lo, zero)); printStr(" "); printInt(idiv(7, uzero)); printLn();
}
