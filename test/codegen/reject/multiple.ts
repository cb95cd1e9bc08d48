// All diagnostics are collected, not only the first one.
import { i32, bool } from "../../../ts-src/rt/rt";

export function a(x: i32, y: i32): bool {
  return x == y; //! `==` is not in the subset; write `===`
}

export function b(x: i32): string {
  return `${x}`; //! template strings are not in the subset of the library (app code has them: ts-src/app/app_fmt.ts); write a plain string literal and print the parts separately
}

export function c(x: i32, y: i32): i32 {
  return Math.min(x, y); //! `Math.min()` is a library call, which is not in the subset; use the rt.ts intrinsics (u32(), idiv(), mul32(), f64ToU32(), printInt(), ...) or declare an extern function
}

export function d(x: i32): i32 {
  return x / 3; //! `/` on integers is not in the subset (Node would give a fraction); write idiv(a, b), which truncates toward zero as C does
}
