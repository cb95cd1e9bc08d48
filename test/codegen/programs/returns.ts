// Early returns from loops and nested conditions, void early return, recursion.
import { printInt, printStr, printLn, u32, i32, bool, Bytes, lit, idiv } from "../../../ts-src/rt/rt";

function indexOf(b: Bytes, c: u32): i32 {
  for (let i: u32 = 0; i < b.length; i++) {
    if (b[i] === c) return i32(i);
  }
  return -1;
}

function sign(x: i32): i32 {
  if (x < 0) return -1;
  else if (x > 0) return 1;
  return 0;
}

function maybePrint(x: i32): void {
  if (x < 0) return;
  printInt(x); printStr(" ");
}

function fib(n: u32): u32 {
  if (n < 2) return n;
  return u32(fib(u32(n - 1)) + fib(u32(n - 2)));
}

function isPrime(n: u32): bool {
  if (n < 2) return false;
  for (let d: u32 = 2; idiv(n, d) >= d; d++) {
    if (n % d === 0) return false;
  }
  return true;
}

export function main(): void {
  const s: Bytes = lit("hello/world");
  printStr("idx "); printInt(indexOf(s, 0x2f)); printStr(" "); printInt(indexOf(s, 0x21)); printLn();
  printStr("sign "); printInt(sign(-5)); printInt(sign(0)); printInt(sign(9)); printLn();
  maybePrint(-1); maybePrint(4); printLn();
  printStr("fib "); printInt(fib(20)); printLn();
  printStr("primes ");
  for (let n: u32 = 0; n < 30; n++) if (isPrime(n)) { printInt(n); printStr(" "); }
  printLn();
}
