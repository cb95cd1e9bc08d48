// == and != are rejected: use === and !==.
import { i32, bool } from "../../../ts-src/rt/rt";

export function same(a: i32, b: i32): bool {
  return a == b; //! `==` is not in the subset; write `===`
}

export function differ(a: i32, b: i32): bool {
  return a != b; //! `!=` is not in the subset; write `!==`
}
