// Assignments are statements, never values.
import { u32 } from "../../../ts-src/rt/rt";

export function f(): u32 {
  let a: u32 = 0;
  let b: u32 = 0;
  a = b = 7; //! assignment inside an expression is not in the subset; write it as its own statement
  return u32(a + b);
}
