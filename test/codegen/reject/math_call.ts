// Math.* is a library call: rejected.
import { i32 } from "../../../ts-src/rt/rt";

export function biggest(a: i32, b: i32): i32 {
  return Math.max(a, b); //! `Math.max()` is a library call, which is not in the subset; use the rt.ts intrinsics (u32(), idiv(), mul32(), f64ToU32(), printInt(), ...) or declare an extern function
}
