// Two modules that both copy bytes and slice at offsets the compiler cannot
// prove in range (rtshared.test.ts): the runtime's copy must stay one.
import { u32, Bytes, copyBytes, printInt, printLn } from "../../../ts-src/rt/rt";
import { putAt } from "./rts_b";

const buf: Uint8Array = new Uint8Array(16);
const d: Uint8Array = new Uint8Array(4);
const e: Uint8Array = new Uint8Array(6);

/** Copies `src` into buf at `at` (nothing when it does not fit); prints what buf holds there. */
export function copyIn(src: Bytes, at: u32): void {
  copyBytes(buf, at, src);
  const v: Bytes = buf.subarray(at, u32(at + src.length));
  for (let i: u32 = 0; i < v.length; i++) printInt(v[i]);
  printLn();
}

export function main(): void {
  d[0] = 7; d[1] = 8; d[2] = 9; d[3] = 10;
  copyIn(d, 3);
  copyIn(d, 13); // does not fit: nothing copied (the clamped view shows 3 zeros)
  copyIn(d.subarray(4), 5); // empty
  printInt(putAt(e, d.subarray(1, 3), 2) ? 1 : 0);
  printInt(putAt(e, d, 3) ? 1 : 0);
  for (let i: u32 = 0; i < 6; i++) printInt(e[i]);
  printLn();
}
