// `new` in a function body is rejected: no heap in generated code.
import { i32 } from "../../../ts-src/rt/rt";

class Point {
  x: i32 = 0;
}

export function make(): Point {
  const p: Point = new Point(); //! `new` in a function body is not in the subset (no heap); declare the storage as a field initializer or a module-level `const x = new C();`
  return p;
}
