// for..of is rejected: index the view with a counter.
import { Bytes, u32 } from "../../../ts-src/rt/rt";

export function sum(b: Bytes): u32 {
  let s: u32 = 0;
  for (const x of b) s += x; //! `for..of` is not in the subset; write `for (let i: u32 = 0; i < b.length; i++)`
  return s;
}
