// throw is rejected: return an error code.
import { i32 } from "../../../ts-src/rt/rt";

export function check(v: i32): i32 {
  if (v < 0) throw 1; //! `throw` is not in the subset (no exceptions); return an error code or bool
  return v;
}
