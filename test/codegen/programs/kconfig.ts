// @kconfig constants: `#ifndef CONFIG_X` so ESP-IDF's Kconfig (or -D) can
// override them; buffers and loops sized by them follow the override. A size
// `ON !== 0 ? RING_SIZE : 1` pasted into `.length - 2` must keep its parentheses.
import { printInt, printStr, printLn, printHex, u8, u32 } from "../../../ts-src/rt/rt";

/** Slots in the ring.
 *  @kconfig CG_TEST_RING_SIZE */
const RING_SIZE: u32 = 6;

/** @kconfig CG_TEST_ON */
const ON: u32 = 1;

/** @kconfig CG_TEST_FILL */
export const FILL: u32 = 0xa5;

class Ring {
  data: Uint8Array = new Uint8Array(RING_SIZE);
  head: u32 = 0;

  put(v: u8): void {
    this.data[this.head] = v;
    this.head = (this.head + 1) % RING_SIZE;
  }
}

const ring = new Ring();
const cond: Uint8Array = new Uint8Array(ON !== 0 ? RING_SIZE : 1);

export function main(): void {
  printStr("size "); printInt(RING_SIZE); printStr(" len "); printInt(ring.data.length); printLn();
  for (let i: u32 = 0; i < 10; i++) ring.put(u8(FILL + i));
  printHex(ring.data); printStr(" head "); printInt(ring.head); printLn();
  const two: u32 = 2;
  cond[0] = 7;
  printStr("cond "); printInt(cond.length - two); printStr(" "); printInt(cond[0]); printLn();
}
