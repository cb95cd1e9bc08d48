// Element access on a class instance (dynamic property access) is rejected.
import { i32 } from "../../../ts-src/rt/rt";

class Box {
  value: i32 = 0;
}

const box = new Box();

export function get(): i32 {
  return box["value"]; //! indexing Box is dynamic property access, which is not in the subset; use a field name, or a byte view / fixed array
}
