// Byte views: bounds, subarray clamping (as JS), copyBytes refusing overflow,
// bytesEqual, lit, strBytes, cstr, noBytes, and views stored in fields.
import {
  Bytes, lit, strBytes, copyBytes, bytesEqual, noBytes, cstr,
  printInt, printStr, printHex, printLn, u8, u32, bool,
} from "../../../ts-src/rt/rt";

class Buffers {
  buf: Uint8Array = new Uint8Array(8);
  small: Uint8Array = new Uint8Array(3);
  name: Uint8Array = new Uint8Array(6);
  view: Bytes = noBytes();
}

const bufs = new Buffers();

function yn(v: bool): void {
  printStr(v ? "yes" : "no");
}

function len(name: string, b: Bytes): void {
  printStr(name); printStr(" len "); printInt(b.length); printStr(" "); printHex(b); printLn();
}

/** Returns the part of `b` after the first `n` bytes (clamped). */
function skip(b: Bytes, n: u32): Bytes {
  return b.subarray(n);
}

function sum(b: Bytes): u32 {
  let s: u32 = 0;
  for (let i: u32 = 0; i < b.length; i++) s += b[i];
  return s;
}

export function main(): void {
  const buf: Bytes = bufs.buf;
  for (let i: u32 = 0; i < buf.length; i++) buf[i] = u8(i * 17);
  len("buf", buf);
  // Writes past the end are ignored.
  const far: u32 = 8;
  const farther: u32 = 0xffffffff;
  buf[far] = 0xff;
  buf[farther] = 0xff;
  len("buf", buf);
  // subarray clamps to the length and never goes negative.
  len("sub2_100", buf.subarray(2, 100));
  len("sub10", buf.subarray(10));
  len("sub5_3", buf.subarray(5, 3));
  len("sub8_8", buf.subarray(8, 8));
  len("skip3", skip(buf, 3));
  len("skip9", skip(buf, 9));
  // A subarray shares memory with its parent.
  const mid: Bytes = buf.subarray(2, 4);
  mid[0] = 0xee;
  mid[1] = 0xdd;
  mid[2] = 0xcc;
  len("mid", mid);
  len("buf", buf);
  // copyBytes: all or nothing.
  const small: Bytes = bufs.small;
  printStr("copy fit "); yn(copyBytes(small, 0, lit("abc"))); printStr(" "); printHex(small); printLn();
  printStr("copy over "); yn(copyBytes(small, 1, lit("xyz"))); printStr(" "); printHex(small); printLn();
  printStr("copy tail "); yn(copyBytes(small, 2, lit("z"))); printStr(" "); printHex(small); printLn();
  printStr("copy empty at end "); yn(copyBytes(small, 3, noBytes())); printLn();
  printStr("copy off past end "); yn(copyBytes(small, 4, noBytes())); printLn();
  printStr("copy big "); yn(copyBytes(small, 0, buf)); printStr(" "); printHex(small); printLn();
  // Equality.
  printStr("eq "); yn(bytesEqual(small, lit("abz"))); printStr(" ");
  yn(bytesEqual(small, lit("abc"))); printStr(" ");
  yn(bytesEqual(small, lit("ab"))); printStr(" ");
  yn(bytesEqual(noBytes(), lit(""))); printLn();
  // Literals and C strings.
  const mqtt: Bytes = lit("MQTT");
  len("lit", mqtt);
  printStr("mqtt[3] "); printInt(mqtt[3]); printLn();
  len("strBytes", strBytes("hello"));
  const nm: Bytes = bufs.name;
  copyBytes(nm, 0, lit("dev1"));
  nm[4] = 0;
  printStr("cstr "); printStr(cstr(nm)); printLn();
  // A view kept in a field.
  bufs.view = buf.subarray(6);
  len("view", bufs.view);
  printStr("sum "); printInt(sum(bufs.view)); printStr(" "); printInt(sum(buf)); printLn();
  len("none", noBytes());
  // Reads guarded by the length, as the subset requires.
  const i: u32 = 12;
  printStr("guarded "); printInt(i < buf.length ? buf[i] : 0); printLn();
}
