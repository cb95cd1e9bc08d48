// Destructuring is rejected.
import { i32 } from "../../../ts-src/rt/rt";

class P {
  x: i32 = 1;
  y: i32 = 2;
}

const p = new P();

export function sum(): i32 {
  const { x, y } = p; //! destructuring is not in the subset; declare one variable per value
  return i32(x + y); //? `x` is not declared in a form the subset supports (see the diagnostic on its declaration)
  //? `y` is not declared in a form the subset supports (see the diagnostic on its declaration)
}
