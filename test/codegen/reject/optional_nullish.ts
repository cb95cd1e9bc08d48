// `?.` and `??` on one line: both are reported.
import { i32 } from "../../../ts-src/rt/rt";

class Item {
  v: i32 = 0;
  next: Item | null = null;
}

const it = new Item();

export function f(): i32 {
  const nx: Item | null = it.next;
  return nx?.v ?? 0; //! optional chaining (`?.`) is not in the subset; check `x !== null` first
  //! `??` is not in the subset; write `x !== null ? x : y`
}
