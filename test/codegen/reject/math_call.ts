// Math.* is a library call: rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function biggest(a: i32, b: i32): i32 {
  return Math.max(a, b); //! Math
}
