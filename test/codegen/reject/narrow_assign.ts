// Assigning a wider value is implicit narrowing.
import { u8, u32, i8, i32 } from "../../../ts-src/rt/rt";

export function f(big: u32, s: i32): void {
  let a: u8 = 0;
  a = big; //! narrowing
  const b: i8 = s; //! narrowing
  let c: u32 = 0;
  c = s; //! narrowing
  const d: u32 = -1; //! narrowing
  a = u8(a + c + d);
}
