// Conditions must be bool: an int is not truthy or falsy.
import { i32, u32, bool, printInt } from "../../../ts-src/rt/rt";

export function f(n: i32, m: u32): bool {
  if (n) printInt(1); //! the condition: expected bool, got i32; write a comparison (`x !== 0`, `x !== null`)
  while (m) m = u32(m - 1); //! the condition: expected bool, got u32; write a comparison (`x !== 0`, `x !== null`)
  return !n; //! `!` takes a bool, got i32; write `x === 0` or `x === null`
}
