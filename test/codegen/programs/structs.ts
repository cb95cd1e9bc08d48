// copy() copies a struct by value (embedded structs and buffers too, views and
// references by reference); plain assignment of a class value is a reference.
import { copy, printInt, printStr, printLn, printHex, i32, Bytes, noBytes } from "../../../ts-src/rt/rt";

class Point {
  x: i32 = 0;
  y: i32 = 0;
}

class Shape {
  origin: Point = new Point();
  corner: Point = new Point();
  ref: Point | null = null;
  tag: Uint8Array = new Uint8Array(3);
  view: Bytes = noBytes();
}

const first = new Shape();
const second = new Shape();
const backing = new Shape();

function show(name: string, p: Point): void {
  printStr(name); printStr(" "); printInt(p.x); printStr(","); printInt(p.y); printLn();
}

export function main(): void {
  // A local of class type is a reference into the module instance.
  const o: Point = first.origin;
  o.x = 5;
  o.y = -6;
  show("origin", first.origin);
  // Value copy of an embedded struct: later changes to the source don't show.
  copy(first.corner, first.origin);
  first.origin.x = 7;
  show("corner", first.corner);
  show("origin", first.origin);
  first.ref = first.origin;
  first.tag[0] = 0xaa;
  first.tag[2] = 0x55;
  backing.tag[1] = 0x11;
  first.view = backing.tag;
  // Whole-struct copy.
  copy(second, first);
  first.origin.x = 9;
  first.tag[0] = 0x01;
  backing.tag[1] = 0x22;
  show("second.origin", second.origin);
  const r: Point | null = second.ref;
  if (r !== null) { printStr("second.ref "); printInt(r.x); printStr(","); printInt(r.y); printLn(); }
  printStr("second.tag "); printHex(second.tag); printLn();
  printStr("second.view "); printHex(second.view); printLn();
  // Reference assignment: both names see the same struct.
  let p: Point = second.corner;
  p.y = 42;
  show("second.corner", second.corner);
  p = second.origin;
  p.y = 43;
  show("second.origin", second.origin);
  show("second.corner", second.corner);
}
