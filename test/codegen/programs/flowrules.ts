// Flow-sensitive ranges, one function per rule: what a checked condition proves
// about a local narrows its range in the region the condition guards, and a
// write to the local inside that region ends it. Every conversion below that
// needs no u8()/u16()/u32() wrap is accepted only because of a fact.
import { u8, u16, u32, i8, i16, i32, bool, Bytes, idiv, lit, printInt, printStr, printLn, printHex } from "../../../ts-src/rt/rt";

class FlowBuf {
  data: Uint8Array = new Uint8Array(16);
}
const buf = new FlowBuf();

function show(name: string, v: i32): void {
  printStr(name); printStr(" "); printInt(v); printLn();
}

/** if: the then-branch; else: the negation. */
function ifElse(n: u32): u8 {
  if (n < 256) return n;
  else if (n >= 4294967040) return u8(n); // the other end: still needs a wrap
  return 255;
}
/** Early return: what follows knows the condition was false. */
function early(n: i32): u16 {
  if (n < 0) return 0;
  if (n > 65535) return 65535;
  return n;
}
/** !== at the end of the range: 0 is excluded, so -e cannot be -0 and n - 1 is >= 0. */
function notZero(e: u8, n: u32): i32 {
  if (e !== 0) return -e;
  if (n !== 0) return i32(u32(n - 1) & 0xff);
  return 0;
}
/** ?: branches. */
function fib(n: u32): u32 {
  return n < 2 ? n : u32(fib(n - 1) + fib(n - 2));
}
/** && and ||: the right operand runs when the left was true (&&) or false (||). */
function logic(a: u32, b: u32): bool {
  const x: bool = a < 100 && u8(a) + b > 50;
  const y: bool = a >= 1000 || (a * a) % 7 === 3;
  return x || y;
}
/** !: negated facts. */
function negated(n: i32): i8 {
  if (!(n >= -128 && n <= 127)) return 0;
  return n;
}
/** while: the body sees the condition; after the loop (no break) its negation. */
function countDown(start: u32): u32 {
  let n: u32 = start;
  let steps: u32 = 0;
  while (n > 0) {
    n = n - 1; // n >= 1 here: no wrap needed
    steps++;
  }
  return steps;
}
/** for: the index's range from its start and bound; i * i <= n bounds i by the square root. */
function isPrime(n: u32): bool {
  if (n < 2) return false;
  for (let d: u32 = 2; d * d <= n; d++) {
    if (n % d === 0) return false;
  }
  return true;
}
/** Index in range: element accesses need no bounds test in C. */
function sumFirst(b: Bytes, k: u32): u32 {
  let s: u32 = 0;
  for (let i: u32 = 0; i < k && i < 16; i++) s = u32(s + buf.data[i]);
  return u32(s + b.length);
}
/** Relations: `n <= b.length - start` proves `start + n` fits in u32. */
function field(b: Bytes, start: u32, n: u32): Bytes {
  if (start > b.length || n > b.length - start) return b.subarray(start, start);
  return b.subarray(start, start + n);
}
/** Relations: `b <= a` proves `a - b >= 0`. */
function gap(a: u32, b: u32): u32 {
  if (b > a) return 0;
  return a - b;
}
/** A write inside the region ends the narrowing: the value after it is wrapped explicitly. */
function written(n: u32, m: u32): u8 {
  let x: u32 = n;
  if (x < 10) {
    const before: u8 = x;
    x = m;
    return u8(before + u8(x));
  }
  return 0;
}
/** do..while: after the loop, the condition was false. */
function digits(v: u32): u8 {
  let x: u32 = v;
  let n: u32 = 0;
  do {
    x = idiv(x, 10);
    n++;
  } while (x !== 0 && n < 20);
  return n < 20 ? n : 20;
}
/** switch: each case starts from the facts before it. */
function sw(kind: u32, n: u32): u8 {
  if (n > 100) return 0;
  switch (kind) {
    case 0: return n;
    case 1: return u8(n + 100);
    default: break;
  }
  return u8(n * 2);
}
/** Narrowing i16 by comparisons with another variable. */
function clampTo(v: i32, lo: i16, hi: i16): i16 {
  if (v < lo) return lo;
  if (v > hi) return hi;
  return v;
}

/** A branch no execution reaches (a u32 below 0): the declared range is kept there. */
function never(n: u32): u32 {
  if (n < 0) return u32(n + 1);
  if (n > 5 && n < 3) return u32(n * 3);
  return n;
}

/** Edge inputs: 0, 1, 2, small, at each width's edges, and the u32 maximum. */
const EDGES: readonly u32[] = [0, 1, 2, 9, 10, 50, 99, 100, 101, 127, 128, 255, 256, 1000, 32767, 32768, 65535, 65536,
  2147483647, 2147483648, 4294967040, 4294967294, 4294967295];

export function main(): void {
  const d: Bytes = buf.data;
  for (let i: u32 = 0; i < d.length; i++) d[i] = u8(i * 7 + 1);
  for (let k: u32 = 0; k < EDGES.length; k++) {
    const n: u32 = EDGES[k];
    const m: u32 = EDGES[EDGES.length - 1 - k];
    printInt(n); printStr(": ");
    printInt(ifElse(n)); printStr(" "); printInt(early(i32(n))); printStr(" "); printInt(notZero(u8(n), n)); printStr(" ");
    printInt(logic(n, m) ? 1 : 0); printStr(" "); printInt(negated(i32(n))); printStr(" "); printInt(isPrime(n) ? 1 : 0); printStr(" ");
    printInt(sumFirst(d, n)); printStr(" "); printInt(gap(n, m)); printStr(" "); printInt(written(n, m)); printStr(" ");
    printInt(digits(n)); printStr(" "); printInt(sw(n % 3, m)); printStr(" "); printInt(clampTo(i32(n), -5, 300)); printStr(" ");
    printInt(clampTo(i32(m), i16(n), 300));
    printLn();
    const f: Bytes = field(d, n, m);
    printInt(f.length); printStr(" "); printHex(f); printLn();
  }
  for (let k: u32 = 0; k < 25; k++) { printInt(fib(k)); printStr(" "); }
  printLn();
  printInt(never(7)); printStr(" ");
  printInt(countDown(5)); printStr(" "); printInt(countDown(0)); printStr(" "); printInt(countDown(100000)); printLn();
  show("field", i32(field(lit("abcdef"), 2, 3).length));
}
