// Compound bitwise assignments, numeric literal forms, and const locals that
// take their type from a field, a variable or a call returning a class/view.
import { printInt, printStr, printLn, printHex, Bytes, u8, u32, i32 } from "../../../ts-src/rt/rt";

class Buf {
  data: Uint8Array = new Uint8Array(4);
  len: u32 = 0;

  view(): Bytes {
    return this.data.subarray(0, this.len);
  }
}

const buf = new Buf();

function current(): Buf {
  return buf;
}

export function main(): void {
  let flags: u8 = 1;
  flags |= 0x80;
  flags &= 0x81;
  flags ^= 0x03;
  let w: u32 = 0xff;
  w &= 0xf00f;
  w = u32(w | 0x100);
  let sh: i32 = -1;
  sh <<= 3;
  sh >>= 1;
  let us: i32 = 0x7fffffff;
  us >>= 30;
  printStr("compound "); printInt(flags); printStr(" "); printInt(w); printStr(" "); printInt(sh); printStr(" "); printInt(us); printLn();
  printStr("literals "); printInt(0b1010); printStr(" "); printInt(0o17); printStr(" "); printInt(1_000_000); printStr(" ");
  printInt(0xFFFF); printStr(" "); printInt(0XAB); printLn();
  buf.len = 3;
  buf.data[1] = 0x7e;
  const m = buf.len;
  const k = m;
  const b = current();
  const v = b.view();
  printStr("inferred "); printInt(m); printStr(" "); printInt(k); printStr(" "); printInt(b.len); printStr(" ");
  printInt(v.length); printStr(" "); printHex(v); printLn();
}
