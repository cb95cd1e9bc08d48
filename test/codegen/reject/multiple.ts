// All diagnostics are collected, not only the first one.
import { i32, bool } from "../../../ts-src/rt/rt";

export function a(x: i32, y: i32): bool {
  return x == y; //! ===
}

export function b(x: i32): string {
  return `${x}`; //! template
}

export function c(x: i32, y: i32): i32 {
  return Math.min(x, y); //! Math
}

export function d(x: i32): i32 {
  return x / 3; //! idiv
}
