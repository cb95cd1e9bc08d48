// Returning a wider value than the declared return type is implicit narrowing.
import { u16, i32, u32 } from "../../../ts-src/rt/rt";

export function low(x: i32): u16 {
  return x; //! narrowing
}

export function sum(a: u32, b: u32): u32 {
  return a + b; //! narrowing
}
