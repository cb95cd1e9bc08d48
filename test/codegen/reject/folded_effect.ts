// A comparison the ranges already decide is folded to a constant; with a side
// effect in an operand it is rejected instead of silently dropping the call.
import { u8, bool } from "../../../ts-src/rt/rt";

let calls: u8 = 0;

function next(): u8 {
  calls = u8(calls + 1);
  return calls;
}

export function f(): bool {
  return next() < 256; //! this comparison is always true for the operand ranges (0..255 vs 256..256); remove it or store the value in a wider variable first
}
