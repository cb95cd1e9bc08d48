// Module constants at the edges of their types, used in arithmetic: the C
// macro must have the declared type (a u32 constant below 2^31 is still
// unsigned: SMALL + SMALL must not overflow a C int), plus shifts by u8
// counts, >>> of a negative i8 and unary minus of u32/i32 extremes.
import { printInt, printStr, printLn, i8, i32, u8, u16, u32 } from "../../../ts-src/rt/rt";

const BIG: u32 = 0xFFFFFFFF;
const NEG: i32 = -2147483648;
const SMALL: u32 = 0x7FFFFFFF;
const HALF: u16 = 0x8000;
const WIDE: u16 = 0xFFFF;
export const PUBLIC: u32 = 3000000000;

export function main(): void {
  printInt(BIG + 1); printStr(" "); printInt(NEG - 1); printStr(" "); printInt(SMALL + SMALL); printStr(" ");
  printInt(SMALL + SMALL + 2); printStr(" "); printInt(BIG * 2); printLn();
  printInt(-BIG); printStr(" "); printInt(-NEG); printStr(" "); printInt(HALF * HALF * 2); printStr(" ");
  printInt(PUBLIC + PUBLIC); printStr(" "); printInt(u32(SMALL + SMALL + 2)); printStr(" "); printInt(WIDE * WIDE); printLn();
  const s8: i8 = -128;
  const x: u32 = 0xFFFFFFFF;
  printInt(s8 >>> 0); printStr(" "); printInt(-x); printStr(" "); printInt(0xFFFFFFFF + 1); printStr(" "); printInt(BIG >>> 0); printLn();
  const k: u8 = 40;
  const one: i32 = 1;
  printInt(one << k); printStr(" "); printInt(NEG >> k); printStr(" "); printInt(BIG % 7); printStr(" "); printInt(NEG % 7); printLn();
}
