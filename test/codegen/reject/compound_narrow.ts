// `|=` on a u32 gives an i32 (JS semantics): implicit narrowing. The hint must
// be code that compiles: the wrapped form of the plain assignment.
import { u32 } from "../../../ts-src/rt/rt";

export function setLow(w: u32): u32 {
  let x: u32 = w;
  x |= 0x1; //! x = u32(x | 0x1)|x = (x | 0x1) >>> 0
  return x;
}
