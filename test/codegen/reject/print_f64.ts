// printInt takes integers: Node would print "1.5", C an integer.
import { printInt, f64 } from "../../../ts-src/rt/rt";

export function show(x: f64): void {
  printInt(x); //! printInt() prints integers; write printInt(f64ToI32(x))
}
