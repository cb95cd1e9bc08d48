// noinline.test.ts: a function tagged @noinline stays one function that its
// callers call; the same body untagged is inlined into them.
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

export function main(): void {
  addKept(1);
  addKept(2);
  addInlined(3);
  addInlined(4);
  printInt(total);
  printLn();
}
