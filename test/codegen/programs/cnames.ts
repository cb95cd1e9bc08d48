// TypeScript names that are C keywords or clash with generated names must be
// renamed in C: locals and params named like C keywords, `self` inside a
// method, a nested block that shadows an outer local (-Wshadow), and locals
// named like C library functions and macros.
import { printInt, printStr, printLn, u8, u32, i32, Bytes, lit } from "../../../ts-src/rt/rt";

class Reg {
  char: u8 = 0;
  long: u32 = 0;

  set(self: u32, unsigned: u8): void {
    this.long = self;
    this.char = unsigned;
  }
}

const reg = new Reg();

export function mix(char: u8, signed: i32, register: u32, sizeof: u32): i32 {
  const double: i32 = i32(char + signed);
  const float: u32 = u32(register + sizeof);
  return i32(double + float);
}

export function main(): void {
  printStr("mix "); printInt(mix(200, -50, 7, 3)); printLn();
  reg.set(123456, 42);
  printStr("reg "); printInt(reg.long); printStr(" "); printInt(reg.char); printLn();
  const x: i32 = 1;
  let sum: i32 = 0;
  for (let i: i32 = 0; i < 3; i++) {
    const x: i32 = i32(i * 10);
    sum += x;
  }
  {
    const x: i32 = 100;
    sum += x;
  }
  printStr("shadow "); printInt(x); printStr(" "); printInt(sum); printLn();
  const goto: u32 = 5;
  const volatile: u32 = 6;
  const struct: u32 = 7;
  const union: u32 = 8;
  printStr("kw "); printInt(goto + volatile + struct + union); printLn();
  printStr("libnames "); printInt(libNames(lit("abc"), 2)); printLn();
}

/** Locals named like C library functions and macros that the generated C sees
 *  through rt.h (<stdint.h>, <stddef.h>, <string.h>). */
function libNames(b: Bytes, strlen: u32): u32 {
  const memcmp: u32 = b.length;
  const NULL: u32 = 0;
  const INT32_MAX: u32 = 7;
  const UINT8_MAX: u32 = 1;
  const SIZE_MAX: u32 = 1;
  return u32(strlen + memcmp + NULL + INT32_MAX + UINT8_MAX + SIZE_MAX);
}
