// A `let` needs an explicit type (only a `const` may take the initializer's).
import { u8 } from "../../../ts-src/rt/rt";

export function f(v: u8): u8 {
  let x = v; //! give `x` a type (`let x: u32 = ...`): only a const initialized from a call, field or variable may omit it
  x = v; //? `x` is not an assignable variable; assign to a local, a field or a module `let`
  return x;
}
