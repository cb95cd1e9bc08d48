// A tiny end-to-end program for the compiler: a class, functions, ints, Bytes.
import { u8, u16, u32, i32, Bytes, lit, copyBytes, printInt, printHex, printLn, printStr, idiv, noBytes } from "../../ts-src/rt/rt";

/** Maximum payload. */
export const MAX: u16 = 16;

export enum Kind { A = 1, B = 2, C = 200 }

export class Counter {
  n: u32 = 0;
  buf: Uint8Array = new Uint8Array(MAX);
  view: Bytes = noBytes();
  kind: Kind = Kind.A;

  add(x: u8): void {
    this.n += x;
    this.buf[x] = u8(this.n);
  }
  total(): u32 { return this.n; }
}

const counter = new Counter();

function sum(b: Bytes): u32 {
  let s: u32 = 0;
  for (let i: u32 = 0; i < b.length; i++) {
    s = u32(s + b[i]);
  }
  return s;
}

export function main(): void {
  counter.add(3);
  counter.add(5);
  printInt(counter.total());
  printLn();
  const hello = lit("hello");
  if (copyBytes(counter.buf, 2, hello)) printHex(counter.buf);
  printLn();
  printInt(sum(counter.buf));
  printLn();
  const x: i32 = -7;
  printInt(idiv(x, 2));
  printInt(x % 3);
  printInt(x >> 1);
  printInt(x >>> 28);
  printLn();
  switch (counter.kind) {
    case Kind.A:
    case Kind.B:
      printStr("ab");
      break;
    default:
      printStr("c");
  }
  printLn();
}
