// Passing a wider value to a narrower parameter is implicit narrowing.
import { u8, u16, i16, u32 } from "../../../ts-src/rt/rt";

function takesU8(v: u8): u8 { return v; }
function takesI16(v: i16): i16 { return v; }

export function f(x: u16, y: u32): void {
  takesU8(x); //! argument `v` of takesU8(): implicit narrowing of a value in 0..65535 to u8 (0..255); write u8(x) to wrap, or widen the target type
  takesI16(x); //! argument `v` of takesI16(): implicit narrowing of a value in 0..65535 to i16 (-32768..32767); write i16(x) to wrap, or widen the target type
  takesU8(u8(y));
}
