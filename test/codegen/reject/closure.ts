// A nested function that captures a local: closures are rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function outer(): i32 {
  const base: i32 = 41;
  function inner(): i32 { return i32(base + 1); } //! nested functions are not in the subset (no closures); declare the function at the top level and pass user data as a Ptr
  return inner(); //? `inner` cannot be used as a value here; call it, or pass a top-level function name as a callback
}
