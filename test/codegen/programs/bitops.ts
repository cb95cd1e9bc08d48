// Bit manipulation typical of a wire codec: masks, flags, packing and
// unpacking integers, with the ranges that let results be stored unwrapped.
import { printInt, printStr, printLn, printHex, u8, u16, u32, i32, bool } from "../../../ts-src/rt/rt";

class Wire {
  out: Uint8Array = new Uint8Array(8);
}

const wire = new Wire();

function flags(dup: bool, qos: u8, retain: bool): u8 {
  return u8((3 << 4) | (dup ? 8 : 0) | ((qos & 3) << 1) | (retain ? 1 : 0));
}

export function put16(at: u32, v: u16): void {
  wire.out[at] = (v >> 8) & 0xff;
  wire.out[at + 1] = v & 0xff;
}

export function put32(at: u32, v: u32): void {
  wire.out[at] = (v >>> 24) & 0xff;
  wire.out[at + 1] = (v >>> 16) & 0xff;
  wire.out[at + 2] = (v >>> 8) & 0xff;
  wire.out[at + 3] = v & 0xff;
}

export function get16(at: u32): u16 {
  return u16((wire.out[at] << 8) | wire.out[at + 1]);
}

export function get32(at: u32): u32 {
  return ((wire.out[at] << 24) | (wire.out[at + 1] << 16) | (wire.out[at + 2] << 8) | wire.out[at + 3]) >>> 0;
}

function popcount(v: u32): u32 {
  let n: u32 = 0;
  let x: u32 = v;
  while (x !== 0) {
    x = (x & (x - 1)) >>> 0;
    n++;
  }
  return n;
}

export function main(): void {
  printStr("flags "); printInt(flags(true, 2, true)); printStr(" "); printInt(flags(false, 7, false)); printLn();
  put16(0, 0xbeef);
  put32(2, 0xdeadc0de);
  put16(6, 1883);
  printHex(wire.out); printLn();
  printStr("get "); printInt(get16(0)); printStr(" "); printInt(get32(2)); printStr(" "); printInt(get16(6)); printLn();
  printStr("pop "); printInt(popcount(0)); printStr(" "); printInt(popcount(0xffffffff)); printStr(" ");
  printInt(popcount(0x80000001)); printLn();
  const m: i32 = -1;
  const low: u8 = m & 0xff;
  const mid: u16 = (m >>> 8) & 0xffff;
  printStr("masks "); printInt(low); printStr(" "); printInt(mid); printLn();
  const x: u32 = 0x12345678;
  const rot: u32 = ((x << 8) | (x >>> 24)) >>> 0;
  printStr("rot "); printInt(rot); printLn();
}
