// CRC-8 (poly 0x07) bit by bit, the textbook step `c ? u8(x << 1) : x`, and
// ?: of narrow types (u8, i8, u16, enums) returned, passed and stored.
import { u8, u16, u32, i8, bool, Bytes, lit, printInt, printStr, printLn } from "../../../ts-src/rt/rt";

enum Small { A = 1, B = 200 }

function step(x: u8, c: bool): u8 {
  return c ? u8(x << 1) : x;
}

function crc8(b: Bytes): u8 {
  let crc: u8 = 0;
  for (let i: u32 = 0; i < b.length; i++) {
    crc = u8(crc ^ b[i]);
    for (let k: u32 = 0; k < 8; k++) {
      const top: bool = (crc & 0x80) !== 0;
      crc = step(crc, true);
      crc = top ? u8(crc ^ 0x07) : crc;
    }
  }
  return crc;
}

function pick16(a: u16, b: u16, c: bool): u16 { return c ? a : b; }
function picki8(a: i8, c: bool): i8 { return c ? a : i8(a + 1); }
function pickE(c: bool): Small { return c ? Small.A : Small.B; }
function pickE2(x: Small, y: Small, c: bool): Small { return c ? x : y; }

export function main(): void {
  printInt(crc8(lit("123456789"))); printLn();
  printInt(crc8(lit(""))); printStr(" "); printInt(step(0x81, true)); printStr(" "); printInt(step(0x81, false)); printLn();
  const a: u8 = 250;
  const s: u8 = a > 100 ? a : u8(a + 1);
  printInt(s); printStr(" "); printInt(pick16(1, 65535, false)); printStr(" "); printInt(picki8(127, false)); printLn();
  printInt(pickE(false)); printStr(" "); printInt(pickE2(Small.A, Small.B, true)); printLn();
}
