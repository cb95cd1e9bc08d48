// Destructuring is rejected.
import { i32 } from "../../../ts-src/rt/rt";

class P {
  x: i32 = 1;
  y: i32 = 2;
}

const p = new P();

export function sum(): i32 {
  const { x, y } = p; //! destructuring
  return i32(x + y); //? not declared in a form
}
