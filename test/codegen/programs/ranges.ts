// + - * compute the exact range of their result; u32 - u32 can be negative and
// compares exactly; masks narrow the range so no explicit wrap is needed.
import { printInt, printStr, printLn, u8, u16, u32, i32, bool } from "../../../ts-src/rt/rt";

function b(name: string, v: bool): void {
  printStr(name); printStr(v ? " T" : " F"); printLn();
}

export function lowByte(x: u32): u8 {
  return x & 0xff;
}

export function hiByte(x: u16): u8 {
  return (x >> 8) & 0xff;
}

/** Elapsed time with u32 wrap-around, the usual timer idiom. */
function elapsed(now: u32, start: u32): u32 {
  return u32(now - start);
}

export function main(): void {
  const a: u32 = 1;
  const c: u32 = 2;
  b("a-c<0", a - c < 0);
  printStr("a-c "); printInt(a - c); printLn();
  const big: u32 = 0xfffffff0;
  const small: u32 = 0x10;
  b("small-big<0", small - big < 0);
  b("big-small>0", big - small > 0);
  printStr("small-big "); printInt(small - big); printLn();
  printStr("elapsed "); printInt(elapsed(small, big)); printLn();
  const x: u8 = 200;
  const y: u8 = 100;
  printStr("u8+u8 "); printInt(x + y); printLn();
  b("u8+u8>255", x + y > 255);
  printStr("u8-u8 "); printInt(y - x); printLn();
  const hi: i32 = 2147483647;
  printStr("hi+1 "); printInt(hi + 1); printLn();
  b("hi+1>hi", hi + 1 > hi);
  printStr("low "); printInt(lowByte(0x12345678)); printLn();
  printStr("hi "); printInt(hiByte(0xabcd)); printLn();
  // Widening needs no helper.
  const w: u32 = x;
  const s: i32 = y;
  const v16: u16 = x;
  printStr("widen "); printInt(w + s + v16); printLn();
  // Sum of a u8 and a u16 fits an i32 and a u32.
  const sum: u32 = x + v16;
  printStr("sum "); printInt(sum); printLn();
  const neg: i32 = y - x;
  printStr("neg "); printInt(neg); printLn();
}
