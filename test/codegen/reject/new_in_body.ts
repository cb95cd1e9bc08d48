// `new` in a function body is rejected: no heap in generated code.
import { i32 } from "../../../ts-src/rt/rt";

class Point {
  x: i32 = 0;
}

export function make(): Point {
  const p: Point = new Point(); //! new
  return p;
}
