// A small end-to-end piece of a codec: MQTT remaining-length varint encode and
// decode over byte views, including the malformed and the too-long cases.
import { Bytes, printInt, printStr, printLn, printHex, u8, u32, i32, lit } from "../../../ts-src/rt/rt";

class Codec {
  buf: Uint8Array = new Uint8Array(5);
  value: u32 = 0;
}

const codec = new Codec();

/** Writes `n` as a varint into `out`; returns the byte count or 0 if it does not fit. */
function encode(out: Bytes, n: u32): u32 {
  let x: u32 = n;
  let i: u32 = 0;
  do {
    if (i >= out.length) return 0;
    let b: u8 = x & 0x7f;
    x = x >>> 7;
    if (x > 0) b = u8(b | 0x80);
    out[i] = b;
    i++;
  } while (x > 0);
  return i;
}

/** Decodes a varint: > 0 bytes used (value in codec.value), 0 incomplete, -1 malformed. */
function decode(inp: Bytes): i32 {
  let mult: u32 = 1;
  let v: u32 = 0;
  for (let i: u32 = 0; i < 4; i++) {
    if (i >= inp.length) return 0;
    const b: u8 = inp[i];
    v = u32(v + (b & 0x7f) * mult);
    if ((b & 0x80) === 0) {
      codec.value = v;
      return i32(i + 1);
    }
    mult = u32(mult * 128);
  }
  return -1;
}

function roundTrip(n: u32): void {
  const out: Bytes = codec.buf;
  const len: u32 = encode(out, n);
  printInt(n); printStr(" -> "); printHex(out.subarray(0, len));
  const used: i32 = decode(out.subarray(0, len));
  printStr(" -> "); printInt(used); printStr(" "); printInt(codec.value); printLn();
}

export function main(): void {
  roundTrip(0);
  roundTrip(127);
  roundTrip(128);
  roundTrip(16383);
  roundTrip(16384);
  roundTrip(2097151);
  roundTrip(268435455);
  printStr("too big "); printInt(encode(codec.buf.subarray(0, 4), 268435456)); printLn();
  const raw: Bytes = codec.buf;
  raw[0] = 0x80;
  raw[1] = 0x80;
  printStr("incomplete "); printInt(decode(raw.subarray(0, 2))); printLn();
  raw[1] = 0xff;
  raw[2] = 0xff;
  raw[3] = 0xff;
  raw[4] = 0x01;
  printStr("malformed "); printInt(decode(raw)); printLn();
  printStr("empty "); printInt(decode(lit(""))); printLn();
}
