// `|=` on a u32 gives an i32 (JS semantics): implicit narrowing. The hint must
// be code that compiles: the wrapped form of the plain assignment.
import { u32 } from "../../../ts-src/rt/rt";

export function setLow(w: u32): u32 {
  let x: u32 = w;
  x |= 0x1; //! the result of `x |= 0x1`: implicit narrowing of a value in -2^31..2^31-1 to u32 (0..2^32-1); write x = u32(x | 0x1) to wrap, or widen the target type
  return x;
}
