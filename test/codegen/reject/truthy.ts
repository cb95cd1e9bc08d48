// Conditions must be bool: an int is not truthy or falsy.
import { i32, u32, bool, printInt } from "../../../ts-src/rt/rt";

export function f(n: i32, m: u32): bool {
  if (n) printInt(1); //! bool
  while (m) m--; //! bool
  return !n; //! bool
}
