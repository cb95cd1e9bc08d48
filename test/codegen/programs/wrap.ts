// Wrap-around at every width: u8() u16() u32() i8() i16() i32() mask under
// Node and cast in C; both must give the same bits at and beyond each boundary.
import { u8, u16, u32, i8, i16, i32, printInt, printStr, printLn } from "../../../ts-src/rt/rt";

function show(name: string): void {
  printStr(name);
  printStr(" ");
}

export function main(): void {
  const neg: i32 = -1;
  const big: u32 = 0xffffffff;
  const m8: i32 = 255;
  const m16: i32 = 65535;
  const p8: i32 = 256;
  const p16: i32 = 65536;
  const s8: i32 = 128;
  const s16: i32 = 32768;
  const lo: i32 = -2147483648;
  const hi: i32 = 2147483647;

  show("u8"); printInt(u8(m8)); printStr(" "); printInt(u8(p8)); printStr(" "); printInt(u8(p8 + 1));
  printStr(" "); printInt(u8(neg)); printStr(" "); printInt(u8(big)); printStr(" "); printInt(u8(lo)); printLn();

  show("u16"); printInt(u16(m16)); printStr(" "); printInt(u16(p16)); printStr(" "); printInt(u16(p16 + 1));
  printStr(" "); printInt(u16(neg)); printStr(" "); printInt(u16(big)); printStr(" "); printInt(u16(hi)); printLn();

  show("u32"); printInt(u32(neg)); printStr(" "); printInt(u32(lo)); printStr(" "); printInt(u32(hi));
  printStr(" "); printInt(u32(big + 1)); printStr(" "); printInt(u32(big + big)); printStr(" "); printInt(u32(neg - 1)); printLn();

  show("i8"); printInt(i8(s8 - 1)); printStr(" "); printInt(i8(s8)); printStr(" "); printInt(i8(m8));
  printStr(" "); printInt(i8(p8)); printStr(" "); printInt(i8(-129)); printStr(" "); printInt(i8(big)); printLn();

  show("i16"); printInt(i16(s16 - 1)); printStr(" "); printInt(i16(s16)); printStr(" "); printInt(i16(m16));
  printStr(" "); printInt(i16(p16)); printStr(" "); printInt(i16(-32769)); printStr(" "); printInt(i16(big)); printLn();

  show("i32"); printInt(i32(big)); printStr(" "); printInt(i32(hi + 1)); printStr(" "); printInt(i32(lo - 1));
  printStr(" "); printInt(i32(big + 2)); printStr(" "); printInt(i32(hi)); printStr(" "); printInt(i32(lo)); printLn();

  // A wrapped counter stored back into its own width.
  let c8: u8 = 250;
  let c16: i16 = 32760;
  for (let k: i32 = 0; k < 10; k++) {
    c8 = u8(c8 + 1);
    c16 = i16(c16 + 1);
  }
  show("counters"); printInt(c8); printStr(" "); printInt(c16); printLn();
}
