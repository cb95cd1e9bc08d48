// A nested function that captures a local: closures are rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function outer(): i32 {
  const base: i32 = 41;
  function inner(): i32 { return i32(base + 1); } //! nested function
  return inner(); //? cannot be used as a value
}
