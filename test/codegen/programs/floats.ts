// f64: arithmetic, comparisons, implicit int -> f64, and saturating
// f64ToU32 / f64ToI32 (NaN, infinities, out of range, truncation toward zero).
import { f64, f64ToU32, f64ToI32, printInt, printStr, printLn, u32, i32 } from "../../../ts-src/rt/rt";

function half(x: f64): f64 {
  return x / 2;
}

function row(name: string, x: f64): void {
  printStr(name); printStr(" u "); printInt(f64ToU32(x)); printStr(" i "); printInt(f64ToI32(x)); printLn();
}

export function main(): void {
  const a: f64 = 1.5;
  const b: f64 = 2.25;
  const big: u32 = 0xffffffff;
  const neg: i32 = -7;
  const zero: f64 = 0;
  row("sum", a + b);
  row("x100", (a + b) * 100);
  row("diff", a - b);
  row("div", b / a);
  row("half", half(neg));
  row("big", big);
  row("big+1", big + 1.0);
  row("neg", neg);
  row("-3.99", -3.99);
  row("3.99", 3.99);
  row("0.5", 0.5);
  row("1e20", 1e20);
  row("-1e20", -1e20);
  row("inf", 1 / zero);
  row("-inf", -1 / zero);
  row("nan", zero / zero);
  row("2^31", 2147483648.0);
  row("-2^31-1", -2147483649.0);
  const third: f64 = 1 / 3.0;
  row("third*3e6", third * 3000000);
  printStr(a < b ? "lt" : "ge"); printStr(" "); printStr(a === 1.5 ? "eq" : "ne"); printLn();
  let acc: f64 = 0;
  for (let i: u32 = 0; i < 10; i++) acc = acc + 0.1;
  row("acc*1e9", acc * 1e9);
  printStr(acc === 1 ? "exact" : "inexact"); printLn();
  // NaN compares unequal to everything, itself included; -0 equals 0.
  const nan: f64 = zero / zero;
  const negZero: f64 = -0.0;
  printStr(nan !== nan ? "nan-ne " : "nan-eq "); printStr(nan < 1 || nan >= 1 ? "ordered " : "unordered ");
  printStr(negZero === zero ? "zero-eq " : "zero-ne "); printStr(0.1 + 0.2 === 0.3 ? "sum-eq" : "sum-ne"); printLn();
  row("1e22/1e13", 1e22 / 1e13);
  row("-0", negZero);
}
