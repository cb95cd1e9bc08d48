// Assigning a wider value is implicit narrowing.
import { u8, u32, i8, i32 } from "../../../ts-src/rt/rt";

export function f(big: u32, s: i32): void {
  let a: u8 = 0;
  a = big; //! the value assigned to `a`: implicit narrowing of a value in 0..2^32-1 to u8 (0..255); write u8(big) to wrap, or widen the target type
  const b: i8 = s; //! the initial value of `b`: implicit narrowing of a value in -2^31..2^31-1 to i8 (-128..127); write i8(s) to wrap, or widen the target type
  let c: u32 = 0;
  c = s; //! the value assigned to `c`: implicit narrowing of a value in -2^31..2^31-1 to u32 (0..2^32-1); write u32(s) to wrap, or widen the target type
  const d: u32 = -1; //! the initial value of `d`: implicit narrowing of a value in -1 to u32 (0..2^32-1); write u32(-1) to wrap, or widen the target type
  a = u8(a + c + d);
}
