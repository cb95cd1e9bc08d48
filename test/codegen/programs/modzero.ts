// `%` with a divisor whose range includes 0: JavaScript gives NaN, C would be
// undefined behaviour. Node and C must still agree (or the compiler must
// reject the expression and ask for a guard).
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
