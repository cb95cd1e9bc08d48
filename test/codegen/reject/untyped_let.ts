// A `let` needs an explicit type (only a `const` may take the initializer's).
import { u8 } from "../../../ts-src/rt/rt";

export function f(v: u8): u8 {
  let x = v; //! type
  x = v; //? not an assignable variable
  return x; //? not declared in a form
}
