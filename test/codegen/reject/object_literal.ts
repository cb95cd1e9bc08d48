// Object literals are rejected (even where TypeScript accepts one for a class type): declare a module instance.
import { i32 } from "../../../ts-src/rt/rt";

class Pt {
  x: i32 = 0;
  y: i32 = 0;
}

export const origin: Pt = { x: 0, y: 0 }; //! object literal|own its storage

export function f(): i32 {
  const o: Pt = { x: 1, y: 2 }; //! object literal
  return o.x; //? not declared in a form
}
