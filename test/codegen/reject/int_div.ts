// / on integers is rejected: use idiv() (truncating, as C).
import { i32, u32 } from "../../../ts-src/rt/rt";

export function half(a: i32): i32 {
  return a / 2; //! `/` on integers is not in the subset (Node would give a fraction); write idiv(a, b), which truncates toward zero as C does
}

export function ratio(a: u32, b: u32): u32 {
  const r: u32 = a / b; //! `/` on integers is not in the subset (Node would give a fraction); write idiv(a, b), which truncates toward zero as C does
  return r;
}
