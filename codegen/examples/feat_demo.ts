// Exercises most of the subset; `main` prints the same text under Node and as C.
import {
  u8, u16, u32, i8, i16, i32, f64, bool, Ptr, Bytes, idiv, mul32, f64ToU32, f64ToI32, structs, copy,
  lit, strBytes, copyBytes, bytesEqual, noBytes, printStr, printInt, printHex, printLn,
} from "../../ts-src/rt/rt";

/** Table size. @kconfig EX_SLOTS */
export const SLOTS: u8 = 3;
const SQUARES: readonly u8[] = [0, 1, 4, 9, 16];

export type Visit = (ud: Ptr, v: u32) => void;

export enum Color { Red = 1, Green = 2, Blue = 4 }

export class Point {
  x: i16 = 0;
  y: i16 = -1;
}

export class Box {
  p: Point = new Point();
  pts: Point[] = structs(SLOTS, Point);
  next: Box | null = null;
  cb: Visit | null = null;
  ud: Ptr = null;
  data: Uint8Array = new Uint8Array(8);
  words: Uint16Array = new Uint16Array(4);
  view: Bytes = noBytes();
  name: string = "box";
  color: Color = Color.Green;
  ratio: f64 = 0.5;
  count: u32 = 0;

  area(): i32 { return this.p.x * this.p.y; }
  bump(by: u32 = 2): u32 {
    this.count += by;
    return this.twice();
  }
  private twice(): u32 { return u32(this.count * 2); }
  visitAll(): void {
    for (let i: u32 = 0; i < this.pts.length; i++) {
      const cb = this.cb;
      if (cb !== null) cb(this.ud, u32(this.pts[i].x));
    }
  }
}

let total: u32 = 0;
const box = new Box();
const other = new Box();

function addTo(ud: Ptr, v: u32): void {
  const b = ud as Box;
  b.count += v;
  total = u32(total + v);
}

function colorName(c: Color): string {
  switch (c) {
    case Color.Red: return "red";
    case Color.Green:
    case Color.Blue:
      return "green-or-blue";
  }
  return "none";
}

/** @api ex_checksum */
export function checksum(b: Bytes, seed: u32 = 7): u32 {
  let h: u32 = seed;
  for (let i: u32 = 0; i < b.length; i++) h = mul32(h ^ b[i], 16777619);
  return h;
}

function show(label: string, v: i32): void {
  printStr(label);
  printStr("=");
  printInt(v);
  printLn();
}

export function main(): void {
  // Wrap-around at every width.
  const big: u32 = 0xfffffff0;
  show("u8", u8(big + 0x20));
  show("u16", u16(big + 0x20));
  show("i8", i8(200));
  show("i16", i16(40000));
  show("i32", i32(big));
  printInt(u32(big + 0x20)); printLn();
  printInt(big + 0x20); printLn();
  // Shifts and bit ops.
  const neg: i32 = -12345;
  show("shr", neg >> 3);
  printInt(neg >>> 3); printLn();
  show("shl", neg << 5);
  show("shl31", 1 << 31);
  show("and", neg & 0xff);
  show("or", neg | 3);
  show("xor", neg ^ -1);
  show("not", ~neg);
  printInt(u32(big << 4)); printLn();
  // Division and remainder of negative numbers.
  show("idiv", idiv(-7, 2));
  show("idiv2", idiv(neg, 100));
  show("mod", -7 % 3);
  show("mod2", neg % 100);
  const zero: i32 = 0;
  printInt(idiv(neg, zero)); printLn();
  // Structs: copy vs reference.
  box.p.x = 3; box.p.y = 4;
  copy(other, box);
  other.p.x = 10;
  show("area", box.area());
  show("otherArea", other.area());
  const alias: Box = other;
  alias.p.y = 2;
  show("otherArea2", other.area());
  // Struct arrays, callbacks with user data, nullable refs.
  for (let i: u32 = 0; i < box.pts.length; i++) box.pts[i].x = i16(i + 1);
  box.cb = addTo;
  box.ud = other;
  box.visitAll();
  printInt(total); printInt(other.count); printLn();
  box.next = other;
  const n = box.next;
  if (n !== null) show("nextArea", n.area());
  box.next = null;
  printStr(box.next === null ? "null" : "set"); printLn();
  // Byte views.
  const d = box.data;
  d[0] = 1; d[7] = 0xff; d[8] = 5;
  printHex(d); printLn();
  const sub = d.subarray(6, 100);
  printInt(sub.length); printHex(sub); printLn();
  printInt(d.subarray(5, 2).length); printLn();
  printStr(copyBytes(d, 4, lit("abcd")) ? "fit" : "nofit");
  printStr(copyBytes(d, 5, lit("abcd")) ? "fit" : "nofit"); printLn();
  printHex(d); printLn();
  printStr(bytesEqual(d.subarray(4, 8), lit("abcd")) ? "eq" : "ne"); printLn();
  box.view = strBytes("hey");
  printHex(box.view); printLn();
  box.words[1] = 65535;
  printInt(box.words[1] + box.words[3]); printInt(box.words.length); printLn();
  // Tables, enums, constants, defaults, @api.
  printInt(SQUARES[3]); printInt(SQUARES.length); printInt(SLOTS); printLn();
  printStr(colorName(box.color)); printStr(colorName(Color.Red)); printLn();
  printInt(box.bump()); printInt(box.bump(5)); printLn();
  printInt(checksum(lit("hello"))); printLn();
  // f64.
  const r: f64 = box.ratio * 3 + 1;
  printInt(f64ToI32(r * 100)); printInt(f64ToU32(-r)); printInt(f64ToI32(r / 0)); printLn();
  printStr(r > 2 ? "gt" : "le"); printLn();
  // Loops.
  let k: i32 = 0;
  do { k += 3; } while (k < 10);
  while (true) { k--; if (k === 5) break; if (k > 7) continue; }
  show("k", k);
  const flag: bool = k === 5 && !(k > 6);
  printStr(flag ? "yes" : "no"); printLn();
}

