// Passing a wider value to a narrower parameter is implicit narrowing.
import { u8, u16, i16, u32 } from "../../../ts-src/rt/rt";

function takesU8(v: u8): u8 { return v; }
function takesI16(v: i16): i16 { return v; }

export function f(x: u16, y: u32): void {
  takesU8(x); //! narrowing
  takesI16(x); //! narrowing
  takesU8(u8(y));
}
