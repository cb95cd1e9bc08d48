// An arrow function that reads a local of the enclosing function: a closure.
import { i32, Ptr } from "../../../ts-src/rt/rt";

type Cb = (ud: Ptr) => void;
let last: Cb | null = null;

function later(cb: Cb): void {
  last = cb;
}

export function arm(count: i32): void {
  const step: i32 = 2;
  later((ud: Ptr) => { if (count + step > 0) last = null; }); //! this function captures the local `count` (a closure); C has no closures: declare a top-level function and keep `count` in a module variable, or pass it in an object as the user data (Ptr)
}
