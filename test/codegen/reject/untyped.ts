// Every let, parameter, return and field needs an explicit type.
import { u8 } from "../../../ts-src/rt/rt";

class C {
  n = 0; //! field `n` has no type; write its type explicitly (e.g. `: u32`)
}

export function f(v: u8) { //! the function needs an explicit return type; write `: void` or the type
  return v;
}
