// Mixed signedness where C's usual conversions would change the value:
// ?: with an i32 and a u32 branch, min/max across types, negative case labels,
// a non-null function field with an initializer, copy() of array elements
// and a struct array inside a struct array.
import { structs, copy, printInt, printStr, printLn, u8, u16, u32, i8, i32, bool } from "../../../ts-src/rt/rt";

type Visit = (v: i32) => i32;

function twice(v: i32): i32 { return i32(v * 2); }
function negate(v: i32): i32 { return i32(0 - v); }

class Cell {
  v: i32 = 0;
  tag: u8 = 0;
}

class Row {
  cells: Cell[] = structs(3, Cell);
  visit: Visit = twice;
}

class Grid {
  rows: Row[] = structs(2, Row);
}

const grid = new Grid();
const snapshot = new Grid();

function pickVal(big: bool, a: u32, b: i32): void {
  printInt(big ? a : b); printStr(" ");
}

function sign(x: i32): string {
  switch (x) {
    case -2147483648: return "min";
    case -1: return "minus one";
    case 0: return "zero";
    default: return x < 0 ? "negative" : "positive";
  }
}

export function main(): void {
  const all: u32 = 0xffffffff;
  const m1: i32 = -1;
  pickVal(true, all, m1); pickVal(false, all, m1); printLn();
  const s8: i8 = -128;
  const w16: u16 = 65535;
  printStr("tern "); printInt(m1 < 0 ? s8 : w16); printStr(" "); printInt(m1 > 0 ? s8 : w16); printLn();
  const lo: i32 = all > m1 ? m1 : 0;
  printStr("lo "); printInt(lo); printLn();
  printStr(sign(-2147483648)); printStr(", "); printStr(sign(-1)); printStr(", "); printStr(sign(0)); printStr(", ");
  printStr(sign(-5)); printStr(", "); printStr(sign(5)); printLn();
  // Function-typed field with an initializer, replaced later.
  const r0: Row = grid.rows[0];
  const r1: Row = grid.rows[1];
  r1.visit = negate;
  for (let i: u32 = 0; i < 3; i++) {
    r0.cells[i].v = r0.visit(i32(i + 1));
    r0.cells[i].tag = u8(0xf0 + i);
    r1.cells[i].v = r1.visit(i32(i + 1));
  }
  copy(r1.cells[2], r0.cells[0]);
  r0.cells[0].v = 99;
  for (let y: u32 = 0; y < 2; y++) {
    for (let x: u32 = 0; x < 3; x++) {
      printInt(grid.rows[y].cells[x].v); printStr("/"); printInt(grid.rows[y].cells[x].tag); printStr(" ");
    }
    printLn();
  }
  // Whole-struct copy of nested struct arrays (and the function field in them).
  copy(snapshot, grid);
  grid.rows[1].cells[0].v = 1234;
  grid.rows[1].visit = twice;
  printStr("snapshot "); printInt(snapshot.rows[1].cells[0].v); printStr(" "); printInt(snapshot.rows[1].visit(10)); printLn();
  const same: bool = (m1 < 0) === (s8 < 0);
  printStr(same ? "same" : "differ"); printLn();
}
