// Expression forms that TypeScript narrows or types as plain values and that
// the subset accepts: function names in ?:, a call of a returned callback,
// `x !== null ? x : y` as a value of the non-null type, `if (x !== null) f(x)`,
// and a const local typed by a call that returns an integer alias.
import { printInt, printStr, printLn, i32, bool } from "../../../ts-src/rt/rt";

type PickOp = (a: i32, b: i32) => i32;

class Box {
  v: i32 = 0;
}

const a = new Box();
const b = new Box();

function add(x: i32, y: i32): i32 { return i32(x + y); }
function sub(x: i32, y: i32): i32 { return i32(x - y); }

function pick(plus: bool): PickOp {
  return plus ? add : sub;
}

function orElse(s: string | null, dflt: string): string {
  return s !== null ? s : dflt;
}

function orElse2(s: string | null, dflt: string): string {
  if (s !== null) return s;
  return dflt;
}

function weight(bx: Box): i32 {
  return bx.v;
}

function show(bx: Box): void {
  printStr("show "); printInt(bx.v); printLn();
}

function firstBox(p: Box | null, q: Box): Box {
  return p !== null ? p : q;
}

export function main(): void {
  printStr("pick "); printInt(pick(true)(10, 1)); printStr(" "); printInt(pick(false)(10, 1)); printLn();
  printStr(orElse(null, "dflt")); printStr(" "); printStr(orElse("given", "dflt")); printLn();
  a.v = 1;
  b.v = 2;
  printStr("box "); printInt(firstBox(null, b).v); printStr(" "); printInt(firstBox(a, b).v); printLn();
  const s: string = orElse(null, "x");
  printStr(s); printStr(orElse2("y", "z")); printLn();
  const maybe: Box | null = a.v === 1 ? a : null;
  if (maybe !== null) show(maybe);
  const wt = weight(a);
  printStr("weight "); printInt(wt); printLn();
}
