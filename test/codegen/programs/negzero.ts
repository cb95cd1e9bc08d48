// -0: Node's integer arithmetic can produce it, C's cannot. What the subset
// accepts must agree: idiv() and f64ToI32() give 0, i32() of a value that
// may be -0 gives 0, and comparisons and printing do not see the sign.
import { i16, i32, f64, f64ToI32, idiv, printInt, printStr, printLn } from "../../../ts-src/rt/rt";

function neg(a: i16): i32 {
  return i32(-a);
}

function show(name: string, x: f64): void {
  printStr(name); printStr(" "); printInt(f64ToI32(x)); printLn();
}

export function main(): void {
  const zero: i16 = 0;
  const m1: i16 = -1;
  show("1/neg(0)", 1.0 / neg(0));
  show("1/idiv(0,-5)", 1.0 / idiv(0, -5));
  show("1/idiv(zero,m1)", 1.0 / idiv(zero, m1));
  show("1/i32(zero*m1)", 1.0 / i32(zero * m1));
  show("1/i32(-4*0%3)", 1.0 / i32((-4 * 0) % 3));
  show("1/f64ToI32(-0.5)", 1.0 / f64ToI32(-0.5));
  show("1/(zero*m1+1)", 1.0 / (zero * m1 + 1));
  printStr(zero * m1 === 0 ? "eq" : "ne"); printStr(" "); printInt(zero * m1); printStr(" "); printInt(-zero); printLn();
  printInt(idiv(-7, 2)); printStr(" "); printInt((-7) % 2); printStr(" "); printInt(neg(5)); printLn();
}
