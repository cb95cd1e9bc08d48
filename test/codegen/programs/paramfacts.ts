// Parameter facts across functions: a function that is not exported and not
// used as a value is called only where the program calls it, so its integer
// parameters start out with the union of the ranges every call passes
// (codegen/src/index.ts compiles again with them). One function per rule and
// beside it the near miss that must keep its check. Functions named proven_*
// must have no check in the C, kept_* must keep one (indexproofs.test.ts reads
// the golden C). The arrays are followed by bytes that are not 0: a check
// dropped by mistake would read them in C, where Node reads undefined (0 after
// u8()), and the outputs differ.
import { u8, u32, Bytes, printInt, printStr, printLn } from "../../../ts-src/rt/rt";

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
}
