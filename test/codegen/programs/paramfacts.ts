// Facts across functions (codegen/src/index.ts compiles again with them).
// Parameters: a function that is not exported and not used as a value is
// called only where the program calls it, so its integer parameters start out
// with the union of the ranges every call passes. Returns: a call's value has
// the range of every return of its function, and `x = f(a, b)` gives x <= a
// when every return of f is at most its parameter a. One function per rule and
// beside it the near miss that must keep its check. Functions named proven_*
// must have no check in the C, kept_* must keep one (indexproofs.test.ts reads
// the golden C). The arrays are followed by bytes that are not 0: a check
// dropped by mistake would read them in C, where Node reads undefined (0 after
// u8()), and the outputs differ.
import { u8, u32, Bytes, printInt, printStr, printLn, printHex } from "../../../ts-src/rt/rt";

class Regs {
  a: Uint8Array = new Uint8Array(8);
  tail: Uint8Array = new Uint8Array(8);
}
const regs = new Regs();

function show(name: string, v: u32): void {
  printStr(name); printStr(" "); printInt(v); printLn();
}

/** Every call passes 0..6: a[i] and a[i + 1] are inside the 8 bytes. */
function proven_callers(i: u32): u32 {
  return u32(regs.a[i] * 256 + regs.a[i + 1]);
}
/** One call passes 9: the union 0..9 is not inside. */
function kept_oneCallerOut(i: u32): u32 {
  return u32(u8(regs.a[i]) * 256 + u8(regs.a[i + 1]));
}
/** Exported: callers outside the program are not known. */
export function kept_exported(i: u32): u32 {
  return u32(u8(regs.a[i]) * 256 + u8(regs.a[i + 1]));
}
type ReadFn = (i: u32) => u32;
/** Used as a value (a callback): the calls through it are not known. */
function kept_callback(i: u32): u32 {
  return u32(u8(regs.a[i]) * 256 + u8(regs.a[i + 1]));
}
function through(f: ReadFn, i: u32): u32 {
  return f(i);
}
/** A parameter written in the body loses its range. */
function kept_written(i: u32, step: u32): u32 {
  i = u32(i + step);
  return u8(regs.a[i]);
}
/** Facts passed down a chain: inner's callers pass outer's k + 1, outer's pass 0..5. */
function proven_chainInner(i: u32): u32 {
  return regs.a[i];
}
function chainOuter(k: u32): u32 {
  return u32(proven_chainInner(u32(k + 1)) + proven_chainInner(k));
}
/** A default value is one of the values passed. */
function proven_default(i: u32, j: u32 = 7): u32 {
  return u32(regs.a[i] + regs.a[j]);
}
/** ... and so is a default out of range. */
function kept_defaultOut(i: u32, j: u32 = 8): u32 {
  return u32(regs.a[i] + u8(regs.a[j]));
}
/** A view's bytes by a parameter index: the range alone says nothing about b.length. */
function kept_view(b: Bytes, i: u32): u32 {
  return u8(b[i]);
}

/** Every return of minOf is at most a (and b). */
function minOf(a: u32, b: u32): u32 {
  return a < b ? a : b;
}
/** n = minOf(b.length, k): n <= b.length, nothing to clamp. */
function proven_retMin(b: Bytes, k: u32): Bytes {
  const n: u32 = minOf(b.length, k);
  return b.subarray(0, n);
}
/** maxOf's result is not at most a. */
function maxOf(a: u32, b: u32): u32 {
  return a > b ? a : b;
}
function kept_retMax(b: Bytes, k: u32): Bytes {
  const n: u32 = maxOf(b.length, k);
  return b.subarray(0, n);
}
/** A parameter its function writes: the return is not at most the value passed. */
function bump(a: u32, k: u32): u32 {
  a = u32(a + k);
  return a;
}
function kept_retWritten(b: Bytes, k: u32): Bytes {
  const n: u32 = bump(b.length, k);
  return b.subarray(0, n);
}
/** The view written after the call: the fact ends. */
function kept_retViewWritten(b: Bytes, c: Bytes, k: u32): Bytes {
  const n: u32 = minOf(b.length, k);
  b = c;
  return b.subarray(0, n);
}
/** lenSize returns 0..2 (exported: its return facts hold whoever calls it). */
export function lenSize(n: u32): u32 {
  if (n < 128) return 1;
  if (n < 16384) return 2;
  return 0;
}
function proven_retRange(n: u32): u32 {
  return regs.a[u32(lenSize(n) + 5)];
}
function kept_retRange(n: u32): u32 {
  return u8(regs.a[u32(lenSize(n) + 6)]);
}

/** A call whose return facts decide a comparison: it stays a comparison (the
 *  call writes state, so folding it would be an error; facts never change
 *  what compiles). */
let sizeCalls: u32 = 0;
function countedSize(n: u32): u32 {
  sizeCalls++;
  return n < 128 ? 1 : 2;
}

export function main(): void {
  for (let i: u32 = 0; i < 8; i++) regs.a[i] = u8(i + 1);
  for (let i: u32 = 0; i < 8; i++) regs.tail[i] = u8(0xa0 + i);
  for (let i: u32 = 0; i < 7; i++) show("callers", proven_callers(i));
  for (let i: u32 = 5; i < 8; i++) show("oneCallerOut", kept_oneCallerOut(i));
  show("oneCallerOut 9", kept_oneCallerOut(9));
  for (let i: u32 = 0; i < 7; i++) show("exported", kept_exported(i));
  show("callback", through(kept_callback, 3));
  show("callback out", through(kept_callback, 8));
  show("written", kept_written(2, 3));
  show("written out", kept_written(2, 7));
  for (let k: u32 = 0; k < 6; k++) show("chain", chainOuter(k));
  show("default", proven_default(2));
  show("default 3", proven_default(2, 3));
  show("defaultOut", kept_defaultOut(1));
  show("defaultOut 2", kept_defaultOut(1, 2));
  const v: Bytes = regs.a.subarray(0, 4);
  show("view", kept_view(v, 2));
  show("view out", kept_view(v, 5));
  const two: Bytes = regs.a.subarray(0, 2);
  for (let k: u32 = 0; k < 7; k += 3) {
    printHex(proven_retMin(v, k)); printStr("|");
    printHex(kept_retMax(v, k)); printStr("|");
    printHex(kept_retWritten(v, k)); printStr("|");
    printHex(kept_retViewWritten(v, two, k)); printLn();
  }
  show("retRange", proven_retRange(5));
  show("retRange 200", proven_retRange(200));
  show("retRange 20000", proven_retRange(20000));
  show("retRange kept", kept_retRange(200));
  show("retRange kept 5", kept_retRange(5));
  if (countedSize(5) > 2) show("countedSize", 99);
  show("sizeCalls", sizeCalls);
}
