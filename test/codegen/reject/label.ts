// Labels are rejected: use a flag or return.
import { u32 } from "../../../ts-src/rt/rt";

export function find(n: u32): u32 {
  let found: u32 = 0;
  outer: for (let i: u32 = 0; i < n; i++) { //! labels are not in the subset; use a flag or return from a helper function
    for (let j: u32 = 0; j < n; j++) {
      if (i + j === 7) { found = i; break outer; }
    }
  }
  return found;
}
