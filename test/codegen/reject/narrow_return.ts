// Returning a wider value than the declared return type is implicit narrowing.
import { u16, i32, u32 } from "../../../ts-src/rt/rt";

export function low(x: i32): u16 {
  return x; //! the returned value: implicit narrowing of a value in -2^31..2^31-1 to u16 (0..65535); write u16(x) to wrap, or widen the target type
}

export function sum(a: u32, b: u32): u32 {
  return a + b; //! the returned value: implicit narrowing of a value in 0..8589934590 to u32 (0..2^32-1); write u32(a + b) to wrap, or widen the target type
}
