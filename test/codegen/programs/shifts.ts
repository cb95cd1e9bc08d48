// Shifts follow JS: operands taken as i32, counts masked with 31; >>> gives u32.
import { u32, i32, printInt, printStr, printLn } from "../../../ts-src/rt/rt";

function row(name: string, v: i32): void {
  printStr(name); printStr(" "); printInt(v); printLn();
}

function rowU(name: string, v: u32): void {
  printStr(name); printStr(" "); printInt(v); printLn();
}

export function main(): void {
  const one: i32 = 1;
  const neg: i32 = -8;
  const top: u32 = 0x80000000;
  const all: u32 = 0xffffffff;
  const n31: u32 = 31;
  const n32: u32 = 32;
  const n33: u32 = 33;
  const nNeg: i32 = -1;

  row("1<<31", one << 31);
  row("1<<n31", one << n31);
  row("1<<n32", one << n32);
  row("1<<n33", one << n33);
  row("1<<-1", one << nNeg);
  row("-8<<2", neg << 2);
  row("-8>>1", neg >> 1);
  row("-8>>n33", neg >> n33);
  rowU("-8>>>1", neg >>> 1);
  rowU("-8>>>0", neg >>> 0);
  rowU("-8>>>n32", neg >>> n32);
  row("top>>31", top >> 31);
  rowU("top>>>31", top >>> 31);
  row("all>>0", all >> 0);
  rowU("all>>>4", all >>> 4);
  row("all<<4", all << 4);
  row("top<<1", top << 1);
  // A value built from bytes with the top bit set is negative as i32 until >>> 0.
  const b0: u32 = 0xde;
  const b1: u32 = 0xad;
  const w: i32 = (b0 << 24) | (b1 << 16) | 0xbeef;
  row("word", w);
  rowU("word>>>0", w >>> 0);
  rowU("u32(word)", u32(w));
  row("~0", ~0);
  row("~all", ~all);
  row("~-8", ~neg);
  row("and", all & 0xf0f0f0f0);
  row("or", top | 1);
  row("xor", all ^ 0x0f);
  row("i32(top)", i32(top));
}
