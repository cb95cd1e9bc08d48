// Exact products where the range allows (int64 in C), mul32 where it does not.
import { mul32, printInt, printStr, printLn, u16, u32, i32, i16 } from "../../../ts-src/rt/rt";

export function main(): void {
  const a: u32 = 0xffffffff;
  const b: u32 = 0x10000;
  const c: u32 = 123456789;
  const d: u32 = 987654321;
  const neg: i32 = -1;
  printStr("m1 "); printInt(mul32(a, a)); printLn();
  printStr("m2 "); printInt(mul32(b, b)); printLn();
  printStr("m3 "); printInt(mul32(c, d)); printLn();
  printStr("m4 "); printInt(mul32(neg, 5)); printLn();
  printStr("m5 "); printInt(mul32(0x7fffffff, 2)); printLn();

  const x: u16 = 65535;
  const y: u16 = 65535;
  const lo: i32 = -2147483648;
  const s: i16 = -32768;
  printStr("u16*u16 "); printInt(x * y); printLn();
  printStr("u16*i32 "); printInt(x * lo); printLn();
  printStr("i16*i16 "); printInt(s * s); printLn();
  printStr("u32*u16 "); printInt(a * x); printLn();
  const p: u32 = x * y;
  printStr("stored "); printInt(p); printLn();
  // A product wrapped into u16 at the end.
  printStr("wrap16 "); printInt(u16(x * y)); printLn();
  printStr("sum "); printInt(a + a + a); printLn();
  printStr("diff "); printInt(lo - a); printLn();
}
