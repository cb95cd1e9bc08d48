// Comparisons between different widths and signedness compare exact values,
// where C's usual arithmetic conversions would get them wrong.
import { printStr, printLn, u8, u16, u32, i8, i16, i32, bool } from "../../../ts-src/rt/rt";

function b(name: string, v: bool): void {
  printStr(name); printStr(v ? " T" : " F"); printLn();
}

export function main(): void {
  const m1: i32 = -1;
  const one: u32 = 1;
  const all: u32 = 0xffffffff;
  const s8: i8 = -100;
  const u: u8 = 200;
  const s16: i16 = -1;
  const w16: u16 = 65535;
  b("-1<1u", m1 < one);
  b("-1>1u", m1 > one);
  b("-1===all", m1 === all);
  b("-1!==all", m1 !== all);
  b("all>-1", all > m1);
  b("i8<u8", s8 < u);
  b("u8>=i8", u >= s8);
  b("i16<u16", s16 < w16);
  b("i16===u16", s16 === w16);
  b("u16<=u32", w16 <= all);
  b("u8===200", u === 200);
  b("i8===-100", s8 === -100);
  b("all===4294967295", all === 4294967295);
  b("-1<=i8", m1 <= s8);
  b("zero", u8(256) === 0);
}
