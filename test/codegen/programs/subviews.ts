// subarray arguments computed from untrusted lengths. subarray takes u32s, so
// `start + n` must be wrapped explicitly (u32()); a wrapped end below start
// gives an empty view in both languages, never an out-of-bounds one. A length
// checked first (`n <= b.length - start`) is the idiom that keeps the data.
import { Bytes, printInt, printStr, printLn, printHex, u8, u32 } from "../../../ts-src/rt/rt";

class Frame {
  data: Uint8Array = new Uint8Array(8);
}

const frame = new Frame();

function field(b: Bytes, start: u32, n: u32): Bytes {
  return b.subarray(start, u32(start + n));
}

function checkedField(b: Bytes, start: u32, n: u32): Bytes {
  if (start > b.length || n > b.length - start) return b.subarray(start);
  return b.subarray(start, u32(start + n)); // cannot wrap: checked above
}

function show(name: string, b: Bytes): void {
  printStr(name); printStr(" "); printInt(b.length); printStr(" "); printHex(b); printLn();
}

export function main(): void {
  const d: Bytes = frame.data;
  for (let i: u32 = 0; i < d.length; i++) d[i] = u8(i + 1);
  show("normal", field(d, 2, 3));
  show("past end", field(d, 6, 5));
  show("huge n", field(d, 2, 0xffffffff));
  show("huge start", field(d, 0xfffffffe, 4));
  show("checked huge n", checkedField(d, 2, 0xffffffff));
  show("checked", checkedField(d, 1, 2));
  // A view of a view clamps against the inner length.
  const inner: Bytes = d.subarray(2, 6);
  show("inner", inner);
  show("inner sub", inner.subarray(1, 10));
  show("inner sub2", inner.subarray(3).subarray(0, 5));
  const tail: u32 = 5;
  show("inner tail", inner.subarray(tail));
}
