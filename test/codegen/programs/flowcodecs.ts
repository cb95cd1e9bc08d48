// Codec code as a first draft writes it, compiled as written thanks to flow
// facts: CRC-16/CRC-32, base64, a varint reader, a TLV walker and a ring
// buffer. Lengths are checked first, then used without u32() wraps.
import { u8, u16, u32, i32, bool, Bytes, idiv, lit, printInt, printStr, printLn, printHex } from "../../../ts-src/rt/rt";

class Scratch {
  out: Uint8Array = new Uint8Array(64);
  ring: Uint8Array = new Uint8Array(8);
  head: u32 = 0;
  count: u32 = 0;
}
const sc = new Scratch();

const B64: readonly u8[] = [
  65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
  97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122,
  48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 43, 47];

function crc16(b: Bytes): u16 {
  let crc: u16 = 0xffff;
  for (let i: u32 = 0; i < b.length; i++) {
    crc = u16(crc ^ (b[i] << 8));
    for (let k: u32 = 0; k < 8; k++) {
      crc = (crc & 0x8000) !== 0 ? u16((crc << 1) ^ 0x1021) : u16(crc << 1);
    }
  }
  return crc;
}

function crc32(b: Bytes): u32 {
  let crc: u32 = 0xffffffff;
  for (let i: u32 = 0; i < b.length; i++) {
    crc = u32(crc ^ b[i]);
    for (let k: u32 = 0; k < 8; k++) {
      const low: bool = (crc & 1) !== 0;
      crc = crc >>> 1;
      if (low) crc = u32(crc ^ 0xedb88320);
    }
  }
  return u32(crc ^ 0xffffffff);
}

/** base64 of `src` into `out`; the length written, or 0 when it does not fit. */
function b64(src: Bytes, out: Bytes): u32 {
  const n: u32 = src.length;
  if (n > 3000) return 0;
  const need: u32 = idiv(n + 2, 3) * 4;
  if (need > out.length) return 0;
  let o: u32 = 0;
  let i: u32 = 0;
  while (i + 2 < n) {
    const v: u32 = (src[i] << 16) | (src[i + 1] << 8) | src[i + 2];
    out[o] = B64[(v >>> 18) & 63];
    out[o + 1] = B64[(v >>> 12) & 63];
    out[o + 2] = B64[(v >>> 6) & 63];
    out[o + 3] = B64[v & 63];
    o += 4;
    i += 3;
  }
  if (i < n) {
    const rest: u32 = n - i;
    const v: u32 = (src[i] << 16) | (rest > 1 ? src[i + 1] << 8 : 0);
    out[o] = B64[(v >>> 18) & 63];
    out[o + 1] = B64[(v >>> 12) & 63];
    out[o + 2] = rest > 1 ? B64[(v >>> 6) & 63] : 61;
    out[o + 3] = 61;
    o += 4;
  }
  return o;
}

/** A varint (7 bits per byte, at most 4 bytes) at `at`; -1 when malformed or short. */
function varint(b: Bytes, at: u32): i32 {
  let v: u32 = 0;
  for (let k: u32 = 0; k < 4; k++) {
    if (at >= b.length || k >= b.length - at) return -1;
    const c: u8 = b[at + k];
    v = u32(v | ((c & 0x7f) << (7 * k)));
    if ((c & 0x80) === 0) return i32(v);
  }
  return -1;
}

/** Walks type-length-value records: a type byte, a length byte, the value. */
function tlv(b: Bytes): void {
  let at: u32 = 0;
  while (at < b.length) {
    if (b.length - at < 2) { printStr("short header"); printLn(); return; }
    const t: u8 = b[at];
    const n: u32 = b[at + 1];
    const start: u32 = at + 2;
    if (n > b.length - start) { printStr("short value"); printLn(); return; }
    printInt(t); printStr(":"); printHex(b.subarray(start, start + n)); printStr(" ");
    at = start + n;
  }
  printLn();
}

function ringPut(v: u8): bool {
  const count: u32 = sc.count;
  if (count >= sc.ring.length) return false;
  const at: u32 = (sc.head + count) % 8;
  sc.ring[at] = v;
  sc.count = count + 1;
  return true;
}
function ringGet(): i32 {
  const count: u32 = sc.count;
  if (count === 0) return -1;
  const v: u8 = sc.ring[sc.head];
  sc.head = (sc.head + 1) % 8;
  sc.count = count - 1;
  return v;
}

export function main(): void {
  printInt(crc16(lit("123456789"))); printStr(" "); printInt(crc32(lit("123456789"))); printStr(" "); printInt(crc32(lit(""))); printLn();
  const out: Bytes = sc.out;
  for (let k: u32 = 0; k < 7; k++) {
    const n: u32 = b64(lit("foobar!").subarray(0, k), out);
    printInt(n); printStr(" "); printHex(out.subarray(0, n)); printLn();
  }
  printInt(b64(lit("0123456789012345678901234567890123456789012345678901234567890"), out)); printLn();
  const vi: Bytes = lit("\x05\x81\x01\xff\xff\xff\x7f\xff\xff\xff\xff\x80");
  for (let at: u32 = 0; at < 14; at++) { printInt(varint(vi, at)); printStr(" "); }
  printLn();
  tlv(lit("\x01\x02ab\x02\x00\x03\x03xyz"));
  tlv(lit("\x01\x05abc"));
  tlv(lit("\x01"));
  for (let k: u32 = 0; k < 10; k++) printInt(ringPut(u8(k + 40)) ? 1 : 0);
  printLn();
  for (let k: u32 = 0; k < 5; k++) { printInt(ringGet()); printStr(" "); }
  for (let k: u32 = 0; k < 6; k++) printInt(ringPut(u8(k + 70)) ? 1 : 0);
  printLn();
  for (let k: u32 = 0; k < 10; k++) { printInt(ringGet()); printStr(" "); }
  printLn();
}
