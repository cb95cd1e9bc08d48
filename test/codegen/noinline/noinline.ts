// noinline.test.ts: a function tagged @noinline stays one function that its
// callers call, the same body untagged is inlined into them; a function
// tagged @inline is copied into its callers, its untagged twin is called.
import { u32, printInt, printLn } from "../../../ts-src/rt/rt";

let total: u32 = 0;

/** Adds n. @noinline */
function addKept(n: u32): void {
  total = u32(total * 3 + n);
}

/** The same, untagged. */
function addInlined(n: u32): void {
  total = u32(total * 3 + n);
}

/** A loop, called from two places: -Os calls it. @inline */
function mixForced(n: u32): void {
  for (let i: u32 = 0; i < n; i++) total = u32(total * 5 + i + (total >>> 3) + (total >>> 7) * 11);
}

/** The same, untagged. */
function mixCalled(n: u32): void {
  for (let i: u32 = 0; i < n; i++) total = u32(total * 5 + i + (total >>> 3) + (total >>> 7) * 11);
}

export function main(): void {
  addKept(1);
  addKept(2);
  addInlined(3);
  addInlined(4);
  mixForced(3);
  mixForced(4);
  mixCalled(2);
  mixCalled(5);
  printInt(total);
  printLn();
}
