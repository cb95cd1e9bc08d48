// for..in is rejected.
import { u32 } from "../../../ts-src/rt/rt";

class Box {
  a: u32 = 0;
}

const box = new Box();

export function count(): u32 {
  let n: u32 = 0;
  for (const k in box) n++; //! `for..in` is not in the subset; objects are structs with fixed fields: access them by name
  return n;
}
