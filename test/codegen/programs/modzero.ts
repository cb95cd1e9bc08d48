// `%` with a divisor whose range includes 0: JavaScript gives NaN, and C
// (undefined behaviour for a plain %) must go through the runtime helper that
// gives 0, as codegen/SUBSET.md documents; the test expects 0 where Node says NaN.
import { printInt, printStr, printLn, i32, u32 } from "../../../ts-src/rt/rt";

function rem(a: u32, n: u32): u32 {
  return a % n;
}

export function main(): void {
  const zero: i32 = 0;
  const seven: i32 = 7;
  printStr("i32 "); printInt(seven % zero); printLn();
  printStr("u32 "); printInt(rem(7, 0)); printLn();
  printStr("guarded "); printInt(zero !== 0 ? seven % zero : 0); printLn();
}
